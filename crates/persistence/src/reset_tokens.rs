//! Password-reset tokens (internal only): single use, expiring, only the hash stored.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::PortalUserId;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ResetToken {
    pub id: Uuid,
    pub portal_user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn insert(
    ex: Exec<'_>,
    user: PortalUserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO password_reset_tokens (id, portal_user_id, token_hash, expires_at, \
             created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::new_v4())
        .bind(user.into_uuid())
        .bind(token_hash)
        .bind(time::stored(expires_at))
        .bind(time::now())
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn find_by_hash(ex: Exec<'_>, hash: &str) -> Result<ResetToken, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, ResetToken>(
            "SELECT id, portal_user_id, expires_at, used_at FROM password_reset_tokens \
             WHERE token_hash = $1",
        )
        .bind(hash)
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

/// Uses a token once: `false` when it was used or expired meanwhile (concurrent redemption).
#[tracing::instrument(skip_all)]
pub async fn mark_used(ex: Exec<'_>, id: Uuid) -> Result<bool, StoreError> {
    let now = time::now();
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE password_reset_tokens SET used_at = $2 \
             WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Kills every unused token of a user (after a successful reset or password change).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn invalidate_all_of(ex: Exec<'_>, user: PortalUserId) -> Result<(), StoreError> {
    let now = time::now();
    run!(ex, |c| {
        sqlx::query(
            "UPDATE password_reset_tokens SET used_at = $2 \
             WHERE portal_user_id = $1 AND used_at IS NULL",
        )
        .bind(user.into_uuid())
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}
