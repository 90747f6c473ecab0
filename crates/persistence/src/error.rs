//! Store errors: what a caller can act on (`NotFound`, `Conflict`, `StaleVersion`), and
//! everything else as `Other`, which the API logs and answers as a bare 500.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The row does not exist (or is outside the caller's scope: the two look the same).
    #[error("not found")]
    NotFound,
    /// A named unique or foreign-key constraint rejected the write. On PostgreSQL this is the
    /// constraint's own name; SQLite does not report names, so there it is derived from the
    /// failing columns as `uq_<table>_<column>[_<column>…]` — the naming rule the migrations
    /// follow — with the few other names mapped explicitly. Same name on both backends.
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// An optimistic-concurrency check failed: the row changed since the caller read it.
    #[error("stale version")]
    StaleVersion,
    /// A referenced row does not exist (foreign-key violation).
    #[error("referenced row missing")]
    MissingReference,
    /// Anything else: connection trouble, a corrupt value. Never shown to clients.
    #[error("store error: {0}")]
    Other(String),
}

impl StoreError {
    pub fn other(e: impl std::fmt::Display) -> Self {
        StoreError::Other(e.to_string())
    }

    /// True when this is a unique-constraint conflict on `constraint`.
    pub fn is_conflict_on(&self, constraint: &str) -> bool {
        matches!(self, StoreError::Conflict { constraint: c } if c == constraint)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => {
                if db.is_unique_violation() {
                    let constraint = db
                        .constraint()
                        .map(str::to_owned)
                        .or_else(|| sqlite_unique_name(db.message()))
                        .unwrap_or_else(|| "unknown".into());
                    StoreError::Conflict { constraint }
                } else if db.is_foreign_key_violation() {
                    StoreError::MissingReference
                } else {
                    StoreError::Other(db.to_string())
                }
            }
            other => StoreError::Other(other.to_string()),
        }
    }
}

/// Derives `uq_<table>_<cols>` from SQLite's "UNIQUE constraint failed: t.a, t.b" message.
fn sqlite_unique_name(message: &str) -> Option<String> {
    let cols = message.strip_prefix("UNIQUE constraint failed: ")?;
    let mut table = None;
    let mut names = Vec::new();
    for part in cols.split(", ") {
        let (t, c) = part.split_once('.')?;
        table.get_or_insert(t);
        names.push(c);
    }
    let derived = format!("uq_{}_{}", table?, names.join("_"));
    // The constraints whose names do not spell out their columns (see the migrations).
    Some(match derived.as_str() {
        "uq_portal_grants_portal_user_id_customer_id" => "uq_portal_grants_user_customer".into(),
        "uq_portal_grant_locations_grant_id_location_id" => "pk_portal_grant_locations".into(),
        "uq_service_requests_submitted_by_idempotency_key" => {
            "uq_service_requests_idempotency".into()
        }
        _ => derived,
    })
}

/// Turns "no row" into `Ok(None)` for lookups that may legitimately miss.
pub trait OptionalExt<T> {
    fn optional(self) -> Result<Option<T>, StoreError>;
}

impl<T> OptionalExt<T> for Result<T, StoreError> {
    fn optional(self) -> Result<Option<T>, StoreError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_unique_message_becomes_the_conventional_constraint_name() {
        assert_eq!(
            sqlite_unique_name("UNIQUE constraint failed: staff_users.email").as_deref(),
            Some("uq_staff_users_email")
        );
        assert_eq!(
            sqlite_unique_name(
                "UNIQUE constraint failed: portal_grants.portal_user_id, portal_grants.customer_id"
            )
            .as_deref(),
            Some("uq_portal_grants_user_customer")
        );
        assert_eq!(sqlite_unique_name("CHECK constraint failed: x"), None);
    }
}
