//! API keys for internal tools (admin only): `GET/POST /api-keys`, `DELETE /api-keys/{id}`.
//!
//! A key is shown exactly once, in the `201` answer that creates it; the server keeps only
//! its SHA-256 and a short, non-secret prefix to recognise it in lists. A key acts with the
//! role chosen at creation, on behalf of the admin who created it; only a signed-in admin
//! (not another key) may create one. Revoking is immediate: the next call with it is a 401.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ApiKeyId, StaffUserId};
use ordinavo_domain::input::Title;
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::StoreError;
use ordinavo_persistence::api_keys::{self, ApiKey, NewApiKey};
use ordinavo_persistence::audit::{self, AuditEntry};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::client_ip;
use crate::auth::staff::{API_KEY_PREFIX, StaffActor, StaffCaller};
use crate::auth::tokens::OpaqueToken;
use crate::error::{ApiError, Problem};
use crate::fields::{self, FieldErrors};
use crate::pagination::{PageDto, PageQuery};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_api_keys, create_api_key, revoke_api_key),
    components(schemas(ApiKeyDto, CreateApiKey, CreatedApiKey, PageDto<ApiKeyDto>)),
    tags((name = "api-keys", description = "Credentials of internal tools (admin only)"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_api_keys)
        .service(create_api_key)
        .service(revoke_api_key);
}

/// How many leading characters of a key are stored (and shown) to recognise it.
const PREFIX_CHARS: usize = 12;

fn role_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<StaffRole>()
}

/// An API key as listed: never the key itself nor its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyDto {
    #[schema(value_type = Uuid)]
    pub id: ApiKeyId,
    pub name: String,
    /// The first characters of the key, to recognise it (not secret).
    #[schema(example = "ordk_Ab3dEf7")]
    pub prefix: String,
    /// The role the key acts with.
    #[schema(schema_with = role_schema)]
    pub role: StaffRole,
    /// The admin accountable for the key; it stops working if they are deactivated.
    #[schema(value_type = Uuid)]
    pub created_by: StaffUserId,
    /// Approximate (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// Set once revoked; a revoked key is refused.
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ApiKey> for ApiKeyDto {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            role: k.role,
            created_by: k.created_by,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
            created_at: k.created_at,
        }
    }
}

/// A newly created key: the only answer that ever carries `key`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The secret: send as `Authorization: Bearer <key>`. Shown once; store it now.
    pub key: String,
    #[serde(flatten)]
    pub api_key: ApiKeyDto,
}

/// A new API key. Unknown fields are refused; every invalid field is reported at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// A label saying what uses the key, 1–120 characters.
    #[serde(default)]
    #[schema(required = true, example = "ERP sync")]
    pub name: String,
    /// The role the key acts with.
    #[serde(default)]
    #[schema(required = true, schema_with = role_schema)]
    pub role: String,
}

impl CreateApiKey {
    fn validate(self) -> Result<(String, StaffRole), ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check(Title::parse(&self.name).map_err(|e| e.with_field("name")));
        let role = errors.check(fields::choice::<StaffRole>("role", &self.role));
        let (Some(name), Some(role)) = (name, role) else {
            return Err(errors.into_error());
        };
        Ok((name.into_string(), role))
    }
}

/// List API keys, newest first (revoked ones included).
#[utoipa::path(
    get,
    path = "/api-keys",
    tag = "api-keys",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of keys, newest first", body = PageDto<ApiKeyDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/api-keys")]
#[tracing::instrument(skip_all)]
pub async fn list_api_keys(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    let (after, limit) = query.parse()?;
    let page = api_keys::list(state.db.exec(), after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, ApiKeyDto::from)))
}

/// Create an API key (a signed-in admin only; not with another key). The key is in this
/// answer and nowhere else, ever.
#[utoipa::path(
    post,
    path = "/api-keys",
    tag = "api-keys",
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "Created; `key` is shown this once", body = CreatedApiKey),
        (status = 400, description = "Malformed body, unknown field, or invalid fields (all named in `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or an API key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/api-keys")]
#[tracing::instrument(skip_all)]
pub async fn create_api_key(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    let StaffActor::User(created_by) = caller.actor else {
        return Err(ApiError::Forbidden);
    };
    let (name, role) = body.into_inner().validate()?;
    let secret = OpaqueToken::generate_prefixed(API_KEY_PREFIX);
    let prefix: String = secret.raw.chars().take(PREFIX_CHARS).collect();
    let mut tx = state.db.begin().await?;
    let key = api_keys::insert(
        tx.exec(),
        &NewApiKey {
            name,
            prefix,
            key_hash: secret.hash,
            role,
            created_by,
        },
    )
    .await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.api_key.created")
        .subject("api_key", key.id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({
            "name": key.name,
            "prefix": key.prefix,
            "role": key.role.as_str(),
        }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(CreatedApiKey {
        key: secret.raw,
        api_key: key.into(),
    }))
}

/// Revoke an API key; it is refused from the next request on. Revoking a revoked key is a
/// no-op.
#[utoipa::path(
    delete,
    path = "/api-keys/{id}",
    tag = "api-keys",
    params(("id" = Uuid, Path, description = "The key's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/api-keys/{id}")]
#[tracing::instrument(skip_all, fields(api_key_id = %id))]
pub async fn revoke_api_key(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<ApiKeyId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    let id = id.into_inner();
    let mut tx = state.db.begin().await?;
    let key = api_keys::get(tx.exec(), id).await?;
    if key.revoked_at.is_some() {
        return Ok(HttpResponse::NoContent().finish());
    }
    match api_keys::revoke(tx.exec(), id).await {
        // Revoked by a concurrent call since we read it: the outcome asked for holds.
        Err(StoreError::NotFound) => return Ok(HttpResponse::NoContent().finish()),
        other => other?,
    };
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.api_key.revoked")
        .subject("api_key", id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "name": key.name, "prefix": key.prefix }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
