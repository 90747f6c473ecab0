//! Internal-surface callers for tests: staff users created in the store and signed in through
//! `POST /api/internal/v1/auth/login`, API keys created in the store, and one `send` helper
//! that calls any route with an optional bearer token and JSON body.

use std::sync::OnceLock;

use ordinavo_api::auth::staff::API_KEY_PREFIX;
use ordinavo_api::auth::tokens::OpaqueToken;
use ordinavo_domain::ids::{ApiKeyId, StaffUserId};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::api_keys::{self, NewApiKey};
use ordinavo_persistence::staff_users::{self, NewStaffUser};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{Reply, TestApp, read};

/// The password of every staff user these helpers create (it passes the policy).
pub const STAFF_PASSWORD: &str = "amber-violin-quarry-93";

/// The base path of the internal surface.
pub const INTERNAL: &str = "/api/internal/v1";

/// A staff user and a fresh access token of theirs.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub id: StaffUserId,
    pub email: String,
    pub token: String,
}

/// An API key as its owner sees it once: the raw key and its id.
#[derive(Debug, Clone)]
pub struct Key {
    pub id: ApiKeyId,
    pub raw: String,
}

/// One argon2 hash of [`STAFF_PASSWORD`] for the whole test binary (hashing is slow).
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        ordinavo_api::passwords::hash(&STAFF_PASSWORD.into()).expect("hash the staff password")
    })
    .clone()
}

/// Inserts an active staff user of `role` with [`STAFF_PASSWORD`] and a unique email.
pub async fn staff_user(app: &TestApp, role: StaffRole) -> staff_users::StaffUser {
    let email = format!(
        "{}-{}@staff.example",
        role.as_str(),
        uuid::Uuid::new_v4().simple()
    );
    staff_users::insert(
        app.db.exec(),
        &NewStaffUser {
            email,
            name: format!("Test {role}"),
            role,
            password_hash: Some(password_hash()),
        },
    )
    .await
    .expect("insert staff user")
}

/// Signs `email` in with [`STAFF_PASSWORD`]; panics unless that succeeds.
pub async fn login(app: &TestApp, email: &str) -> String {
    let reply = app
        .post_json(
            &format!("{INTERNAL}/auth/login"),
            &json!({ "email": email, "password": STAFF_PASSWORD }),
        )
        .await;
    assert_eq!(reply.status, 200, "staff login: {}", reply.text);
    reply.json["access_token"]
        .as_str()
        .expect("access token")
        .to_string()
}

/// A new staff user of `role`, signed in.
pub async fn signed_in(app: &TestApp, role: StaffRole) -> SignedIn {
    let user = staff_user(app, role).await;
    let token = login(app, &user.email).await;
    SignedIn {
        id: user.id,
        email: user.email,
        token,
    }
}

/// An access token of a new staff user of `role`.
pub async fn staff_token(app: &TestApp, role: StaffRole) -> String {
    signed_in(app, role).await.token
}

/// A new API key acting as `role`, created by `created_by` (stored as the API stores it).
pub async fn api_key_of(app: &TestApp, role: StaffRole, created_by: StaffUserId) -> Key {
    let secret = OpaqueToken::generate_prefixed(API_KEY_PREFIX);
    let key = api_keys::insert(
        app.db.exec(),
        &NewApiKey {
            name: format!("test key ({role})"),
            prefix: secret.raw.chars().take(12).collect(),
            key_hash: secret.hash,
            role,
            created_by,
        },
    )
    .await
    .expect("insert api key");
    Key {
        id: key.id,
        raw: secret.raw,
    }
}

/// A new API key acting as `role`, created by a new admin.
pub async fn api_key(app: &TestApp, role: StaffRole) -> String {
    let admin = staff_user(app, StaffRole::Admin).await;
    api_key_of(app, role, admin.id).await.raw
}

/// Calls `method path` (relative to the internal base path) with an optional bearer token
/// and JSON body.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut request = app
        .client
        .request(method, app.url(&format!("{INTERNAL}{path}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    read(request).await
}

/// `GET` as `token`.
pub async fn get(app: &TestApp, token: &str, path: &str) -> Reply {
    send(app, Method::GET, path, Some(token), None).await
}

/// `POST` a JSON body as `token`.
pub async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Reply {
    send(app, Method::POST, path, Some(token), Some(body)).await
}

/// `PATCH` a JSON body as `token`.
pub async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) -> Reply {
    send(app, Method::PATCH, path, Some(token), Some(body)).await
}

/// `DELETE` as `token`.
pub async fn delete(app: &TestApp, token: &str, path: &str) -> Reply {
    send(app, Method::DELETE, path, Some(token), None).await
}
