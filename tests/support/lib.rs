//! `TestApp`: the real server on `127.0.0.1:0` over a fresh database, with one helper per
//! kind of call. Set `TEST_DATABASE_URL` to run on PostgreSQL, `TEST_LOG=1` to see logs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod appointments;
pub mod portal;
pub mod reports;
pub mod requests;
pub mod staff;

use std::collections::HashMap;
use std::path::PathBuf;

use ordinavo_api::config::Settings;
use ordinavo_api::startup::Application;
use ordinavo_persistence::Db;
use ordinavo_persistence::testing::fresh_database_url;
use reqwest::header::HeaderMap;
use serde_json::Value;
use tempfile::TempDir;

/// A running server and what a test needs to talk to it and look behind it.
#[derive(Debug)]
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The same database the server uses, for arranging and asserting behind the API.
    pub db: Db,
    pub data_dir: PathBuf,
    _tmp: TempDir,
}

/// Options of a test server.
#[derive(Debug, Default, Clone)]
pub struct TestOptions {
    /// A directory to serve as the built SPA (`None`: API-only).
    pub frontend_dir: Option<PathBuf>,
    /// Extra `ORDINAVO_*` settings, e.g. `("ORDINAVO_CORS_ORIGINS", "https://spa.example")`.
    pub env: Vec<(&'static str, String)>,
    /// Run the mail outbox worker in the background. Off by default: tests read one-time
    /// links from the outbox, which the worker blanks once a mail is sent; tests of delivery
    /// call `ordinavo_api::mail::send_due` themselves or turn this on.
    pub mail_worker: bool,
}

/// A response, read whole: status, headers, body text and the body as JSON (or `Null`).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(TestOptions::default()).await
    }

    pub async fn spawn_with(options: TestOptions) -> Self {
        if std::env::var("TEST_LOG").is_ok_and(|v| v == "1") {
            ordinavo_api::telemetry::init("debug", false);
        }
        let tmp = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(tmp.path()).await.expect("test database");
        let frontend = options
            .frontend_dir
            .unwrap_or_else(|| tmp.path().join("no-frontend"));
        let mut vars: HashMap<&str, String> = HashMap::from([
            ("ORDINAVO_DATA_DIR", tmp.path().display().to_string()),
            ("ORDINAVO_DATABASE_URL", database_url),
            ("ORDINAVO_BIND", "127.0.0.1:0".to_string()),
            ("ORDINAVO_FRONTEND_DIR", frontend.display().to_string()),
            ("ORDINAVO_LOG", "warn".to_string()),
        ]);
        vars.extend(options.env.iter().cloned());
        let settings =
            Settings::from_source(false, |k| vars.get(k).cloned()).expect("test settings");
        let mut app = Application::build(settings).await.expect("build app");
        if !options.mail_worker {
            app = app.without_mail_worker();
        }
        let address = format!("http://127.0.0.1:{}", app.port());
        let db = app.state().db.clone();
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        TestApp {
            address,
            client,
            db,
            data_dir: tmp.path().to_path_buf(),
            _tmp: tmp,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Reply {
        read(self.client.get(self.url(path))).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        read(self.client.post(self.url(path)).json(body)).await
    }

    /// POSTs a raw body with the given content type (for malformed-input tests).
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &'static str) -> Reply {
        read(
            self.client
                .post(self.url(path))
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// Any method on any path.
    pub async fn request(&self, method: reqwest::Method, path: &str) -> Reply {
        read(self.client.request(method, self.url(path))).await
    }
}

/// Sends a request and reads the whole response.
pub async fn read(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body read");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// Asserts a reply is an RFC 9457 problem with `status` and `code`, and leaks nothing.
pub fn assert_problem(reply: &Reply, status: u16, code: &str) {
    assert_eq!(
        reply.status, status,
        "unexpected status; body: {}",
        reply.text
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "not a problem document: {}",
        reply.text
    );
    assert_eq!(reply.json["status"], status);
    assert_eq!(reply.json["code"], code);
    assert_eq!(reply.json["type"], format!("urn:ordinavo:problem:{code}"));
    assert_leaks_nothing(&reply.text);
}

/// Fails when a body carries SQL, a file path or a stack trace.
pub fn assert_leaks_nothing(body: &str) {
    let lower = body.to_lowercase();
    for needle in [
        "select ",
        "insert ",
        "sqlx",
        "sqlite",
        "postgres",
        "constraint",
        "/src/",
        ".rs:",
        "panicked",
        "backtrace",
        "/home/",
        "/tmp/",
        "/work/",
    ] {
        assert!(!lower.contains(needle), "body leaks {needle:?}: {body}");
    }
}
