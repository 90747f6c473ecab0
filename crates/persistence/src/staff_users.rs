//! Staff users of the internal surface (admin, manager, dispatcher). The password hash is an
//! argon2id PHC string produced by the api crate; this module only stores it.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::StaffUserId;
use ordinavo_domain::roles::StaffRole;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, parse_enum, run, time};

#[derive(Debug, Clone, PartialEq)]
pub struct StaffUser {
    pub id: StaffUserId,
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    /// `None` for a user who cannot sign in with a password yet.
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// What creating a staff user needs; `email` is already normalised (lowercase, trimmed).
#[derive(Debug, Clone, PartialEq)]
pub struct NewStaffUser {
    pub email: String,
    pub name: String,
    pub role: StaffRole,
    pub password_hash: Option<String>,
}

/// Two staff users cannot share an email.
pub const UQ_EMAIL: &str = "uq_staff_users_email";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    password_hash: Option<String>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for StaffUser {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(StaffUser {
            id: StaffUserId::from_uuid(r.id),
            email: r.email,
            name: r.name,
            role: parse_enum(&r.role)?,
            password_hash: r.password_hash,
            active: r.active,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

macro_rules! columns {
    () => {
        "id, email, name, role, password_hash, active, created_at, updated_at, version"
    };
}

/// Inserts an active staff user; `Conflict { constraint: UQ_EMAIL }` when the email is taken.
#[tracing::instrument(skip_all)]
pub async fn insert(ex: Exec<'_>, u: &NewStaffUser) -> Result<StaffUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO staff_users (id, email, name, role, password_hash, active, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6, 1) RETURNING ",
            columns!()
        ))
        .bind(Uuid::new_v4())
        .bind(&u.email)
        .bind(&u.name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

#[tracing::instrument(skip_all, fields(staff_user_id = %id))]
pub async fn get(ex: Exec<'_>, id: StaffUserId) -> Result<StaffUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM staff_users WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Looks a staff user up by normalised email (sign-in).
#[tracing::instrument(skip_all)]
pub async fn find_by_email(ex: Exec<'_>, email: &str) -> Result<StaffUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM staff_users WHERE email = $1"
        ))
        .bind(email)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Staff users ordered by email then id, after `after` (keyset).
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    after: Option<&Cursor<String>>,
    limit: Limit,
) -> Result<Page<StaffUser>, StoreError> {
    let (email, id) = after.map_or((String::new(), Uuid::nil()), |c| (c.key.clone(), c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM staff_users WHERE (email, id) > ($1, $2) ORDER BY email, id LIMIT $3"
        ))
        .bind(email)
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(StaffUser::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |u: &StaffUser| {
        Cursor::new(u.email.clone(), u.id.into_uuid())
    }))
}

/// Replaces the password hash and bumps the version.
#[tracing::instrument(skip_all, fields(staff_user_id = %id))]
pub async fn set_password_hash(
    ex: Exec<'_>,
    id: StaffUserId,
    password_hash: &str,
) -> Result<(), StoreError> {
    let done = run!(ex, |c| {
        sqlx::query(
            "UPDATE staff_users SET password_hash = $2, updated_at = $3, version = version + 1 \
             WHERE id = $1",
        )
        .bind(id.into_uuid())
        .bind(password_hash)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Activates or deactivates a staff user and bumps the version, so every access token issued
/// before the change is refused on its next use (the `StaffCaller` compares versions).
/// `NotFound` when the user does not exist.
#[tracing::instrument(skip_all, fields(staff_user_id = %id, active))]
pub async fn set_active(
    ex: Exec<'_>,
    id: StaffUserId,
    active: bool,
) -> Result<StaffUser, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE staff_users SET active = $2, updated_at = $3, version = version + 1 \
             WHERE id = $1 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(active)
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}
