//! Building and running the HTTP server: database, middleware, the two surfaces, the SPA.

use std::net::TcpListener;

use actix_web::dev::{Server, Service};
use actix_web::middleware::Condition;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use ordinavo_persistence::db::redact_url;
use ordinavo_persistence::{ConnectOptions, Db};
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

use crate::config::Settings;
use crate::error::{json_error_handler, path_error_handler, query_error_handler};
use crate::state::AppState;
use crate::telemetry::RedactingRootSpan;
use crate::{health, internal, mail, middleware, openapi, portal, security_headers, spa};

/// The largest JSON body any route accepts (uploads use multipart with their own limits).
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// Opens the configured database and applies pending migrations. The error names the
/// database (password redacted) and says what went wrong, for a clear message at start-up.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = settings.database_url.expose_secret();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let options = ConnectOptions {
        max_connections: settings.database_pool_size,
        ..ConnectOptions::default()
    };
    let db = Db::connect(url, &options)
        .await
        .with_context(|| format!("cannot open the database at {}", redact_url(url)))?;
    db.migrate()
        .await
        .with_context(|| format!("cannot migrate the database at {}", redact_url(url)))?;
    Ok(db)
}

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    /// The mail outbox worker's setup; `None` when the worker is left off.
    mailer: Option<mail::Mailer>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Opens and migrates the database, then binds `settings.bind` (port 0 picks a free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = open_database(&settings).await?;
        Self::build_with_db(settings, db)
    }

    /// Binds the server over an already opened and migrated database.
    pub fn build_with_db(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = AppState::new(db, settings)?;
        let mailer = mail::Mailer::from_settings(&state.settings)?;
        let server = serve(listener, state.clone())?;
        Ok(Self {
            port,
            server,
            state,
            mailer: Some(mailer),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Leaves the mail outbox worker off, for tests that drive `mail::send_due` themselves
    /// (a background worker would race them for the rows).
    pub fn without_mail_worker(mut self) -> Self {
        self.mailer = None;
        self
    }

    /// Runs until the process receives SIGINT/SIGTERM (graceful shutdown), with the mail
    /// outbox worker alongside; the worker stops after the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (db, wakeup) = (self.state.db.clone(), self.state.mail_wakeup.clone());
        let worker = self.mailer.map(|mailer| mail::spawn(db, mailer, wakeup));
        let result = self.server.await;
        if let Some(worker) = worker {
            worker.stop().await;
        }
        result
    }
}

/// Cross-origin access for the configured origins only (none by default: the SPA is served
/// same-origin). Credentials are allowed so a separately hosted SPA can use the refresh cookie.
fn cors(origins: &[String]) -> actix_cors::Cors {
    use actix_web::http::{Method, header};
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |c, o| c.allowed_origin(o))
        .allowed_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
        ])
        .supports_credentials()
        .max_age(600)
}

/// JSON bodies: at most `JSON_LIMIT_BYTES`, errors as problems (400 malformed, 413, 415).
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(json_error_handler)
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let frontend_dir = state.settings.frontend_dir.clone();
    if spa::files(&frontend_dir).is_none() {
        tracing::info!(
            dir = %frontend_dir.display(),
            "no built SPA found; serving the APIs only"
        );
    }
    let cors_origins = state.settings.cors_origins.clone();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(Condition::new(
                !cors_origins.is_empty(),
                cors(&cors_origins),
            ))
            .wrap(security_headers::everywhere())
            .wrap(middleware::problem_bodies())
            .wrap_fn(|req, srv| {
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    middleware::request_id_header(&mut res);
                    Ok(res)
                }
            })
            .wrap(TracingLogger::<RedactingRootSpan>::new())
            .app_data(data.clone())
            .app_data(json_config())
            .app_data(web::QueryConfig::default().error_handler(query_error_handler))
            .app_data(web::PathConfig::default().error_handler(path_error_handler))
            .service(health::healthz)
            .service(health::readyz)
            .service(
                web::scope("/api/portal/v1")
                    .wrap(security_headers::api())
                    .service(openapi::portal_spec)
                    .configure(portal::configure)
                    .default_service(web::to(spa::not_found)),
            )
            .service(
                web::scope("/api/internal/v1")
                    .wrap(security_headers::api())
                    .service(openapi::internal_spec)
                    .configure(internal::configure)
                    .default_service(web::to(spa::not_found)),
            );
        match spa::files(&frontend_dir) {
            Some(files) => app.service(files),
            None => app.default_service(web::to(spa::not_found)),
        }
    })
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::{HttpResponse, test};

    #[derive(serde::Deserialize)]
    struct Body {
        #[allow(dead_code)]
        name: String,
    }

    async fn accepts(_body: web::Json<Body>) -> HttpResponse {
        HttpResponse::NoContent().finish()
    }

    async fn post(content_type: &str, body: Vec<u8>) -> (u16, serde_json::Value, String) {
        let app = test::init_service(
            App::new()
                .app_data(json_config())
                .route("/", web::post().to(accepts)),
        )
        .await;
        let req = test::TestRequest::post()
            .uri("/")
            .insert_header(("content-type", content_type))
            .set_payload(body)
            .to_request();
        let res = test::call_service(&app, req).await;
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body: serde_json::Value =
            serde_json::from_slice(&test::read_body(res).await).unwrap_or_default();
        (status, body, ct)
    }

    #[actix_web::test]
    async fn malformed_json_is_a_400_problem() {
        let (status, body, ct) = post("application/json", b"{\"name\": ".to_vec()).await;
        assert_eq!(status, 400);
        assert_eq!(ct, "application/problem+json");
        assert_eq!(body["code"], "malformed_json");
    }

    #[actix_web::test]
    async fn a_wrongly_typed_field_is_a_400_problem() {
        let (status, body, _) = post("application/json", b"{\"name\": 7}".to_vec()).await;
        assert_eq!(status, 400);
        assert_eq!(body["code"], "malformed_json");
    }

    #[actix_web::test]
    async fn an_oversized_body_is_a_413_problem() {
        let big = format!("{{\"name\": \"{}\"}}", "x".repeat(JSON_LIMIT_BYTES));
        let (status, body, _) = post("application/json", big.into_bytes()).await;
        assert_eq!(status, 413);
        assert_eq!(body["code"], "payload_too_large");
    }

    #[actix_web::test]
    async fn a_non_json_body_is_a_415_problem() {
        let (status, body, _) = post("text/plain", b"name=x".to_vec()).await;
        assert_eq!(status, 415);
        assert_eq!(body["code"], "unsupported_media_type");
    }
}
