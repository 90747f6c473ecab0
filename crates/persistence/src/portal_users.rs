//! Portal users: the customer and partner contacts who sign in to the portal. Credentials,
//! lockout state, token version and the calendar-token hash are internal-only columns.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ContactId, PortalUserId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::PortalUserStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, parse_enum, run, time};

/// What creating a portal user needs; `email` is already normalised (lowercase, trimmed).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPortalUser {
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub status: PortalUserStatus,
    /// Set for users created active (demo, tests); `None` until an invitation is accepted.
    pub password_hash: Option<String>,
    pub contact_id: Option<ContactId>,
}

/// Two portal users cannot share an email (it is their sign-in name).
pub const UQ_EMAIL: &str = "uq_portal_users_email";

/// Which mails a portal user wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notifications {
    pub request_updates: bool,
    pub appointments: bool,
    pub reports: bool,
}

/// A portal user's account row (staff view and sign-in code; never serialised to the portal).
#[derive(Debug, Clone, PartialEq)]
pub struct PortalUser {
    pub id: PortalUserId,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub status: PortalUserStatus,
    pub password_hash: Option<String>,
    /// Bumped whenever every outstanding access token must die (password change, disable).
    pub token_version: i64,
    pub contact_id: Option<ContactId>,
    pub notifications: Notifications,
    pub last_login_at: Option<DateTime<Utc>>,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    email: String,
    display_name: String,
    locale: String,
    status: String,
    password_hash: Option<String>,
    token_version: i64,
    contact_id: Option<Uuid>,
    notify_request_updates: bool,
    notify_appointments: bool,
    notify_reports: bool,
    last_login_at: Option<DateTime<Utc>>,
    password_changed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for PortalUser {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(PortalUser {
            id: PortalUserId::from_uuid(r.id),
            email: r.email,
            display_name: r.display_name,
            locale: parse_enum(&r.locale)?,
            status: parse_enum(&r.status)?,
            password_hash: r.password_hash,
            token_version: r.token_version,
            contact_id: r.contact_id.map(ContactId::from_uuid),
            notifications: Notifications {
                request_updates: r.notify_request_updates,
                appointments: r.notify_appointments,
                reports: r.notify_reports,
            },
            last_login_at: r.last_login_at,
            password_changed_at: r.password_changed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

macro_rules! columns {
    () => {
        "id, email, display_name, locale, status, password_hash, token_version, contact_id, \
         notify_request_updates, notify_appointments, notify_reports, last_login_at, \
         password_changed_at, created_at, updated_at"
    };
}

/// Inserts a portal user and returns its id; `Conflict { constraint: UQ_EMAIL }` when taken.
#[tracing::instrument(skip_all)]
pub async fn insert(ex: Exec<'_>, u: &NewPortalUser) -> Result<PortalUserId, StoreError> {
    let id = Uuid::new_v4();
    let now: DateTime<Utc> = time::now();
    let password_changed_at = u.password_hash.as_ref().map(|_| now);
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO portal_users (id, email, display_name, locale, status, password_hash, \
             contact_id, password_changed_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(id)
        .bind(&u.email)
        .bind(&u.display_name)
        .bind(u.locale.as_str())
        .bind(u.status.as_str())
        .bind(&u.password_hash)
        .bind(u.contact_id.map(ContactId::into_uuid))
        .bind(password_changed_at)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(PortalUserId::from_uuid(id))
}

#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn get(ex: Exec<'_>, id: PortalUserId) -> Result<PortalUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_users WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Looks a portal user up by normalised email.
#[tracing::instrument(skip_all)]
pub async fn find_by_email(ex: Exec<'_>, email: &str) -> Result<PortalUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_users WHERE email = $1"
        ))
        .bind(email)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Portal users by email then id (staff view), optionally of one status.
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    status: Option<PortalUserStatus>,
    after: Option<&Cursor<String>>,
    limit: Limit,
) -> Result<Page<PortalUser>, StoreError> {
    let (email, id) = after.map_or((String::new(), Uuid::nil()), |c| (c.key.clone(), c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM portal_users WHERE ($1 IS NULL OR status = $1) AND (email, id) > ($2, $3) \
             ORDER BY email, id LIMIT $4"
        ))
        .bind(status.map(PortalUserStatus::as_str))
        .bind(email)
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(PortalUser::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |u: &PortalUser| {
        Cursor::new(u.email.clone(), u.id.into_uuid())
    }))
}

/// Sets the status and bumps the token version (so a disable kills every access token at once).
/// Disabling also revokes the private calendar feed: re-enabling does not bring the old feed
/// URL back (the user makes a new one).
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn set_status(
    ex: Exec<'_>,
    id: PortalUserId,
    status: PortalUserStatus,
) -> Result<PortalUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE portal_users SET status = $2, token_version = token_version + 1, \
             calendar_token_hash = CASE WHEN $2 = $4 THEN NULL ELSE calendar_token_hash END, \
             updated_at = $3 WHERE id = $1 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(status.as_str())
        .bind(time::now())
        .bind(PortalUserStatus::Disabled.as_str())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Sets a new password hash, bumps the token version and stamps `password_changed_at`;
/// `activate` also moves an invited user to active (invitation accepted).
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn set_password(
    ex: Exec<'_>,
    id: PortalUserId,
    password_hash: &str,
    activate: bool,
) -> Result<PortalUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE portal_users SET password_hash = $2, token_version = token_version + 1, \
             password_changed_at = $3, updated_at = $3, \
             status = CASE WHEN $4 AND status = 'invited' THEN 'active' ELSE status END \
             WHERE id = $1 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(password_hash)
        .bind(time::now())
        .bind(activate)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// The profile fields a portal user edits themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub display_name: String,
    pub locale: Locale,
    pub notifications: Notifications,
}

#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn update_profile(
    ex: Exec<'_>,
    id: PortalUserId,
    p: &Profile,
) -> Result<PortalUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE portal_users SET display_name = $2, locale = $3, notify_request_updates = $4, \
             notify_appointments = $5, notify_reports = $6, updated_at = $7 \
             WHERE id = $1 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(&p.display_name)
        .bind(p.locale.as_str())
        .bind(p.notifications.request_updates)
        .bind(p.notifications.appointments)
        .bind(p.notifications.reports)
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Stamps a successful sign-in.
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn record_login(ex: Exec<'_>, id: PortalUserId) -> Result<(), StoreError> {
    run!(ex, |c| {
        sqlx::query("UPDATE portal_users SET last_login_at = $2 WHERE id = $1")
            .bind(id.into_uuid())
            .bind(time::now())
            .execute(c)
            .await
            .map(|_| ())
    })?;
    Ok(())
}
