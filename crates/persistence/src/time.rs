//! Timestamps as the store keeps them: UTC, truncated to microseconds so a value written to
//! PostgreSQL (`timestamptz`, µs precision) or SQLite (RFC 3339 text) reads back identical.

use chrono::{DateTime, SubsecRound, Utc};

/// The current time at the precision both databases store.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Truncates any timestamp to the stored precision.
pub fn stored(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}
