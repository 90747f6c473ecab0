//! Cross-cutting response middleware: the request id echoed to clients, and problem+json bodies
//! for errors actix produces by itself (unknown method, oversized payload, …).

use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{HttpMessage, ResponseError};

use crate::error::{ApiError, PROBLEM_JSON};

/// Replaces the bare body of any 4xx/5xx response that is not already problem+json.
pub fn problem_bodies<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(|res: ServiceResponse<B>| {
        let is_problem = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
        if is_problem {
            return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
        }
        let status = res.status();
        let api = match status {
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
            StatusCode::FORBIDDEN => ApiError::Forbidden,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge { limit_bytes: 0 },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType {
                detail: "This media type is not accepted here.".into(),
            },
            StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable,
            s if s.is_server_error() => ApiError::Internal(anyhow::anyhow!("status {s}")),
            _ => ApiError::bad_request("bad_request", "The request could not be processed."),
        };
        let (req, original) = res.into_parts();
        let mut replacement = api.error_response();
        *replacement.status_mut() = status;
        for (name, value) in original.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                replacement
                    .headers_mut()
                    .insert(name.clone(), value.clone());
            }
        }
        let res = ServiceResponse::new(req, replacement)
            .map_into_boxed_body()
            .map_into_right_body();
        Ok(ErrorHandlerResponse::Response(res))
    })
}

/// The `X-Request-Id` response header: the id tracing-actix-web put on every log line of this
/// request, so a user's report can be matched to the server's logs.
pub fn request_id_header(res: &mut ServiceResponse<impl actix_web::body::MessageBody>) {
    let id = res
        .request()
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    if let Some(id) = id
        && let Ok(value) = HeaderValue::from_str(&id)
    {
        res.headers_mut()
            .insert(header::HeaderName::from_static("x-request-id"), value);
    }
}
