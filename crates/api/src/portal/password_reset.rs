//! Forgotten passwords: ask for a reset link (always 202, whether or not the email exists),
//! then set a new password with it — which also ends every session of the account.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{Duration, Utc};
use ordinavo_domain::ids::PortalUserId;
use ordinavo_domain::input::Email;
use ordinavo_domain::roles::PortalUserStatus;
use ordinavo_persistence::audit::{self, ActorKind, AuditEntry};
use ordinavo_persistence::mail_outbox;
use ordinavo_persistence::{OptionalExt, login_throttle, portal_users, reset_tokens, sessions};
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use crate::auth::client_ip;
use crate::auth::throttle::Action;
use crate::auth::tokens::{self, OpaqueToken};
use crate::error::{ApiError, FieldError, Problem};
use crate::mail::{PasswordResetMail, portal_link};
use crate::passwords;
use crate::state::AppState;

/// How long a reset link works.
pub const RESET_MINUTES: u32 = 60;

#[derive(OpenApi)]
#[openapi(
    paths(request_reset, complete_reset),
    components(schemas(ResetRequest, NewPasswordRequest))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(request_reset).service(complete_reset);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordRequest {
    /// 12 to 128 characters, not a common or easily guessed password.
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// Ask for a password-reset link by mail. Always 202: the answer never says whether the
/// email belongs to an account.
#[utoipa::path(
    post,
    path = "/auth/password-reset",
    tag = "auth",
    request_body = ResetRequest,
    responses(
        (status = 202, description = "If the account exists, a link is on its way"),
        (status = 429, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
#[tracing::instrument(skip_all)]
pub async fn request_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    let Ok(email) = Email::parse(&body.email) else {
        return Ok(HttpResponse::Accepted().finish());
    };
    state
        .limiters
        .check(Action::PasswordReset, ip.as_deref(), Some(email.as_str()))?;
    let user = portal_users::find_by_email(state.db.exec(), email.as_str())
        .await
        .optional()?
        .filter(|u| u.status == PortalUserStatus::Active);
    if let Some(user) = user {
        let token = OpaqueToken::generate();
        let link = portal_link(&state.settings.public_url, &format!("reset/{}", token.raw));
        let mut tx = state.db.begin().await?;
        reset_tokens::insert(
            tx.exec(),
            user.id,
            &token.hash,
            Utc::now() + Duration::minutes(i64::from(RESET_MINUTES)),
        )
        .await?;
        let mail = PasswordResetMail {
            display_name: user.display_name.clone(),
            link,
            expires_minutes: RESET_MINUTES,
        }
        .to_mail(user.email.clone(), user.locale);
        mail_outbox::enqueue(tx.exec(), &mail).await?;
        let entry = AuditEntry::new(
            ActorKind::Anonymous,
            None,
            "portal.password_reset.requested",
        )
        .subject("portal_user", user.id.into_uuid())
        .ip(ip);
        audit::record(tx.exec(), &entry).await?;
        tx.commit().await?;
        state.mail_wakeup.notify_one();
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with a reset link. Every session of the account ends.
#[utoipa::path(
    post,
    path = "/auth/password-reset/{token}",
    tag = "auth",
    params(("token" = String, Path, description = "The token from the reset link")),
    request_body = NewPasswordRequest,
    responses(
        (status = 204, description = "Password changed; sign in again"),
        (status = 400, description = "The password does not meet the policy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link was used or has expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/{token}")]
#[tracing::instrument(skip_all)]
pub async fn complete_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: web::Json<NewPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    state
        .limiters
        .check(Action::PasswordReset, ip.as_deref(), None)?;
    if !tokens::looks_like_token(&token) {
        return Err(ApiError::NotFound);
    }
    let reset = reset_tokens::find_by_hash(state.db.exec(), &tokens::hash(&token)).await?;
    let gone = || ApiError::Gone {
        code: "reset_link_expired",
        detail: "This link was already used or has expired. Ask for a new one.".into(),
    };
    if reset.used_at.is_some() || reset.expires_at <= Utc::now() {
        return Err(gone());
    }
    let user = portal_users::get(
        state.db.exec(),
        PortalUserId::from_uuid(reset.portal_user_id),
    )
    .await?;
    if user.status != PortalUserStatus::Active {
        return Err(gone());
    }
    let password = body.into_inner().password;
    if let Err(e) = passwords::check_policy_for(
        &password,
        &[user.email.as_str(), user.display_name.as_str()],
    ) {
        return Err(ApiError::invalid_fields(vec![FieldError {
            field: "password".into(),
            code: e.code().into(),
            message: e.to_string(),
        }]));
    }
    let hash = state.passwords.hash(password).await?;
    let mut tx = state.db.begin().await?;
    if !reset_tokens::mark_used(tx.exec(), reset.id).await? {
        return Err(gone());
    }
    reset_tokens::invalidate_all_of(tx.exec(), user.id).await?;
    portal_users::set_password(tx.exec(), user.id, &hash, false).await?;
    sessions::revoke_all_of(tx.exec(), user.id, None).await?;
    login_throttle::clear(tx.exec(), &format!("portal:{}", user.email)).await?;
    let entry = AuditEntry::new(
        ActorKind::Portal,
        Some(user.id.into_uuid()),
        "portal.password_reset.completed",
    )
    .subject("portal_user", user.id.into_uuid())
    .ip(ip);
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
