//! Service requests for staff: the review queue, review/accept/reject/notes, the work item an
//! accept creates, the timeline/audit/outbox rows each decision writes in its transaction, and
//! accept racing a customer's cancel. Both databases (SQLite default, PostgreSQL with
//! `TEST_DATABASE_URL`).

use ordinavo_domain::ids::{ContactId, TargetId};
use ordinavo_domain::request::RequestStatus;
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::StoreError;
use ordinavo_persistence::contacts::{self, ContactFields};
use ordinavo_persistence::run;
use ordinavo_persistence::service_requests::{self, MarkPlanned, MarkPlannedError, StatusChange};
use ordinavo_persistence::targets::{self, NewTarget, Priority};
use ordinavo_tests::portal::{PortalUser, World, only, staff_login, whole, world};
use ordinavo_tests::requests::{
    INTERNAL, PORTAL, audit_actions, execute, status_mails, timeline_kinds,
};
use ordinavo_tests::{TestApp, assert_problem};
use serde_json::json;
use uuid::Uuid;

async fn set_locale(app: &TestApp, user: &PortalUser, locale: &str) {
    let reply = app
        .patch_json_bearer(
            &format!("{PORTAL}/me"),
            &user.access_token,
            &json!({ "locale": locale }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn the_review_queue_lists_oldest_first_by_status_with_a_cursor() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "q@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let first = app.create_request(&user.access_token, w.a1).await;
    let second = app.create_request(&user.access_token, w.a2).await;
    let third = app.create_request(&user.access_token, w.a1).await;
    assert_eq!(app.review_request(&staff, &second).await.status, 200);

    let submitted = app
        .get_bearer(&format!("{INTERNAL}/requests?status=submitted"), &staff)
        .await;
    let page1 = app
        .get_bearer(&format!("{INTERNAL}/requests?limit=2"), &staff)
        .await;
    let cursor = page1.json["next_cursor"].as_str().unwrap();
    let page2 = app
        .get_bearer(
            &format!("{INTERNAL}/requests?limit=2&cursor={cursor}"),
            &staff,
        )
        .await;
    let bad = app
        .get_bearer(&format!("{INTERNAL}/requests?status=open"), &staff)
        .await;

    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    assert_eq!(ids(&submitted.json), [first.clone(), third.clone()]);
    assert_eq!(ids(&page1.json), [first, second]);
    assert_eq!(ids(&page2.json), [third]);
    assert_eq!(page2.json["next_cursor"], serde_json::Value::Null);
    assert_eq!(page1.json["items"][0]["submitted_by_email"], "q@a.example");
    assert_problem(&bad, 400, "validation_failed");
}

#[tokio::test]
async fn staff_see_everything_and_portal_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "e@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app.create_request(&user.access_token, w.a1).await;
    app.upload(
        &user.access_token,
        &id,
        "p.png",
        "image/png",
        &ordinavo_tests::requests::png(),
    )
    .await;
    let before = app
        .get_bearer(&format!("{INTERNAL}/requests/{id}"), &staff)
        .await;
    let patched = app
        .patch_json_bearer(
            &format!("{INTERNAL}/requests/{id}"),
            &staff,
            &json!({ "version": before.json["version"], "internal_notes": "Customer has a dog." }),
        )
        .await;

    let detail = app
        .get_bearer(&format!("{INTERNAL}/requests/{id}"), &staff)
        .await;
    let as_portal = app
        .get_bearer(&format!("{INTERNAL}/requests/{id}"), &user.access_token)
        .await;
    let unknown = app
        .get_bearer(&format!("{INTERNAL}/requests/{}", Uuid::new_v4()), &staff)
        .await;

    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(detail.json["internal_notes"], "Customer has a dog.");
    assert_eq!(detail.json["customer_name"], "Acme Bakeries");
    assert_eq!(detail.json["submitted_by_name"], "Portal Person");
    assert_eq!(detail.json["attachments"][0]["content_type"], "image/png");
    assert_eq!(detail.json["attachments"][0]["uploaded_by_kind"], "portal");
    assert!(!detail.text.contains("storage_key"));
    assert_problem(&as_portal, 401, "unauthorized");
    assert_problem(&unknown, 404, "not_found");
}

#[tokio::test]
async fn internal_notes_are_edited_with_optimistic_versions() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "v@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app.create_request(&user.access_token, w.a1).await;
    let path = format!("{INTERNAL}/requests/{id}");
    let read = app.get_bearer(&path, &staff).await;
    let version = read.json["version"].as_i64().unwrap();

    let first = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": version, "internal_notes": "first" }),
        )
        .await;
    let stale = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": version, "internal_notes": "second" }),
        )
        .await;
    let unknown_field = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": version + 1, "status": "accepted" }),
        )
        .await;
    let too_long = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": version + 1, "internal_notes": "n".repeat(5001) }),
        )
        .await;
    let cleared = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": version + 1, "internal_notes": null }),
        )
        .await;

    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json["internal_notes"], "first");
    assert_eq!(first.json["version"], version + 1);
    assert_problem(&stale, 409, "stale_version");
    assert_problem(&unknown_field, 400, "malformed_json");
    assert_problem(&too_long, 400, "validation_failed");
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.json["internal_notes"], serde_json::Value::Null);
    assert!(
        audit_actions(&app.db, &id)
            .await
            .contains(&"staff.request.updated".to_string())
    );
}

#[tokio::test]
async fn a_request_must_be_reviewed_before_it_is_accepted() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "r@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app.create_request(&user.access_token, w.a1).await;

    let early = app
        .accept_request(&staff, &id, &json!({ "priority": "high" }))
        .await;
    let reviewed = app.review_request(&staff, &id).await;
    let twice = app.review_request(&staff, &id).await;

    assert_problem(&early, 409, "invalid_transition");
    assert_eq!(
        early.json["allowed"],
        json!(["in_review", "rejected", "cancelled"])
    );
    assert_eq!(reviewed.status, 200, "{}", reviewed.text);
    assert_eq!(reviewed.json["status"], "in_review");
    assert!(reviewed.json["reviewed_by"].is_string());
    assert!(reviewed.json["reviewed_at"].is_string());
    assert_problem(&twice, 409, "invalid_transition");
    assert_eq!(
        audit_actions(&app.db, &id).await,
        ["staff.request.reviewed"]
    );
    let portal = app
        .get_bearer(&format!("{PORTAL}/requests/{id}"), &user.access_token)
        .await;
    assert_eq!(portal.json["status_label"], "In review");
}

/// Portal users around location A1: who should hear about a request there, and who not.
struct Audience {
    submitter: PortalUser,
    follower_fr: PortalUser,
}

async fn audience(app: &TestApp, w: &World) -> Audience {
    let submitter = app
        .portal_user(w, "submitter@a.example", vec![whole(w.customer_a)])
        .await;
    let follower_fr = app
        .portal_user(w, "suivi@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    set_locale(app, &follower_fr, "fr").await;
    let de_opted_out = app
        .portal_user(w, "still@a.example", vec![whole(w.customer_a)])
        .await;
    set_locale(app, &de_opted_out, "de").await;
    let opt_out = app
        .patch_json_bearer(
            &format!("{PORTAL}/me"),
            &de_opted_out.access_token,
            &json!({ "notifications": { "request_updates": false } }),
        )
        .await;
    assert_eq!(opt_out.status, 200, "{}", opt_out.text);
    app.portal_user(w, "elsewhere@a.example", vec![only(w.customer_a, &[w.a2])])
        .await;
    app.portal_user(w, "stranger@b.example", vec![whole(w.customer_b)])
        .await;
    app.portal_user(w, "gone@a.example", vec![whole(w.customer_a)])
        .await;
    execute(
        &app.db,
        "UPDATE portal_users SET status = 'disabled' WHERE email = 'gone@a.example'",
    )
    .await;
    // Invited but never accepted: not active.
    app.invite(w, "pending@a.example", vec![whole(w.customer_a)])
        .await;
    Audience {
        submitter,
        follower_fr,
    }
}

#[tokio::test]
async fn accepting_creates_the_work_item_and_writes_timeline_audit_and_mails_in_each_locale() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let people = audience(&app, &w).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let contact = contacts::insert(
        app.db.exec(),
        w.customer_a,
        &ContactFields {
            name: "Marie Dupont".into(),
            email: Some("marie@a.example".into()),
            phone: None,
            role: Some("store manager".into()),
        },
    )
    .await
    .unwrap();
    let foreign_contact = contacts::insert(
        app.db.exec(),
        w.customer_b,
        &ContactFields {
            name: "Someone Else".into(),
            email: None,
            phone: None,
            role: None,
        },
    )
    .await
    .unwrap();
    let id = app
        .create_request(&people.submitter.access_token, w.a1)
        .await;
    assert_eq!(app.review_request(&staff, &id).await.status, 200);

    let bad_priority = app
        .accept_request(&staff, &id, &json!({ "priority": "asap" }))
        .await;
    let wrong_contact = app
        .accept_request(
            &staff,
            &id,
            &json!({ "priority": "high", "contact_id": foreign_contact.id }),
        )
        .await;
    let accepted = app
        .accept_request(
            &staff,
            &id,
            &json!({ "priority": "high", "contact_id": contact.id,
                     "internal_notes": "Bring the long ladder." }),
        )
        .await;

    assert_problem(&bad_priority, 400, "validation_failed");
    assert_eq!(bad_priority.json["errors"][0]["field"], "priority");
    assert!(
        bad_priority.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("low, normal, high, urgent")
    );
    assert_problem(&wrong_contact, 400, "validation_failed");
    assert_eq!(wrong_contact.json["errors"][0]["field"], "contact_id");
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let request = &accepted.json["request"];
    let target = &accepted.json["target"];
    assert_eq!(request["status"], "accepted");
    assert_eq!(request["target_id"], target["id"]);
    assert_eq!(target["request_id"], id.as_str());
    assert_eq!(target["customer_id"], w.customer_a.to_string());
    assert_eq!(target["location_id"], w.a1.to_string());
    assert_eq!(target["contact_id"], contact.id.to_string());
    assert_eq!(target["title"], "Leaking tap in the bakery");
    assert_eq!(target["priority"], "high");
    assert_eq!(target["internal_status"], "open");
    assert_eq!(target["internal_notes"], "Bring the long ladder.");
    let stored = targets::get(
        app.db.exec(),
        target["id"].as_str().unwrap().parse::<TargetId>().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(stored.priority, Priority::High);
    assert_eq!(
        timeline_kinds(&app.db, &id).await,
        ["request_submitted", "request_accepted"]
    );
    assert_eq!(
        audit_actions(&app.db, &id).await,
        ["staff.request.reviewed", "staff.request.accepted"]
    );

    let mails = status_mails(&app.db, &id).await;
    let to: Vec<_> = mails
        .iter()
        .map(|m| (m.to.as_str(), m.locale.as_str()))
        .collect();
    assert_eq!(
        to,
        [("submitter@a.example", "en"), ("suivi@a.example", "fr")]
    );
    assert_eq!(mails[0].payload["status_label"], "Accepted");
    assert_eq!(mails[1].payload["status_label"], "Accepté");
    assert_eq!(mails[1].payload["display_name"], "Portal Person");
    assert_eq!(
        mails[0].payload["request_title"],
        "Leaking tap in the bakery"
    );
    assert!(
        mails[0].payload["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/requests/{id}"))
    );
    assert_eq!(mails[0].payload.get("public_reason"), None);
    for m in &mails {
        assert!(!m.payload.to_string().contains("ladder"));
    }

    let portal = app
        .get_bearer(
            &format!("{PORTAL}/requests/{id}"),
            &people.follower_fr.access_token,
        )
        .await;
    assert_eq!(portal.json["status_label"], "Accepté");
    assert!(!portal.text.contains("ladder"));
    assert!(!portal.text.contains("high"));
}

#[tokio::test]
async fn rejecting_needs_a_public_reason_that_customers_then_read_and_are_mailed() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let people = audience(&app, &w).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app
        .create_request(&people.submitter.access_token, w.a1)
        .await;

    let missing = app
        .post_json_bearer(
            &format!("{INTERNAL}/requests/{id}/reject"),
            &staff,
            &json!({}),
        )
        .await;
    let blank = app.reject_request(&staff, &id, "   ").await;
    let too_long = app.reject_request(&staff, &id, &"r".repeat(1001)).await;
    let rejected = app
        .reject_request(&staff, &id, "Outside our service area.")
        .await;
    let again = app.reject_request(&staff, &id, "Still no.").await;

    for reply in [&missing, &blank, &too_long] {
        assert_problem(reply, 400, "validation_failed");
        assert_eq!(reply.json["errors"][0]["field"], "public_reason");
    }
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.json["status"], "rejected");
    assert_eq!(rejected.json["public_reason"], "Outside our service area.");
    assert_problem(&again, 409, "invalid_transition");
    assert_eq!(
        timeline_kinds(&app.db, &id).await,
        ["request_submitted", "request_rejected"]
    );
    assert_eq!(
        audit_actions(&app.db, &id).await,
        ["staff.request.rejected"]
    );
    let mails = status_mails(&app.db, &id).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(mails[0].payload["status_label"], "Rejected");
    assert_eq!(mails[1].payload["status_label"], "Refusé");
    for m in &mails {
        assert_eq!(m.payload["public_reason"], "Outside our service area.");
    }
    let portal = app
        .get_bearer(
            &format!("{PORTAL}/requests/{id}"),
            &people.follower_fr.access_token,
        )
        .await;
    assert_eq!(portal.json["status"], "rejected");
    assert_eq!(portal.json["status_label"], "Refusé");
    assert_eq!(portal.json["public_reason"], "Outside our service area.");
}

#[tokio::test]
async fn accept_racing_a_cancel_has_exactly_one_winner_every_time() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "racer@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let mut accepted_wins = 0;
    let mut cancel_wins = 0;

    for round in 0..10 {
        let id = app.create_request(&user.access_token, w.a1).await;
        assert_eq!(app.review_request(&staff, &id).await.status, 200);

        let (accept_body, cancel_body) = (json!({ "priority": "normal" }), json!({}));
        let (accept, cancel) = tokio::join!(
            app.accept_request(&staff, &id, &accept_body),
            app.cancel_request(&user.access_token, &id, &cancel_body),
        );

        let ok = [accept.status, cancel.status]
            .iter()
            .filter(|s| (200..300).contains(*s))
            .count();
        assert_eq!(
            ok, 1,
            "round {round}: accept {} / cancel {}: {} / {}",
            accept.status, cancel.status, accept.text, cancel.text
        );
        let loser = if accept.status == 200 {
            &cancel
        } else {
            &accept
        };
        assert_problem(loser, 409, "invalid_transition");
        let staff_view = app
            .get_bearer(&format!("{INTERNAL}/requests/{id}"), &staff)
            .await;
        let targets: i64 = run!(app.db.exec(), |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM targets WHERE request_id = $1"
        )
        .bind(id.parse::<Uuid>().unwrap())
        .fetch_one(c)
        .await)
        .unwrap();
        if accept.status == 200 {
            accepted_wins += 1;
            assert_eq!(staff_view.json["status"], "accepted");
            assert_eq!(targets, 1);
            assert_eq!(loser.json["allowed"], json!(["planned"]));
            assert_eq!(
                timeline_kinds(&app.db, &id).await,
                ["request_submitted", "request_accepted"]
            );
        } else {
            cancel_wins += 1;
            assert_eq!(staff_view.json["status"], "cancelled");
            assert_eq!(targets, 0);
            assert_eq!(loser.json["allowed"], json!([]));
            assert_eq!(
                timeline_kinds(&app.db, &id).await,
                ["request_submitted", "request_cancelled"]
            );
        }
    }
    assert_eq!(accepted_wins + cancel_wins, 10);
}

#[tokio::test]
async fn scheduling_work_marks_its_request_planned_through_the_store_function() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "plan@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app.create_request(&user.access_token, w.a1).await;
    app.review_request(&staff, &id).await;
    let accepted = app
        .accept_request(&staff, &id, &json!({ "priority": "low" }))
        .await;
    let target: TargetId = accepted.json["target"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let standalone = targets::insert(
        app.db.exec(),
        &NewTarget {
            customer_id: w.customer_a,
            location_id: w.a1,
            contact_id: None::<ContactId>,
            request_id: None,
            title: "Yearly check".into(),
            priority: Priority::Normal,
            internal_notes: None,
        },
    )
    .await
    .unwrap();

    let first = service_requests::mark_planned_for_target(app.db.exec(), target)
        .await
        .unwrap();
    let second = service_requests::mark_planned_for_target(app.db.exec(), target)
        .await
        .unwrap();
    let none = service_requests::mark_planned_for_target(app.db.exec(), standalone.id)
        .await
        .unwrap();

    let request_id = id.parse().unwrap();
    assert_eq!(
        first,
        MarkPlanned::Planned {
            request_id,
            changed: true
        }
    );
    assert_eq!(
        second,
        MarkPlanned::Planned {
            request_id,
            changed: false
        }
    );
    assert_eq!(none, MarkPlanned::NoRequest);
    let portal = app
        .get_bearer(&format!("{PORTAL}/requests/{id}"), &user.access_token)
        .await;
    assert_eq!(portal.json["status"], "planned");
    assert_eq!(portal.json["progress"][3]["current"], true);

    // A request that is not accepted cannot be planned (the domain rule, as a TransitionError).
    let other = app.create_request(&user.access_token, w.a1).await;
    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE service_requests SET target_id = $1 WHERE id = $2"
    )
    .bind(standalone.id.into_uuid())
    .bind(other.parse::<Uuid>().unwrap())
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    let refused = service_requests::mark_planned_for_target(app.db.exec(), standalone.id).await;
    assert!(matches!(refused, Err(MarkPlannedError::Transition(_))));
}

#[tokio::test]
async fn every_request_route_needs_a_staff_caller() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "nope@a.example", vec![whole(w.customer_a)])
        .await;
    let id = app.create_request(&user.access_token, w.a1).await;

    for (method, path) in [
        ("GET", format!("{INTERNAL}/requests")),
        ("GET", format!("{INTERNAL}/requests/{id}")),
        ("POST", format!("{INTERNAL}/requests/{id}/review")),
        ("POST", format!("{INTERNAL}/requests/{id}/accept")),
        ("POST", format!("{INTERNAL}/requests/{id}/reject")),
        ("PATCH", format!("{INTERNAL}/requests/{id}")),
    ] {
        for token in [None, Some(user.access_token.as_str())] {
            let mut request = app
                .client
                .request(method.parse().unwrap(), app.url(&path))
                .json(&json!({}));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let reply = ordinavo_tests::read(request).await;
            assert_problem(&reply, 401, "unauthorized");
        }
    }
}

#[tokio::test]
async fn a_status_change_from_a_status_the_request_left_matches_no_row() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "cas@a.example", vec![whole(w.customer_a)])
        .await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let id = app.create_request(&user.access_token, w.a1).await;
    app.review_request(&staff, &id).await;
    let change = |to| StatusChange {
        from: RequestStatus::InReview,
        to,
        public_reason: None,
        cancel_reason: None,
        reviewed_by: None,
    };
    let request_id = id.parse().unwrap();

    let first = service_requests::change_status(
        app.db.exec(),
        request_id,
        &change(RequestStatus::Accepted),
    )
    .await;
    let second = service_requests::change_status(
        app.db.exec(),
        request_id,
        &change(RequestStatus::Cancelled),
    )
    .await;

    assert!(first.is_ok(), "{first:?}");
    assert!(
        matches!(second, Err(StoreError::StaleVersion)),
        "{second:?}"
    );
    let stored = service_requests::get(app.db.exec(), request_id)
        .await
        .unwrap();
    assert_eq!(stored.status, RequestStatus::Accepted);
    assert_eq!(stored.version, 3);
}
