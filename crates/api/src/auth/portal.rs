//! `PortalCaller`: the authenticated caller of the portal surface. The access token is
//! verified (portal key and audience only), then user, session and CURRENT grants are
//! re-loaded from the database in one round trip: a disabled user, a revoked session or an
//! expired/deleted grant takes effect on the next request, not at token expiry.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use ordinavo_domain::ids::PortalUserId;
use ordinavo_persistence::audit::ActorKind;
use ordinavo_persistence::portal_scope::{self, PortalScope};
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

impl FromRequest for PortalCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = bearer(req).map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(ApiError::Unauthorized);
            };
            let claims = state
                .auth
                .portal
                .verify(&token)
                .map_err(|_| ApiError::Unauthorized)?;
            let session = claims.sid.ok_or(ApiError::Unauthorized)?;
            let scope = portal_scope::load(
                state.db.exec(),
                PortalUserId::from_uuid(claims.sub),
                session,
                claims.ver,
            )
            .await?
            .ok_or(ApiError::Unauthorized)?;
            Ok(PortalCaller {
                scope,
                token_version: claims.ver,
            })
        })
    }
}
