//! Accepting an invitation: preview the invitation behind a link, then set a password (and
//! optionally name and language) and be signed in. The link works once, for 7 days.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::input::DisplayName;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::PortalUserStatus;
use ordinavo_persistence::audit::{self, ActorKind, AuditEntry};
use ordinavo_persistence::invitations::{self, Invitation, InvitationState};
use ordinavo_persistence::portal_users::{self, PortalUser, Profile};
use ordinavo_persistence::{OptionalExt, customers, grants};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::throttle::Action;
use crate::auth::{client_ip, tokens};
use crate::error::{ApiError, FieldError, Problem};
use crate::passwords;
use crate::portal::session::{self, TokenResponse};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(preview, accept),
    components(schemas(InvitationPreview, AcceptRequest))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(preview).service(accept);
}

/// What an invitation link offers, shown before the password is chosen.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationPreview {
    pub email: String,
    pub display_name: String,
    /// `en`, `fr` or `de`.
    pub locale: String,
    /// The companies whose portal this invitation opens.
    pub customers: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

/// The new password, and optionally a corrected name and language.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// 12 to 128 characters, not a common or easily guessed password.
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    #[serde(default)]
    pub display_name: Option<String>,
    /// `en`, `fr` or `de`.
    #[serde(default)]
    pub locale: Option<String>,
}

/// The pending invitation and invited user behind a raw token: 404 when the token names
/// nothing, 410 when it was used, revoked or has expired.
async fn open_invitation(
    state: &AppState,
    raw: &str,
) -> Result<(Invitation, PortalUser), ApiError> {
    if !tokens::looks_like_token(raw) {
        return Err(ApiError::NotFound);
    }
    let invitation = invitations::find_by_token_hash(state.db.exec(), &tokens::hash(raw)).await?;
    let gone = |code: &'static str, detail: &str| ApiError::Gone {
        code,
        detail: detail.into(),
    };
    match invitation.state(Utc::now()) {
        InvitationState::Pending => {}
        InvitationState::Accepted => {
            return Err(gone(
                "invitation_used",
                "This invitation was already accepted. Sign in instead.",
            ));
        }
        InvitationState::Revoked => {
            return Err(gone(
                "invitation_revoked",
                "This invitation was withdrawn. Ask your contact for a new one.",
            ));
        }
        InvitationState::Expired => {
            return Err(gone(
                "invitation_expired",
                "This invitation has expired. Ask your contact to send it again.",
            ));
        }
    }
    let user = portal_users::get(state.db.exec(), invitation.portal_user()).await?;
    if user.status != PortalUserStatus::Invited {
        return Err(gone(
            "invitation_revoked",
            "This invitation is no longer valid.",
        ));
    }
    Ok((invitation, user))
}

/// Preview an invitation.
#[utoipa::path(
    get,
    path = "/auth/invitations/{token}",
    tag = "auth",
    params(("token" = String, Path, description = "The token from the invitation link")),
    responses(
        (status = 200, description = "A pending invitation", body = InvitationPreview),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Used, revoked or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/invitations/{token}")]
#[tracing::instrument(skip_all)]
pub async fn preview(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (invitation, user) = open_invitation(&state, &token).await?;
    let mut names = Vec::new();
    for g in grants::for_user(state.db.exec(), user.id).await? {
        if let Some(c) = customers::get(state.db.exec(), g.customer_id)
            .await
            .optional()?
            .filter(|c| c.portal_enabled)
        {
            names.push(c.name);
        }
    }
    Ok(HttpResponse::Ok().json(InvitationPreview {
        email: user.email,
        display_name: user.display_name,
        locale: user.locale.as_str().to_string(),
        customers: names,
        expires_at: invitation.expires_at,
    }))
}

/// Accept an invitation: set a password and be signed in (refresh cookie set).
#[utoipa::path(
    post,
    path = "/auth/invitations/{token}/accept",
    tag = "auth",
    params(("token" = String, Path, description = "The token from the invitation link")),
    request_body = AcceptRequest,
    responses(
        (status = 200, description = "Accepted and signed in", body = TokenResponse),
        (status = 400, description = "Invalid password, name or language", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Used, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/invitations/{token}/accept")]
#[tracing::instrument(skip_all)]
pub async fn accept(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: web::Json<AcceptRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    state
        .limiters
        .check(Action::InvitationAccept, ip.as_deref(), None)?;
    let (invitation, user) = open_invitation(&state, &token).await?;
    let AcceptRequest {
        password,
        display_name,
        locale,
    } = body.into_inner();

    let mut errors = Vec::new();
    let name = match display_name.as_deref().map(DisplayName::parse) {
        Some(Ok(n)) => n.into_string(),
        Some(Err(e)) => {
            errors.push(FieldError {
                field: "display_name".into(),
                code: e.code.into(),
                message: e.message,
            });
            user.display_name.clone()
        }
        None => user.display_name.clone(),
    };
    let locale = match locale.as_deref().map(str::parse::<Locale>) {
        Some(Ok(l)) => l,
        Some(Err(e)) => {
            errors.push(FieldError {
                field: "locale".into(),
                code: "invalid".into(),
                message: e.to_string(),
            });
            user.locale
        }
        None => user.locale,
    };
    if let Err(e) = passwords::check_policy_for(&password, &[user.email.as_str(), name.as_str()]) {
        errors.push(FieldError {
            field: "password".into(),
            code: e.code().into(),
            message: e.to_string(),
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let hash = state.passwords.hash(password).await?;

    let mut tx = state.db.begin().await?;
    if !invitations::mark_accepted(tx.exec(), invitation.invitation_id()).await? {
        return Err(ApiError::Gone {
            code: "invitation_used",
            detail: "This invitation was already accepted. Sign in instead.".into(),
        });
    }
    portal_users::set_password(tx.exec(), user.id, &hash, true).await?;
    let user = portal_users::update_profile(
        tx.exec(),
        user.id,
        &Profile {
            display_name: name,
            locale,
            notifications: user.notifications,
        },
    )
    .await?;
    portal_users::record_login(tx.exec(), user.id).await?;
    let started = session::start(tx.exec(), user.id, None, &req).await?;
    let entry = AuditEntry::new(
        ActorKind::Portal,
        Some(user.id.into_uuid()),
        "portal.invitation.accepted",
    )
    .subject("portal_user", user.id.into_uuid())
    .ip(ip);
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    session::token_response(&state, user.id, &started, user.token_version)
}
