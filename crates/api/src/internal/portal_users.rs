//! Portal users as staff manage them (manager and above): `GET /portal-users`,
//! `GET /portal-users/{id}`, `POST /portal-users/{id}/disable | /enable`.
//!
//! Disabling sets the status, bumps the token version (every access token dies) and revokes
//! every session (every refresh cookie dies) in one transaction, so the user is out on their
//! next request, not at token expiry. Both actions are idempotent: disabling a disabled user
//! (or enabling one who is not disabled) answers 200 with the unchanged user and writes
//! nothing, like `POST /staff-users/{id}/deactivate`. Enabling brings a user back as `active`
//! when they have a password, else as `invited` (their open invitation works again).
//!
//! The DTOs never carry the password hash, the token version, the calendar-token hash or any
//! other secret; `has_password` is the only trace of credentials.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::PortalUserId;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::{PortalUserStatus, StaffRole};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::invitations::{self, Invitation};
use ordinavo_persistence::portal_users::{self, PortalUser};
use ordinavo_persistence::{OptionalExt, Tx, sessions};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, Problem};
use crate::fields::{self, FieldErrors};
use crate::internal::grants::{GrantDto, GrantLocationDto, grant_dtos};
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_portal_users, get_portal_user, disable_portal_user, enable_portal_user),
    components(schemas(
        PortalUserDto,
        PortalUserDetail,
        GrantDto,
        GrantLocationDto,
        PageDto<PortalUserDto>
    )),
    tags((name = "portal access", description = "Portal users, their invitations and their grants (manager and above)"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_portal_users)
        .service(get_portal_user)
        .service(disable_portal_user)
        .service(enable_portal_user);
}

fn status_schema() -> Object {
    fields::enum_schema::<PortalUserStatus>()
}

/// The `status` filter (with `schema_with`, utoipa drops the field's doc comment: it goes here).
fn status_filter_schema() -> Object {
    let mut schema = status_schema();
    schema.description = Some("Only users of this status.".into());
    schema
}

fn locale_schema() -> Object {
    fields::enum_schema::<Locale>()
}

/// The states `invitation_state` may take.
const INVITATION_STATES: [&str; 5] = ["pending", "accepted", "revoked", "expired", "none"];

fn invitation_state_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(INVITATION_STATES))
        .build()
}

/// A portal user as staff see them (no credentials, no token version, no token hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalUserDto {
    #[schema(value_type = Uuid)]
    pub id: PortalUserId,
    /// Lowercase; the sign-in name.
    pub email: String,
    pub display_name: String,
    #[schema(schema_with = locale_schema)]
    pub locale: Locale,
    /// `invited` (no password yet), `active`, or `disabled` (refused on every request).
    #[schema(schema_with = status_schema)]
    pub status: PortalUserStatus,
    /// Whether a password is set (the hash itself never leaves the server).
    pub has_password: bool,
    /// Where the user's most recent invitation stands; `none` for users never invited.
    #[schema(schema_with = invitation_state_schema)]
    pub invitation_state: &'static str,
    /// The most recent invitation (for `POST /portal-invitations/{id}/resend | /revoke`).
    pub invitation_id: Option<Uuid>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PortalUserDto {
    fn new(u: PortalUser, invitation: Option<&Invitation>, now: DateTime<Utc>) -> Self {
        Self {
            id: u.id,
            email: u.email,
            display_name: u.display_name,
            locale: u.locale,
            status: u.status,
            has_password: u.password_hash.is_some(),
            invitation_state: invitation.map_or("none", |i| i.state(now).as_str()),
            invitation_id: invitation.map(|i| i.id),
            last_login_at: u.last_login_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// A portal user with every grant they hold (expired and ineffective ones included).
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalUserDetail {
    #[serde(flatten)]
    pub user: PortalUserDto,
    /// Oldest first.
    pub grants: Vec<GrantDto>,
}

/// Filter and page of `GET /portal-users`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PortalUserQuery {
    /// Only users of this status: `invited`, `active` or `disabled`.
    #[param(schema_with = status_filter_schema)]
    pub status: Option<String>,
    /// The `next_cursor` of the previous page; omit (or leave empty) for the first page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The user's DTO with their latest invitation, read in `tx`.
async fn user_dto(tx: &mut Tx, user: PortalUser) -> Result<PortalUserDto, ApiError> {
    let invitation = invitations::latest_for_user(tx.exec(), user.id)
        .await
        .optional()?;
    Ok(PortalUserDto::new(user, invitation.as_ref(), Utc::now()))
}

/// List portal users, by email.
#[utoipa::path(
    get,
    path = "/portal-users",
    tag = "portal access",
    params(PortalUserQuery),
    responses(
        (status = 200, description = "One page of portal users, sorted by email", body = PageDto<PortalUserDto>),
        (status = 400, description = "Invalid query, status or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/portal-users")]
#[tracing::instrument(skip_all)]
pub async fn list_portal_users(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<PortalUserQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let mut errors = FieldErrors::new();
    let status = errors.check(
        query
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| fields::choice::<PortalUserStatus>("status", s))
            .transpose(),
    );
    let (Some(status), true) = (status, errors.is_empty()) else {
        return Err(errors.into_error());
    };
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let mut tx = state.db.begin().await?;
    let page = portal_users::list(tx.exec(), status, after.as_ref(), limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for user in page.items {
        items.push(user_dto(&mut tx, user).await?);
    }
    Ok(HttpResponse::Ok().json(PageDto {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Read one portal user with their grants.
#[utoipa::path(
    get,
    path = "/portal-users/{id}",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "The portal user's id")),
    responses(
        (status = 200, description = "The portal user and every grant they hold", body = PortalUserDetail),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/portal-users/{id}")]
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn get_portal_user(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<PortalUserId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = id.into_inner();
    let mut tx = state.db.begin().await?;
    let user = portal_users::get(tx.exec(), id).await?;
    let grants = grant_dtos(&mut tx, id, None).await?;
    let user = user_dto(&mut tx, user).await?;
    Ok(HttpResponse::Ok().json(PortalUserDetail { user, grants }))
}

/// Disable a portal user: every access token and refresh cookie they hold stops working on
/// their next request.
#[utoipa::path(
    post,
    path = "/portal-users/{id}/disable",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "The portal user's id")),
    responses(
        (status = 200, description = "The portal user, now disabled (also when already disabled: nothing is written then)", body = PortalUserDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/portal-users/{id}/disable")]
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn disable_portal_user(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<PortalUserId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = id.into_inner();
    let mut tx = state.db.begin().await?;
    let current = portal_users::get(tx.exec(), id).await?;
    if current.status == PortalUserStatus::Disabled {
        return Ok(HttpResponse::Ok().json(user_dto(&mut tx, current).await?));
    }
    let user = portal_users::set_status(tx.exec(), id, PortalUserStatus::Disabled).await?;
    let sessions_revoked = sessions::revoke_all_of(tx.exec(), id, None).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "portal.user.disabled")
        .subject("portal_user", id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({
            "previous_status": current.status.as_str(),
            "sessions_revoked": sessions_revoked,
        }));
    audit::record(tx.exec(), &entry).await?;
    let dto = user_dto(&mut tx, user).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Enable a disabled portal user again: `active` when they have a password (they sign in
/// anew; old tokens and sessions stay dead), else `invited`.
#[utoipa::path(
    post,
    path = "/portal-users/{id}/enable",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "The portal user's id")),
    responses(
        (status = 200, description = "The portal user, now active or invited (also when not disabled: nothing is written then)", body = PortalUserDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/portal-users/{id}/enable")]
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn enable_portal_user(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<PortalUserId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = id.into_inner();
    let mut tx = state.db.begin().await?;
    let current = portal_users::get(tx.exec(), id).await?;
    if current.status != PortalUserStatus::Disabled {
        return Ok(HttpResponse::Ok().json(user_dto(&mut tx, current).await?));
    }
    let status = if current.password_hash.is_some() {
        PortalUserStatus::Active
    } else {
        PortalUserStatus::Invited
    };
    let user = portal_users::set_status(tx.exec(), id, status).await?;
    // A refresh racing the earlier disable may have left a session row behind; an enabled
    // account starts with no live session at all.
    sessions::revoke_all_of(tx.exec(), id, None).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "portal.user.enabled")
        .subject("portal_user", id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "status": status.as_str() }));
    audit::record(tx.exec(), &entry).await?;
    let dto = user_dto(&mut tx, user).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}
