//! Abuse resistance for sign-in and token endpoints: per-process `governor` limits per IP and
//! per account as a first line (429 + `Retry-After`), and the database-backed lockout
//! (10 failures → 15 minutes) that holds across api processes.

use std::num::NonZeroU32;
use std::time::Duration;

use chrono::Utc;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ordinavo_persistence::{Db, login_throttle};

use crate::error::ApiError;

/// Failed sign-ins of one account before it is locked.
pub const MAX_FAILURES: i64 = 10;
/// How long failures are remembered.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

/// The rate-limited actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Refresh,
    PasswordReset,
    InvitationAccept,
}

/// Per-IP and per-account limiters of every action (memory only, per process).
#[derive(Debug)]
pub struct Limiters {
    per_ip: DefaultKeyedRateLimiter<(Action, String)>,
    per_account: DefaultKeyedRateLimiter<(Action, String)>,
}

const fn nz(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(v) => v,
        None => NonZeroU32::MIN,
    }
}

impl Default for Limiters {
    fn default() -> Self {
        Self {
            // An office behind one NAT signs in together: generous per IP.
            per_ip: RateLimiter::keyed(Quota::per_minute(nz(60)).allow_burst(nz(30))),
            // One account: a person retrying a few times, not a guessing script.
            per_account: RateLimiter::keyed(Quota::per_minute(nz(10)).allow_burst(nz(10))),
        }
    }
}

impl Limiters {
    /// Admits one attempt of `action` from `ip` (and for `account`, when named), or answers
    /// 429 with the wait in `Retry-After`.
    pub fn check(
        &self,
        action: Action,
        ip: Option<&str>,
        account: Option<&str>,
    ) -> Result<(), ApiError> {
        let clock = DefaultClock::default();
        let ip_key = (action, ip.unwrap_or("unknown").to_string());
        if let Err(not_until) = self.per_ip.check_key(&ip_key) {
            return Err(too_many(not_until.wait_time_from(clock.now())));
        }
        if let Some(account) = account {
            let key = (action, account.to_lowercase());
            if let Err(not_until) = self.per_account.check_key(&key) {
                return Err(too_many(not_until.wait_time_from(clock.now())));
            }
        }
        Ok(())
    }

    /// Drops state of keys that are back to full quota (called periodically).
    pub fn shrink(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

fn too_many(wait: Duration) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_seconds: wait.as_secs().max(1),
    }
}

/// Refuses the attempt when `key` is locked out (shared across processes).
pub async fn ensure_not_locked(db: &Db, key: &str) -> Result<(), ApiError> {
    match login_throttle::locked_until(db.exec(), key).await? {
        Some(until) => Err(ApiError::TooManyRequests {
            retry_after_seconds: seconds_until(until),
        }),
        None => Ok(()),
    }
}

/// Counts a failed attempt for `key`; `Some(429)` when that locked it.
pub async fn record_failure(db: &Db, key: &str) -> Result<Option<ApiError>, ApiError> {
    let locked = login_throttle::record_failure(
        db.exec(),
        key,
        MAX_FAILURES,
        chrono::Duration::minutes(FAILURE_WINDOW_MINUTES),
        chrono::Duration::minutes(LOCKOUT_MINUTES),
    )
    .await?;
    Ok(locked.map(|until| ApiError::TooManyRequests {
        retry_after_seconds: seconds_until(until),
    }))
}

fn seconds_until(until: chrono::DateTime<Utc>) -> u64 {
    u64::try_from((until - Utc::now()).num_seconds())
        .unwrap_or(1)
        .max(1)
}
