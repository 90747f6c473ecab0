//! Staff accounts (admin only): `GET/POST /staff-users`,
//! `POST /staff-users/{id}/deactivate | /activate`.
//!
//! Only a signed-in admin creates staff users (an API key cannot mint people). Deactivating
//! bumps the user's version, so their tokens and the API keys they created stop working on
//! the next request; an admin cannot deactivate themselves (409 `cannot_deactivate_self`),
//! which also keeps at least one active admin. Password hashes never leave the server.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::StaffUserId;
use ordinavo_domain::input::{DisplayName, Email};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::staff_users::{self, NewStaffUser, StaffUser};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::client_ip;
use crate::auth::staff::{StaffActor, StaffCaller};
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors};
use crate::pagination::{PageDto, PageQuery};
use crate::passwords;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_staff_users, create_staff_user, deactivate_staff_user, activate_staff_user),
    components(schemas(StaffUserDto, CreateStaffUser, PageDto<StaffUserDto>)),
    tags((name = "staff-users", description = "Staff accounts (admin only)"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_staff_users)
        .service(create_staff_user)
        .service(deactivate_staff_user)
        .service(activate_staff_user);
}

fn role_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<StaffRole>()
}

/// A staff account (never its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffUserDto {
    #[schema(value_type = Uuid)]
    pub id: StaffUserId,
    /// Lowercase; the sign-in name.
    pub email: String,
    pub name: String,
    #[schema(schema_with = role_schema)]
    pub role: StaffRole,
    /// `false`: cannot sign in, and API keys this user created are refused.
    pub active: bool,
    /// Whether the user can sign in with a password.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<StaffUser> for StaffUserDto {
    fn from(u: StaffUser) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            active: u.active,
            has_password: u.password_hash.is_some(),
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        }
    }
}

/// A new staff account. Unknown fields are refused; every invalid field is reported at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaffUser {
    #[serde(default)]
    #[schema(required = true, example = "claire.moreau@ordinavo.example")]
    pub email: String,
    /// 1–100 characters, one line.
    #[serde(default)]
    #[schema(required = true, example = "Claire Moreau")]
    pub name: String,
    #[serde(default)]
    #[schema(required = true, schema_with = role_schema)]
    pub role: String,
    /// 12–128 characters, not a common password, not guessable from the email or name.
    #[serde(default = "empty_secret")]
    #[schema(required = true, value_type = String, format = Password)]
    pub password: SecretString,
}

fn empty_secret() -> SecretString {
    SecretString::from(String::new())
}

/// A validated new account, its password not yet hashed.
struct ValidStaffUser {
    email: Email,
    name: DisplayName,
    role: StaffRole,
    password: SecretString,
}

impl CreateStaffUser {
    fn validate(self) -> Result<ValidStaffUser, ApiError> {
        let mut errors = FieldErrors::new();
        let email = errors.check(Email::parse(&self.email));
        let name = errors.check(DisplayName::parse(&self.name).map_err(|e| e.with_field("name")));
        let role = errors.check(fields::choice::<StaffRole>("role", &self.role));
        if let Err(e) = passwords::check_policy_for(&self.password, &[&self.email, &self.name]) {
            errors.push(FieldError {
                field: "password".into(),
                code: e.code().into(),
                message: e.to_string(),
            });
        }
        let (true, Some(email), Some(name), Some(role)) = (errors.is_empty(), email, name, role)
        else {
            return Err(errors.into_error());
        };
        Ok(ValidStaffUser {
            email,
            name,
            role,
            password: self.password,
        })
    }
}

/// List staff users, by email.
#[utoipa::path(
    get,
    path = "/staff-users",
    tag = "staff-users",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of staff users, sorted by email", body = PageDto<StaffUserDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/staff-users")]
#[tracing::instrument(skip_all)]
pub async fn list_staff_users(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    let (after, limit) = query.parse()?;
    let page = staff_users::list(state.db.exec(), after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StaffUserDto::from)))
}

/// Create a staff user (a signed-in admin only; not with an API key).
#[utoipa::path(
    post,
    path = "/staff-users",
    tag = "staff-users",
    request_body = CreateStaffUser,
    responses(
        (status = 201, description = "Created", body = StaffUserDto),
        (status = 400, description = "Malformed body, unknown field, or invalid fields incl. the password policy (all named in `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or an API key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_exists`: the email is taken", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/staff-users")]
#[tracing::instrument(skip_all)]
pub async fn create_staff_user(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CreateStaffUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    if !matches!(caller.actor, StaffActor::User(_)) {
        return Err(ApiError::Forbidden);
    }
    let valid = body.into_inner().validate()?;
    let password_hash = state.passwords.hash(valid.password).await?;
    let mut tx = state.db.begin().await?;
    let user = staff_users::insert(
        tx.exec(),
        &NewStaffUser {
            email: valid.email.into_string(),
            name: valid.name.into_string(),
            role: valid.role,
            password_hash: Some(password_hash),
        },
    )
    .await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.staff_user.created")
        .subject("staff_user", user.id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "email": user.email, "role": user.role.as_str() }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(StaffUserDto::from(user)))
}

/// Sets `active` and audits the change; a user already in that state is answered as is.
async fn set_active(
    caller: &StaffCaller,
    state: &AppState,
    req: &HttpRequest,
    id: StaffUserId,
    active: bool,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    if !active && id == caller.staff_user_id() {
        return Err(ApiError::Conflict {
            code: "cannot_deactivate_self",
            detail: "You cannot deactivate your own account (nor the one your API key acts for)."
                .into(),
            allowed: None,
        });
    }
    let mut tx = state.db.begin().await?;
    let current = staff_users::get(tx.exec(), id).await?;
    if current.active == active {
        return Ok(HttpResponse::Ok().json(StaffUserDto::from(current)));
    }
    let user = staff_users::set_active(tx.exec(), id, active).await?;
    let action = if active {
        "staff.staff_user.activated"
    } else {
        "staff.staff_user.deactivated"
    };
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, action)
        .subject("staff_user", id.into_uuid())
        .ip(client_ip(req));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffUserDto::from(user)))
}

/// Deactivate a staff user: their tokens and the API keys they created stop working at once.
#[utoipa::path(
    post,
    path = "/staff-users/{id}/deactivate",
    tag = "staff-users",
    params(("id" = Uuid, Path, description = "The staff user's id")),
    responses(
        (status = 200, description = "The staff user, now inactive (also when already inactive)", body = StaffUserDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such staff user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`cannot_deactivate_self`: that is the caller's own account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/staff-users/{id}/deactivate")]
#[tracing::instrument(skip_all, fields(staff_user_id = %id))]
pub async fn deactivate_staff_user(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<StaffUserId>,
) -> Result<HttpResponse, ApiError> {
    set_active(&caller, &state, &req, id.into_inner(), false).await
}

/// Activate a staff user again (they sign in anew; old tokens stay invalid).
#[utoipa::path(
    post,
    path = "/staff-users/{id}/activate",
    tag = "staff-users",
    params(("id" = Uuid, Path, description = "The staff user's id")),
    responses(
        (status = 200, description = "The staff user, now active (also when already active)", body = StaffUserDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such staff user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/staff-users/{id}/activate")]
#[tracing::instrument(skip_all, fields(staff_user_id = %id))]
pub async fn activate_staff_user(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<StaffUserId>,
) -> Result<HttpResponse, ApiError> {
    set_active(&caller, &state, &req, id.into_inner(), true).await
}
