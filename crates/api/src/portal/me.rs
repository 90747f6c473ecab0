//! The signed-in portal user's own account: profile, language, notification preferences,
//! password, and the list of signed-in devices (sessions) with remote sign-out.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::input::DisplayName;
use ordinavo_domain::locale::Locale;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::portal_users::{self, Notifications, Profile};
use ordinavo_persistence::{OptionalExt, calendar_feeds, customers, reset_tokens, sessions};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::portal::PortalCaller;
use crate::auth::throttle::Action;
use crate::error::{ApiError, FieldError, Problem};
use crate::passwords;
use crate::portal::session::TokenResponse;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(get_me, patch_me, change_password, list_sessions, end_session),
    components(schemas(
        Me,
        NotificationSettings,
        Access,
        MePatch,
        NotificationPatch,
        PasswordChange,
        SessionInfo
    ))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_me)
        .service(patch_me)
        .service(change_password)
        .service(list_sessions)
        .service(end_session);
}

/// Which mails the user wants.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationSettings {
    /// Mails when a request is accepted, rejected or planned.
    pub request_updates: bool,
    /// Mails about appointments.
    pub appointments: bool,
    /// Mails when a visit report is shared.
    pub reports: bool,
}

impl From<Notifications> for NotificationSettings {
    fn from(n: Notifications) -> Self {
        Self {
            request_updates: n.request_updates,
            appointments: n.appointments,
            reports: n.reports,
        }
    }
}

/// One customer the user may see, and what they may do there.
#[derive(Debug, Serialize, ToSchema)]
pub struct Access {
    pub customer_id: Uuid,
    pub customer_name: String,
    /// Every location of the customer, or only some (see `GET /locations`).
    pub all_locations: bool,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// `en`, `fr` or `de`.
    pub locale: String,
    pub notifications: NotificationSettings,
    pub access: Vec<Access>,
    /// A private calendar feed URL exists (`POST /me/calendar-feed` makes a new one, `DELETE`
    /// revokes it; the URL itself is shown only when created).
    pub calendar_feed_enabled: bool,
}

/// Profile changes; every field optional, unknown fields refused (nothing is changed then).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    #[serde(default)]
    pub display_name: Option<String>,
    /// `en`, `fr` or `de`.
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub notifications: Option<NotificationPatch>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPatch {
    #[serde(default)]
    pub request_updates: Option<bool>,
    #[serde(default)]
    pub appointments: Option<bool>,
    #[serde(default)]
    pub reports: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(value_type = String, format = Password)]
    pub current_password: SecretString,
    /// 12 to 128 characters, not a common or easily guessed password.
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// A signed-in browser or device.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    pub id: Uuid,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub last_active_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    /// This is the session making the request.
    pub current: bool,
}

async fn me(state: &AppState, caller: &PortalCaller) -> Result<Me, ApiError> {
    let user = portal_users::get(state.db.exec(), caller.user_id()).await?;
    let mut access = Vec::new();
    for g in &caller.scope.grants {
        if let Some(c) = customers::get(state.db.exec(), g.customer_id)
            .await
            .optional()?
        {
            access.push(Access {
                customer_id: c.id.into_uuid(),
                customer_name: c.name,
                all_locations: g.all_locations,
                can_submit_requests: g.can_submit_requests,
                can_view_reports: g.can_view_reports,
                can_download_attachments: g.can_download_attachments,
            });
        }
    }
    Ok(Me {
        id: user.id.into_uuid(),
        email: user.email,
        display_name: user.display_name,
        locale: user.locale.as_str().to_string(),
        notifications: user.notifications.into(),
        access,
        calendar_feed_enabled: calendar_feeds::is_enabled(state.db.exec(), user.id).await?,
    })
}

/// The signed-in user, with the customers they may see.
#[utoipa::path(
    get,
    path = "/me",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
#[tracing::instrument(skip_all)]
pub async fn get_me(
    state: web::Data<AppState>,
    caller: PortalCaller,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(me(&state, &caller).await?))
}

/// Change name, language or notification preferences.
#[utoipa::path(
    patch,
    path = "/me",
    tag = "account",
    request_body = MePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Me),
        (status = 400, description = "Invalid or unknown field; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/me")]
#[tracing::instrument(skip_all)]
pub async fn patch_me(
    state: web::Data<AppState>,
    caller: PortalCaller,
    body: web::Json<MePatch>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let user = portal_users::get(state.db.exec(), caller.user_id()).await?;
    let mut errors = Vec::new();
    let display_name = match body.display_name.as_deref().map(DisplayName::parse) {
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
    let locale = match body.locale.as_deref().map(str::parse::<Locale>) {
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
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let n = body.notifications.unwrap_or(NotificationPatch {
        request_updates: None,
        appointments: None,
        reports: None,
    });
    let notifications = Notifications {
        request_updates: n
            .request_updates
            .unwrap_or(user.notifications.request_updates),
        appointments: n.appointments.unwrap_or(user.notifications.appointments),
        reports: n.reports.unwrap_or(user.notifications.reports),
    };
    portal_users::update_profile(
        state.db.exec(),
        user.id,
        &Profile {
            display_name,
            locale,
            notifications,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(me(&state, &caller).await?))
}

/// Change the password. Every other session ends; this one continues with the new access
/// token in the response.
#[utoipa::path(
    post,
    path = "/me/password",
    tag = "account",
    request_body = PasswordChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed; use the new access token", body = TokenResponse),
        (status = 400, description = "The new password does not meet the policy, or the current one is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    let user = portal_users::get(state.db.exec(), caller.user_id()).await?;
    state
        .limiters
        .check(Action::Login, ip.as_deref(), Some(&user.email))?;
    let PasswordChange {
        current_password,
        new_password,
    } = body.into_inner();
    if !state
        .passwords
        .verify(current_password, user.password_hash.clone())
        .await?
    {
        return Err(ApiError::invalid_fields(vec![FieldError {
            field: "current_password".into(),
            code: "incorrect".into(),
            message: "The current password is incorrect.".into(),
        }]));
    }
    if let Err(e) = passwords::check_policy_for(
        &new_password,
        &[user.email.as_str(), user.display_name.as_str()],
    ) {
        return Err(ApiError::invalid_fields(vec![FieldError {
            field: "new_password".into(),
            code: e.code().into(),
            message: e.to_string(),
        }]));
    }
    let hash = state.passwords.hash(new_password).await?;
    let mut tx = state.db.begin().await?;
    let updated = portal_users::set_password(tx.exec(), user.id, &hash, false).await?;
    sessions::revoke_all_of(tx.exec(), user.id, Some(caller.scope.family_id)).await?;
    reset_tokens::invalidate_all_of(tx.exec(), user.id).await?;
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "portal.password.changed")
        .subject("portal_user", user.id.into_uuid())
        .ip(ip);
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    let (access_token, expires_in) = state.auth.portal.issue(
        user.id.into_uuid(),
        Some(caller.scope.session_id),
        updated.token_version,
    )?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
    }))
}

/// The signed-in browsers and devices of this account.
#[utoipa::path(
    get,
    path = "/me/sessions",
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions, most recently active first", body = [SessionInfo]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me/sessions")]
#[tracing::instrument(skip_all)]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: PortalCaller,
) -> Result<HttpResponse, ApiError> {
    let list: Vec<SessionInfo> = sessions::active_families(state.db.exec(), caller.user_id())
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            id: s.family_id,
            current: s.family_id == caller.scope.family_id,
            user_agent: s.user_agent,
            ip: s.created_ip,
            last_active_at: s.last_seen_at,
            expires_at: s.expires_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Sign out one browser or device (its refresh token and access tokens stop working).
#[utoipa::path(
    delete,
    path = "/me/sessions/{id}",
    tag = "account",
    params(("id" = Uuid, Path, description = "Session id from GET /me/sessions")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/sessions/{id}")]
#[tracing::instrument(skip_all)]
pub async fn end_session(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let family = id.into_inner();
    let mut tx = state.db.begin().await?;
    if sessions::revoke_family_of(tx.exec(), caller.user_id(), family).await? == 0 {
        return Err(ApiError::NotFound);
    }
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "portal.session.ended")
        .subject("portal_session", family)
        .ip(client_ip(&req));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
