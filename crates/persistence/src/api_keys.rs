//! API keys for internal tools (internal only). A key is shown once; only its SHA-256 and a
//! short non-secret prefix are stored. A key acts with the staff role named in its scopes.

use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::{ApiKeyId, StaffUserId};
use ordinavo_domain::roles::StaffRole;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, run, time};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    pub prefix: String,
    pub role: StaffRole,
    pub created_by: StaffUserId,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewApiKey {
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub role: StaffRole,
    pub created_by: StaffUserId,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    prefix: String,
    scopes: Json<Vec<String>>,
    created_by: Uuid,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for ApiKey {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let role = r
            .scopes
            .0
            .first()
            .ok_or_else(|| StoreError::Other("api key without a role".into()))?;
        Ok(ApiKey {
            id: ApiKeyId::from_uuid(r.id),
            name: r.name,
            prefix: r.prefix,
            role: crate::parse_enum(role)?,
            created_by: StaffUserId::from_uuid(r.created_by),
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
            created_at: r.created_at,
        })
    }
}

macro_rules! columns {
    () => {
        "id, name, prefix, scopes, created_by, last_used_at, revoked_at, created_at"
    };
}

#[tracing::instrument(skip_all)]
pub async fn insert(ex: Exec<'_>, k: &NewApiKey) -> Result<ApiKey, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
            columns!()
        ))
        .bind(Uuid::new_v4())
        .bind(&k.name)
        .bind(&k.prefix)
        .bind(&k.key_hash)
        .bind(Json(vec![k.role.as_str().to_string()]))
        .bind(k.created_by.into_uuid())
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// One key by id, revoked or not (administration; never its hash).
#[tracing::instrument(skip_all, fields(api_key_id = %id))]
pub async fn get(ex: Exec<'_>, id: ApiKeyId) -> Result<ApiKey, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM api_keys WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// The unrevoked key with this hash (authentication).
#[tracing::instrument(skip_all)]
pub async fn find_active_by_hash(ex: Exec<'_>, key_hash: &str) -> Result<ApiKey, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"
        ))
        .bind(key_hash)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Records use, at most once a minute per key (so authentication is not a write per request).
#[tracing::instrument(skip_all, fields(api_key_id = %id))]
pub async fn touch(ex: Exec<'_>, id: ApiKeyId) -> Result<(), StoreError> {
    let now = time::now();
    run!(ex, |c| {
        sqlx::query(
            "UPDATE api_keys SET last_used_at = $2 WHERE id = $1 \
             AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id.into_uuid())
        .bind(now)
        .bind(now - Duration::minutes(1))
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Keys newest first (revoked ones included, for the audit trail), keyset by (created_at, id).
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<ApiKey>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM api_keys WHERE (created_at, id) < ($1, $2) \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(ApiKey::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |k: &ApiKey| {
        Cursor::new(k.created_at, k.id.into_uuid())
    }))
}

/// Revokes a key; `NotFound` when it does not exist or is already revoked.
#[tracing::instrument(skip_all, fields(api_key_id = %id))]
pub async fn revoke(ex: Exec<'_>, id: ApiKeyId) -> Result<ApiKey, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}
