//! `/me`: profile edits without mass assignment, password change, sessions.

use ordinavo_tests::portal::{PASSWORD, whole, world};
use ordinavo_tests::{TestApp, assert_problem};
use serde_json::json;

#[tokio::test]
async fn unknown_fields_in_patch_me_are_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "m@customer.example", vec![whole(w.customer_a)])
        .await;

    for body in [
        json!({ "display_name": "New Name", "email": "evil@attacker.example" }),
        json!({ "display_name": "New Name", "status": "active" }),
        json!({ "display_name": "New Name", "token_version": 0 }),
        json!({ "notifications": { "reports": false, "admin": true } }),
    ] {
        let reply = app
            .patch_json_bearer("/api/portal/v1/me", &user.access_token, &body)
            .await;
        assert_problem(&reply, 400, "malformed_json");
    }

    let me = app
        .get_bearer("/api/portal/v1/me", &user.access_token)
        .await;
    assert_eq!(me.json["display_name"], "Portal Person");
    assert_eq!(me.json["email"], "m@customer.example");
    assert_eq!(me.json["notifications"]["reports"], true);
}

#[tokio::test]
async fn patch_me_changes_name_language_and_notifications() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "p@customer.example", vec![whole(w.customer_a)])
        .await;

    let reply = app
        .patch_json_bearer(
            "/api/portal/v1/me",
            &user.access_token,
            &json!({ "display_name": "Pia Keller", "locale": "de",
                     "notifications": { "request_updates": false } }),
        )
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["display_name"], "Pia Keller");
    assert_eq!(reply.json["locale"], "de");
    assert_eq!(reply.json["notifications"]["request_updates"], false);
    assert_eq!(reply.json["notifications"]["appointments"], true);
    let bad = app
        .patch_json_bearer(
            "/api/portal/v1/me",
            &user.access_token,
            &json!({ "locale": "it" }),
        )
        .await;
    assert_problem(&bad, 400, "validation_failed");
    assert_eq!(bad.json["errors"][0]["field"], "locale");
}

#[tokio::test]
async fn me_shows_the_customers_granted_and_nothing_internal() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "v@customer.example", vec![whole(w.customer_a)])
        .await;

    let me = app
        .get_bearer("/api/portal/v1/me", &user.access_token)
        .await;

    assert_eq!(me.json["access"][0]["customer_name"], "Acme Bakeries");
    for secret in [
        "INTERNAL-NOTE",
        "BILLING-SECRET",
        "password",
        "token_version",
        "argon2",
    ] {
        assert!(!me.text.contains(secret), "{secret} in {}", me.text);
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_but_not_this_one() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "pw@customer.example", vec![whole(w.customer_a)])
        .await;
    let other = app.portal_login(&user.email, PASSWORD).await;
    let other_token = other.json["access_token"].as_str().unwrap().to_string();

    let wrong = app
        .post_json_bearer(
            "/api/portal/v1/me/password",
            &user.access_token,
            &json!({ "current_password": "nope-nope-nope", "new_password": "amber-glacier-tunnel-58" }),
        )
        .await;
    assert_problem(&wrong, 400, "validation_failed");
    let changed = app
        .post_json_bearer(
            "/api/portal/v1/me/password",
            &user.access_token,
            &json!({ "current_password": PASSWORD, "new_password": "amber-glacier-tunnel-58" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let renewed = changed.json["access_token"].as_str().unwrap();

    assert_eq!(
        app.get_bearer("/api/portal/v1/me", renewed).await.status,
        200
    );
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &other_token)
            .await
            .status,
        401
    );
    let other_cookie = ordinavo_tests::portal::refresh_cookie(&other).unwrap();
    assert_eq!(
        app.post_cookie("/api/portal/v1/auth/refresh", &other_cookie)
            .await
            .status,
        401
    );
    assert_eq!(
        app.post_cookie("/api/portal/v1/auth/refresh", &user.refresh_cookie)
            .await
            .status,
        200,
        "this browser stays signed in"
    );
}

#[tokio::test]
async fn sessions_can_be_listed_and_one_signed_out_remotely() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "s@customer.example", vec![whole(w.customer_a)])
        .await;
    let laptop = app.portal_login(&user.email, PASSWORD).await;
    let laptop_token = laptop.json["access_token"].as_str().unwrap().to_string();

    let list = app
        .get_bearer("/api/portal/v1/me/sessions", &user.access_token)
        .await;
    let sessions = list.json.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{}", list.text);
    let mine: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(mine.len(), 1);
    let other_id = sessions.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let end = app
        .delete_bearer(
            &format!("/api/portal/v1/me/sessions/{other_id}"),
            &user.access_token,
        )
        .await;
    assert_eq!(end.status, 204);
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &laptop_token)
            .await
            .status,
        401
    );
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &user.access_token)
            .await
            .status,
        200
    );

    let stranger = app
        .portal_user(&w, "x@customer.example", vec![whole(w.customer_b)])
        .await;
    let steal = app
        .delete_bearer(
            &format!(
                "/api/portal/v1/me/sessions/{}",
                sessions[0]["id"].as_str().unwrap()
            ),
            &stranger.access_token,
        )
        .await;
    assert_problem(&steal, 404, "not_found");
}
