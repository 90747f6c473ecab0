//! The JWT attack set against the portal surface, and tokens of one surface on the other.
//! Every forged token is tried on `GET /api/portal/v1/me` for a user whose session is alive,
//! so only the token itself can be the reason for the 401.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ordinavo_domain::roles::StaffRole;
use ordinavo_tests::portal::{PortalUser, staff_login, whole, world};
use ordinavo_tests::{TestApp, assert_problem};
use serde_json::{Value, json};

fn secret(app: &TestApp, name: &str) -> Vec<u8> {
    std::fs::read_to_string(app.data_dir.join(format!("secrets/{name}.secret")))
        .unwrap()
        .trim()
        .as_bytes()
        .to_vec()
}

/// The claims of the user's real access token.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value, secret: &[u8], alg: Algorithm, typ: Option<&str>) -> String {
    let mut header = Header::new(alg);
    header.typ = typ.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret).unwrap()).unwrap()
}

/// A token with an arbitrary header, signed with HMAC-SHA256 over that header.
fn forge_header(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(secret).unwrap(),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

async fn victim(app: &TestApp) -> PortalUser {
    let w = world(app).await;
    app.portal_user(&w, "victim@customer.example", vec![whole(w.customer_a)])
        .await
}

async fn assert_refused(app: &TestApp, token: &str, what: &str) {
    let reply = app.get_bearer("/api/portal/v1/me", token).await;
    assert_eq!(reply.status, 401, "{what} was accepted: {}", reply.text);
    assert_problem(&reply, 401, "unauthorized");
    assert_eq!(
        reply.header("www-authenticate"),
        Some("Bearer realm=\"ordinavo\"")
    );
}

#[tokio::test]
async fn a_correctly_signed_copy_of_a_real_token_is_accepted_as_the_control() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let claims = claims_of(&user.access_token);

    let copy = sign(
        &claims,
        &secret(&app, "portal-jwt"),
        Algorithm::HS256,
        Some("at+jwt"),
    );

    assert_eq!(app.get_bearer("/api/portal/v1/me", &copy).await.status, 200);
}

#[tokio::test]
async fn alg_none_is_refused() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let claims = claims_of(&user.access_token);

    for alg in ["none", "None", "NONE"] {
        let header = URL_SAFE_NO_PAD.encode(json!({ "alg": alg, "typ": "at+jwt" }).to_string());
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        assert_refused(&app, &format!("{header}.{body}."), alg).await;
    }
}

#[tokio::test]
async fn a_header_naming_another_algorithm_is_refused_even_with_a_valid_hmac() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let claims = claims_of(&user.access_token);
    let key = secret(&app, "portal-jwt");

    for alg in ["RS256", "ES256", "HS512", "PS256"] {
        let token = forge_header(&json!({ "alg": alg, "typ": "at+jwt" }), &claims, &key);
        assert_refused(&app, &token, alg).await;
    }
}

#[tokio::test]
async fn a_bad_signature_is_refused() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let claims = claims_of(&user.access_token);

    let wrong_key = sign(
        &claims,
        b"not-the-server-secret-at-all-000000",
        Algorithm::HS256,
        Some("at+jwt"),
    );
    let mut tampered = user.access_token.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });

    assert_refused(&app, &wrong_key, "wrong key").await;
    assert_refused(&app, &tampered, "tampered signature").await;
    assert_refused(&app, "not-a-jwt", "garbage").await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let mut claims = claims_of(&user.access_token);
    let now = chrono::Utc::now().timestamp();
    claims["iat"] = json!(now - 3600);
    claims["exp"] = json!(now - 120);

    let token = sign(
        &claims,
        &secret(&app, "portal-jwt"),
        Algorithm::HS256,
        Some("at+jwt"),
    );

    assert_refused(&app, &token, "expired").await;
}

#[tokio::test]
async fn tokens_lacking_aud_iss_exp_or_sub_are_refused() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let key = secret(&app, "portal-jwt");

    for missing in ["aud", "iss", "exp", "sub"] {
        let mut claims = claims_of(&user.access_token);
        claims.as_object_mut().unwrap().remove(missing);
        let token = sign(&claims, &key, Algorithm::HS256, Some("at+jwt"));
        assert_refused(&app, &token, &format!("missing {missing}")).await;
    }
}

#[tokio::test]
async fn a_wrong_audience_issuer_or_type_is_refused() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let key = secret(&app, "portal-jwt");
    let base = claims_of(&user.access_token);

    let mut aud = base.clone();
    aud["aud"] = json!("ordinavo-internal");
    let mut iss = base.clone();
    iss["iss"] = json!("https://evil.example");

    assert_refused(
        &app,
        &sign(&aud, &key, Algorithm::HS256, Some("at+jwt")),
        "aud",
    )
    .await;
    assert_refused(
        &app,
        &sign(&iss, &key, Algorithm::HS256, Some("at+jwt")),
        "iss",
    )
    .await;
    assert_refused(
        &app,
        &sign(&base, &key, Algorithm::HS256, Some("JWT")),
        "typ JWT",
    )
    .await;
    assert_refused(&app, &sign(&base, &key, Algorithm::HS256, None), "no typ").await;
}

#[tokio::test]
async fn a_token_for_another_session_or_user_is_refused() {
    let app = TestApp::spawn().await;
    let user = victim(&app).await;
    let key = secret(&app, "portal-jwt");
    let base = claims_of(&user.access_token);

    let mut no_sid = base.clone();
    no_sid.as_object_mut().unwrap().remove("sid");
    let mut other_sid = base.clone();
    other_sid["sid"] = json!(uuid::Uuid::new_v4());
    let mut old_version = base.clone();
    old_version["ver"] = json!(base["ver"].as_i64().unwrap() - 1);

    for (claims, what) in [
        (no_sid, "no sid"),
        (other_sid, "other sid"),
        (old_version, "old ver"),
    ] {
        assert_refused(
            &app,
            &sign(&claims, &key, Algorithm::HS256, Some("at+jwt")),
            what,
        )
        .await;
    }
}

#[tokio::test]
async fn a_staff_token_or_api_key_is_refused_on_the_portal_and_a_portal_token_on_internal_routes() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "cross@customer.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Admin).await;
    let raw_key = "ordk_crosssurfacekeycrosssurfacekeycrosssurfa";
    let admin = ordinavo_persistence::staff_users::list(
        app.db.exec(),
        None,
        ordinavo_persistence::page::Limit::new(Some(100)),
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .find(|u| u.role == StaffRole::Admin)
    .unwrap();
    ordinavo_persistence::api_keys::insert(
        app.db.exec(),
        &ordinavo_persistence::api_keys::NewApiKey {
            name: "cross".into(),
            prefix: raw_key[..12].into(),
            key_hash: ordinavo_api::auth::tokens::hash(raw_key),
            role: StaffRole::Admin,
            created_by: admin.id,
        },
    )
    .await
    .unwrap();

    assert_refused(&app, &staff, "staff token").await;
    assert_refused(&app, raw_key, "api key").await;
    let invite = json!({ "email": "n@customer.example", "display_name": "N", "locale": "en",
                         "grants": [whole(w.customer_a)] });
    for path in ["/api/internal/v1/portal-invitations"] {
        let reply = app
            .post_json_bearer(path, &user.access_token, &invite)
            .await;
        assert_problem(&reply, 401, "unauthorized");
    }
    // The internal surface does accept its own credentials (control).
    let ok = app
        .post_json_bearer("/api/internal/v1/portal-invitations", raw_key, &invite)
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    let forged = sign(
        &claims_of(&user.access_token),
        &secret(&app, "internal-jwt"),
        Algorithm::HS256,
        Some("at+jwt"),
    );
    assert_refused(&app, &forged, "portal claims under the internal key").await;
}
