//! Portal grants: what a portal user may see. A selected-locations grant only ever lists
//! locations of its own customer, and `for_user` reads every grant back with its locations.

use chrono::{Duration, TimeZone, Timelike, Utc};
use ordinavo_domain::ids::{CustomerId, GrantId, LocationId, PortalUserId, StaffUserId};
use ordinavo_persistence::grants::{self, Grant, NewGrant};
use ordinavo_persistence::{Db, StoreError, locations, portal_users, run, staff_users, time};

use crate::support::{
    a_customer, fresh, location_fields, new_grant, new_portal_user, new_staff_user,
};

async fn a_portal_user(db: &Db, email: &str) -> PortalUserId {
    portal_users::insert(db.exec(), &new_portal_user(email))
        .await
        .unwrap()
}

async fn a_location(db: &Db, customer: CustomerId, name: &str) -> LocationId {
    locations::insert(db.exec(), customer, &location_fields(name))
        .await
        .unwrap()
        .id
}

async fn grant_location_rows(db: &Db) -> i64 {
    run!(db.exec(), |c| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM portal_grant_locations")
            .fetch_one(c)
            .await
    })
    .unwrap()
}

#[tokio::test]
async fn grants_of_a_user_read_back_oldest_first_with_their_listed_locations() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let someone_else = a_portal_user(&db, "sam@heron.example").await;
    let heron = a_customer(&db, "Heron").await;
    let crane = a_customer(&db, "Crane").await;
    let depot = a_location(&db, heron.id, "Depot").await;
    let _annex = a_location(&db, heron.id, "Annex").await;
    let store = a_location(&db, heron.id, "Store").await;
    let staff = staff_users::insert(db.exec(), &new_staff_user("dana@ordinavo.example"))
        .await
        .unwrap();
    let expires_at = time::stored(Utc.with_ymd_and_hms(2031, 5, 17, 8, 30, 0).unwrap())
        + Duration::microseconds(123_456);
    let selected = NewGrant {
        all_locations: false,
        can_submit_requests: true,
        can_view_reports: false,
        can_download_attachments: true,
        expires_at: Some(expires_at),
        created_by: Some(staff.id),
        ..new_grant(user, heron.id)
    };
    let everything = NewGrant {
        all_locations: true,
        can_submit_requests: false,
        can_view_reports: true,
        can_download_attachments: false,
        expires_at: None,
        created_by: None,
        ..new_grant(user, crane.id)
    };
    let before = time::now();
    let selected_id = grants::insert(db.exec(), &selected).await.unwrap();
    grants::add_location(db.exec(), selected_id, store)
        .await
        .unwrap();
    grants::add_location(db.exec(), selected_id, depot)
        .await
        .unwrap();
    let everything_id = grants::insert(db.exec(), &everything).await.unwrap();
    grants::insert(db.exec(), &new_grant(someone_else, heron.id))
        .await
        .unwrap();
    let after = time::now();

    let read = grants::for_user(db.exec(), user).await.unwrap();

    assert_eq!(read.len(), 2, "only this user's grants: {read:?}");
    let mut sorted = read.clone();
    sorted.sort_by_key(|g| (g.created_at, g.id.into_uuid()));
    assert_eq!(read, sorted, "oldest first, id as tie-breaker");
    let got_selected = read.iter().find(|g| g.id == selected_id).unwrap();
    let got_everything = read.iter().find(|g| g.id == everything_id).unwrap();
    let mut listed = vec![depot, store];
    listed.sort_by_key(|l| l.into_uuid());
    assert_eq!(
        got_selected,
        &Grant {
            id: selected_id,
            portal_user_id: user,
            customer_id: heron.id,
            all_locations: false,
            location_ids: listed,
            can_submit_requests: true,
            can_view_reports: false,
            can_download_attachments: true,
            expires_at: Some(expires_at),
            created_at: got_selected.created_at,
        }
    );
    assert_eq!(
        got_everything,
        &Grant {
            id: everything_id,
            portal_user_id: user,
            customer_id: crane.id,
            all_locations: true,
            location_ids: vec![],
            can_submit_requests: false,
            can_view_reports: true,
            can_download_attachments: false,
            expires_at: None,
            created_at: got_everything.created_at,
        }
    );
    for g in &read {
        assert!(before <= g.created_at && g.created_at <= after);
        assert_eq!(g.created_at.nanosecond() % 1_000, 0);
    }
}

#[tokio::test]
async fn a_user_without_grants_has_none() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;

    let read = grants::for_user(db.exec(), user).await.unwrap();

    assert!(read.is_empty());
}

#[tokio::test]
async fn adding_a_location_of_another_customer_to_a_grant_is_not_found_and_adds_nothing() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let heron = a_customer(&db, "Heron").await;
    let crane = a_customer(&db, "Crane").await;
    let _herons_depot = a_location(&db, heron.id, "Depot").await;
    let cranes_depot = a_location(&db, crane.id, "Depot").await;
    let grant = grants::insert(db.exec(), &new_grant(user, heron.id))
        .await
        .unwrap();

    let result = grants::add_location(db.exec(), grant, cranes_depot).await;

    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    assert_eq!(grant_location_rows(&db).await, 0);
    let read = grants::for_user(db.exec(), user).await.unwrap();
    assert_eq!(read.len(), 1);
    assert!(read[0].location_ids.is_empty());
}

#[tokio::test]
async fn adding_a_location_to_an_unknown_grant_or_an_unknown_location_is_not_found() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let heron = a_customer(&db, "Heron").await;
    let depot = a_location(&db, heron.id, "Depot").await;
    let grant = grants::insert(db.exec(), &new_grant(user, heron.id))
        .await
        .unwrap();

    let unknown_grant = grants::add_location(db.exec(), GrantId::new(), depot).await;
    let unknown_location = grants::add_location(db.exec(), grant, LocationId::new()).await;

    assert!(
        matches!(unknown_grant, Err(StoreError::NotFound)),
        "{unknown_grant:?}"
    );
    assert!(
        matches!(unknown_location, Err(StoreError::NotFound)),
        "{unknown_location:?}"
    );
    assert_eq!(grant_location_rows(&db).await, 0);
}

#[tokio::test]
async fn a_user_holds_at_most_one_grant_per_customer_and_the_conflict_names_the_constraint() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let other_user = a_portal_user(&db, "sam@heron.example").await;
    let heron = a_customer(&db, "Heron").await;
    let crane = a_customer(&db, "Crane").await;
    grants::insert(db.exec(), &new_grant(user, heron.id))
        .await
        .unwrap();

    let duplicate = grants::insert(
        db.exec(),
        &NewGrant {
            all_locations: true,
            ..new_grant(user, heron.id)
        },
    )
    .await;
    let same_user_other_customer = grants::insert(db.exec(), &new_grant(user, crane.id)).await;
    let other_user_same_customer =
        grants::insert(db.exec(), &new_grant(other_user, heron.id)).await;

    match duplicate {
        Err(StoreError::Conflict { constraint }) => {
            assert_eq!(constraint, grants::UQ_USER_CUSTOMER);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    same_user_other_customer.unwrap();
    other_user_same_customer.unwrap();
    assert_eq!(grants::for_user(db.exec(), user).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_grant_for_a_portal_user_or_customer_that_does_not_exist_is_a_missing_reference() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let heron = a_customer(&db, "Heron").await;

    let no_user = grants::insert(db.exec(), &new_grant(PortalUserId::new(), heron.id)).await;
    let no_customer = grants::insert(db.exec(), &new_grant(user, CustomerId::new())).await;
    let no_staff = grants::insert(
        db.exec(),
        &NewGrant {
            created_by: Some(StaffUserId::new()),
            ..new_grant(user, heron.id)
        },
    )
    .await;

    assert!(
        matches!(no_user, Err(StoreError::MissingReference)),
        "{no_user:?}"
    );
    assert!(
        matches!(no_customer, Err(StoreError::MissingReference)),
        "{no_customer:?}"
    );
    assert!(
        matches!(no_staff, Err(StoreError::MissingReference)),
        "{no_staff:?}"
    );
    assert!(grants::for_user(db.exec(), user).await.unwrap().is_empty());
}

/// PostgreSQL names the primary key itself; SQLite only names the columns, so `error.rs` must
/// map them to the same name.
#[tokio::test]
async fn adding_the_same_location_to_a_grant_twice_is_the_same_conflict_on_every_backend() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let heron = a_customer(&db, "Heron").await;
    let depot = a_location(&db, heron.id, "Depot").await;
    let grant = grants::insert(db.exec(), &new_grant(user, heron.id))
        .await
        .unwrap();
    grants::add_location(db.exec(), grant, depot).await.unwrap();

    let again = grants::add_location(db.exec(), grant, depot).await;

    match again {
        Err(StoreError::Conflict { constraint }) => {
            assert_eq!(constraint, grants::PK_GRANT_LOCATION);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(grant_location_rows(&db).await, 1);
}

/// PostgreSQL keeps microseconds; SQLite keeps whatever text it is given, so the store must
/// truncate caller-supplied timestamps (`time::stored`) for both to read back alike.
#[tokio::test]
async fn a_grant_expiry_finer_than_a_microsecond_reads_back_at_the_stored_precision() {
    let db = fresh().await;
    let user = a_portal_user(&db, "pat@heron.example").await;
    let heron = a_customer(&db, "Heron").await;
    let expires_at =
        Utc.with_ymd_and_hms(2031, 5, 17, 8, 30, 0).unwrap() + Duration::nanoseconds(123_456_789);

    grants::insert(
        db.exec(),
        &NewGrant {
            expires_at: Some(expires_at),
            ..new_grant(user, heron.id)
        },
    )
    .await
    .unwrap();
    let read = grants::for_user(db.exec(), user).await.unwrap();

    assert_eq!(read[0].expires_at, Some(time::stored(expires_at)));
}
