//! `StaffCaller`: the authenticated caller of the internal surface — a staff user with an
//! internal access token, or an API key. The user (or key) and its role are re-read from the
//! database on every request, so a deactivation or revocation takes effect at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, web};
use ordinavo_domain::ids::{ApiKeyId, StaffUserId};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::audit::ActorKind;
use ordinavo_persistence::{StoreError, api_keys, staff_users};
use uuid::Uuid;

use crate::auth::{bearer, tokens};
use crate::error::ApiError;
use crate::state::AppState;

/// Every API key starts with this, so secret scanners can recognise a leaked one.
pub const API_KEY_PREFIX: &str = "ordk_";

/// Who is calling the internal surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffActor {
    User(StaffUserId),
    ApiKey {
        id: ApiKeyId,
        created_by: StaffUserId,
    },
}

/// An authenticated internal caller and its current role.
#[derive(Debug, Clone)]
pub struct StaffCaller {
    pub actor: StaffActor,
    pub role: StaffRole,
}

/// Ranks roles: each role may do what the roles below it may.
const fn rank(role: StaffRole) -> u8 {
    match role {
        StaffRole::Dispatcher => 1,
        StaffRole::Manager => 2,
        StaffRole::Admin => 3,
    }
}

impl StaffCaller {
    /// Allows the call when the caller's role is `minimum` or above, else 403.
    /// dispatcher < manager < admin: a manager may review and schedule, an admin may publish.
    pub fn require(&self, minimum: StaffRole) -> Result<(), ApiError> {
        if rank(self.role) >= rank(minimum) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// The staff user accountable for this call (an API key's creator).
    pub fn staff_user_id(&self) -> StaffUserId {
        match self.actor {
            StaffActor::User(id) => id,
            StaffActor::ApiKey { created_by, .. } => created_by,
        }
    }

    /// The audit actor of this call.
    pub fn audit_actor(&self) -> (ActorKind, Option<Uuid>) {
        match self.actor {
            StaffActor::User(id) => (ActorKind::Staff, Some(id.into_uuid())),
            StaffActor::ApiKey { id, .. } => (ActorKind::ApiKey, Some(id.into_uuid())),
        }
    }
}

impl FromRequest for StaffCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = bearer(req).map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(ApiError::Unauthorized);
            };
            authenticate(&state, &token).await
        })
    }
}

async fn authenticate(state: &AppState, token: &str) -> Result<StaffCaller, ApiError> {
    if token.starts_with(API_KEY_PREFIX) {
        let key = match api_keys::find_active_by_hash(state.db.exec(), &tokens::hash(token)).await {
            Ok(key) => key,
            Err(StoreError::NotFound) => return Err(ApiError::Unauthorized),
            Err(e) => return Err(e.into()),
        };
        // The key's creator must still be an active staff member.
        let creator = staff_users::get(state.db.exec(), key.created_by).await?;
        if !creator.active {
            return Err(ApiError::Unauthorized);
        }
        api_keys::touch(state.db.exec(), key.id).await?;
        return Ok(StaffCaller {
            actor: StaffActor::ApiKey {
                id: key.id,
                created_by: key.created_by,
            },
            role: key.role,
        });
    }
    let claims = state
        .auth
        .internal
        .verify(token)
        .map_err(|_| ApiError::Unauthorized)?;
    let user = match staff_users::get(state.db.exec(), StaffUserId::from_uuid(claims.sub)).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Err(ApiError::Unauthorized),
        Err(e) => return Err(e.into()),
    };
    if !user.active || claims.ver != user.version {
        return Err(ApiError::Unauthorized);
    }
    Ok(StaffCaller {
        actor: StaffActor::User(user.id),
        role: user.role,
    })
}
