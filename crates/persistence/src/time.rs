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

/// A timestamp later than any stored one, as the starting point of a newest-first keyset.
/// (Not `DateTime::MAX_UTC`: its RFC 3339 text begins with `+` and sorts first in SQLite.)
pub fn far_future() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap_or_default()
}

/// A timestamp earlier than any stored one, as the starting point of an oldest-first keyset.
pub fn far_past() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}
