//! The seam itself: connecting, migrating, pinging, and transactions that either commit as a
//! whole or leave nothing behind.

use ordinavo_domain::ids::{ContactId, CustomerId, LocationId, StaffUserId};
use ordinavo_persistence::customers::CustomerFields;
use ordinavo_persistence::{StoreError, contacts, customers, locations, run, staff_users};

use crate::support::{a_customer, customer_fields, expected_backend, fresh, location_fields};

#[tokio::test]
async fn a_fresh_database_answers_a_ping_on_the_backend_the_run_asked_for() {
    let db = fresh().await;

    let pinged = db.ping().await;

    pinged.expect("ping");
    assert_eq!(db.backend(), expected_backend());
    assert_eq!(db.exec().backend(), expected_backend());
}

#[tokio::test]
async fn migrating_an_already_migrated_database_again_changes_nothing() {
    let db = fresh().await;
    let applied_before = applied_migrations(&db).await;

    db.migrate().await.expect("second migrate");
    db.migrate().await.expect("third migrate");

    assert_eq!(applied_migrations(&db).await, applied_before);
    assert_eq!(
        applied_before,
        migration_files(db.backend()),
        "one row per file in migrations/<dialect>"
    );
    a_customer(&db, "Kestrel").await;
    assert_eq!(customers::count(db.exec()).await.unwrap(), 1);
}

/// The number of `.sql` files in this backend's migrations directory.
fn migration_files(backend: ordinavo_persistence::Backend) -> i64 {
    let dialect = match backend {
        ordinavo_persistence::Backend::Postgres => "postgres",
        ordinavo_persistence::Backend::Sqlite => "sqlite",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(dialect);
    let count = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    i64::try_from(count).unwrap()
}

async fn applied_migrations(db: &ordinavo_persistence::Db) -> i64 {
    run!(db.exec(), |c| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(c)
            .await
    })
    .unwrap()
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_leaves_nothing_behind() {
    let db = fresh().await;
    let mut tx = db.begin().await.unwrap();
    let customer = customers::insert(tx.exec(), &customer_fields("Heron"))
        .await
        .unwrap();
    let location = locations::insert(tx.exec(), customer.id, &location_fields("Depot"))
        .await
        .unwrap();
    assert_eq!(tx.backend(), expected_backend());
    assert_eq!(
        customers::get(tx.exec(), customer.id).await.unwrap(),
        customer,
        "a transaction sees its own writes"
    );

    drop(tx);

    assert!(matches!(
        customers::get(db.exec(), customer.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        locations::get(db.exec(), location.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(customers::count(db.exec()).await.unwrap(), 0);
}

#[tokio::test]
async fn a_committed_transaction_persists_every_write() {
    let db = fresh().await;
    let mut tx = db.begin().await.unwrap();
    let customer = customers::insert(tx.exec(), &customer_fields("Heron"))
        .await
        .unwrap();
    let location = locations::insert(tx.exec(), customer.id, &location_fields("Depot"))
        .await
        .unwrap();

    tx.commit().await.unwrap();

    assert_eq!(
        customers::get(db.exec(), customer.id).await.unwrap(),
        customer
    );
    assert_eq!(
        locations::get(db.exec(), location.id).await.unwrap(),
        location
    );
}

#[tokio::test]
async fn writes_of_an_open_transaction_are_invisible_outside_it_until_commit() {
    let db = fresh().await;
    let mut tx = db.begin().await.unwrap();
    let customer = customers::insert(tx.exec(), &customer_fields("Heron"))
        .await
        .unwrap();

    let seen_outside_before_commit = customers::count(db.exec()).await.unwrap();
    tx.commit().await.unwrap();
    let seen_outside_after_commit = customers::count(db.exec()).await.unwrap();

    assert_eq!(seen_outside_before_commit, 0);
    assert_eq!(seen_outside_after_commit, 1);
    assert_eq!(
        customers::get(db.exec(), customer.id).await.unwrap(),
        customer
    );
}

#[tokio::test]
async fn a_use_case_that_fails_half_way_and_is_dropped_leaves_nothing_behind() {
    let db = fresh().await;
    let existing = customers::insert(
        db.exec(),
        &CustomerFields {
            external_ref: Some("ERP-1".into()),
            ..customer_fields("Osprey")
        },
    )
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    let first = customers::insert(tx.exec(), &customer_fields("Gannet"))
        .await
        .unwrap();

    let second = customers::insert(
        tx.exec(),
        &CustomerFields {
            external_ref: Some("ERP-1".into()),
            ..customer_fields("Crane")
        },
    )
    .await;
    drop(tx);

    assert!(
        second
            .unwrap_err()
            .is_conflict_on(customers::UQ_EXTERNAL_REF)
    );
    assert!(matches!(
        customers::get(db.exec(), first.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(customers::count(db.exec()).await.unwrap(), 1);
    assert_eq!(
        customers::get(db.exec(), existing.id).await.unwrap(),
        existing
    );
}

#[tokio::test]
async fn getting_an_unknown_id_is_not_found_in_every_store() {
    let db = fresh().await;

    let customer = customers::get(db.exec(), CustomerId::new()).await;
    let location = locations::get(db.exec(), LocationId::new()).await;
    let contact = contacts::get(db.exec(), ContactId::new()).await;
    let staff = staff_users::get(db.exec(), StaffUserId::new()).await;

    assert!(
        matches!(customer, Err(StoreError::NotFound)),
        "{customer:?}"
    );
    assert!(
        matches!(location, Err(StoreError::NotFound)),
        "{location:?}"
    );
    assert!(matches!(contact, Err(StoreError::NotFound)), "{contact:?}");
    assert!(matches!(staff, Err(StoreError::NotFound)), "{staff:?}");
}

#[tokio::test]
async fn optional_turns_only_not_found_into_none() {
    use ordinavo_persistence::OptionalExt;
    let db = fresh().await;
    let known = a_customer(&db, "Heron").await;

    let missing = customers::get(db.exec(), CustomerId::new())
        .await
        .optional();
    let found = customers::get(db.exec(), known.id).await.optional();

    assert_eq!(missing.unwrap(), None);
    assert_eq!(found.unwrap(), Some(known));
}

#[tokio::test]
async fn the_bundled_sqlite_keeps_plans_stable_across_bindings_and_no_memory_statistics() {
    let db = fresh().await;
    if db.backend() != ordinavo_persistence::Backend::Sqlite {
        return;
    }

    let options = run!(db.exec(), |c| sqlx::query_scalar::<_, String>(
        "PRAGMA compile_options"
    )
    .fetch_all(c)
    .await)
    .expect("compile options");

    // Set by .cargo/config.toml (LIBSQLITE3_FLAGS); see bench/RESULTS.md for what each is
    // worth on the hot path.
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
}
