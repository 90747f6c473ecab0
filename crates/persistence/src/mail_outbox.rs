//! The mail outbox (internal only): mails are enqueued in the transaction of the change that
//! causes them, so a crash or an SMTP outage loses none; a worker sends them with retries.
//!
//! The life of a row:
//! 1. [`enqueue`] inserts it, due now (`next_attempt_at = created_at`).
//! 2. A worker [`claim_due`]s a batch: one statement sets `claimed_until` (the lease) on due,
//!    unsent, unleased rows and returns them. On PostgreSQL the inner SELECT locks with
//!    `FOR UPDATE SKIP LOCKED`, so concurrent claims from several api processes split the rows
//!    instead of queueing on them; SQLite serialises writers, so the single
//!    `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING` is already atomic. Either way a row is
//!    held by at most one worker while its lease runs.
//! 3. The worker reports the outcome with the lease it holds ([`mark_sent`], [`mark_retry`],
//!    [`mark_failed`], [`release`]). Each of those only touches the row while that lease is still
//!    the row's lease, so a worker that outlived its lease cannot overwrite another's result.
//!    If the worker crashes instead, the lease simply runs out and another worker sends it.
//!
//! A sent or permanently failed row keeps no usable one-time link: its payload is replaced by
//! `{}` (the payload of an invitation or reset mail holds the raw token).

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::OutboxId;
use ordinavo_domain::locale::Locale;
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::Backend;
use crate::error::StoreError;
use crate::{Exec, parse_enum, run, time};

/// A mail to send: a template name, the recipient's locale and the template's variables.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to_address: String,
    /// e.g. `portal_invitation`, `portal_password_reset`.
    pub template: &'static str,
    pub locale: Locale,
    /// The template's variables (may hold a one-time link until the mail is sent).
    pub payload: serde_json::Value,
}

/// Enqueues a mail, due now.
#[tracing::instrument(skip_all, fields(template = mail.template))]
pub async fn enqueue(ex: Exec<'_>, mail: &NewMail) -> Result<OutboxId, StoreError> {
    let id = Uuid::new_v4();
    let now = time::now();
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO mail_outbox (id, to_address, template, locale, payload, attempts, \
             next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(id)
        .bind(&mail.to_address)
        .bind(mail.template)
        .bind(mail.locale.as_str())
        .bind(Json(&mail.payload))
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(OutboxId::from_uuid(id))
}

/// A row a worker holds a lease on and is about to send.
///
/// `Debug` leaves the payload out: it may hold a one-time link.
#[derive(Clone)]
pub struct ClaimedMail {
    pub id: OutboxId,
    pub to_address: String,
    /// The template name as stored; the worker decides whether it knows it.
    pub template: String,
    pub locale: Locale,
    pub payload: serde_json::Value,
    /// Attempts made before this one.
    pub attempts: i64,
    /// The lease: the row's `claimed_until` as this claim set it. Pass it back to report the
    /// outcome; it is the proof that the row is still this worker's.
    pub lease_until: DateTime<Utc>,
}

impl std::fmt::Debug for ClaimedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimedMail")
            .field("id", &self.id)
            .field("template", &self.template)
            .field("locale", &self.locale)
            .field("attempts", &self.attempts)
            .field("lease_until", &self.lease_until)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: Uuid,
    to_address: String,
    template: String,
    locale: String,
    payload: Json<serde_json::Value>,
    attempts: i64,
}

/// The claim statement, with the one dialect difference as a literal fragment.
macro_rules! claim_sql {
    ($row_lock:literal) => {
        concat!(
            "UPDATE mail_outbox SET claimed_until = $2 \
             WHERE id IN (\
               SELECT id FROM mail_outbox \
               WHERE sent_at IS NULL AND next_attempt_at <= $1 AND attempts < $3 \
                 AND (claimed_until IS NULL OR claimed_until < $1) \
               ORDER BY next_attempt_at, id \
               LIMIT $4 ",
            $row_lock,
            ") AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $1) \
             RETURNING id, to_address, template, locale, payload, attempts"
        )
    };
}

/// The claim query of each backend. The named dialect fragment is the row lock of the inner
/// SELECT: PostgreSQL `FOR UPDATE SKIP LOCKED` (concurrent claims skip each other's rows, and a
/// row changed by a claim that committed meanwhile is re-checked against the WHERE clause);
/// nothing on SQLite, where the whole UPDATE runs under the database's single write lock.
const fn claim_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => claim_sql!("FOR UPDATE SKIP LOCKED"),
        Backend::Sqlite => claim_sql!(""),
    }
}

/// Claims up to `limit` mails due at `now` (unsent, fewer than `max_attempts` attempts, not
/// leased by anyone else at `now`), oldest due first, leasing them until `lease_until`.
#[tracing::instrument(skip_all, fields(limit, claimed))]
pub async fn claim_due(
    ex: Exec<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    max_attempts: i64,
    limit: i64,
) -> Result<Vec<ClaimedMail>, StoreError> {
    let now = time::stored(now);
    let lease_until = time::stored(lease_until);
    let sql = claim_sql(ex.backend());
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, ClaimRow>(sql)
            .bind(now)
            .bind(lease_until)
            .bind(max_attempts)
            .bind(limit)
            .fetch_all(c)
            .await
    })?;
    tracing::Span::current().record("claimed", rows.len());
    rows.into_iter()
        .map(|r| {
            Ok(ClaimedMail {
                id: OutboxId::from_uuid(r.id),
                to_address: r.to_address,
                template: r.template,
                locale: parse_enum(&r.locale)?,
                payload: r.payload.0,
                attempts: r.attempts,
                lease_until,
            })
        })
        .collect()
}

/// Records a successful send at `sent_at`, ends the lease and blanks the payload (`{}`), so no
/// one-time link stays in the database. Returns `false` when the lease was no longer this
/// worker's (the row is left alone).
#[tracing::instrument(skip_all)]
pub async fn mark_sent(
    ex: Exec<'_>,
    mail: &ClaimedMail,
    sent_at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = run!(ex, |c| {
        sqlx::query(
            "UPDATE mail_outbox SET sent_at = $3, claimed_until = NULL, payload = $4, \
             attempts = attempts + 1, last_error = NULL \
             WHERE id = $1 AND claimed_until = $2 AND sent_at IS NULL",
        )
        .bind(mail.id.as_uuid())
        .bind(mail.lease_until)
        .bind(time::stored(sent_at))
        .bind(Json(serde_json::json!({})))
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Records a failed attempt: one more attempt, the error, the next due time; ends the lease.
/// `error` must not contain the payload or a link. Returns `false` when the lease was lost.
#[tracing::instrument(skip_all)]
pub async fn mark_retry(
    ex: Exec<'_>,
    mail: &ClaimedMail,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<bool, StoreError> {
    let done = run!(ex, |c| {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $3, \
             last_error = $4, claimed_until = NULL \
             WHERE id = $1 AND claimed_until = $2 AND sent_at IS NULL",
        )
        .bind(mail.id.as_uuid())
        .bind(mail.lease_until)
        .bind(time::stored(next_attempt_at))
        .bind(error)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Gives up on a mail for good (unknown template, unusable payload or address, or retries
/// exhausted): `attempts` is set to `max_attempts` so no claim picks it up again, the error is
/// kept for staff, and the payload is blanked (`{}`) so its one-time link does not linger.
/// `error` must not contain the payload or a link. Returns `false` when the lease was lost.
#[tracing::instrument(skip_all)]
pub async fn mark_failed(
    ex: Exec<'_>,
    mail: &ClaimedMail,
    max_attempts: i64,
    error: &str,
) -> Result<bool, StoreError> {
    let done = run!(ex, |c| {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = $3, last_error = $4, claimed_until = NULL, \
             payload = $5 \
             WHERE id = $1 AND claimed_until = $2 AND sent_at IS NULL",
        )
        .bind(mail.id.as_uuid())
        .bind(mail.lease_until)
        .bind(max_attempts)
        .bind(error)
        .bind(Json(serde_json::json!({})))
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Hands a claimed mail back untouched (e.g. the worker is stopping or its lease is nearly
/// over), so the next claim may take it at once instead of waiting for the lease to run out.
#[tracing::instrument(skip_all)]
pub async fn release(ex: Exec<'_>, mail: &ClaimedMail) -> Result<bool, StoreError> {
    let done = run!(ex, |c| {
        sqlx::query(
            "UPDATE mail_outbox SET claimed_until = NULL \
             WHERE id = $1 AND claimed_until = $2 AND sent_at IS NULL",
        )
        .bind(mail.id.as_uuid())
        .bind(mail.lease_until)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// One outbox row as stored, for operators and tests.
///
/// `Debug` leaves the payload out: it may hold a one-time link.
#[derive(Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: Uuid,
    pub to_address: String,
    pub template: String,
    pub locale: String,
    pub payload: Json<serde_json::Value>,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for OutboxRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxRow")
            .field("id", &self.id)
            .field("template", &self.template)
            .field("locale", &self.locale)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("claimed_until", &self.claimed_until)
            .field("sent_at", &self.sent_at)
            .field("last_error", &self.last_error)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// One outbox row by id.
#[tracing::instrument(skip_all)]
pub async fn find(ex: Exec<'_>, id: OutboxId) -> Result<OutboxRow, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, OutboxRow>(
            "SELECT id, to_address, template, locale, payload, attempts, next_attempt_at, \
             claimed_until, sent_at, last_error, created_at FROM mail_outbox WHERE id = $1",
        )
        .bind(id.as_uuid())
        .fetch_one(c)
        .await
    })?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_postgres_claims_with_skip_locked() {
        assert!(claim_sql(Backend::Postgres).contains("LIMIT $4 FOR UPDATE SKIP LOCKED)"));
        assert!(!claim_sql(Backend::Sqlite).contains("FOR UPDATE"));
        assert_eq!(
            claim_sql(Backend::Postgres).replace("FOR UPDATE SKIP LOCKED", ""),
            claim_sql(Backend::Sqlite)
        );
    }
}
