//! Customers: exact round-trips, keyset pagination in (name, id) order, optimistic
//! concurrency and the external-reference unique constraint.

use chrono::Timelike;
use ordinavo_domain::ids::CustomerId;
use ordinavo_domain::roles::CustomerKind;
use ordinavo_persistence::customers::{self, CustomerFields};
use ordinavo_persistence::page::Limit;
use ordinavo_persistence::{StoreError, time};

use crate::support::{a_customer, assert_page_shape, customer_fields, fresh, walk_pages};

/// Names that sort the same under every collation (one leading capital, then lowercase ASCII
/// letters), inserted out of order, with one name used twice to exercise the id tie-breaker.
const NAMES: [&str; 9] = [
    "Kestrel",
    "Albatross",
    "Heron",
    "Crane",
    "Osprey",
    "Crane",
    "Bittern",
    "Gannet",
    "Merlin",
];

#[tokio::test]
async fn a_customer_reads_back_exactly_as_inserted_with_microsecond_timestamps() {
    let db = fresh().await;
    let fields = CustomerFields {
        name: "Albatross Logistique".into(),
        kind: CustomerKind::Partner,
        external_ref: Some("ERP-000042".into()),
        portal_enabled: false,
        attachments_enabled: true,
        internal_notes: Some("Pays late; call before dispatch.\nSecond line: ünïcødé ✓".into()),
        billing_account: Some("FR76 3000 6000 0112 3456 7890 189".into()),
    };
    let before = time::now();

    let inserted = customers::insert(db.exec(), &fields).await.unwrap();
    let after = time::now();
    let read = customers::get(db.exec(), inserted.id).await.unwrap();

    assert_eq!(read, inserted, "get returns exactly what insert returned");
    assert_eq!(read.fields(), fields, "every editable field round-trips");
    assert_eq!(read.version, 1);
    assert_eq!(read.created_at, read.updated_at);
    assert!(before <= read.created_at && read.created_at <= after);
    assert_eq!(
        read.created_at.nanosecond() % 1_000,
        0,
        "stored at µs precision"
    );
}

#[tokio::test]
async fn a_customer_with_the_opposite_booleans_and_no_optional_fields_reads_back_exactly() {
    let db = fresh().await;
    let fields = CustomerFields {
        name: "Bittern".into(),
        kind: CustomerKind::Customer,
        external_ref: None,
        portal_enabled: true,
        attachments_enabled: false,
        internal_notes: None,
        billing_account: None,
    };

    let inserted = customers::insert(db.exec(), &fields).await.unwrap();
    let read = customers::get(db.exec(), inserted.id).await.unwrap();

    assert_eq!(read, inserted);
    assert_eq!(read.fields(), fields);
}

#[tokio::test]
async fn customers_list_serves_every_row_exactly_once_in_name_then_id_order_for_every_page_size() {
    let db = fresh().await;
    let mut expected = Vec::new();
    for name in NAMES {
        expected.push(a_customer(&db, name).await);
    }
    expected.sort_by_key(|c| (c.name.clone(), c.id.into_uuid()));

    for limit in 1..=(NAMES.len() as u32 + 1) {
        let pages = walk_pages(NAMES.len() + 2, async |after| {
            customers::list(db.exec(), after.as_ref(), Limit::new(Some(limit)))
                .await
                .unwrap()
        })
        .await;

        assert_page_shape(&pages, limit as usize, NAMES.len());
        let served: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
        assert_eq!(served, expected, "page size {limit}");
    }
}

#[tokio::test]
async fn two_customers_with_the_same_name_straddling_a_page_boundary_are_both_served() {
    let db = fresh().await;
    let first = a_customer(&db, "Crane").await;
    let second = a_customer(&db, "Crane").await;
    let (low, high) = if first.id.into_uuid() < second.id.into_uuid() {
        (first, second)
    } else {
        (second, first)
    };

    let page_one = customers::list(db.exec(), None, Limit::new(Some(1)))
        .await
        .unwrap();
    let cursor = ordinavo_persistence::page::Cursor::<String>::decode(
        page_one
            .next_cursor
            .as_deref()
            .expect("a second page exists"),
    )
    .unwrap();
    let page_two = customers::list(db.exec(), Some(&cursor), Limit::new(Some(1)))
        .await
        .unwrap();

    assert_eq!(page_one.items, vec![low.clone()]);
    assert_eq!(cursor.key, "Crane");
    assert_eq!(cursor.id, low.id.into_uuid());
    assert_eq!(page_two.items, vec![high]);
    assert_eq!(page_two.next_cursor, None);
}

#[tokio::test]
async fn an_empty_customer_list_is_one_empty_page_without_a_cursor() {
    let db = fresh().await;

    let page = customers::list(db.exec(), None, Limit::default())
        .await
        .unwrap();

    assert!(page.items.is_empty());
    assert_eq!(page.next_cursor, None);
    assert_eq!(customers::count(db.exec()).await.unwrap(), 0);
}

#[tokio::test]
async fn customers_count_counts_every_customer() {
    let db = fresh().await;
    for name in NAMES {
        a_customer(&db, name).await;
    }

    let count = customers::count(db.exec()).await.unwrap();

    assert_eq!(count, NAMES.len() as i64);
}

#[tokio::test]
async fn updating_a_customer_at_its_current_version_writes_every_field_and_bumps_the_version() {
    let db = fresh().await;
    let original = a_customer(&db, "Heron").await;
    let patch = CustomerFields {
        name: "Heron Industries".into(),
        kind: CustomerKind::Partner,
        external_ref: Some("ERP-7".into()),
        portal_enabled: false,
        attachments_enabled: false,
        internal_notes: Some("renamed".into()),
        billing_account: Some("ACC-7".into()),
    };

    let updated = customers::update(db.exec(), original.id, original.version, &patch)
        .await
        .unwrap();
    let read = customers::get(db.exec(), original.id).await.unwrap();

    assert_eq!(read, updated);
    assert_eq!(read.fields(), patch);
    assert_eq!(read.version, original.version + 1);
    assert_eq!(
        read.created_at, original.created_at,
        "created_at never moves"
    );
    assert!(read.updated_at >= original.updated_at);
    assert_eq!(read.updated_at.nanosecond() % 1_000, 0);
}

#[tokio::test]
async fn updating_a_customer_at_a_stale_version_is_refused_and_changes_nothing() {
    let db = fresh().await;
    let original = a_customer(&db, "Heron").await;
    let current = customers::update(
        db.exec(),
        original.id,
        original.version,
        &customer_fields("Heron Two"),
    )
    .await
    .unwrap();

    let stale = customers::update(
        db.exec(),
        original.id,
        original.version,
        &customer_fields("Heron Three"),
    )
    .await;

    assert!(matches!(stale, Err(StoreError::StaleVersion)), "{stale:?}");
    assert_eq!(
        customers::get(db.exec(), original.id).await.unwrap(),
        current
    );
}

#[tokio::test]
async fn updating_an_unknown_customer_is_a_stale_version() {
    let db = fresh().await;

    let result =
        customers::update(db.exec(), CustomerId::new(), 1, &customer_fields("Ghost")).await;

    assert!(
        matches!(result, Err(StoreError::StaleVersion)),
        "{result:?}"
    );
}

#[tokio::test]
async fn two_customers_cannot_share_an_external_ref_and_the_conflict_names_the_constraint() {
    let db = fresh().await;
    let with_ref = |name: &str| CustomerFields {
        external_ref: Some("ERP-1".into()),
        ..customer_fields(name)
    };
    customers::insert(db.exec(), &with_ref("Heron"))
        .await
        .unwrap();

    let duplicate = customers::insert(db.exec(), &with_ref("Crane")).await;

    match duplicate {
        Err(StoreError::Conflict { constraint }) => {
            assert_eq!(constraint, customers::UQ_EXTERNAL_REF);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(customers::count(db.exec()).await.unwrap(), 1);
}

#[tokio::test]
async fn updating_a_customer_onto_a_taken_external_ref_is_the_same_conflict() {
    let db = fresh().await;
    customers::insert(
        db.exec(),
        &CustomerFields {
            external_ref: Some("ERP-1".into()),
            ..customer_fields("Heron")
        },
    )
    .await
    .unwrap();
    let other = a_customer(&db, "Crane").await;

    let result = customers::update(
        db.exec(),
        other.id,
        other.version,
        &CustomerFields {
            external_ref: Some("ERP-1".into()),
            ..other.fields()
        },
    )
    .await;

    assert!(
        result
            .as_ref()
            .is_err_and(|e| e.is_conflict_on(customers::UQ_EXTERNAL_REF)),
        "{result:?}"
    );
    assert_eq!(customers::get(db.exec(), other.id).await.unwrap(), other);
}

#[tokio::test]
async fn many_customers_may_have_no_external_ref() {
    let db = fresh().await;

    a_customer(&db, "Heron").await;
    a_customer(&db, "Crane").await;

    assert_eq!(customers::count(db.exec()).await.unwrap(), 2);
}
