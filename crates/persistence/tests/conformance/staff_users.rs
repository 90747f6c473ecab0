//! Staff users: exact round-trips, lookup by email, password-hash replacement and the
//! email unique constraint.

use chrono::Timelike;
use ordinavo_domain::ids::StaffUserId;
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::page::Limit;
use ordinavo_persistence::staff_users::{self, NewStaffUser};
use ordinavo_persistence::{StoreError, time};

use crate::support::{assert_page_shape, fresh, new_staff_user, walk_pages};

#[tokio::test]
async fn a_staff_user_reads_back_exactly_by_id_and_by_email() {
    let db = fresh().await;
    let new = NewStaffUser {
        email: "ada@ordinavo.example".into(),
        name: "Ada Admin".into(),
        role: StaffRole::Admin,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
    };
    let before = time::now();

    let inserted = staff_users::insert(db.exec(), &new).await.unwrap();
    let by_id = staff_users::get(db.exec(), inserted.id).await.unwrap();
    let by_email = staff_users::find_by_email(db.exec(), &new.email)
        .await
        .unwrap();

    assert_eq!(by_id, inserted);
    assert_eq!(by_email, inserted);
    assert_eq!(by_id.email, new.email);
    assert_eq!(by_id.name, new.name);
    assert_eq!(by_id.role, StaffRole::Admin);
    assert_eq!(by_id.password_hash, new.password_hash);
    assert!(by_id.active, "a new staff user is active");
    assert_eq!(by_id.version, 1);
    assert_eq!(by_id.created_at, by_id.updated_at);
    assert!(by_id.created_at >= before);
    assert_eq!(by_id.created_at.nanosecond() % 1_000, 0);
}

#[tokio::test]
async fn a_staff_user_without_a_password_reads_back_without_one() {
    let db = fresh().await;

    let inserted = staff_users::insert(db.exec(), &new_staff_user("dana@ordinavo.example"))
        .await
        .unwrap();

    let read = staff_users::get(db.exec(), inserted.id).await.unwrap();
    assert_eq!(read, inserted);
    assert_eq!(read.password_hash, None);
    assert_eq!(read.role, StaffRole::Dispatcher);
}

#[tokio::test]
async fn finding_a_staff_user_by_an_unknown_email_is_not_found() {
    let db = fresh().await;
    staff_users::insert(db.exec(), &new_staff_user("dana@ordinavo.example"))
        .await
        .unwrap();

    let result = staff_users::find_by_email(db.exec(), "nobody@ordinavo.example").await;

    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

#[tokio::test]
async fn two_staff_users_cannot_share_an_email_and_the_conflict_names_the_constraint() {
    let db = fresh().await;
    staff_users::insert(db.exec(), &new_staff_user("dana@ordinavo.example"))
        .await
        .unwrap();

    let duplicate = staff_users::insert(
        db.exec(),
        &NewStaffUser {
            role: StaffRole::Manager,
            ..new_staff_user("dana@ordinavo.example")
        },
    )
    .await;

    match duplicate {
        Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, staff_users::UQ_EMAIL),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn setting_a_password_hash_replaces_it_and_bumps_the_version() {
    let db = fresh().await;
    let original = staff_users::insert(db.exec(), &new_staff_user("dana@ordinavo.example"))
        .await
        .unwrap();

    staff_users::set_password_hash(db.exec(), original.id, "$argon2id$new")
        .await
        .unwrap();
    let read = staff_users::find_by_email(db.exec(), "dana@ordinavo.example")
        .await
        .unwrap();

    assert_eq!(read.password_hash.as_deref(), Some("$argon2id$new"));
    assert_eq!(read.version, original.version + 1);
    assert_eq!(read.created_at, original.created_at);
    assert!(read.updated_at >= original.updated_at);
    assert_eq!(read.updated_at.nanosecond() % 1_000, 0);
    assert_eq!(
        (read.email, read.name, read.role, read.active),
        (
            original.email,
            original.name,
            original.role,
            original.active
        )
    );
}

#[tokio::test]
async fn setting_the_password_hash_of_an_unknown_staff_user_is_not_found() {
    let db = fresh().await;

    let result = staff_users::set_password_hash(db.exec(), StaffUserId::new(), "$argon2id$x").await;

    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

#[tokio::test]
async fn staff_users_list_serves_every_row_exactly_once_in_email_order() {
    let db = fresh().await;
    let mut expected = Vec::new();
    for email in [
        "mia@ordinavo.example",
        "ada@ordinavo.example",
        "zoe@ordinavo.example",
        "bob@ordinavo.example",
    ] {
        expected.push(
            staff_users::insert(db.exec(), &new_staff_user(email))
                .await
                .unwrap(),
        );
    }
    expected.sort_by_key(|u| (u.email.clone(), u.id.into_uuid()));

    for limit in 1..=5_u32 {
        let pages = walk_pages(10, async |after| {
            staff_users::list(db.exec(), after.as_ref(), Limit::new(Some(limit)))
                .await
                .unwrap()
        })
        .await;

        assert_page_shape(&pages, limit as usize, expected.len());
        let served: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
        assert_eq!(served, expected, "page size {limit}");
    }
}
