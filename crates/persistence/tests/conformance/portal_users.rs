//! Portal users: exact round-trips through the sign-in lookup, the contact link and the email
//! unique constraint.

use chrono::Timelike;
use ordinavo_domain::ids::ContactId;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::PortalUserStatus;
use ordinavo_persistence::portal_users::{self, NewPortalUser};
use ordinavo_persistence::{StoreError, contacts, time};

use crate::support::{a_customer, contact_fields, fresh, new_portal_user};

#[tokio::test]
async fn a_portal_user_reads_back_exactly_by_email_with_its_contact_link() {
    let db = fresh().await;
    let customer = a_customer(&db, "Heron").await;
    let contact = contacts::insert(db.exec(), customer.id, &contact_fields("Camille"))
        .await
        .unwrap();
    let new = NewPortalUser {
        email: "camille@heron.example".into(),
        display_name: "Camille Dupont".into(),
        locale: Locale::De,
        status: PortalUserStatus::Active,
        password_hash: Some("$argon2id$hash".into()),
        contact_id: Some(contact.id),
    };
    let before = time::now();

    let id = portal_users::insert(db.exec(), &new).await.unwrap();
    let after = time::now();
    let read = portal_users::find_by_email(db.exec(), &new.email)
        .await
        .unwrap();

    assert_eq!(read.id, id);
    assert_eq!(read.email, new.email);
    assert_eq!(read.display_name, new.display_name);
    assert_eq!(read.locale, Locale::De);
    assert_eq!(read.status, PortalUserStatus::Active);
    assert_eq!(read.password_hash, new.password_hash);
    assert_eq!(read.contact_id, Some(contact.id));
    assert!(before <= read.created_at && read.created_at <= after);
    assert_eq!(read.created_at.nanosecond() % 1_000, 0);
}

#[tokio::test]
async fn an_invited_portal_user_reads_back_without_password_or_contact() {
    let db = fresh().await;
    let new = NewPortalUser {
        status: PortalUserStatus::Invited,
        locale: Locale::En,
        password_hash: None,
        contact_id: None,
        ..new_portal_user("invitee@heron.example")
    };

    let id = portal_users::insert(db.exec(), &new).await.unwrap();
    let read = portal_users::find_by_email(db.exec(), &new.email)
        .await
        .unwrap();

    assert_eq!(read.id, id);
    assert_eq!(read.status, PortalUserStatus::Invited);
    assert_eq!(read.locale, Locale::En);
    assert_eq!(read.password_hash, None);
    assert_eq!(read.contact_id, None);
}

#[tokio::test]
async fn two_portal_users_cannot_share_an_email_and_the_conflict_names_the_constraint() {
    let db = fresh().await;
    portal_users::insert(db.exec(), &new_portal_user("pat@heron.example"))
        .await
        .unwrap();

    let duplicate = portal_users::insert(
        db.exec(),
        &NewPortalUser {
            status: PortalUserStatus::Disabled,
            ..new_portal_user("pat@heron.example")
        },
    )
    .await;

    match duplicate {
        Err(StoreError::Conflict { constraint }) => {
            assert_eq!(constraint, portal_users::UQ_EMAIL);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn a_portal_user_linked_to_a_contact_that_does_not_exist_is_a_missing_reference() {
    let db = fresh().await;

    let result = portal_users::insert(
        db.exec(),
        &NewPortalUser {
            contact_id: Some(ContactId::new()),
            ..new_portal_user("pat@heron.example")
        },
    )
    .await;

    assert!(
        matches!(result, Err(StoreError::MissingReference)),
        "{result:?}"
    );
}

#[tokio::test]
async fn finding_a_portal_user_by_an_unknown_email_is_not_found() {
    let db = fresh().await;
    portal_users::insert(db.exec(), &new_portal_user("pat@heron.example"))
        .await
        .unwrap();

    let result = portal_users::find_by_email(db.exec(), "someone@heron.example").await;

    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}
