//! Portal sessions: one row per refresh token. Rotation adds a row to the same family and
//! marks the old one rotated; presenting a rotated token again revokes the whole family.
//! What a user sees as "a session" (a signed-in device) is a family.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{PortalUserId, SessionId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

/// One refresh-token row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Session {
    pub id: Uuid,
    pub portal_user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub user_agent: Option<String>,
    pub created_ip: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Session {
    pub fn session_id(&self) -> SessionId {
        SessionId::from_uuid(self.id)
    }
}

/// A new refresh-token row; `family_id` is `None` for a fresh sign-in (the row starts its
/// own family) and the predecessor's family on rotation.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub portal_user_id: PortalUserId,
    pub family_id: Option<Uuid>,
    pub refresh_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<&'a str>,
    pub created_ip: Option<&'a str>,
}

macro_rules! columns {
    () => {
        "id, portal_user_id, family_id, expires_at, revoked_at, rotated_at, user_agent, \
         created_ip, last_seen_at, created_at"
    };
}

#[tracing::instrument(skip_all, fields(portal_user_id = %s.portal_user_id))]
pub async fn insert(ex: Exec<'_>, s: &NewSession<'_>) -> Result<Session, StoreError> {
    let id = Uuid::new_v4();
    run!(ex, |c| {
        sqlx::query_as::<_, Session>(concat!(
            "INSERT INTO portal_sessions (id, portal_user_id, refresh_hash, family_id, \
             expires_at, user_agent, created_ip, last_seen_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ",
            columns!()
        ))
        .bind(id)
        .bind(s.portal_user_id.into_uuid())
        .bind(s.refresh_hash)
        .bind(s.family_id.unwrap_or(id))
        .bind(time::stored(s.expires_at))
        .bind(
            s.user_agent
                .map(|ua| ua.chars().take(256).collect::<String>()),
        )
        .bind(s.created_ip)
        .bind(time::now())
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

#[tracing::instrument(skip_all)]
pub async fn find_by_refresh_hash(ex: Exec<'_>, hash: &str) -> Result<Session, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, Session>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_sessions WHERE refresh_hash = $1"
        ))
        .bind(hash)
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

/// Marks a live, unrotated row rotated. Exactly one concurrent caller wins: `false` means the
/// token was already used (or revoked) — the caller treats that as reuse.
#[tracing::instrument(skip_all)]
pub async fn mark_rotated(ex: Exec<'_>, id: Uuid) -> Result<bool, StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_sessions SET rotated_at = $2, last_seen_at = $2 \
             WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Revokes every row of a family (logout, reuse detection, "sign out that device").
#[tracing::instrument(skip_all)]
pub async fn revoke_family(ex: Exec<'_>, family_id: Uuid) -> Result<u64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_sessions SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
        )
        .bind(family_id)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?)
}

/// Revokes a family only if it belongs to `user` (the user's own "sign out that device").
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn revoke_family_of(
    ex: Exec<'_>,
    user: PortalUserId,
    family_id: Uuid,
) -> Result<u64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_sessions SET revoked_at = $3 \
             WHERE family_id = $2 AND portal_user_id = $1 AND revoked_at IS NULL \
             AND expires_at > $3",
        )
        .bind(user.into_uuid())
        .bind(family_id)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?)
}

/// Revokes every session of a user except one family (`None`: all of them).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn revoke_all_of(
    ex: Exec<'_>,
    user: PortalUserId,
    except_family: Option<Uuid>,
) -> Result<u64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_sessions SET revoked_at = $3 WHERE portal_user_id = $1 \
             AND revoked_at IS NULL AND ($2 IS NULL OR family_id <> $2)",
        )
        .bind(user.into_uuid())
        .bind(except_family)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?)
}

/// The first row of a family: when the sign-in happened (absolute session lifetime).
#[tracing::instrument(skip_all)]
pub async fn family_started_at(ex: Exec<'_>, family_id: Uuid) -> Result<DateTime<Utc>, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query_scalar::<_, DateTime<Utc>>(
            "SELECT created_at FROM portal_sessions WHERE id = $1",
        )
        .bind(family_id)
        .fetch_one(c)
        .await
    })?)
}

/// The live sessions (families) of a user, newest activity first: for each family its latest
/// row, not revoked, not expired.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn active_families(ex: Exec<'_>, user: PortalUserId) -> Result<Vec<Session>, StoreError> {
    let now = time::now();
    run!(ex, |c| {
        sqlx::query_as::<_, Session>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_sessions s WHERE s.portal_user_id = $1 AND s.revoked_at IS NULL \
             AND s.rotated_at IS NULL AND s.expires_at > $2 \
             ORDER BY s.last_seen_at DESC, s.id"
        ))
        .bind(user.into_uuid())
        .bind(now)
        .fetch_all(c)
        .await
    })
    .map_err(Into::into)
}
