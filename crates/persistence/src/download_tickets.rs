//! One-time download tickets (`download_tickets`): how a browser link downloads one file
//! without a bearer header. Only the ticket's hash is stored; a ticket is bound to a user, the
//! session that asked for it and one file, lives 60 seconds at most and is spent by its first
//! use. Redeeming it only says who asked: the caller must then re-check the session and the
//! download rule against the CURRENT grants (see `attachments::portal_downloadable`).

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{AttachmentId, PortalUserId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

/// A ticket to store (the raw ticket itself is never stored).
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    /// Lowercase hex SHA-256 of the raw ticket.
    pub token_hash: String,
    pub portal_user_id: PortalUserId,
    pub session_id: Uuid,
    pub token_version: i64,
    pub attachment_id: AttachmentId,
    pub expires_at: DateTime<Utc>,
}

/// Stores a ticket, and first drops the user's spent and expired ones.
#[tracing::instrument(skip_all, fields(portal_user_id = %t.portal_user_id))]
pub async fn issue(mut ex: Exec<'_>, t: &NewTicket) -> Result<(), StoreError> {
    let now = time::now();
    run!(ex.reborrow(), |c| {
        sqlx::query(
            "DELETE FROM download_tickets WHERE portal_user_id = $1 \
             AND (expires_at <= $2 OR used_at IS NOT NULL)",
        )
        .bind(t.portal_user_id.into_uuid())
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO download_tickets (id, token_hash, portal_user_id, session_id, \
             token_version, attachment_id, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::new_v4())
        .bind(&t.token_hash)
        .bind(t.portal_user_id.into_uuid())
        .bind(t.session_id)
        .bind(t.token_version)
        .bind(t.attachment_id.into_uuid())
        .bind(time::stored(t.expires_at))
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Who a spent ticket was issued to.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Redeemed {
    pub portal_user_id: Uuid,
    pub session_id: Uuid,
    pub token_version: i64,
}

/// Spends the ticket with hash `token_hash` for `attachment`, if it is unspent, unexpired and
/// for that file: one conditional update, so two concurrent uses cannot both succeed.
/// `NotFound` otherwise.
#[tracing::instrument(skip_all, fields(attachment_id = %attachment))]
pub async fn redeem(
    ex: Exec<'_>,
    token_hash: &str,
    attachment: AttachmentId,
) -> Result<Redeemed, StoreError> {
    let now = time::now();
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Redeemed>(
            "UPDATE download_tickets SET used_at = $3 \
             WHERE token_hash = $1 AND attachment_id = $2 AND used_at IS NULL \
             AND expires_at > $3 \
             RETURNING portal_user_id, session_id, token_version",
        )
        .bind(token_hash)
        .bind(attachment.into_uuid())
        .bind(now)
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::NotFound)
}
