//! Staff sign-in: `POST /auth/login` → a short-lived internal access token.

use actix_web::{HttpRequest, HttpResponse, post, web};
use ordinavo_domain::input::Email;
use ordinavo_persistence::audit::{self, ActorKind, AuditEntry};
use ordinavo_persistence::{OptionalExt, staff_users};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::client_ip;
use crate::auth::throttle::{self, Action};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(paths(login), components(schemas(LoginRequest, TokenResponse)))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login);
}

/// Credentials. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "dispatcher@ordinavo.example")]
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// A bearer access token and its lifetime.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires (at most 900).
    pub expires_in: i64,
}

/// Sign in as staff.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let ip = client_ip(&req);
    let email = Email::parse(&email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    state
        .limiters
        .check(Action::Login, ip.as_deref(), Some(&email))?;
    let throttle_key = format!("staff:{email}");
    throttle::ensure_not_locked(&state.db, &throttle_key).await?;

    let user = staff_users::find_by_email(state.db.exec(), &email)
        .await
        .optional()?
        .filter(|u| u.active);
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state.passwords.verify(password, stored).await?;

    let Some(user) = user.filter(|_| ok) else {
        let entry = AuditEntry::new(ActorKind::Anonymous, None, "staff.login.failed")
            .ip(ip)
            .details(serde_json::json!({ "email": email }));
        audit::record(state.db.exec(), &entry).await?;
        if let Some(locked) = throttle::record_failure(&state.db, &throttle_key).await? {
            return Err(locked);
        }
        return Err(ApiError::InvalidCredentials);
    };

    ordinavo_persistence::login_throttle::clear(state.db.exec(), &throttle_key).await?;
    let entry = AuditEntry::new(ActorKind::Staff, Some(user.id.into_uuid()), "staff.login")
        .subject("staff_user", user.id.into_uuid())
        .ip(ip);
    audit::record(state.db.exec(), &entry).await?;
    let (access_token, expires_in) =
        state
            .auth
            .internal
            .issue(user.id.into_uuid(), None, user.version)?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
    }))
}
