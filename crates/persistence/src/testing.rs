//! Test support shared by every crate's tests: a fresh, migrated database per test — a temp
//! SQLite file by default, a new PostgreSQL database when `TEST_DATABASE_URL` is set.

use std::path::Path;

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use uuid::Uuid;

use crate::db::{ConnectOptions, Db};
use crate::error::StoreError;

/// Databases created for tests start with this prefix, so a cleanup can find them all.
pub const TEST_DATABASE_PREFIX: &str = "ordinavo_test_";

/// The URL of a brand-new empty database for one test. With `TEST_DATABASE_URL` set (any
/// database on the server, e.g. `postgres://postgres@127.0.0.1:5432/postgres`) a database named
/// `ordinavo_test_<random>` is created there; otherwise a SQLite file inside `dir`.
pub async fn fresh_database_url(dir: &Path) -> Result<String, StoreError> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(server) if !server.trim().is_empty() => {
            let name = format!("{TEST_DATABASE_PREFIX}{}", Uuid::new_v4().simple());
            let mut admin = PgConnection::connect(&server).await?;
            // The name is our own prefix and a hex uuid: nothing from input reaches this SQL.
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            let mut url = url::Url::parse(&server).map_err(StoreError::other)?;
            url.set_path(&name);
            Ok(url.to_string())
        }
        _ => Ok(format!(
            "sqlite://{}?mode=rwc",
            dir.join(format!("test-{}.db", Uuid::new_v4().simple()))
                .display()
        )),
    }
}

/// A fresh database, connected and migrated.
pub async fn fresh_db(dir: &Path) -> Result<Db, StoreError> {
    let url = fresh_database_url(dir).await?;
    let db = Db::connect(
        &url,
        &ConnectOptions {
            max_connections: 8,
            ..ConnectOptions::default()
        },
    )
    .await?;
    db.migrate().await?;
    Ok(db)
}
