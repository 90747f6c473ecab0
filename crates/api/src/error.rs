//! Errors of both surfaces as RFC 9457 `application/problem+json` with a stable `code`.
//!
//! Clients see a status, a stable code and a human sentence; never SQL, file paths or a stack.
//! `Internal` errors are logged with their whole cause chain and answered as a bare 500.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ordinavo_persistence::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input field: which field, a stable code, and a sentence for people.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The offending field as a JSON path, e.g. `title` or `preferred_windows[2]`.
    pub field: String,
    /// Stable machine-readable code, e.g. `too_long`, `required`.
    pub code: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A stable URN naming the kind of problem, e.g. `urn:ordinavo:problem:not_found`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code; the last segment of `type`.
    pub code: String,
    /// Invalid fields, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The statuses a conflicting transition could move to instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// Every error an API handler can return. Each variant's doc names its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a field is invalid.
    #[error("bad request: {detail}")]
    BadRequest {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// 401: no valid credentials; carries `WWW-Authenticate: Bearer`.
    #[error("unauthorized")]
    Unauthorized,
    /// 401: a sign-in with a wrong email or password (one message for both causes).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// 403: authenticated, but this role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404: does not exist, or is outside the caller's grants (indistinguishable by design).
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the state forbids this change (`allowed` lists what is possible instead).
    #[error("conflict: {detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        allowed: Option<Vec<String>>,
    },
    /// 413: the body is larger than this route accepts.
    #[error("payload too large")]
    PayloadTooLarge { limit_bytes: usize },
    /// 415: the body's media type is not accepted here.
    #[error("unsupported media type")]
    UnsupportedMediaType { detail: String },
    /// 410: the link or token existed but is used up, expired or revoked.
    #[error("gone")]
    Gone { code: &'static str, detail: String },
    /// 422: well-formed, but refers to something inconsistent (e.g. an idempotency key reused
    /// with another body).
    #[error("unprocessable: {detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// 429: too many attempts; carries `Retry-After`.
    #[error("too many requests")]
    TooManyRequests { retry_after_seconds: u64 },
    /// 503: a dependency (the database) is not answering.
    #[error("service unavailable")]
    Unavailable,
    /// 500: anything unexpected; logged with its cause chain, shown as a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        ApiError::BadRequest {
            code: "validation_failed",
            detail: "One or more fields are invalid.".into(),
            errors,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Gone { code, .. }
            | ApiError::Unprocessable { code, .. } => code,
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Unauthorized => "unauthorized",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The problem document clients receive. Built only from client-safe parts of the error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (detail, errors, allowed) = match self {
            ApiError::BadRequest { detail, errors, .. } => {
                (Some(detail.clone()), errors.clone(), None)
            }
            ApiError::Conflict {
                detail, allowed, ..
            } => (Some(detail.clone()), Vec::new(), allowed.clone()),
            ApiError::Unauthorized => (Some("Sign in to continue.".to_string()), Vec::new(), None),
            ApiError::InvalidCredentials => (
                Some("The email or password is incorrect.".to_string()),
                Vec::new(),
                None,
            ),
            ApiError::PayloadTooLarge { limit_bytes } => (
                Some(format!("The request body exceeds {limit_bytes} bytes.")),
                Vec::new(),
                None,
            ),
            ApiError::UnsupportedMediaType { detail }
            | ApiError::Gone { detail, .. }
            | ApiError::Unprocessable { detail, .. } => (Some(detail.clone()), Vec::new(), None),
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => (
                Some(format!(
                    "Too many attempts. Try again in {retry_after_seconds} seconds."
                )),
                Vec::new(),
                None,
            ),
            ApiError::Forbidden
            | ApiError::NotFound
            | ApiError::MethodNotAllowed
            | ApiError::Unavailable
            | ApiError::Internal(_) => (None, Vec::new(), None),
        };
        let code = self.code();
        Problem {
            type_: format!("urn:ordinavo:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: code.to_string(),
            errors,
            allowed,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        match self {
            ApiError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"ordinavo\""));
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::StaleVersion => ApiError::Conflict {
                code: "stale_version",
                detail: "This item was changed by someone else; reload it and try again.".into(),
                allowed: None,
            },
            StoreError::Conflict { constraint } => ApiError::Conflict {
                code: "already_exists",
                detail: conflict_detail(&constraint),
                allowed: None,
            },
            StoreError::MissingReference => {
                ApiError::bad_request("unknown_reference", "A referenced item does not exist.")
            }
            StoreError::Other(msg) => ApiError::Internal(anyhow::anyhow!(msg)),
        }
    }
}

/// A client-safe sentence for a unique-constraint conflict (never the constraint itself).
fn conflict_detail(constraint: &str) -> String {
    match constraint {
        ordinavo_persistence::staff_users::UQ_EMAIL => {
            "A staff user with this email already exists.".into()
        }
        ordinavo_persistence::customers::UQ_EXTERNAL_REF => {
            "A customer with this external reference already exists.".into()
        }
        _ => "An item with these values already exists.".into(),
    }
}

/// Turns actix's JSON body errors into 400/413/415 problems instead of plain text.
pub fn json_error_handler(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { limit, .. } => ApiError::PayloadTooLarge {
            limit_bytes: *limit,
        },
        E::Overflow { limit } => ApiError::PayloadTooLarge {
            limit_bytes: *limit,
        },
        E::ContentType => ApiError::UnsupportedMediaType {
            detail: "Send the body as application/json.".into(),
        },
        E::Deserialize(de) => ApiError::bad_request("malformed_json", json_detail(de)),
        _ => ApiError::bad_request("malformed_json", "The request body could not be read."),
    };
    api.into()
}

/// serde_json's message says what is wrong and where (field, expected type, line/column); it
/// can quote the client's own value back, never anything of the server's.
fn json_detail(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => format!("The JSON body is invalid: {e}"),
        _ => format!(
            "The body is not valid JSON (line {}, column {}).",
            e.line(),
            e.column()
        ),
    }
}

/// Turns query-string errors into 400 problems.
pub fn query_error_handler(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request(
        "invalid_query",
        format!("The query string is invalid: {err}"),
    )
    .into()
}

/// Turns path-segment errors (e.g. a malformed id) into 404 problems: a malformed id names
/// nothing, exactly like an unknown one.
pub fn path_error_handler(
    _err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::NotFound.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_shows_nothing_of_its_cause() {
        let e = ApiError::Internal(anyhow::anyhow!("SELECT * FROM secrets at /srv/app.rs:12"));
        let body = serde_json::to_string(&e.problem()).unwrap_or_default();
        assert!(!body.contains("SELECT"));
        assert!(!body.contains("/srv"));
        assert!(body.contains("\"code\":\"internal\""));
        assert!(body.contains("\"status\":500"));
    }

    #[test]
    fn a_store_conflict_never_names_the_constraint() {
        let e: ApiError = StoreError::Conflict {
            constraint: "uq_staff_users_email".into(),
        }
        .into();
        let body = serde_json::to_string(&e.problem()).unwrap_or_default();
        assert!(!body.contains("uq_staff_users_email"));
        assert_eq!(e.status_code(), StatusCode::CONFLICT);
    }
}
