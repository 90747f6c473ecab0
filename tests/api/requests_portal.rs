//! Service requests in the portal: submit (validation, grants, idempotency), list and read
//! within the caller's grants only, cancel, and attachments (sniffed types, size and count
//! limits). Every test runs on SQLite by default and on PostgreSQL with `TEST_DATABASE_URL`.

use chrono::{Duration, SecondsFormat, Utc};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::run;
use ordinavo_tests::portal::{only, staff_login, whole, world};
use ordinavo_tests::requests::{
    PORTAL, body_at, jpeg, pdf, png, set_internal_notes, timeline_kinds,
};
use ordinavo_tests::{Reply, TestApp, assert_leaks_nothing, assert_problem};
use serde_json::{Value, json};

fn rfc3339(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The field names of a 400 `validation_failed` problem.
fn fields_of(reply: &Reply) -> Vec<String> {
    assert_problem(reply, 400, "validation_failed");
    reply.json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_string())
        .collect()
}

async fn count_requests(app: &TestApp) -> i64 {
    run!(app.db.exec(), |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM service_requests"
    )
    .fetch_one(c)
    .await)
    .unwrap()
}

#[tokio::test]
async fn a_submitted_request_shows_its_public_status_progress_and_submitter_name_only() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "sub@a.example", vec![whole(w.customer_a)])
        .await;

    let reply = app.submit_request(&user.access_token, &body_at(w.a1)).await;

    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.json["id"].as_str().unwrap().to_string();
    assert_eq!(
        reply.header("location"),
        Some(format!("{PORTAL}/requests/{id}").as_str())
    );
    let r = &reply.json;
    assert_eq!(r["status"], "submitted");
    assert_eq!(r["status_label"], "Submitted");
    assert_eq!(r["kind"], "service");
    assert_eq!(r["location_name"], "Acme Lyon");
    assert_eq!(r["submitted_by_name"], "Portal Person");
    assert_eq!(r["can_cancel"], true);
    assert_eq!(r["public_reason"], Value::Null);
    assert_eq!(r["preferred_windows"].as_array().unwrap().len(), 1);
    assert!(r["preferred_windows"][0]["starts_at"].is_string());
    let steps: Vec<_> = r["progress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["status"].as_str().unwrap(),
                s["reached"].as_bool().unwrap(),
                s["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("submitted", true, true),
            ("in_review", false, false),
            ("accepted", false, false),
            ("planned", false, false)
        ]
    );
    assert!(!reply.text.contains("sub@a.example"), "{}", reply.text);
    for internal in [
        "internal_notes",
        "reviewed_by",
        "version",
        "idempotency",
        "target_id",
    ] {
        assert!(!reply.text.contains(internal), "{internal}: {}", reply.text);
    }
    assert_eq!(timeline_kinds(&app.db, &id).await, ["request_submitted"]);
}

#[tokio::test]
async fn the_status_label_follows_the_callers_language() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "fr@a.example", vec![whole(w.customer_a)])
        .await;
    let id = app.create_request(&user.access_token, w.a1).await;
    let patched = app
        .patch_json_bearer(
            &format!("{PORTAL}/me"),
            &user.access_token,
            &json!({ "locale": "fr" }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);

    let reply = app
        .get_bearer(&format!("{PORTAL}/requests/{id}"), &user.access_token)
        .await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["status_label"], "Envoyé");
    assert_eq!(reply.json["progress"][1]["label"], "En cours de revue");
}

#[tokio::test]
async fn an_unknown_or_ungranted_location_is_404_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(
            &w,
            "loc@a.example",
            vec![json!({ "customer_id": w.customer_a, "all_locations": false,
                         "location_ids": [w.a1, w.a2], "can_submit_requests": true,
                         "can_view_reports": true, "can_download_attachments": true })],
        )
        .await;
    let viewer = app
        .portal_user(
            &w,
            "viewer@a.example",
            vec![json!({ "customer_id": w.customer_a, "all_locations": true,
                         "can_submit_requests": false, "can_view_reports": true,
                         "can_download_attachments": true })],
        )
        .await;

    let other_customer = app.submit_request(&user.access_token, &body_at(w.b1)).await;
    let mut unknown = body_at(w.a1);
    unknown["location_id"] = json!(uuid::Uuid::new_v4());
    let unknown = app.submit_request(&user.access_token, &unknown).await;
    let without_capability = app
        .submit_request(&viewer.access_token, &body_at(w.a1))
        .await;

    assert_problem(&other_customer, 404, "not_found");
    assert_problem(&unknown, 404, "not_found");
    assert_problem(&without_capability, 404, "not_found");
    assert_eq!(other_customer.text, unknown.text);
    assert_eq!(count_requests(&app).await, 0);
}

#[tokio::test]
async fn bad_input_is_a_400_naming_every_offending_field() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "bad@a.example", vec![whole(w.customer_a)])
        .await;
    let token = &user.access_token;
    let soon = Utc::now() + Duration::days(1);

    let mut kind = body_at(w.a1);
    kind["kind"] = json!("urgent");
    let reply = app.submit_request(token, &kind).await;
    assert_eq!(fields_of(&reply), ["kind"]);
    let message = reply.json["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("service, maintenance, appointment, support"),
        "{message}"
    );

    let mut windows = body_at(w.a1);
    windows["preferred_windows"] = json!([
        { "starts_at": rfc3339(soon), "ends_at": rfc3339(soon + Duration::hours(1)) },
        { "starts_at": rfc3339(soon + Duration::hours(5)), "ends_at": rfc3339(soon + Duration::hours(4)) },
    ]);
    let reply = app.submit_request(token, &windows).await;
    assert_eq!(fields_of(&reply), ["preferred_windows[1]"]);
    assert_eq!(reply.json["errors"][0]["code"], "window_order");

    let mut past = body_at(w.a1);
    past["preferred_windows"] = json!([
        { "starts_at": rfc3339(Utc::now() - Duration::days(1)), "ends_at": rfc3339(soon) },
    ]);
    let reply = app.submit_request(token, &past).await;
    assert_eq!(fields_of(&reply), ["preferred_windows[0]"]);
    assert_eq!(reply.json["errors"][0]["code"], "window_in_past");

    let mut unreadable = body_at(w.a1);
    unreadable["preferred_windows"] = json!([
        { "starts_at": rfc3339(soon), "ends_at": "next tuesday" },
    ]);
    let reply = app.submit_request(token, &unreadable).await;
    assert_eq!(fields_of(&reply), ["preferred_windows[0].ends_at"]);

    let mut too_many = body_at(w.a1);
    too_many["preferred_windows"] = json!(
        (0..6)
            .map(|i| json!({ "starts_at": rfc3339(soon + Duration::hours(i)),
                             "ends_at": rfc3339(soon + Duration::hours(i) + Duration::minutes(30)) }))
            .collect::<Vec<_>>()
    );
    let reply = app.submit_request(token, &too_many).await;
    assert_eq!(fields_of(&reply), ["preferred_windows"]);

    let mut long = body_at(w.a1);
    long["title"] = json!("t".repeat(121));
    long["description"] = json!("d".repeat(5001));
    long["site_access_notes"] = json!("n".repeat(1001));
    long["contact_phone"] = json!("call me maybe");
    let reply = app.submit_request(token, &long).await;
    assert_eq!(
        fields_of(&reply),
        ["title", "description", "site_access_notes", "contact_phone"]
    );
    assert!(
        reply.json["errors"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .all(|e| e["code"] == "too_long")
    );

    let reply = app.submit_request(token, &json!({})).await;
    assert_eq!(
        fields_of(&reply),
        ["location_id", "kind", "title", "description"]
    );

    let mut unknown_field = body_at(w.a1);
    unknown_field["status"] = json!("accepted");
    let reply = app.submit_request(token, &unknown_field).await;
    assert_problem(&reply, 400, "malformed_json");

    assert_eq!(count_requests(&app).await, 0);
}

#[tokio::test]
async fn retrying_a_submission_with_the_same_key_yields_one_request() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "retry@a.example", vec![whole(w.customer_a)])
        .await;
    let token = &user.access_token;
    let body = body_at(w.a1);

    let first = app.submit_request_with_key(token, "form-123", &body).await;
    let again = app.submit_request_with_key(token, "form-123", &body).await;

    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(first.json["id"], again.json["id"]);
    assert_eq!(first.json, again.json);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(count_requests(&app).await, 1);
    let id = first.json["id"].as_str().unwrap();
    assert_eq!(timeline_kinds(&app.db, id).await, ["request_submitted"]);

    // Same key, another body: refused.
    let mut other = body.clone();
    other["title"] = json!("Another problem");
    let reused = app.submit_request_with_key(token, "form-123", &other).await;
    assert_problem(&reused, 422, "idempotency_key_reused");

    // Another key: another request. Keys are per user.
    let fresh = app.submit_request_with_key(token, "form-456", &body).await;
    assert_eq!(fresh.status, 201);
    assert_ne!(fresh.json["id"], first.json["id"]);
    let colleague = app
        .portal_user(&w, "colleague@a.example", vec![whole(w.customer_a)])
        .await;
    let theirs = app
        .submit_request_with_key(&colleague.access_token, "form-123", &body)
        .await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.json["id"], first.json["id"]);
    assert_eq!(count_requests(&app).await, 3);

    let bad_key = app
        .submit_request_with_key(token, &"k".repeat(256), &body)
        .await;
    assert_eq!(fields_of(&bad_key), ["Idempotency-Key"]);
}

#[tokio::test]
async fn concurrent_retries_with_the_same_key_create_one_request() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "race@a.example", vec![whole(w.customer_a)])
        .await;
    let body = body_at(w.a1);

    let (a, b, c) = tokio::join!(
        app.submit_request_with_key(&user.access_token, "double-click", &body),
        app.submit_request_with_key(&user.access_token, "double-click", &body),
        app.submit_request_with_key(&user.access_token, "double-click", &body),
    );

    for reply in [&a, &b, &c] {
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.json["id"], a.json["id"]);
    }
    assert_eq!(count_requests(&app).await, 1);
}

#[tokio::test]
async fn an_idempotency_key_is_forgotten_after_24_hours() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "old@a.example", vec![whole(w.customer_a)])
        .await;
    let body = body_at(w.a1);
    let first = app
        .submit_request_with_key(&user.access_token, "k-1", &body)
        .await;
    assert_eq!(first.status, 201);
    let long_ago = Utc::now() - Duration::hours(25);
    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE service_requests SET created_at = $1"
    )
    .bind(long_ago)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();

    let later = app
        .submit_request_with_key(&user.access_token, "k-1", &body)
        .await;

    assert_eq!(later.status, 201, "{}", later.text);
    assert_ne!(later.json["id"], first.json["id"]);
    assert_eq!(later.header("idempotent-replayed"), None);
    assert_eq!(count_requests(&app).await, 2);
}

#[tokio::test]
async fn a_one_location_user_sees_neither_other_locations_nor_other_customers_requests() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let whole_a = app
        .portal_user(&w, "whole@a.example", vec![whole(w.customer_a)])
        .await;
    let one = app
        .portal_user(&w, "one@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    let b = app
        .portal_user(&w, "b@b.example", vec![whole(w.customer_b)])
        .await;
    let at_a1 = app.create_request(&whole_a.access_token, w.a1).await;
    let at_a2 = app.create_request(&whole_a.access_token, w.a2).await;
    let at_b1 = app.create_request(&b.access_token, w.b1).await;
    app.upload(&whole_a.access_token, &at_a2, "a2.png", "image/png", &png())
        .await;

    let list = app
        .get_bearer(&format!("{PORTAL}/requests"), &one.access_token)
        .await;
    let filtered = app
        .get_bearer(
            &format!("{PORTAL}/requests?location_id={}", w.a2),
            &one.access_token,
        )
        .await;

    assert_eq!(list.status, 200, "{}", list.text);
    let ids: Vec<_> = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [at_a1.as_str()]);
    assert_eq!(filtered.json["items"], json!([]));
    for id in [&at_a2, &at_b1] {
        let get = app
            .get_bearer(&format!("{PORTAL}/requests/{id}"), &one.access_token)
            .await;
        let files = app
            .get_bearer(
                &format!("{PORTAL}/requests/{id}/attachments"),
                &one.access_token,
            )
            .await;
        let cancel = app.cancel_request(&one.access_token, id, &json!({})).await;
        let upload = app
            .upload(&one.access_token, id, "x.png", "image/png", &png())
            .await;
        for reply in [&get, &files, &cancel, &upload] {
            assert_problem(reply, 404, "not_found");
        }
    }
    let b_list = app
        .get_bearer(&format!("{PORTAL}/requests"), &b.access_token)
        .await;
    assert_eq!(b_list.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(b_list.json["items"][0]["id"], at_b1.as_str());
    let whole_list = app
        .get_bearer(&format!("{PORTAL}/requests"), &whole_a.access_token)
        .await;
    assert_eq!(whole_list.json["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_list_is_newest_first_filters_by_status_location_and_open_and_pages_by_cursor() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "list@a.example", vec![whole(w.customer_a)])
        .await;
    let token = &user.access_token;
    let first = app.create_request(token, w.a1).await;
    let second = app.create_request(token, w.a2).await;
    let third = app.create_request(token, w.a1).await;
    let cancelled = app.cancel_request(token, &first, &json!({})).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    let ids = |reply: &Reply| -> Vec<String> {
        reply.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };

    let all = app.get_bearer(&format!("{PORTAL}/requests"), token).await;
    let open_here = app
        .get_bearer(
            &format!("{PORTAL}/requests?location_id={}&open=true", w.a1),
            token,
        )
        .await;
    let closed = app
        .get_bearer(&format!("{PORTAL}/requests?open=false"), token)
        .await;
    let by_status = app
        .get_bearer(&format!("{PORTAL}/requests?status=cancelled"), token)
        .await;
    let bad_status = app
        .get_bearer(&format!("{PORTAL}/requests?status=done"), token)
        .await;

    assert_eq!(ids(&all), [third.clone(), second.clone(), first.clone()]);
    assert_eq!(ids(&open_here), [third.as_str()]);
    assert_eq!(ids(&closed), [first.as_str()]);
    assert_eq!(ids(&by_status), [first.as_str()]);
    assert_eq!(fields_of(&bad_status), ["status"]);

    let mut seen = Vec::new();
    let mut path = format!("{PORTAL}/requests?limit=1");
    loop {
        let page = app.get_bearer(&path, token).await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(ids(&page));
        match page.json["next_cursor"].as_str() {
            Some(cursor) => path = format!("{PORTAL}/requests?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, [third, second, first]);
    let garbage = app
        .get_bearer(&format!("{PORTAL}/requests?cursor=nonsense"), token)
        .await;
    assert_problem(&garbage, 400, "invalid_cursor");
}

#[tokio::test]
async fn internal_notes_never_appear_in_any_portal_response() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "notes@a.example", vec![whole(w.customer_a)])
        .await;
    let token = &user.access_token;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let body = body_at(w.a1);
    let created = app.submit_request_with_key(token, "notes-key", &body).await;
    let id = created.json["id"].as_str().unwrap().to_string();
    let read = app
        .get_bearer(&format!("/api/internal/v1/requests/{id}"), &staff)
        .await;
    let patched = app
        .patch_json_bearer(
            &format!("/api/internal/v1/requests/{id}"),
            &staff,
            &json!({ "version": read.json["version"], "internal_notes": "SECRET-NOTE customer is slow to pay" }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    app.upload(token, &id, "photo.png", "image/png", &png())
        .await;

    let replies = [
        app.get_bearer(&format!("{PORTAL}/requests/{id}"), token)
            .await,
        app.get_bearer(&format!("{PORTAL}/requests"), token).await,
        app.get_bearer(&format!("{PORTAL}/requests/{id}/attachments"), token)
            .await,
        app.submit_request_with_key(token, "notes-key", &body).await,
        app.cancel_request(token, &id, &json!({ "reason": "fixed it ourselves" }))
            .await,
    ];

    for reply in &replies {
        assert!((200..300).contains(&reply.status), "{}", reply.text);
        assert!(!reply.text.contains("SECRET-NOTE"), "{}", reply.text);
        assert!(!reply.text.contains("internal_notes"), "{}", reply.text);
        assert!(!reply.text.contains("storage_key"), "{}", reply.text);
        assert!(
            !reply.text.contains("attachments/request/"),
            "{}",
            reply.text
        );
        assert_leaks_nothing(&reply.text);
    }
    // The staff view has the notes; the portal view of the same request does not.
    let staff_view = app
        .get_bearer(&format!("/api/internal/v1/requests/{id}"), &staff)
        .await;
    assert!(staff_view.text.contains("SECRET-NOTE"));
}

#[tokio::test]
async fn a_request_can_be_cancelled_only_while_submitted_or_in_review() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "cancel@a.example", vec![whole(w.customer_a)])
        .await;
    let viewer = app
        .portal_user(
            &w,
            "look@a.example",
            vec![json!({ "customer_id": w.customer_a, "all_locations": true,
                         "can_submit_requests": false, "can_view_reports": true,
                         "can_download_attachments": false })],
        )
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let token = &user.access_token;
    let submitted = app.create_request(token, w.a1).await;
    let in_review = app.create_request(token, w.a1).await;
    let accepted = app.create_request(token, w.a1).await;
    assert_eq!(app.review_request(&staff, &in_review).await.status, 200);
    assert_eq!(app.review_request(&staff, &accepted).await.status, 200);
    let accept = app
        .accept_request(&staff, &accepted, &json!({ "priority": "normal" }))
        .await;
    assert_eq!(accept.status, 200, "{}", accept.text);

    let forbidden = app
        .cancel_request(&viewer.access_token, &submitted, &json!({}))
        .await;
    let first = app
        .cancel_request(
            token,
            &submitted,
            &json!({ "reason": "Fixed it ourselves." }),
        )
        .await;
    let second = app.cancel_request(token, &in_review, &json!({})).await;
    let again = app.cancel_request(token, &submitted, &json!({})).await;
    let too_late = app.cancel_request(token, &accepted, &json!({})).await;
    let too_long = app
        .cancel_request(token, &in_review, &json!({ "reason": "r".repeat(1001) }))
        .await;

    assert_problem(&forbidden, 403, "forbidden");
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json["status"], "cancelled");
    assert_eq!(first.json["status_label"], "Cancelled");
    assert_eq!(first.json["cancel_reason"], "Fixed it ourselves.");
    assert_eq!(first.json["can_cancel"], false);
    assert_eq!(
        first.json["progress"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["reached"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [true, false, false, false]
    );
    assert_eq!(second.status, 200, "{}", second.text);
    assert_problem(&again, 409, "invalid_transition");
    assert_eq!(again.json["allowed"], json!([]));
    assert_problem(&too_late, 409, "invalid_transition");
    assert_eq!(too_late.json["allowed"], json!(["planned"]));
    assert_eq!(fields_of(&too_long), ["reason"]);
    assert_eq!(
        timeline_kinds(&app.db, &submitted).await,
        ["request_submitted", "request_cancelled"]
    );
}

#[tokio::test]
async fn images_and_pdfs_are_accepted_by_their_content_and_listed_without_internals() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "files@a.example", vec![whole(w.customer_a)])
        .await;
    let token = &user.access_token;
    let id = app.create_request(token, w.a1).await;

    let png_reply = app
        .upload(token, &id, "../../leak.png", "image/png", &png())
        .await;
    // Declared types are ignored: the bytes decide.
    let jpeg_reply = app
        .upload(token, &id, "photo", "application/octet-stream", &jpeg())
        .await;
    let pdf_reply = app
        .upload(token, &id, "quote.pdf", "image/png", &pdf())
        .await;

    for (reply, content_type) in [
        (&png_reply, "image/png"),
        (&jpeg_reply, "image/jpeg"),
        (&pdf_reply, "application/pdf"),
    ] {
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(reply.json["content_type"], content_type);
    }
    assert_eq!(png_reply.json["filename"], "leak.png");
    assert_eq!(png_reply.json["size"], png().len());
    let list = app
        .get_bearer(&format!("{PORTAL}/requests/{id}/attachments"), token)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let mut keys: Vec<_> = items[0].as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["content_type", "created_at", "filename", "id", "size"]
    );

    // The bytes are stored under a key made of ids, never the client's file name.
    let attachment_id = png_reply.json["id"].as_str().unwrap();
    let stored = app
        .data_dir
        .join("files/attachments/request")
        .join(&id)
        .join(attachment_id);
    assert_eq!(std::fs::read(&stored).unwrap(), png());
    let (key, sha): (String, String) = run!(app.db.exec(), |c| sqlx::query_as(
        "SELECT storage_key, sha256 FROM attachments WHERE id = $1"
    )
    .bind(attachment_id.parse::<uuid::Uuid>().unwrap())
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(key, format!("attachments/request/{id}/{attachment_id}"));
    assert_eq!(sha.len(), 64);
    assert!(!key.contains("leak"));
}

#[tokio::test]
async fn wrong_types_oversized_files_and_an_eleventh_file_are_refused() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "limits@a.example", vec![whole(w.customer_a)])
        .await;
    let token = &user.access_token;
    let id = app.create_request(token, w.a1).await;
    const MAX: usize = 10 * 1024 * 1024;

    let text_as_png = app
        .upload(
            token,
            &id,
            "holiday.png",
            "image/png",
            b"not an image at all, just text",
        )
        .await;
    let svg = app
        .upload(
            token,
            &id,
            "logo.svg",
            "image/svg+xml",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        )
        .await;
    let json_body = app
        .post_json_bearer(
            &format!("{PORTAL}/requests/{id}/attachments"),
            token,
            &json!({ "file": "iVBORw0KGgo=" }),
        )
        .await;
    let mut big = png();
    big.resize(MAX + 1, 0);
    let oversized = app.upload(token, &id, "big.png", "image/png", &big).await;
    let (header, body) =
        ordinavo_tests::requests::multipart_body("photo", "a.png", "image/png", &png());
    let wrong_part = app
        .post_raw_bearer(
            &format!("{PORTAL}/requests/{id}/attachments"),
            token,
            &header,
            body,
        )
        .await;

    assert_problem(&text_as_png, 415, "unsupported_media_type");
    assert_problem(&svg, 415, "unsupported_media_type");
    assert_problem(&json_body, 415, "unsupported_media_type");
    assert_problem(&oversized, 413, "payload_too_large");
    assert_problem(&wrong_part, 400, "validation_failed");

    let mut exact = png();
    exact.resize(MAX, 0);
    let at_limit = app
        .upload(token, &id, "exact.png", "image/png", &exact)
        .await;
    assert_eq!(at_limit.status, 201, "{}", at_limit.text);
    for i in 1..10 {
        let reply = app
            .upload(token, &id, &format!("p{i}.png"), "image/png", &png())
            .await;
        assert_eq!(reply.status, 201, "upload {i}: {}", reply.text);
    }
    let eleventh = app.upload(token, &id, "p11.png", "image/png", &png()).await;
    assert_problem(&eleventh, 409, "too_many_attachments");
    let list = app
        .get_bearer(&format!("{PORTAL}/requests/{id}/attachments"), token)
        .await;
    assert_eq!(list.json["items"].as_array().unwrap().len(), 10);
    // Refused uploads leave no bytes behind.
    let dir = app.data_dir.join("files/attachments/request").join(&id);
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(files, 10);
}

#[tokio::test]
async fn files_cannot_be_added_to_a_closed_request_or_without_submit_rights() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "closed@a.example", vec![whole(w.customer_a)])
        .await;
    let viewer = app
        .portal_user(
            &w,
            "ro@a.example",
            vec![json!({ "customer_id": w.customer_a, "all_locations": true,
                         "can_submit_requests": false, "can_view_reports": true,
                         "can_download_attachments": true })],
        )
        .await;
    let id = app.create_request(&user.access_token, w.a1).await;

    let read_only = app
        .upload(&viewer.access_token, &id, "a.png", "image/png", &png())
        .await;
    let can_read = app
        .get_bearer(
            &format!("{PORTAL}/requests/{id}/attachments"),
            &viewer.access_token,
        )
        .await;
    app.cancel_request(&user.access_token, &id, &json!({}))
        .await;
    let closed = app
        .upload(&user.access_token, &id, "a.png", "image/png", &png())
        .await;

    assert_problem(&read_only, 403, "forbidden");
    assert_eq!(can_read.status, 200);
    assert_problem(&closed, 409, "request_closed");
}

#[tokio::test]
async fn a_rejected_request_shows_the_public_reason_and_internal_notes_stay_internal() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "rej@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app.create_request(&user.access_token, w.a1).await;
    set_internal_notes(&app.db, &id, "SECRET-NOTE do not tell").await;

    let rejected = app
        .reject_request(&staff, &id, "We do not service this model.")
        .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    let reply = app
        .get_bearer(&format!("{PORTAL}/requests/{id}"), &user.access_token)
        .await;

    assert_eq!(reply.json["status"], "rejected");
    assert_eq!(reply.json["status_label"], "Rejected");
    assert_eq!(reply.json["public_reason"], "We do not service this model.");
    assert_eq!(reply.json["can_cancel"], false);
    assert!(!reply.text.contains("SECRET-NOTE"));
}
