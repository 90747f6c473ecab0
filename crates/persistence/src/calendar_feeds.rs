//! The private calendar feed of a portal user: only the hash of its random token is stored
//! (`portal_users.calendar_token_hash`, unique, so a lookup is an index probe).
//!
//! Setting a new hash replaces the old one, so regenerating kills the previous feed URL;
//! clearing it revokes the feed; disabling the user clears it too
//! ([`crate::portal_users::set_status`]). A feed is served only for an ACTIVE user, and the
//! appointments in it are scoped by the user's CURRENT grants like every portal query.

use ordinavo_domain::ids::PortalUserId;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::PortalUserStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, parse_enum, run, time};

/// Stores `token_hash` as the user's feed (replacing, and so revoking, any previous one).
/// `NotFound` when the user does not exist or is not active.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn set(ex: Exec<'_>, user: PortalUserId, token_hash: &str) -> Result<(), StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_users SET calendar_token_hash = $2, updated_at = $3 \
             WHERE id = $1 AND status = $4",
        )
        .bind(user.into_uuid())
        .bind(token_hash)
        .bind(time::now())
        .bind(PortalUserStatus::Active.as_str())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Revokes the user's feed; `true` when there was one.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn clear(ex: Exec<'_>, user: PortalUserId) -> Result<bool, StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_users SET calendar_token_hash = NULL, updated_at = $2 \
             WHERE id = $1 AND calendar_token_hash IS NOT NULL",
        )
        .bind(user.into_uuid())
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n > 0)
}

/// Whether the user has a live feed URL.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn is_enabled(ex: Exec<'_>, user: PortalUserId) -> Result<bool, StoreError> {
    let n = run!(ex, |c| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM portal_users WHERE id = $1 AND calendar_token_hash IS NOT NULL",
        )
        .bind(user.into_uuid())
        .fetch_one(c)
        .await
    })?;
    Ok(n > 0)
}

/// Whose feed a token hash is: an ACTIVE user and their language. `None` for an unknown,
/// replaced or revoked token, and for a user who is not active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedOwner {
    pub user_id: PortalUserId,
    pub locale: Locale,
}

#[derive(sqlx::FromRow)]
struct OwnerRow {
    id: Uuid,
    locale: String,
}

/// The owner of the feed whose token hashes to `token_hash`, if it is alive.
#[tracing::instrument(skip_all)]
pub async fn owner(ex: Exec<'_>, token_hash: &str) -> Result<Option<FeedOwner>, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, OwnerRow>(
            "SELECT id, locale FROM portal_users WHERE calendar_token_hash = $1 AND status = $2",
        )
        .bind(token_hash)
        .bind(PortalUserStatus::Active.as_str())
        .fetch_optional(c)
        .await
    })?;
    row.map(|r| {
        Ok(FeedOwner {
            user_id: PortalUserId::from_uuid(r.id),
            locale: parse_enum(&r.locale)?,
        })
    })
    .transpose()
}
