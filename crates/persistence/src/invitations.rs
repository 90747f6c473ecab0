//! Portal invitations: a single-use, expiring link (only its hash stored) that lets an invited
//! portal user set a password. Resending replaces the hash, so the old link dies.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{InvitationId, PortalUserId, StaffUserId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Invitation {
    pub id: Uuid,
    pub portal_user_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub invited_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationState {
    pub const fn as_str(self) -> &'static str {
        match self {
            InvitationState::Pending => "pending",
            InvitationState::Accepted => "accepted",
            InvitationState::Revoked => "revoked",
            InvitationState::Expired => "expired",
        }
    }
}

impl Invitation {
    pub fn invitation_id(&self) -> InvitationId {
        InvitationId::from_uuid(self.id)
    }

    pub fn portal_user(&self) -> PortalUserId {
        PortalUserId::from_uuid(self.portal_user_id)
    }

    /// Accepted and revoked are final; otherwise it is pending until it expires.
    pub fn state(&self, now: DateTime<Utc>) -> InvitationState {
        if self.accepted_at.is_some() {
            InvitationState::Accepted
        } else if self.revoked_at.is_some() {
            InvitationState::Revoked
        } else if self.expires_at <= now {
            InvitationState::Expired
        } else {
            InvitationState::Pending
        }
    }
}

macro_rules! columns {
    () => {
        "id, portal_user_id, expires_at, accepted_at, revoked_at, invited_by, created_at, \
         updated_at"
    };
}

#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn insert(
    ex: Exec<'_>,
    user: PortalUserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    invited_by: Option<StaffUserId>,
) -> Result<Invitation, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, Invitation>(concat!(
            "INSERT INTO portal_invitations (id, portal_user_id, token_hash, expires_at, \
             invited_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ",
            columns!()
        ))
        .bind(Uuid::new_v4())
        .bind(user.into_uuid())
        .bind(token_hash)
        .bind(time::stored(expires_at))
        .bind(invited_by.map(StaffUserId::into_uuid))
        .bind(time::now())
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

#[tracing::instrument(skip_all)]
pub async fn find_by_token_hash(ex: Exec<'_>, hash: &str) -> Result<Invitation, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, Invitation>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_invitations WHERE token_hash = $1"
        ))
        .bind(hash)
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn get(ex: Exec<'_>, id: InvitationId) -> Result<Invitation, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, Invitation>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_invitations WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

/// The most recent invitation of a user, if any.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn latest_for_user(ex: Exec<'_>, user: PortalUserId) -> Result<Invitation, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, Invitation>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_invitations WHERE portal_user_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(user.into_uuid())
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

/// Gives a still-open invitation a new token and expiry (the old link dies). `NotFound` when
/// it is accepted or revoked.
#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn replace_token(
    ex: Exec<'_>,
    id: InvitationId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<Invitation, StoreError> {
    run!(ex, |c| {
        sqlx::query_as::<_, Invitation>(concat!(
            "UPDATE portal_invitations SET token_hash = $2, expires_at = $3, updated_at = $4 \
             WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(token_hash)
        .bind(time::stored(expires_at))
        .bind(time::now())
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}

/// Marks a pending, unexpired invitation accepted. Exactly one concurrent caller wins;
/// `false` means it was used, revoked or expired meanwhile.
#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn mark_accepted(ex: Exec<'_>, id: InvitationId) -> Result<bool, StoreError> {
    let now = time::now();
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_invitations SET accepted_at = $2, updated_at = $2 \
             WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(id.into_uuid())
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Revokes an open invitation; `NotFound` when it is already accepted or revoked.
#[tracing::instrument(skip_all, fields(invitation_id = %id))]
pub async fn revoke(ex: Exec<'_>, id: InvitationId) -> Result<Invitation, StoreError> {
    let now = time::now();
    run!(ex, |c| {
        sqlx::query_as::<_, Invitation>(concat!(
            "UPDATE portal_invitations SET revoked_at = $2, updated_at = $2 \
             WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(now)
        .fetch_one(c)
        .await
    })
    .map_err(Into::into)
}
