//! Portal identity end to end: invitation → accept → sign-in → refresh → sign-out, expired /
//! used / revoked invitations, refresh-token reuse, lockout, and no user enumeration.

use ordinavo_persistence::run;
use ordinavo_tests::portal::{PASSWORD, only, refresh_cookie, whole, world};
use ordinavo_tests::{TestApp, assert_problem};
use serde_json::json;

#[tokio::test]
async fn invite_accept_sign_in_refresh_and_sign_out_work_end_to_end() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let token = app
        .invite(&w, "Dana@Customer.example", vec![whole(w.customer_a)])
        .await;

    let preview = app
        .get(&format!("/api/portal/v1/auth/invitations/{token}"))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!(preview.json["email"], "dana@customer.example");
    assert_eq!(preview.json["customers"], json!(["Acme Bakeries"]));

    let accepted = app
        .post_json(
            &format!("/api/portal/v1/auth/invitations/{token}/accept"),
            &json!({ "password": PASSWORD, "display_name": "Dana Field", "locale": "fr" }),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let access = accepted.json["access_token"].as_str().unwrap().to_string();
    assert!(accepted.json["expires_in"].as_i64().unwrap() <= 900);
    let me = app.get_bearer("/api/portal/v1/me", &access).await;
    assert_eq!(me.json["display_name"], "Dana Field");
    assert_eq!(me.json["locale"], "fr");

    let login = app.portal_login("dana@customer.example", PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let cookie = refresh_cookie(&login).unwrap();

    let refreshed = app
        .post_cookie("/api/portal/v1/auth/refresh", &cookie)
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let rotated = refresh_cookie(&refreshed).unwrap();
    assert_ne!(rotated, cookie);
    let new_access = refreshed.json["access_token"].as_str().unwrap();
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", new_access).await.status,
        200
    );

    let out = app
        .post_cookie("/api/portal/v1/auth/logout", &rotated)
        .await;
    assert_eq!(out.status, 204);
    assert_problem(
        &app.post_cookie("/api/portal/v1/auth/refresh", &rotated)
            .await,
        401,
        "unauthorized",
    );
    assert_problem(
        &app.get_bearer("/api/portal/v1/me", new_access).await,
        401,
        "unauthorized",
    );
}

#[tokio::test]
async fn the_refresh_cookie_is_httponly_secure_strict_and_scoped_to_the_auth_path() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    app.portal_user(&w, "c@customer.example", vec![whole(w.customer_a)])
        .await;

    let login = app.portal_login("c@customer.example", PASSWORD).await;

    let set_cookie = login.header("set-cookie").unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(
        set_cookie.contains("Path=/api/portal/v1/auth"),
        "{set_cookie}"
    );
    assert!(
        !login.text.contains("ordinavo_refresh"),
        "no refresh token in the body"
    );
}

#[tokio::test]
async fn an_unknown_or_malformed_invitation_is_404() {
    let app = TestApp::spawn().await;

    let unknown = app
        .get("/api/portal/v1/auth/invitations/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    let malformed = app
        .get("/api/portal/v1/auth/invitations/..%2F..%2Fetc")
        .await;

    assert_problem(&unknown, 404, "not_found");
    assert_eq!(malformed.status, 404);
}

#[tokio::test]
async fn a_used_invitation_is_410_and_cannot_be_accepted_twice() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let token = app
        .invite(&w, "u@customer.example", vec![whole(w.customer_a)])
        .await;
    let accept = format!("/api/portal/v1/auth/invitations/{token}/accept");
    assert_eq!(
        app.post_json(&accept, &json!({ "password": PASSWORD }))
            .await
            .status,
        200
    );

    let again = app
        .post_json(
            &accept,
            &json!({ "password": "another-sturdy-passphrase-9" }),
        )
        .await;
    let preview = app
        .get(&format!("/api/portal/v1/auth/invitations/{token}"))
        .await;

    assert_problem(&again, 410, "invitation_used");
    assert_problem(&preview, 410, "invitation_used");
    assert_eq!(
        app.portal_login("u@customer.example", PASSWORD)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn an_expired_invitation_is_410() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let token = app
        .invite(&w, "e@customer.example", vec![whole(w.customer_a)])
        .await;
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE portal_invitations SET expires_at = $1"
    )
    .bind(past)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();

    let preview = app
        .get(&format!("/api/portal/v1/auth/invitations/{token}"))
        .await;
    let accept = app
        .post_json(
            &format!("/api/portal/v1/auth/invitations/{token}/accept"),
            &json!({ "password": PASSWORD }),
        )
        .await;

    assert_problem(&preview, 410, "invitation_expired");
    assert_problem(&accept, 410, "invitation_expired");
}

#[tokio::test]
async fn a_revoked_invitation_is_410_and_a_resent_one_kills_the_old_link() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let first = app
        .invite(&w, "r@customer.example", vec![whole(w.customer_a)])
        .await;
    let list = app
        .post_json_bearer(
            "/api/internal/v1/portal-invitations",
            &w.manager_token,
            &json!({ "email": "r@customer.example", "display_name": "R", "locale": "en",
                     "grants": [whole(w.customer_a)] }),
        )
        .await;
    assert_problem(&list, 409, "portal_user_exists");
    let invitation_id: uuid::Uuid = run!(app.db.exec(), |c| sqlx::query_scalar(
        "SELECT id FROM portal_invitations"
    )
    .fetch_one(c)
    .await)
    .unwrap();

    let resent = app
        .post_json_bearer(
            &format!("/api/internal/v1/portal-invitations/{invitation_id}/resend"),
            &w.manager_token,
            &json!({}),
        )
        .await;
    assert_eq!(resent.status, 200, "{}", resent.text);
    let second = ordinavo_tests::portal::token_from_outbox(&app.db, "r@customer.example").await;
    assert_ne!(first, second);
    assert_eq!(
        app.get(&format!("/api/portal/v1/auth/invitations/{first}"))
            .await
            .status,
        404,
        "the old link names nothing any more"
    );

    let revoked = app
        .post_json_bearer(
            &format!("/api/internal/v1/portal-invitations/{invitation_id}/revoke"),
            &w.manager_token,
            &json!({}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text);
    assert_eq!(revoked.json["state"], "revoked");
    assert_problem(
        &app.get(&format!("/api/portal/v1/auth/invitations/{second}"))
            .await,
        410,
        "invitation_revoked",
    );
}

#[tokio::test]
async fn a_weak_password_is_refused_naming_the_field_and_the_invitation_stays_open() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let token = app
        .invite(&w, "weak@customer.example", vec![whole(w.customer_a)])
        .await;
    let accept = format!("/api/portal/v1/auth/invitations/{token}/accept");

    for (password, code) in [
        ("short", "too_short"),
        ("qwertyuiop123", "common_password"),
        ("examplecustomer", "weak_password"),
    ] {
        let reply = app
            .post_json(&accept, &json!({ "password": password }))
            .await;
        assert_problem(&reply, 400, "validation_failed");
        assert_eq!(reply.json["errors"][0]["field"], "password");
        assert_eq!(reply.json["errors"][0]["code"], code, "{password}");
    }
    let long = "x".repeat(129);
    let reply = app.post_json(&accept, &json!({ "password": long })).await;
    assert_eq!(reply.json["errors"][0]["code"], "too_long");

    let preview = app
        .get(&format!("/api/portal/v1/auth/invitations/{token}"))
        .await;
    assert_eq!(preview.status, 200);
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_the_whole_session_family() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "f@customer.example", vec![whole(w.customer_a)])
        .await;
    let first = user.refresh_cookie.clone();
    let second_reply = app.post_cookie("/api/portal/v1/auth/refresh", &first).await;
    let second = refresh_cookie(&second_reply).unwrap();
    let second_access = second_reply.json["access_token"]
        .as_str()
        .unwrap()
        .to_string();

    let replay = app.post_cookie("/api/portal/v1/auth/refresh", &first).await;

    assert_problem(&replay, 401, "unauthorized");
    assert_problem(
        &app.post_cookie("/api/portal/v1/auth/refresh", &second)
            .await,
        401,
        "unauthorized",
    );
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &second_access)
            .await
            .status,
        401
    );
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &user.access_token)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn unknown_email_wrong_password_and_disabled_account_answer_alike() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    app.portal_user(&w, "known@customer.example", vec![whole(w.customer_a)])
        .await;
    app.portal_user(&w, "off@customer.example", vec![whole(w.customer_a)])
        .await;
    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE portal_users SET status = 'disabled' WHERE email = 'off@customer.example'"
    )
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    app.invite(&w, "pending@customer.example", vec![whole(w.customer_a)])
        .await;

    let replies = [
        app.portal_login("nobody@customer.example", PASSWORD).await,
        app.portal_login("known@customer.example", "wrong-password-entirely")
            .await,
        app.portal_login("off@customer.example", PASSWORD).await,
        app.portal_login("pending@customer.example", PASSWORD).await,
    ];

    for r in &replies {
        assert_problem(r, 401, "invalid_credentials");
        assert_eq!(r.json["detail"], replies[0].json["detail"]);
        assert!(r.header("set-cookie").is_none());
    }
}

#[tokio::test]
async fn ten_failed_sign_ins_lock_the_account_with_429_and_retry_after() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    app.portal_user(&w, "lock@customer.example", vec![whole(w.customer_a)])
        .await;

    for i in 0..9 {
        let r = app
            .portal_login("lock@customer.example", "not-the-password")
            .await;
        assert_eq!(r.status, 401, "attempt {i}");
    }
    let tenth = app
        .portal_login("lock@customer.example", "not-the-password")
        .await;
    let with_right_password = app.portal_login("lock@customer.example", PASSWORD).await;

    assert_problem(&tenth, 429, "too_many_requests");
    assert_problem(&with_right_password, 429, "too_many_requests");
    let retry: u64 = with_right_password
        .header("retry-after")
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
}

#[tokio::test]
async fn an_unknown_email_is_throttled_like_a_known_one() {
    let app = TestApp::spawn().await;

    let mut last = None;
    for _ in 0..10 {
        last = Some(
            app.portal_login("ghost@customer.example", "whatever-it-is")
                .await,
        );
    }

    assert_problem(&last.unwrap(), 429, "too_many_requests");
}

#[tokio::test]
async fn a_selected_locations_grant_restricts_the_locations_list() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let one = app
        .portal_user(
            &w,
            "one@customer.example",
            vec![only(w.customer_a, &[w.a1])],
        )
        .await;
    let all = app
        .portal_user(&w, "all@customer.example", vec![whole(w.customer_a)])
        .await;

    let one_list = app
        .get_bearer("/api/portal/v1/locations", &one.access_token)
        .await;
    let all_list = app
        .get_bearer("/api/portal/v1/locations", &all.access_token)
        .await;

    let names = |r: &ordinavo_tests::Reply| -> Vec<String> {
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&one_list), vec!["Acme Lyon"]);
    assert_eq!(names(&all_list), vec!["Acme Boston", "Acme Lyon"]);
    assert_eq!(all_list.json["items"][0]["customer_name"], "Acme Bakeries");
    for r in [&one_list, &all_list] {
        assert!(!r.text.contains("INTERNAL-NOTE"), "{}", r.text);
        assert!(!r.text.contains("ROUTING-ZONE"), "{}", r.text);
        assert!(!r.text.contains("Brightside"), "{}", r.text);
    }
}

#[tokio::test]
async fn password_reset_always_answers_202_and_a_valid_link_sets_a_new_password() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "reset@customer.example", vec![whole(w.customer_a)])
        .await;

    let unknown = app
        .post_json(
            "/api/portal/v1/auth/password-reset",
            &json!({ "email": "no@where.example" }),
        )
        .await;
    let known = app
        .post_json(
            "/api/portal/v1/auth/password-reset",
            &json!({ "email": user.email }),
        )
        .await;
    assert_eq!(unknown.status, 202);
    assert_eq!(known.status, 202);
    assert_eq!(unknown.text, known.text);

    let token = ordinavo_tests::portal::token_from_outbox(&app.db, &user.email).await;
    let new_password = "violet-canyon-ferry-2031";
    let done = app
        .post_json(
            &format!("/api/portal/v1/auth/password-reset/{token}"),
            &json!({ "password": new_password }),
        )
        .await;
    assert_eq!(done.status, 204, "{}", done.text);

    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &user.access_token)
            .await
            .status,
        401
    );
    assert_eq!(
        app.post_cookie("/api/portal/v1/auth/refresh", &user.refresh_cookie)
            .await
            .status,
        401
    );
    assert_eq!(app.portal_login(&user.email, PASSWORD).await.status, 401);
    assert_eq!(
        app.portal_login(&user.email, new_password).await.status,
        200
    );
    let again = app
        .post_json(
            &format!("/api/portal/v1/auth/password-reset/{token}"),
            &json!({ "password": "another-violet-canyon-99" }),
        )
        .await;
    assert_problem(&again, 410, "reset_link_expired");
}

#[tokio::test]
async fn the_invitation_mail_names_the_company_and_links_under_the_public_url() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let token = app
        .invite(&w, "mail@customer.example", vec![whole(w.customer_a)])
        .await;
    let mail_dir = app.data_dir.join("sent");
    let mailer = ordinavo_api::mail::Mailer::new(
        ordinavo_api::mail::MailTransport::files(&mail_dir),
        "Portal <portal@ordinavo.localhost>".parse().unwrap(),
        ordinavo_api::mail::WorkerOptions::default(),
    );

    let sent = ordinavo_api::mail::send_due(&app.db, &mailer, chrono::Utc::now())
        .await
        .unwrap();

    assert_eq!(sent, 1);
    let file = std::fs::read_dir(&mail_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // Undo quoted-printable soft line breaks before looking for the link.
    let eml = std::fs::read_to_string(file)
        .unwrap()
        .replace("=\r\n", "")
        .replace("=\n", "");
    assert!(eml.contains("Acme Bakeries"), "{eml}");
    // The test server's public URL is its configured bind address.
    assert!(
        eml.contains(&format!("http://127.0.0.1:0/invite/{token}")),
        "{eml}"
    );
}
