//! Portal users: the customer and partner contacts who sign in to the portal. Credentials,
//! lockout state, token version and the calendar-token hash are internal-only columns.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ContactId, PortalUserId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::PortalUserStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

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

/// A portal user's account row as staff and the sign-in code need it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalUser {
    pub id: PortalUserId,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub status: PortalUserStatus,
    pub password_hash: Option<String>,
    pub contact_id: Option<ContactId>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    email: String,
    display_name: String,
    locale: String,
    status: String,
    password_hash: Option<String>,
    contact_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for PortalUser {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(PortalUser {
            id: PortalUserId::from_uuid(r.id),
            email: r.email,
            display_name: r.display_name,
            locale: crate::parse_enum(&r.locale)?,
            status: crate::parse_enum(&r.status)?,
            password_hash: r.password_hash,
            contact_id: r.contact_id.map(ContactId::from_uuid),
            created_at: r.created_at,
        })
    }
}

/// Looks a portal user up by normalised email.
#[tracing::instrument(skip_all)]
pub async fn find_by_email(ex: Exec<'_>, email: &str) -> Result<PortalUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(
            "SELECT id, email, display_name, locale, status, password_hash, contact_id, \
             created_at FROM portal_users WHERE email = $1",
        )
        .bind(email)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}
