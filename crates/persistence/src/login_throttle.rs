//! Sign-in throttling shared by every api process (internal only): failures counted per key
//! (`portal:<email>`, `staff:<email>`) in a sliding window, and a temporary lockout after too
//! many. Keys are the typed email whether or not an account exists, so a lockout reveals
//! nothing about which emails are registered.

use chrono::{DateTime, Duration, Utc};

use crate::error::StoreError;
use crate::{Exec, run, time};

/// When the key is locked out until, if it is locked at `now`.
#[tracing::instrument(skip_all)]
pub async fn locked_until(ex: Exec<'_>, key: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let now = time::now();
    let until = run!(ex, |c| {
        sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "SELECT locked_until FROM login_throttle WHERE key = $1 AND locked_until > $2",
        )
        .bind(key)
        .bind(now)
        .fetch_optional(c)
        .await
    })?;
    Ok(until.flatten())
}

/// Counts one failure for `key`; after `max_failures` within `window` the key is locked for
/// `lockout`. Returns the lock's end when this failure locked it (or it already was).
#[tracing::instrument(skip_all)]
pub async fn record_failure(
    ex: Exec<'_>,
    key: &str,
    max_failures: i64,
    window: Duration,
    lockout: Duration,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let now = time::now();
    let until = run!(ex, |c| {
        sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "INSERT INTO login_throttle (key, failures, window_started_at, locked_until) \
             VALUES ($1, 1, $2, $6) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 \
                               ELSE login_throttle.failures + 1 END, \
               window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2 \
                                        ELSE login_throttle.window_started_at END, \
               locked_until = CASE \
                 WHEN (CASE WHEN login_throttle.window_started_at < $3 THEN 1 \
                            ELSE login_throttle.failures + 1 END) >= CAST($4 AS BIGINT) THEN $5 \
                 ELSE login_throttle.locked_until END \
             RETURNING locked_until",
        )
        .bind(key)
        .bind(now)
        .bind(now - window)
        .bind(max_failures)
        .bind(now + lockout)
        .bind((max_failures <= 1).then(|| now + lockout))
        .fetch_one(c)
        .await
    })?;
    Ok(until.filter(|u| *u > now))
}

/// Forgets the failures of `key` (after a successful sign-in).
#[tracing::instrument(skip_all)]
pub async fn clear(ex: Exec<'_>, key: &str) -> Result<(), StoreError> {
    run!(ex, |c| {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
