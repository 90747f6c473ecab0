//! Portal sessions on the wire: the refresh cookie (HttpOnly, Secure, SameSite=Strict, scoped
//! to the portal auth path) and the access-token response shared by sign-in, invitation
//! acceptance and refresh.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::PortalUserId;
use ordinavo_persistence::sessions::{self, NewSession, Session};
use ordinavo_persistence::{Exec, StoreError};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::tokens::OpaqueToken;
use crate::error::ApiError;
use crate::state::AppState;

/// The refresh cookie's name.
pub const REFRESH_COOKIE: &str = "ordinavo_refresh";
/// The only path the browser sends the refresh cookie to.
pub const REFRESH_COOKIE_PATH: &str = "/api/portal/v1/auth";
/// A session not refreshed for this long ends (idle timeout).
pub const IDLE_DAYS: i64 = 14;
/// A session ends this long after sign-in, whatever happens (absolute lifetime).
pub const ABSOLUTE_DAYS: i64 = 30;

/// A bearer access token and its lifetime. The refresh token travels only in the cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires (at most 900).
    pub expires_in: i64,
}

/// A freshly created refresh-token row and its raw token (for the cookie).
#[derive(Debug)]
pub struct Started {
    pub session: Session,
    pub refresh_token: String,
}

/// Creates a refresh-token row: a new family on sign-in (`family = None`), or the next row of
/// `family` on rotation (its expiry never passes the family's absolute lifetime).
pub async fn start(
    ex: Exec<'_>,
    user: PortalUserId,
    family: Option<(Uuid, DateTime<Utc>)>,
    req: &HttpRequest,
) -> Result<Started, StoreError> {
    let token = OpaqueToken::generate();
    let now = Utc::now();
    let idle = now + Duration::days(IDLE_DAYS);
    let expires_at = match family {
        Some((_, started)) => idle.min(started + Duration::days(ABSOLUTE_DAYS)),
        None => idle,
    };
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    let ip = crate::auth::client_ip(req);
    let session = sessions::insert(
        ex,
        &NewSession {
            portal_user_id: user,
            family_id: family.map(|(id, _)| id),
            refresh_hash: &token.hash,
            expires_at,
            user_agent,
            created_ip: ip.as_deref(),
        },
    )
    .await?;
    Ok(Started {
        session,
        refresh_token: token.raw,
    })
}

/// The refresh cookie carrying `token` until `expires_at`.
pub fn refresh_cookie(token: &str, expires_at: DateTime<Utc>) -> Cookie<'static> {
    let seconds = (expires_at - Utc::now()).num_seconds().max(0);
    Cookie::build(REFRESH_COOKIE, token.to_string())
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(seconds))
        .finish()
}

/// A cookie that makes the browser forget the refresh token.
pub fn cleared_cookie() -> Cookie<'static> {
    let mut c = refresh_cookie("", Utc::now());
    c.make_removal();
    c
}

/// The raw refresh token from the request's cookie, if it has a plausible one.
pub fn refresh_token_of(req: &HttpRequest) -> Option<String> {
    req.cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|t| crate::auth::tokens::looks_like_token(t))
}

/// 200 with an access token for the session, and the refresh cookie.
pub fn token_response(
    state: &AppState,
    user: PortalUserId,
    started: &Started,
    token_version: i64,
) -> Result<HttpResponse, ApiError> {
    let (access_token, expires_in) =
        state
            .auth
            .portal
            .issue(user.into_uuid(), Some(started.session.id), token_version)?;
    Ok(HttpResponse::Ok()
        .cookie(refresh_cookie(
            &started.refresh_token,
            started.session.expires_at,
        ))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in,
        }))
}
