//! Locations and contacts: rows that hang off a customer. They round-trip exactly, refuse a
//! missing customer, list per customer in (name, id) order, and version like customers.

use chrono::Timelike;
use ordinavo_domain::ids::{CustomerId, LocationId};
use ordinavo_persistence::contacts::{self, ContactFields};
use ordinavo_persistence::locations::{self, LocationFields};
use ordinavo_persistence::page::Limit;
use ordinavo_persistence::{StoreError, time};

use crate::support::{
    a_customer, assert_page_shape, contact_fields, fresh, location_fields, walk_pages,
};

#[tokio::test]
async fn a_location_reads_back_exactly_as_inserted() {
    let db = fresh().await;
    let customer = a_customer(&db, "Heron").await;
    let fields = LocationFields {
        name: "Entrepôt Nord".into(),
        address: "12 Quai de Jemmapes\nBâtiment B".into(),
        city: "Paris".into(),
        postal_code: "75010".into(),
        country: "FR".into(),
        timezone: "Europe/Paris".into(),
        internal_notes: Some("Key at the front desk".into()),
        routing_zone: Some("IDF-3".into()),
    };
    let before = time::now();

    let inserted = locations::insert(db.exec(), customer.id, &fields)
        .await
        .unwrap();
    let read = locations::get(db.exec(), inserted.id).await.unwrap();

    assert_eq!(read, inserted);
    assert_eq!(read.customer_id, customer.id);
    assert_eq!(read.fields, fields);
    assert_eq!(read.version, 1);
    assert_eq!(read.created_at, read.updated_at);
    assert!(read.created_at >= before);
    assert_eq!(read.created_at.nanosecond() % 1_000, 0);
}

#[tokio::test]
async fn a_location_of_a_customer_that_does_not_exist_is_a_missing_reference() {
    let db = fresh().await;

    let result = locations::insert(db.exec(), CustomerId::new(), &location_fields("Depot")).await;

    assert!(
        matches!(result, Err(StoreError::MissingReference)),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_location_with_a_lowercase_country_is_refused_on_every_backend() {
    let db = fresh().await;
    let customer = a_customer(&db, "Heron").await;
    let fields = LocationFields {
        country: "fr".into(),
        ..location_fields("Depot")
    };

    let result = locations::insert(db.exec(), customer.id, &fields).await;

    assert!(matches!(result, Err(StoreError::Other(_))), "{result:?}");
}

#[tokio::test]
async fn locations_listed_for_one_customer_are_only_that_customers_in_name_then_id_order() {
    let db = fresh().await;
    let heron = a_customer(&db, "Heron").await;
    let crane = a_customer(&db, "Crane").await;
    let mut herons = Vec::new();
    for name in ["Warehouse", "Depot", "Store", "Depot", "Annex"] {
        herons.push(
            locations::insert(db.exec(), heron.id, &location_fields(name))
                .await
                .unwrap(),
        );
        // Interleave another customer's rows with the same names.
        locations::insert(db.exec(), crane.id, &location_fields(name))
            .await
            .unwrap();
    }
    herons.sort_by_key(|l| (l.fields.name.clone(), l.id.into_uuid()));

    for limit in 1..=6_u32 {
        let pages = walk_pages(10, async |after| {
            locations::list(
                db.exec(),
                Some(heron.id),
                after.as_ref(),
                Limit::new(Some(limit)),
            )
            .await
            .unwrap()
        })
        .await;

        assert_page_shape(&pages, limit as usize, herons.len());
        let served: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
        assert_eq!(served, herons, "page size {limit}");
    }
}

#[tokio::test]
async fn locations_listed_without_a_customer_filter_are_everyones() {
    let db = fresh().await;
    let heron = a_customer(&db, "Heron").await;
    let crane = a_customer(&db, "Crane").await;
    let mut all = vec![
        locations::insert(db.exec(), heron.id, &location_fields("Depot"))
            .await
            .unwrap(),
        locations::insert(db.exec(), crane.id, &location_fields("Depot"))
            .await
            .unwrap(),
        locations::insert(db.exec(), crane.id, &location_fields("Annex"))
            .await
            .unwrap(),
    ];
    all.sort_by_key(|l| (l.fields.name.clone(), l.id.into_uuid()));

    let page = locations::list(db.exec(), None, None, Limit::default())
        .await
        .unwrap();
    let of_nobody = locations::list(db.exec(), Some(CustomerId::new()), None, Limit::default())
        .await
        .unwrap();

    assert_eq!(page.items, all);
    assert_eq!(page.next_cursor, None);
    assert!(of_nobody.items.is_empty());
    assert_eq!(of_nobody.next_cursor, None);
}

#[tokio::test]
async fn updating_a_location_bumps_its_version_and_a_stale_version_is_refused() {
    let db = fresh().await;
    let customer = a_customer(&db, "Heron").await;
    let original = locations::insert(db.exec(), customer.id, &location_fields("Depot"))
        .await
        .unwrap();
    let patch = LocationFields {
        name: "Main depot".into(),
        country: "DE".into(),
        timezone: "Europe/Berlin".into(),
        routing_zone: Some("BER-1".into()),
        ..location_fields("ignored")
    };

    let updated = locations::update(db.exec(), original.id, original.version, &patch)
        .await
        .unwrap();
    let stale = locations::update(db.exec(), original.id, original.version, &original.fields).await;
    let unknown = locations::update(db.exec(), LocationId::new(), 1, &patch).await;

    assert_eq!(updated.fields, patch);
    assert_eq!(updated.version, 2);
    assert_eq!(updated.created_at, original.created_at);
    assert!(updated.updated_at >= original.updated_at);
    assert!(matches!(stale, Err(StoreError::StaleVersion)), "{stale:?}");
    assert!(
        matches!(unknown, Err(StoreError::StaleVersion)),
        "{unknown:?}"
    );
    assert_eq!(
        locations::get(db.exec(), original.id).await.unwrap(),
        updated
    );
}

#[tokio::test]
async fn a_contact_reads_back_exactly_as_inserted() {
    let db = fresh().await;
    let customer = a_customer(&db, "Heron").await;
    let fields = ContactFields {
        name: "Camille Dupont".into(),
        email: Some("camille.dupont@heron.example".into()),
        phone: Some("+33 1 23 45 67 89".into()),
        role: Some("store manager".into()),
    };

    let inserted = contacts::insert(db.exec(), customer.id, &fields)
        .await
        .unwrap();
    let bare = contacts::insert(db.exec(), customer.id, &contact_fields("Alex"))
        .await
        .unwrap();

    let read = contacts::get(db.exec(), inserted.id).await.unwrap();
    assert_eq!(read, inserted);
    assert_eq!(read.fields, fields);
    assert_eq!(read.customer_id, customer.id);
    assert_eq!(read.version, 1);
    assert_eq!(read.created_at, read.updated_at);
    assert_eq!(read.created_at.nanosecond() % 1_000, 0);
    assert_eq!(contacts::get(db.exec(), bare.id).await.unwrap(), bare);
    assert_eq!(bare.fields, contact_fields("Alex"));
}

#[tokio::test]
async fn a_contact_of_a_customer_that_does_not_exist_is_a_missing_reference() {
    let db = fresh().await;

    let result = contacts::insert(db.exec(), CustomerId::new(), &contact_fields("Alex")).await;

    assert!(
        matches!(result, Err(StoreError::MissingReference)),
        "{result:?}"
    );
}

#[tokio::test]
async fn contacts_listed_for_one_customer_are_only_that_customers_in_name_then_id_order() {
    let db = fresh().await;
    let heron = a_customer(&db, "Heron").await;
    let crane = a_customer(&db, "Crane").await;
    let mut herons = Vec::new();
    for name in ["Morgan", "Alex", "Sam", "Alex"] {
        herons.push(
            contacts::insert(db.exec(), heron.id, &contact_fields(name))
                .await
                .unwrap(),
        );
        contacts::insert(db.exec(), crane.id, &contact_fields(name))
            .await
            .unwrap();
    }
    herons.sort_by_key(|c| (c.fields.name.clone(), c.id.into_uuid()));

    for limit in 1..=5_u32 {
        let pages = walk_pages(10, async |after| {
            contacts::list(
                db.exec(),
                Some(heron.id),
                after.as_ref(),
                Limit::new(Some(limit)),
            )
            .await
            .unwrap()
        })
        .await;

        assert_page_shape(&pages, limit as usize, herons.len());
        let served: Vec<_> = pages.into_iter().flat_map(|p| p.items).collect();
        assert_eq!(served, herons, "page size {limit}");
    }
    let everyone = contacts::list(db.exec(), None, None, Limit::default())
        .await
        .unwrap();
    assert_eq!(everyone.items.len(), 8);
}

#[tokio::test]
async fn updating_a_contact_bumps_its_version_and_a_stale_version_is_refused() {
    let db = fresh().await;
    let customer = a_customer(&db, "Heron").await;
    let original = contacts::insert(db.exec(), customer.id, &contact_fields("Alex"))
        .await
        .unwrap();
    let patch = ContactFields {
        name: "Alex Martin".into(),
        email: Some("alex@heron.example".into()),
        phone: None,
        role: Some("site lead".into()),
    };

    let updated = contacts::update(db.exec(), original.id, original.version, &patch)
        .await
        .unwrap();
    let stale = contacts::update(db.exec(), original.id, original.version, &patch).await;

    assert_eq!(updated.fields, patch);
    assert_eq!(updated.version, 2);
    assert_eq!(updated.created_at, original.created_at);
    assert!(matches!(stale, Err(StoreError::StaleVersion)), "{stale:?}");
    assert_eq!(
        contacts::get(db.exec(), original.id).await.unwrap(),
        updated
    );
}
