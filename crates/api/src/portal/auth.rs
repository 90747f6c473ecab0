//! Portal sign-in, refresh and sign-out. Sign-in failures all read the same and cost the same
//! (unknown email, wrong password, disabled or not-yet-activated account); refresh tokens are
//! rotated on every use and a reused one revokes its whole session family.

use actix_web::{HttpRequest, HttpResponse, ResponseError, post, web};
use ordinavo_domain::input::Email;
use ordinavo_domain::roles::PortalUserStatus;
use ordinavo_persistence::audit::{self, ActorKind, AuditEntry};
use ordinavo_persistence::{OptionalExt, StoreError, login_throttle, portal_users, sessions};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use crate::auth::client_ip;
use crate::auth::throttle::{self, Action};
use crate::auth::tokens;
use crate::error::{ApiError, Problem};
use crate::portal::session::{self, TokenResponse};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(login, refresh, logout),
    components(schemas(LoginRequest, TokenResponse))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

/// Credentials. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "claire.moreau@moreau.example")]
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// Sign in. Answers an access token and sets the refresh cookie (HttpOnly, Secure,
/// SameSite=Strict, path `/api/portal/v1/auth`).
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh cookie is set", body = TokenResponse),
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
    let throttle_key = format!("portal:{email}");
    throttle::ensure_not_locked(&state.db, &throttle_key).await?;

    let user = portal_users::find_by_email(state.db.exec(), &email)
        .await
        .optional()?
        .filter(|u| u.status == PortalUserStatus::Active);
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state.passwords.verify(password, stored).await?;
    let Some(user) = user.filter(|_| ok) else {
        let entry = AuditEntry::new(ActorKind::Anonymous, None, "portal.login.failed")
            .ip(ip)
            .details(serde_json::json!({ "email": email }));
        audit::record(state.db.exec(), &entry).await?;
        if let Some(locked) = throttle::record_failure(&state.db, &throttle_key).await? {
            return Err(locked);
        }
        return Err(ApiError::InvalidCredentials);
    };

    let mut tx = state.db.begin().await?;
    login_throttle::clear(tx.exec(), &throttle_key).await?;
    portal_users::record_login(tx.exec(), user.id).await?;
    let started = session::start(tx.exec(), user.id, None, &req).await?;
    let entry = AuditEntry::new(ActorKind::Portal, Some(user.id.into_uuid()), "portal.login")
        .subject("portal_session", started.session.family_id)
        .ip(ip);
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    session::token_response(&state, user.id, &started, user.token_version)
}

/// Exchange the refresh cookie for a new access token; the cookie is rotated. A refresh token
/// that was already used ends the whole session (every device token of that sign-in).
#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    responses(
        (status = 200, description = "A new access token; the refresh cookie is rotated", body = TokenResponse),
        (status = 401, description = "No valid refresh cookie; the cookie is cleared", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    state.limiters.check(Action::Refresh, ip.as_deref(), None)?;
    let Some(raw) = session::refresh_token_of(&req) else {
        return Ok(unauthorized_clearing_cookie());
    };
    let Some(old) = sessions::find_by_refresh_hash(state.db.exec(), &tokens::hash(&raw))
        .await
        .optional()?
    else {
        return Ok(unauthorized_clearing_cookie());
    };
    if old.revoked_at.is_some() || old.expires_at <= chrono::Utc::now() {
        return Ok(unauthorized_clearing_cookie());
    }
    if old.rotated_at.is_some() {
        reuse_detected(&state, &old, ip).await?;
        return Ok(unauthorized_clearing_cookie());
    }
    let user_id = ordinavo_domain::ids::PortalUserId::from_uuid(old.portal_user_id);
    let user = match portal_users::get(state.db.exec(), user_id).await {
        Ok(u) if u.status == PortalUserStatus::Active => u,
        Ok(_) | Err(StoreError::NotFound) => return Ok(unauthorized_clearing_cookie()),
        Err(e) => return Err(e.into()),
    };

    let mut tx = state.db.begin().await?;
    if !sessions::mark_rotated(tx.exec(), old.id).await? {
        drop(tx);
        reuse_detected(&state, &old, ip).await?;
        return Ok(unauthorized_clearing_cookie());
    }
    let started_at = sessions::family_started_at(tx.exec(), old.family_id).await?;
    let started =
        session::start(tx.exec(), user.id, Some((old.family_id, started_at)), &req).await?;
    tx.commit().await?;
    session::token_response(&state, user.id, &started, user.token_version)
}

/// A rotated refresh token came back: someone holds a copy. End the whole family.
async fn reuse_detected(
    state: &AppState,
    old: &sessions::Session,
    ip: Option<String>,
) -> Result<(), ApiError> {
    let mut tx = state.db.begin().await?;
    sessions::revoke_family(tx.exec(), old.family_id).await?;
    let entry = AuditEntry::new(
        ActorKind::Portal,
        Some(old.portal_user_id),
        "portal.session.reuse_detected",
    )
    .subject("portal_session", old.family_id)
    .ip(ip);
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    tracing::warn!(family = %old.family_id, "refresh token reuse: session family revoked");
    Ok(())
}

fn unauthorized_clearing_cookie() -> HttpResponse {
    let mut res = ApiError::Unauthorized.error_response();
    // Adding a well-formed cookie header cannot fail.
    let _ = res.add_cookie(&session::cleared_cookie());
    res
}

/// Sign out: ends this browser's session (its whole refresh family) and clears the cookie.
/// Always 204, signed in or not.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    responses((status = 204, description = "Signed out; the refresh cookie is cleared"))
)]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let Some(raw) = session::refresh_token_of(&req)
        && let Some(s) = sessions::find_by_refresh_hash(state.db.exec(), &tokens::hash(&raw))
            .await
            .optional()?
    {
        let mut tx = state.db.begin().await?;
        sessions::revoke_family(tx.exec(), s.family_id).await?;
        let entry = AuditEntry::new(ActorKind::Portal, Some(s.portal_user_id), "portal.logout")
            .subject("portal_session", s.family_id)
            .ip(client_ip(&req));
        audit::record(tx.exec(), &entry).await?;
        tx.commit().await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(session::cleared_cookie())
        .finish())
}
