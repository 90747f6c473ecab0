//! Pieces shared by the portal and internal service-request routes: the window DTO, the enum
//! schemas, and the 409 a refused status change becomes.

use chrono::{DateTime, Utc};
use ordinavo_domain::public_status::PublicStatus;
use ordinavo_domain::request::{RequestKind, RequestStatus};
use ordinavo_domain::transition::TransitionError;
use ordinavo_persistence::service_requests::StoredWindow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::fields;

/// One preferred time window: starts at `starts_at` (inclusive), ends at `ends_at` (exclusive).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreferredWindowDto {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl From<&StoredWindow> for PreferredWindowDto {
    fn from(w: &StoredWindow) -> Self {
        Self {
            starts_at: w.from,
            ends_at: w.to,
        }
    }
}

/// The windows of a stored request, in the order given.
pub fn windows(stored: &[StoredWindow]) -> Vec<PreferredWindowDto> {
    stored.iter().map(PreferredWindowDto::from).collect()
}

/// OpenAPI: `kind` is one of the request kinds.
pub fn kind_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<RequestKind>()
}

/// OpenAPI: a request status (internal and public request statuses use the same words).
pub fn status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<RequestStatus>()
}

/// The customer-facing status of a request status; `None` would mean "not visible" (the
/// domain maps every request status to a visible one, so this is always `Some`).
pub fn public_status(status: RequestStatus) -> Option<PublicStatus> {
    status.public_status().public_status()
}

/// A refused status change: 409 `invalid_transition`, naming the statuses allowed instead.
pub fn transition_conflict(e: &TransitionError) -> ApiError {
    ApiError::Conflict {
        code: "invalid_transition",
        detail: format!(
            "This request is {}; it cannot become {}.",
            e.from.replace('_', " "),
            e.to.replace('_', " ")
        ),
        allowed: Some(e.allowed.iter().map(|s| (*s).to_owned()).collect()),
    }
}

/// How often a status change is retried when the request changed between read and write.
pub const TRANSITION_ATTEMPTS: u32 = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[test]
    fn a_refused_transition_is_a_409_naming_the_allowed_statuses() {
        let Err(e) = RequestStatus::Accepted.cancel() else {
            panic!("accepted requests cannot be cancelled");
        };
        let api = transition_conflict(&e);
        assert_eq!(api.status_code().as_u16(), 409);
        let problem = api.problem();
        assert_eq!(problem.code, "invalid_transition");
        assert_eq!(problem.allowed, Some(vec!["planned".to_string()]));
    }

    #[test]
    fn every_request_status_is_visible_to_customers() {
        for status in RequestStatus::ALL {
            assert!(public_status(*status).is_some(), "{status}");
        }
    }
}
