//! The portal's hot path (`appointments::portal_list`): the plan each backend chooses reads one
//! range of the covering index per granted location (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN
//! on SQLite), and the page it serves is the merge of those ranges — the grant-scoped,
//! never-tentative, keyset-ordered list, identical on both backends.

use chrono::Duration;
use ordinavo_domain::appointment::AppointmentStatus;
use ordinavo_domain::ids::{AppointmentId, LocationId, PortalUserId, TargetId};
use ordinavo_domain::work_item::WorkItemStatus;
use ordinavo_persistence::appointments::{self, ListCaller, PortalFilter};
use ordinavo_persistence::bulk::{self, BulkAppointment, BulkTarget};
use ordinavo_persistence::page::{Cursor, Limit};
use ordinavo_persistence::targets::Priority;

use ordinavo_domain::PortalUserStatus;
use ordinavo_domain::locale::Locale;
use ordinavo_persistence::portal_scope::SessionKey;
use ordinavo_persistence::sessions::{self, NewSession};
use ordinavo_persistence::{Backend, grants, locations, portal_users, time};
use uuid::Uuid;

use crate::support::{a_customer, fresh, location_fields, new_grant, new_portal_user};

/// Ten locations, a user granted three of them, and `per_location` appointments at each
/// location starting every hour from two hours ago (the first one is over, every fifth one is
/// tentative).
async fn arranged(
    per_location: usize,
) -> (
    crate::support::TestDb,
    ordinavo_domain::ids::PortalUserId,
    Vec<LocationId>,
) {
    let db = fresh().await;
    let customer = a_customer(&db, "Plover").await;
    let mut sites = Vec::new();
    for i in 0..10 {
        let l = locations::insert(db.exec(), customer.id, &location_fields(&format!("S{i}")))
            .await
            .unwrap();
        sites.push(l.id);
    }
    let user = portal_users::insert(db.exec(), &new_portal_user("hot@x.example"))
        .await
        .unwrap();
    let grant = grants::insert(db.exec(), &new_grant(user, customer.id))
        .await
        .unwrap();
    for site in &sites[..3] {
        grants::add_location(db.exec(), grant, *site).await.unwrap();
    }
    let targets: Vec<BulkTarget> = sites
        .iter()
        .map(|site| BulkTarget {
            id: TargetId::new(),
            customer_id: customer.id,
            location_id: *site,
            title: "Visit".into(),
            status: WorkItemStatus::Planned,
            priority: Priority::Normal,
        })
        .collect();
    bulk::insert_targets(db.exec(), &targets).await.unwrap();
    let start = time::now() - Duration::hours(2);
    let mut rows = Vec::new();
    for t in &targets {
        for k in 0..per_location {
            let starts_at = start + Duration::hours(i64::try_from(k).unwrap());
            rows.push(BulkAppointment {
                id: AppointmentId::new(),
                target_id: t.id,
                location_id: t.location_id,
                starts_at,
                ends_at: starts_at + Duration::minutes(90),
                status: if k % 5 == 4 {
                    AppointmentStatus::Tentative
                } else {
                    AppointmentStatus::Scheduled
                },
            });
        }
    }
    bulk::insert_appointments(db.exec(), &rows).await.unwrap();
    bulk::analyze(&db).await.unwrap();
    (db, user, sites)
}

#[tokio::test]
async fn the_hot_path_reads_one_covering_index_range_per_granted_location() {
    let (db, user, _) = arranged(300).await;

    let plan = appointments::explain_portal_list(
        db.exec(),
        ListCaller::FeedOwner(user),
        Limit::new(Some(50)),
        false,
    )
    .await
    .unwrap()
    .join("\n");

    assert!(
        plan.contains("ix_appointments_location_id_starts_at_id_covering"),
        "{plan}"
    );
    match db.backend() {
        Backend::Postgres => {
            // One bounded scan per granted location, merged by a top-n sort.
            assert!(plan.contains("Limit"), "{plan}");
            assert!(plan.contains("Index Cond: ((location_id = "), "{plan}");
            assert!(!plan.contains("Seq Scan on appointments"), "{plan}");
        }
        Backend::Sqlite => {
            assert!(
                plan.contains(
                    "SEARCH ap USING COVERING INDEX ix_appointments_location_id_starts_at_id_covering \
                     (location_id=? AND (starts_at,id)>(?,?) AND starts_at<?)"
                ),
                "{plan}"
            );
            assert!(!plan.contains("SCAN ap"), "{plan}");
        }
    }
}

#[tokio::test]
async fn the_hot_path_merges_the_granted_locations_in_start_order_without_tentative_ones() {
    let (db, user, sites) = arranged(12).await;

    let mut served = Vec::new();
    let mut after: Option<Cursor<chrono::DateTime<chrono::Utc>>> = None;
    loop {
        let page = appointments::portal_list(
            db.exec(),
            ListCaller::FeedOwner(user),
            &PortalFilter::default(),
            after.as_ref(),
            Limit::new(Some(7)),
        )
        .await
        .unwrap()
        .unwrap()
        .page;
        served.extend(page.items);
        match page.next_cursor {
            Some(next) => after = Some(Cursor::decode(&next).unwrap()),
            None => break,
        }
    }

    // 3 granted locations x 12, minus the 2 tentative ones each and the one already over.
    assert_eq!(served.len(), 3 * (12 - 2 - 1));
    assert!(served.iter().all(|a| sites[..3].contains(&a.location_id)));
    assert!(
        served
            .iter()
            .all(|a| a.status != AppointmentStatus::Tentative)
    );
    assert!(
        served
            .windows(2)
            .all(|w| (w[0].starts_at, w[0].id) < (w[1].starts_at, w[1].id)),
        "keyset order"
    );
    let one = appointments::portal_list(
        db.exec(),
        ListCaller::FeedOwner(user),
        &PortalFilter {
            location_id: Some(sites[1]),
            ..PortalFilter::default()
        },
        None,
        Limit::new(Some(100)),
    )
    .await
    .unwrap()
    .unwrap()
    .page;
    assert_eq!(one.items.len(), 12 - 2 - 1);
    let outside = appointments::portal_list(
        db.exec(),
        ListCaller::FeedOwner(user),
        &PortalFilter {
            location_id: Some(sites[9]),
            ..PortalFilter::default()
        },
        None,
        Limit::new(Some(100)),
    )
    .await
    .unwrap()
    .unwrap()
    .page;
    assert!(outside.items.is_empty());
}

/// A session of `user` as a sign-in makes it, and the key an access token would carry.
async fn signed_in(db: &crate::support::TestDb, user: PortalUserId) -> (SessionKey, Uuid) {
    let session = sessions::insert(
        db.exec(),
        &NewSession {
            portal_user_id: user,
            family_id: None,
            refresh_hash: &format!("hash-{}", Uuid::new_v4()),
            expires_at: time::now() + Duration::hours(1),
            user_agent: None,
            created_ip: None,
        },
    )
    .await
    .unwrap();
    let version = portal_users::get(db.exec(), user)
        .await
        .unwrap()
        .token_version;
    (
        SessionKey {
            user,
            session: session.id,
            token_version: version,
        },
        session.family_id,
    )
}

async fn page_for(
    db: &crate::support::TestDb,
    key: SessionKey,
    filter: &PortalFilter,
) -> Option<appointments::CallerPage> {
    appointments::portal_list(
        db.exec(),
        ListCaller::Session(key),
        filter,
        None,
        Limit::new(Some(50)),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_hot_path_checks_session_user_and_token_version_in_the_same_statement() {
    let (db, user, sites) = arranged(4).await;
    let (key, family) = signed_in(&db, user).await;

    let served = page_for(&db, key, &PortalFilter::default()).await.unwrap();
    assert_eq!(served.locale, Locale::Fr);
    assert_eq!(served.page.items.len(), 3 * (4 - 1));

    // A caller who may act but has nothing there gets an empty page, not a refusal.
    let elsewhere = PortalFilter {
        location_id: Some(sites[9]),
        ..PortalFilter::default()
    };
    let empty = page_for(&db, key, &elsewhere).await.unwrap();
    assert!(empty.page.items.is_empty() && empty.page.next_cursor.is_none());

    let stale = SessionKey {
        token_version: key.token_version + 1,
        ..key
    };
    assert!(
        page_for(&db, stale, &PortalFilter::default())
            .await
            .is_none()
    );
    let unknown = SessionKey {
        session: Uuid::new_v4(),
        ..key
    };
    assert!(
        page_for(&db, unknown, &PortalFilter::default())
            .await
            .is_none()
    );

    sessions::revoke_family(db.exec(), family).await.unwrap();
    assert!(page_for(&db, key, &PortalFilter::default()).await.is_none());

    let (again, _) = signed_in(&db, user).await;
    assert!(
        page_for(&db, again, &PortalFilter::default())
            .await
            .is_some()
    );
    portal_users::set_status(db.exec(), user, PortalUserStatus::Disabled)
        .await
        .unwrap();
    // Disabling also moved the token version on; the old version with the new status is
    // refused too.
    assert!(
        page_for(&db, again, &PortalFilter::default())
            .await
            .is_none()
    );
    let current = SessionKey {
        token_version: again.token_version + 1,
        ..again
    };
    assert!(
        page_for(&db, current, &PortalFilter::default())
            .await
            .is_none()
    );
    assert!(
        appointments::portal_list(
            db.exec(),
            ListCaller::FeedOwner(user),
            &PortalFilter::default(),
            None,
            Limit::new(Some(50)),
        )
        .await
        .unwrap()
        .is_none(),
        "a disabled user's calendar feed serves nothing"
    );
}
