//! The store seam: one `Db` over PostgreSQL or SQLite, one `Exec` to run a query on a pool or
//! inside a transaction, and the `run!` macro that expands ONE SQL text for each native driver.
//!
//! sqlx's `Any` driver cannot carry `uuid`, `timestamptz` or SQLite booleans, so every query is
//! written once and compiled twice, against `Postgres` and `Sqlite`, by [`run!`]. Both drivers
//! accept `$1, $2 …` placeholders, so the SQL text is shared verbatim.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::error::StoreError;

/// Runs one query body against whichever backend an [`Exec`] points at.
///
/// The body is expanded once per driver (pool and connection of each), so it must only use
/// `$c` once, as the executor of a single sqlx call:
/// `run!(ex, |c| sqlx::query_as::<_, Row>("… $1 …").bind(id).fetch_one(c).await)`.
#[macro_export]
macro_rules! run {
    ($ex:expr, |$c:ident| $body:expr) => {
        match $ex {
            $crate::Exec::PgPool($c) => $body,
            $crate::Exec::SqlitePool($c) => $body,
            $crate::Exec::Pg($c) => $body,
            $crate::Exec::Sqlite($c) => $body,
        }
    };
}

/// Which database a [`Db`] talks to; used for the few named dialect fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A connection pool on one of the two supported databases.
#[derive(Debug, Clone)]
pub enum Db {
    Pg(PgPool),
    Sqlite(SqlitePool),
}

/// Where a query runs: a pool (autocommit) or the connection of an open transaction.
#[derive(Debug)]
pub enum Exec<'a> {
    PgPool(&'a PgPool),
    SqlitePool(&'a SqlitePool),
    Pg(&'a mut PgConnection),
    Sqlite(&'a mut SqliteConnection),
}

/// An open transaction on either backend. Dropping it without [`Tx::commit`] rolls back, so a
/// use case that fails half-way leaves nothing behind.
#[derive(Debug)]
pub enum Tx {
    Pg(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

/// Pool sizing and SQLite file options; defaults suit the embedded single-process run.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// Create the SQLite file (and nothing else) when it does not exist yet.
    pub create_if_missing: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            create_if_missing: true,
        }
    }
}

/// How long a pooled connection may sit idle before it is checked on its way out again.
pub const PING_AFTER_IDLE: Duration = Duration::from_secs(30);

/// The pool's check of a connection it hands out: a ping (one round trip to the server) only
/// when the connection has been idle for [`PING_AFTER_IDLE`] — the ones a database restart,
/// a failover or a firewall's idle timeout may have cut. sqlx's default pings on EVERY
/// acquire, which doubled the round trips of each request (bench/RESULTS.md); a connection
/// that breaks while busy fails its query and is discarded by the pool either way.
async fn ping_if_idle<C: sqlx::Connection>(
    conn: &mut C,
    meta: sqlx::pool::PoolConnectionMetadata,
) -> Result<bool, sqlx::Error> {
    if meta.idle_for >= PING_AFTER_IDLE {
        conn.ping().await?;
    }
    Ok(true)
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

impl Db {
    /// Opens a pool for a `postgres://` / `postgresql://` or `sqlite:` URL and checks that the
    /// database answers. SQLite runs in WAL mode with foreign keys on and a busy timeout.
    #[tracing::instrument(skip_all, fields(backend))]
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Self, StoreError> {
        let db = if is_postgres_url(url) {
            tracing::Span::current().record("backend", "postgres");
            let opts = PgConnectOptions::from_str(url).map_err(StoreError::other)?;
            let pool = PgPoolOptions::new()
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                .max_connections(options.max_connections)
                .acquire_timeout(options.acquire_timeout)
                .connect_with(opts)
                .await
                .map_err(StoreError::other)?;
            Db::Pg(pool)
        } else if url.starts_with("sqlite:") {
            tracing::Span::current().record("backend", "sqlite");
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(StoreError::other)?
                .create_if_missing(options.create_if_missing)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Rows travel from the connection's thread through a bounded channel: room
                // for a whole page (at most 101 rows) lets the thread finish without waiting.
                .row_buffer_size(128);
            let in_memory = is_sqlite_memory_url(url);
            let mut pool = SqlitePoolOptions::new()
                .test_before_acquire(false)
                .before_acquire(|conn, meta| Box::pin(ping_if_idle(conn, meta)))
                .acquire_timeout(options.acquire_timeout);
            pool = if in_memory {
                // An in-memory database lives as long as its one connection: keep exactly one.
                pool.max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                pool.max_connections(options.max_connections)
            };
            Db::Sqlite(pool.connect_with(opts).await.map_err(StoreError::other)?)
        } else {
            return Err(StoreError::Other(
                "unsupported database URL scheme (expected postgres:// or sqlite:)".into(),
            ));
        };
        Ok(db)
    }

    /// Applies every pending migration of this backend's dialect.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Pg(p) => POSTGRES_MIGRATOR.run(p).await,
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await,
        }
        .map_err(StoreError::other)
    }

    /// Answers whether the database responds to a trivial query (used by `/readyz`).
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> Result<(), StoreError> {
        run!(self.exec(), |c| sqlx::query("SELECT 1")
            .execute(c)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Pg(_) => Backend::Postgres,
            Db::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// An executor that runs each query in its own autocommit statement.
    pub fn exec(&self) -> Exec<'_> {
        match self {
            Db::Pg(p) => Exec::PgPool(p),
            Db::Sqlite(p) => Exec::SqlitePool(p),
        }
    }

    /// Starts a transaction; one use case, one transaction.
    ///
    /// On SQLite the transaction takes the write lock up front (`BEGIN IMMEDIATE`): a deferred
    /// transaction that reads and then writes fails with `SQLITE_BUSY` instead of waiting when
    /// another writer committed in between; taking the lock first lets the busy timeout queue
    /// concurrent use cases instead. PostgreSQL uses its default (READ COMMITTED) with
    /// conditional updates deciding races.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Pg(p) => Tx::Pg(p.begin().await?),
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
        })
    }

    /// Closes every connection of the pool (waits for checked-out ones to come back).
    pub async fn close(&self) {
        match self {
            Db::Pg(p) => p.close().await,
            Db::Sqlite(p) => p.close().await,
        }
    }
}

impl Tx {
    /// An executor bound to this transaction's connection.
    pub fn exec(&mut self) -> Exec<'_> {
        match self {
            Tx::Pg(t) => Exec::Pg(&mut *t),
            Tx::Sqlite(t) => Exec::Sqlite(&mut *t),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Pg(_) => Backend::Postgres,
            Tx::Sqlite(_) => Backend::Sqlite,
        }
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Pg(t) => t.commit().await?,
            Tx::Sqlite(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Exec<'_> {
    pub fn backend(&self) -> Backend {
        match self {
            Exec::PgPool(_) | Exec::Pg(_) => Backend::Postgres,
            Exec::SqlitePool(_) | Exec::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// A second executor on the same pool or transaction connection, for store functions
    /// that run more than one statement.
    pub fn reborrow(&mut self) -> Exec<'_> {
        match self {
            Exec::PgPool(p) => Exec::PgPool(p),
            Exec::SqlitePool(p) => Exec::SqlitePool(p),
            Exec::Pg(c) => Exec::Pg(c),
            Exec::Sqlite(c) => Exec::Sqlite(c),
        }
    }
}

/// True for `postgres://` and `postgresql://` URLs.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// True for SQLite URLs that name an in-memory database (`sqlite::memory:`, `mode=memory`).
pub fn is_sqlite_memory_url(url: &str) -> bool {
    url.starts_with("sqlite:") && (url.contains(":memory:") || url.contains("mode=memory"))
}

/// A database URL safe to log: the password, if any, is replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // set_password only fails for URLs that cannot carry one; then hide everything.
            if parsed.set_password(Some("***")).is_ok() {
                parsed.to_string()
            } else {
                "<redacted>".into()
            }
        }
        Ok(_) => url.to_string(),
        Err(_) => "<unparseable database URL>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_url_hides_the_password_but_keeps_the_host() {
        let shown = redact_url("postgres://app:s3cret@db.example:5432/ordinavo");
        assert!(!shown.contains("s3cret"));
        assert!(shown.contains("db.example"));
    }

    #[test]
    fn memory_urls_are_recognised() {
        assert!(is_sqlite_memory_url("sqlite::memory:"));
        assert!(is_sqlite_memory_url("sqlite://x.db?mode=memory"));
        assert!(!is_sqlite_memory_url("sqlite://data/ordinavo.db"));
        assert!(!is_sqlite_memory_url("postgres://h/db"));
    }
}
