//! Logging: `tracing` with an env filter; human-readable lines by default, JSON in production.
//! Every line written inside a request carries the request id of tracing-actix-web's root span.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Installs the global subscriber once; later calls (tests) are ignored.
pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::NONE)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init()
    } else {
        builder.try_init()
    };
}

/// The root span of every request: method, redacted path, client, request id; one
/// "request completed" line with status and latency when it ends.
///
/// Unlike tracing-actix-web's default, the path is redacted: invitation, reset and calendar
/// links carry a secret in their path, and no token may reach a log line.
#[derive(Debug)]
pub struct RedactingRootSpan;

/// Path segments that follow these segments are secrets.
const SECRET_AFTER: &[&str] = &["invitations", "password-reset", "calendar"];

/// `path` with secret segments replaced by `[redacted]`; query strings are dropped.
pub fn redact_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut hide_next = false;
    for segment in path.split('/') {
        if hide_next && !segment.is_empty() {
            out.push("[redacted]");
            hide_next = false;
            continue;
        }
        hide_next = SECRET_AFTER.contains(&segment);
        out.push(segment);
    }
    out.join("/")
}

impl tracing_actix_web::RootSpanBuilder for RedactingRootSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = request
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let user_agent = request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        let client_ip = request
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            path = %redact_path(request.path()),
            client_ip = %client_ip,
            user_agent = %user_agent,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(res) => res.status(),
            Err(e) => e.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
        let _enter = span.enter();
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), "request failed");
        } else {
            tracing::info!(status = status.as_u16(), "request completed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn secrets_in_paths_never_reach_the_log() {
        assert_eq!(
            redact_path("/api/portal/v1/auth/invitations/abcDEF123/accept"),
            "/api/portal/v1/auth/invitations/[redacted]/accept"
        );
        assert_eq!(
            redact_path("/api/portal/v1/auth/password-reset/tok"),
            "/api/portal/v1/auth/password-reset/[redacted]"
        );
        assert_eq!(
            redact_path("/api/portal/v1/calendar/feedtoken.ics"),
            "/api/portal/v1/calendar/[redacted]"
        );
        assert_eq!(
            redact_path("/api/portal/v1/auth/password-reset"),
            "/api/portal/v1/auth/password-reset"
        );
        assert_eq!(redact_path("/api/portal/v1/me"), "/api/portal/v1/me");
    }
}
