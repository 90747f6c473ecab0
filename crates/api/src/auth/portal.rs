//! `PortalCaller`: the authenticated caller of the portal surface. The access token is
//! verified (portal key and audience only), then user, session and CURRENT grants are
//! re-loaded from the database in one round trip: a disabled user, a revoked session or an
//! expired/deleted grant takes effect on the next request, not at token expiry.
//! `PortalToken` is the verified token alone, for the one route (the appointments hot path)
//! whose own statement re-checks the session beside its page.

use std::future::{Future, Ready, ready};
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use ordinavo_domain::ids::PortalUserId;
use ordinavo_persistence::audit::ActorKind;
use ordinavo_persistence::portal_scope::{self, PortalScope, SessionKey};
use uuid::Uuid;

use crate::auth::bearer;
use crate::error::ApiError;
use crate::state::AppState;

/// An authenticated portal user with the scope every portal query is filtered by.
#[derive(Debug, Clone)]
pub struct PortalCaller {
    pub scope: PortalScope,
    /// The token version the access token was minted with.
    pub token_version: i64,
}

impl PortalCaller {
    pub fn user_id(&self) -> PortalUserId {
        self.scope.user_id
    }

    pub fn audit_actor(&self) -> (ActorKind, Option<Uuid>) {
        (ActorKind::Portal, Some(self.scope.user_id.into_uuid()))
    }
}

/// A portal access token that verified (portal key and audience only) — what it claims about
/// its caller, NOT yet checked against the database. A handler taking this instead of
/// [`PortalCaller`] must run a statement that re-checks the session itself (the hot path,
/// [`appointments::portal_list`](ordinavo_persistence::appointments::portal_list), does so in
/// the same statement as its page) and answer 401 when that check finds nothing.
#[derive(Debug, Clone, Copy)]
pub struct PortalToken(pub SessionKey);

impl PortalToken {
    fn verify(req: &HttpRequest) -> Result<(Self, web::Data<AppState>), ApiError> {
        let (Some(token), Some(state)) = (bearer(req), req.app_data::<web::Data<AppState>>())
        else {
            return Err(ApiError::Unauthorized);
        };
        let claims = state
            .auth
            .portal
            .verify(token)
            .map_err(|_| ApiError::Unauthorized)?;
        let session = claims.sid.ok_or(ApiError::Unauthorized)?;
        let key = SessionKey {
            user: PortalUserId::from_uuid(claims.sub),
            session,
            token_version: claims.ver,
        };
        Ok((Self(key), state.clone()))
    }
}

impl FromRequest for PortalToken {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Self::verify(req).map(|(token, _)| token))
    }
}

impl FromRequest for PortalCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let verified = PortalToken::verify(req);
        Box::pin(async move {
            let (PortalToken(key), state) = verified?;
            let scope =
                portal_scope::load(state.db.exec(), key.user, key.session, key.token_version)
                    .await?
                    .ok_or(ApiError::Unauthorized)?;
            Ok(PortalCaller {
                scope,
                token_version: key.token_version,
            })
        })
    }
}
