//! Appointments on both surfaces: staff schedule, reschedule and move visits; the portal shows
//! them only within the caller's grants, never tentative, in the location's wall-clock time,
//! in public status language, with keyset pagination. Every test runs on SQLite by default and
//! on PostgreSQL with `TEST_DATABASE_URL`.

use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::run;
use ordinavo_tests::appointments::{at, days_ahead};
use ordinavo_tests::portal::{only, staff_login, whole, world};
use ordinavo_tests::requests::{INTERNAL, PORTAL, audit_actions, timeline_kinds};
use ordinavo_tests::{TestApp, assert_problem};
use serde_json::{Value, json};

/// Internal markers no portal response may contain (keys and values).
const INTERNAL_MARKERS: &[&str] = &[
    "INTERNAL-NOTE",
    "BILLING-SECRET",
    "ROUTING-ZONE",
    "0.987654",
    "technician",
    "routing_score",
    "internal_notes",
    "internal_status",
    "priority",
    "billing",
    "\"version\"",
];

fn assert_no_internal_field(body: &str) {
    for marker in INTERNAL_MARKERS {
        assert!(!body.contains(marker), "portal body leaks {marker}: {body}");
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_one_location_user_never_sees_the_other_locations_appointments() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let one = app
        .portal_user(&w, "one@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    let whole_a = app
        .portal_user(&w, "whole@a.example", vec![whole(w.customer_a)])
        .await;
    let other = app
        .portal_user(&w, "other@b.example", vec![whole(w.customer_b)])
        .await;
    let (s, e) = days_ahead(3, 2);
    let t1 = app.create_target(&staff, w.a1, "Boiler service").await;
    let t2 = app.create_target(&staff, w.a2, "Freezer repair").await;
    let at_a1 = app.scheduled(&staff, &t1, &s, &e, "scheduled").await;
    let at_a2 = app.scheduled(&staff, &t2, &s, &e, "scheduled").await;

    let mine = app
        .get_bearer(&format!("{PORTAL}/appointments"), &one.access_token)
        .await;
    let all = app
        .get_bearer(&format!("{PORTAL}/appointments"), &whole_a.access_token)
        .await;
    let theirs = app
        .get_bearer(&format!("{PORTAL}/appointments"), &other.access_token)
        .await;

    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(
        ids(mine.json["items"].as_array().unwrap()),
        [at_a1.as_str()]
    );
    assert!(!mine.text.contains("Acme Boston") && !mine.text.contains("Freezer"));
    let mut both = ids(all.json["items"].as_array().unwrap());
    both.sort();
    let mut expected = vec![at_a1.clone(), at_a2.clone()];
    expected.sort();
    assert_eq!(both, expected);
    assert_eq!(theirs.json["items"], json!([]));
    // One appointment: 404 outside the grants, exactly like an unknown id.
    let get = |token: String, id: String| {
        let app = &app;
        async move {
            app.get_bearer(&format!("{PORTAL}/appointments/{id}"), &token)
                .await
        }
    };
    assert_eq!(
        get(one.access_token.clone(), at_a1.clone()).await.status,
        200
    );
    assert_problem(
        &get(one.access_token.clone(), at_a2.clone()).await,
        404,
        "not_found",
    );
    assert_problem(
        &get(other.access_token.clone(), at_a1.clone()).await,
        404,
        "not_found",
    );
    assert_problem(
        &get(one.access_token.clone(), uuid::Uuid::new_v4().to_string()).await,
        404,
        "not_found",
    );
    // The location filter cannot reach outside the grants either.
    let filtered = app
        .get_bearer(
            &format!("{PORTAL}/appointments?location_id={}", w.a2),
            &one.access_token,
        )
        .await;
    assert_eq!(filtered.json["items"], json!([]));
}

#[tokio::test]
async fn a_tentative_appointment_is_invisible_until_confirmed() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "t@a.example", vec![whole(w.customer_a)])
        .await;
    let (request, target) = app.accepted_request(&staff, &user.access_token, w.a1).await;
    let (s, e) = days_ahead(5, 1);

    let id = app.scheduled(&staff, &target, &s, &e, "tentative").await;

    let list = app
        .get_bearer(&format!("{PORTAL}/appointments"), &user.access_token)
        .await;
    assert_eq!(list.json["items"], json!([]), "{}", list.text);
    let one = app
        .get_bearer(&format!("{PORTAL}/appointments/{id}"), &user.access_token)
        .await;
    assert_problem(&one, 404, "not_found");
    let work = app
        .get_bearer(&format!("{PORTAL}/work"), &user.access_token)
        .await;
    assert_eq!(work.json["items"][0]["next_appointment"], Value::Null);
    assert_eq!(work.json["items"][0]["status"], "open");
    assert!(timeline_kinds(&app.db, &id).await.is_empty());
    // A tentative slot does not plan the request.
    let r = app
        .get_bearer(&format!("{PORTAL}/requests/{request}"), &user.access_token)
        .await;
    assert_eq!(r.json["status"], "accepted");

    // Confirming it makes it visible, plans the request and the work item.
    let confirmed = app.appointment_status(&staff, &id, "scheduled").await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    let one = app
        .get_bearer(&format!("{PORTAL}/appointments/{id}"), &user.access_token)
        .await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json["status"], "scheduled");
    assert_eq!(one.json["request_id"], request.as_str());
    assert_eq!(
        timeline_kinds(&app.db, &id).await,
        ["appointment_scheduled"]
    );
    let r = app
        .get_bearer(&format!("{PORTAL}/requests/{request}"), &user.access_token)
        .await;
    assert_eq!(r.json["status"], "planned");
    let work = app
        .get_bearer(&format!("{PORTAL}/work"), &user.access_token)
        .await;
    assert_eq!(work.json["items"][0]["status"], "planned");
    assert_eq!(work.json["items"][0]["next_appointment"]["id"], id.as_str());
}

#[tokio::test]
async fn scheduling_a_visit_moves_the_request_to_planned_in_the_same_transaction() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "p@a.example", vec![whole(w.customer_a)])
        .await;
    let (request, target) = app.accepted_request(&staff, &user.access_token, w.a1).await;
    let (s, e) = days_ahead(2, 2);

    let id = app.scheduled(&staff, &target, &s, &e, "scheduled").await;

    let r = app
        .get_bearer(&format!("{PORTAL}/requests/{request}"), &user.access_token)
        .await;
    assert_eq!(r.json["status"], "planned");
    assert_eq!(r.json["status_label"], "Planned");
    let t = app
        .get_bearer(&format!("{INTERNAL}/targets/{target}"), &staff)
        .await;
    assert_eq!(t.json["internal_status"], "planned");
    assert_eq!(
        timeline_kinds(&app.db, &id).await,
        ["appointment_scheduled"]
    );
    assert_eq!(
        audit_actions(&app.db, &id).await,
        ["staff.appointment.created"]
    );
    // The customer who follows the location is told the request is planned.
    let mails = ordinavo_tests::requests::status_mails(&app.db, &request).await;
    assert!(
        mails.iter().any(|m| m.payload["status_label"] == "Planned"),
        "{mails:?}"
    );
    // A second visit for the same work leaves the request planned (idempotent).
    let (s2, e2) = days_ahead(9, 2);
    app.scheduled(&staff, &target, &s2, &e2, "scheduled").await;
    let r = app
        .get_bearer(&format!("{PORTAL}/requests/{request}"), &user.access_token)
        .await;
    assert_eq!(r.json["status"], "planned");
}

#[tokio::test]
async fn an_eight_oclock_visit_reads_eight_oclock_on_the_locations_wall_clock() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "tz@a.example", vec![whole(w.customer_a)])
        .await;
    let lyon = app.create_target(&staff, w.a1, "Oven check").await;
    let boston = app.create_target(&staff, w.a2, "Door lock").await;
    // 08:00 in Paris in winter (UTC+1) and in summer (UTC+2); 08:00 in New York (UTC-5).
    let winter = app
        .scheduled(
            &staff,
            &lyon,
            "2035-01-15T07:00:00Z",
            "2035-01-15T09:30:00Z",
            "scheduled",
        )
        .await;
    let summer = app
        .scheduled(
            &staff,
            &lyon,
            "2035-07-15T06:00:00Z",
            "2035-07-15T07:00:00Z",
            "scheduled",
        )
        .await;
    let ny = app
        .scheduled(
            &staff,
            &boston,
            "2035-01-15T13:00:00Z",
            "2035-01-15T15:00:00Z",
            "scheduled",
        )
        .await;

    let get = |id: String| {
        let app = &app;
        let token = user.access_token.clone();
        async move {
            app.get_bearer(&format!("{PORTAL}/appointments/{id}"), &token)
                .await
                .json
        }
    };
    let w1 = get(winter).await;
    assert_eq!(w1["local"]["timezone"], "Europe/Paris");
    assert_eq!(w1["local"]["date"], "2035-01-15");
    assert_eq!(w1["local"]["start_time"], "08:00");
    assert_eq!(w1["local"]["end_time"], "10:30");
    assert_eq!(w1["local"]["starts_at"], "2035-01-15T08:00:00+01:00");
    assert_eq!(
        at(w1["starts_at"].as_str().unwrap()),
        at("2035-01-15T07:00:00Z")
    );
    assert_eq!(w1["location_name"], "Acme Lyon");
    let s1 = get(summer).await;
    assert_eq!(s1["local"]["start_time"], "08:00");
    assert_eq!(s1["local"]["starts_at"], "2035-07-15T08:00:00+02:00");
    let n1 = get(ny).await;
    assert_eq!(n1["local"]["timezone"], "America/New_York");
    assert_eq!(n1["local"]["start_time"], "08:00");
    assert_eq!(n1["local"]["end_time"], "10:00");
}

#[tokio::test]
async fn labels_follow_the_callers_language() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "fr@a.example", vec![whole(w.customer_a)])
        .await;
    let patched = app
        .patch_json_bearer(
            &format!("{PORTAL}/me"),
            &user.access_token,
            &json!({ "locale": "fr" }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let target = app.create_target(&staff, w.a1, "Vitrine").await;
    let (s, e) = days_ahead(1, 1);
    let id = app.scheduled(&staff, &target, &s, &e, "scheduled").await;

    let one = app
        .get_bearer(&format!("{PORTAL}/appointments/{id}"), &user.access_token)
        .await;
    assert_eq!(one.json["status_label"], "Programmé");
    let timeline = app
        .get_bearer(&format!("{PORTAL}/timeline"), &user.access_token)
        .await;
    assert_eq!(timeline.json["items"][0]["label"], "Rendez-vous planifié");
}

#[tokio::test]
async fn each_appointment_transition_writes_its_timeline_row_with_customer_safe_payload() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "tl@a.example", vec![whole(w.customer_a)])
        .await;
    let target = app.create_target(&staff, w.a1, "Cold room").await;
    let (s, e) = days_ahead(4, 2);
    let (s2, e2) = days_ahead(6, 3);
    let first = app.scheduled(&staff, &target, &s, &e, "scheduled").await;
    let second = app.scheduled(&staff, &target, &s, &e, "scheduled").await;

    // Reschedule (visible): appointment_rescheduled, with the old and new times.
    let version = app.staff_appointment(&staff, &first).await["version"].clone();
    let moved = app
        .patch_appointment(
            &staff,
            &first,
            &json!({ "version": version, "starts_at": s2, "ends_at": e2,
                     "internal_notes": "INTERNAL-NOTE moved" }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(at(moved.json["starts_at"].as_str().unwrap()), at(&s2));
    // An edit that does not move the visit writes nothing to the timeline.
    let version = moved.json["version"].clone();
    let noted = app
        .patch_appointment(
            &staff,
            &first,
            &json!({ "version": version, "internal_notes": "INTERNAL-NOTE again" }),
        )
        .await;
    assert_eq!(noted.status, 200, "{}", noted.text);
    // Cancel: appointment_cancelled. Dispatch, then complete: visit_completed.
    assert_eq!(
        app.appointment_status(&staff, &first, "cancelled")
            .await
            .status,
        200
    );
    assert_eq!(
        app.appointment_status(&staff, &second, "dispatched")
            .await
            .status,
        200
    );
    assert_eq!(
        app.appointment_status(&staff, &second, "en_route")
            .await
            .status,
        200
    );
    assert_eq!(
        app.appointment_status(&staff, &second, "completed")
            .await
            .status,
        200
    );

    assert_eq!(
        timeline_kinds(&app.db, &first).await,
        [
            "appointment_scheduled",
            "appointment_rescheduled",
            "appointment_cancelled"
        ]
    );
    assert_eq!(
        timeline_kinds(&app.db, &second).await,
        ["appointment_scheduled", "visit_completed"]
    );
    assert_eq!(
        audit_actions(&app.db, &first).await,
        [
            "staff.appointment.created",
            "staff.appointment.updated",
            "staff.appointment.updated",
            "staff.appointment.status_changed"
        ]
    );
    let timeline = app
        .get_bearer(&format!("{PORTAL}/timeline"), &user.access_token)
        .await;
    assert_eq!(timeline.status, 200, "{}", timeline.text);
    assert_no_internal_field(&timeline.text);
    let items = timeline.json["items"].as_array().unwrap();
    let kinds: Vec<_> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.len(), 5);
    assert!(kinds.contains(&"visit_completed"));
    // Newest first.
    let times: Vec<_> = items
        .iter()
        .map(|i| at(i["occurred_at"].as_str().unwrap()))
        .collect();
    assert!(times.windows(2).all(|p| p[0] >= p[1]), "{times:?}");
    let rescheduled = items
        .iter()
        .find(|i| i["kind"] == "appointment_rescheduled")
        .unwrap();
    assert_eq!(rescheduled["label"], "Appointment rescheduled");
    assert_eq!(rescheduled["subject_kind"], "appointment");
    assert_eq!(rescheduled["subject_id"], first.as_str());
    assert_eq!(rescheduled["payload"]["title"], "Cold room");
    assert_eq!(
        at(rescheduled["payload"]["starts_at"].as_str().unwrap()),
        at(&s2)
    );
    assert_eq!(
        at(rescheduled["payload"]["previous_starts_at"]
            .as_str()
            .unwrap()),
        at(&s)
    );
    // The cancelled visit stays listed, cancelled; the completed one is over.
    let cancelled = app
        .get_bearer(
            &format!("{PORTAL}/appointments/{first}"),
            &user.access_token,
        )
        .await;
    assert_eq!(cancelled.json["status"], "cancelled");
    assert_eq!(cancelled.json["status_label"], "Cancelled");
}

#[tokio::test]
async fn staff_get_409s_for_stale_versions_refused_moves_and_late_reschedules() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let target = app.create_target(&staff, w.a1, "Pump").await;
    let (s, e) = days_ahead(2, 2);
    let (s2, e2) = days_ahead(3, 2);
    let id = app.scheduled(&staff, &target, &s, &e, "scheduled").await;
    let version = app.staff_appointment(&staff, &id).await["version"].clone();
    let first = app
        .patch_appointment(
            &staff,
            &id,
            &json!({ "version": version, "starts_at": s2, "ends_at": e2 }),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);

    // The same base version again: someone changed it meanwhile.
    let stale = app
        .patch_appointment(
            &staff,
            &id,
            &json!({ "version": version, "starts_at": s, "ends_at": e }),
        )
        .await;
    assert_problem(&stale, 409, "stale_version");
    // Scheduled cannot go back to tentative; the 409 names what is allowed.
    let back = app.appointment_status(&staff, &id, "tentative").await;
    assert_problem(&back, 409, "invalid_transition");
    assert_eq!(
        back.json["allowed"],
        json!([
            "dispatched",
            "en_route",
            "on_site",
            "completed",
            "no_access",
            "cancelled"
        ])
    );
    // Once on the way, the time can no longer change.
    assert_eq!(
        app.appointment_status(&staff, &id, "en_route").await.status,
        200
    );
    let version = app.staff_appointment(&staff, &id).await["version"].clone();
    let late = app
        .patch_appointment(
            &staff,
            &id,
            &json!({ "version": version, "starts_at": s, "ends_at": e }),
        )
        .await;
    assert_problem(&late, 409, "not_reschedulable");
    // Invalid input is named field by field.
    let bad = app
        .schedule(
            &staff,
            &target,
            "tomorrow",
            &e,
            json!({ "status": "on_site" }),
        )
        .await;
    assert_problem(&bad, 400, "validation_failed");
    let fields: Vec<_> = bad.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["starts_at", "status"]);
    let too_long = app
        .schedule(&staff, &target, &s, "2099-01-01T00:00:00Z", json!({}))
        .await;
    assert_problem(&too_long, 400, "validation_failed");
    assert_eq!(too_long.json["errors"][0]["code"], "window_too_long");
    let unknown = app
        .schedule(&staff, &uuid::Uuid::new_v4().to_string(), &s, &e, json!({}))
        .await;
    assert_problem(&unknown, 400, "validation_failed");
    assert_eq!(unknown.json["errors"][0]["field"], "target_id");
}

#[tokio::test]
async fn a_work_item_patch_follows_the_status_graph_and_optimistic_versions() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let target = app.create_target(&staff, w.a1, "Shelving").await;
    let path = format!("{INTERNAL}/targets/{target}");
    let t = app.get_bearer(&path, &staff).await.json;
    assert_eq!(t["internal_status"], "open");
    assert_eq!(t["priority"], "high");

    let refused = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": t["version"], "internal_status": "completed" }),
        )
        .await;
    assert_problem(&refused, 409, "invalid_transition");
    assert_eq!(
        refused.json["allowed"],
        json!(["planned", "on_hold", "cancelled"])
    );
    let edited = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": t["version"], "internal_status": "on_hold", "priority": "low",
                     "billing_trigger": "BILLING-SECRET", "routing_score": 0.5 }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.json["internal_status"], "on_hold");
    assert_eq!(edited.json["priority"], "low");
    assert_eq!(edited.json["billing_trigger"], "BILLING-SECRET");
    assert_eq!(edited.json["routing_score"], 0.5);
    let stale = app
        .patch_json_bearer(
            &path,
            &staff,
            &json!({ "version": t["version"], "priority": "urgent" }),
        )
        .await;
    assert_problem(&stale, 409, "stale_version");
    let list = app
        .get_bearer(&format!("{INTERNAL}/targets?status=on_hold"), &staff)
        .await;
    assert_eq!(
        ids(list.json["items"].as_array().unwrap()),
        [target.as_str()]
    );
    assert_eq!(
        audit_actions(&app.db, &target).await,
        ["staff.target.created", "staff.target.updated"]
    );
    // A portal token is refused by the internal surface.
    let user = app
        .portal_user(&w, "x@a.example", vec![whole(w.customer_a)])
        .await;
    let denied = app.get_bearer(&path, &user.access_token).await;
    assert_problem(&denied, 401, "unauthorized");
}

#[tokio::test]
async fn the_keyset_walk_serves_every_upcoming_appointment_once_in_start_order() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "k@a.example", vec![whole(w.customer_a)])
        .await;
    let t1 = app.create_target(&staff, w.a1, "A").await;
    let t2 = app.create_target(&staff, w.a2, "B").await;
    let mut expected = Vec::new();
    for (i, target) in [&t1, &t2, &t1, &t2, &t1, &t2, &t1].iter().enumerate() {
        // Pairs of equal start times exercise the id tie-break.
        let (s, e) = days_ahead(1 + (i as i64 / 2), 1);
        expected.push(app.scheduled(&staff, target, &s, &e, "scheduled").await);
    }
    let tentative = app
        .scheduled(
            &staff,
            &t1,
            &days_ahead(2, 1).0,
            &days_ahead(2, 1).1,
            "tentative",
        )
        .await;
    // A visit that is over is not "upcoming".
    let past = app
        .scheduled(
            &staff,
            &t1,
            "2020-01-01T08:00:00Z",
            "2020-01-01T09:00:00Z",
            "scheduled",
        )
        .await;

    let items = app.walk(&user.access_token, "/appointments", 3).await;

    let served = ids(&items);
    let mut unique = served.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), served.len(), "duplicates: {served:?}");
    let mut want = expected.clone();
    want.sort();
    assert_eq!(unique, want);
    assert!(!served.contains(&tentative) && !served.contains(&past));
    let keys: Vec<_> = items
        .iter()
        .map(|i| {
            (
                at(i["starts_at"].as_str().unwrap()),
                i["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|p| p[0] < p[1]), "{keys:?}");
    // With `from` in the past the finished visit is listed too; `to` bounds the start.
    let history = app
        .walk(
            &user.access_token,
            "/appointments?from=2019-12-31T00:00:00Z&to=2020-01-02T00:00:00Z",
            2,
        )
        .await;
    assert_eq!(ids(&history), [past]);
    let bad = app
        .get_bearer(
            &format!("{PORTAL}/appointments?from=yesterday"),
            &user.access_token,
        )
        .await;
    assert_problem(&bad, 400, "validation_failed");
    let bad_cursor = app
        .get_bearer(
            &format!("{PORTAL}/appointments?cursor=garbage"),
            &user.access_token,
        )
        .await;
    assert_problem(&bad_cursor, 400, "invalid_cursor");
}

#[tokio::test]
async fn no_portal_read_route_carries_an_internal_field() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff_user = ordinavo_tests::staff::staff_user(&app, StaffRole::Dispatcher).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "leak@a.example", vec![whole(w.customer_a)])
        .await;
    let (_request, target) = app.accepted_request(&staff, &user.access_token, w.a1).await;
    let (s, e) = days_ahead(2, 2);
    let reply = app
        .schedule(
            &staff,
            &target,
            &s,
            &e,
            json!({ "technician_id": staff_user.id, "routing_score": 0.987_654,
                    "internal_notes": "INTERNAL-NOTE visit" }),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let id = reply.json["id"].as_str().unwrap().to_string();
    let t = app
        .get_bearer(&format!("{INTERNAL}/targets/{target}"), &staff)
        .await;
    let patched = app
        .patch_json_bearer(
            &format!("{INTERNAL}/targets/{target}"),
            &staff,
            &json!({ "version": t.json["version"], "billing_trigger": "BILLING-SECRET",
                     "routing_score": 0.987_654 }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    let follow = app
        .follow_up(&staff, &target, "Replace the seal next month")
        .await;
    assert_eq!(follow.status, 201, "{}", follow.text);
    let feed = app.calendar_feed_url(&user.access_token).await;

    for path in [
        "/appointments".to_string(),
        format!("/appointments/{id}"),
        "/work".to_string(),
        "/follow-ups".to_string(),
        "/timeline".to_string(),
        "/me".to_string(),
    ] {
        let reply = app
            .get_bearer(&format!("{PORTAL}{path}"), &user.access_token)
            .await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        assert_no_internal_field(&reply.text);
        assert!(
            !reply.text.contains(&staff_user.id.to_string()),
            "{path} names the technician"
        );
    }
    let ics = app.fetch_feed(&feed).await;
    assert_eq!(ics.status, 200);
    assert_no_internal_field(&ics.text);
    assert!(!ics.text.contains(&staff_user.id.to_string()));
    // Behind the API the markers are really there (the check above is not vacuous).
    let stored: Option<String> = run!(app.db.exec(), |c| sqlx::query_scalar(
        "SELECT internal_notes FROM appointments WHERE id = $1"
    )
    .bind(id.parse::<uuid::Uuid>().unwrap())
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(stored.as_deref(), Some("INTERNAL-NOTE visit"));
}

#[tokio::test]
async fn the_benchmark_seed_grants_its_user_ten_of_a_thousand_locations() {
    let app = TestApp::spawn().await;

    let seeded = ordinavo_api::demo_scale::seed(&app.db, 2_000)
        .await
        .unwrap();

    assert_eq!((seeded.locations, seeded.appointments), (1_000, 2_000));
    let login = app
        .portal_login(
            &seeded.email,
            secrecy::ExposeSecret::expose_secret(&seeded.password),
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.text);
    let token = login.json["access_token"].as_str().unwrap().to_string();
    let locations = app.walk(&token, "/locations", 100).await;
    assert_eq!(locations.len(), 10);
    let upcoming = app.walk(&token, "/appointments", 100).await;
    assert!(!upcoming.is_empty());
    let granted: Vec<_> = locations.iter().map(|l| l["id"].clone()).collect();
    assert!(upcoming.iter().all(|a| granted.contains(&a["location_id"])));
    assert!(upcoming.iter().all(|a| a["status"] != "tentative"));
    // The other users make the caller check and the grant rule run on realistic tables.
    let users = run!(app.db.exec(), |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM portal_users u JOIN portal_grants g ON g.portal_user_id = u.id \
         WHERE g.all_locations = TRUE"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(users, 1_000);
    let live_sessions = run!(app.db.exec(), |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM portal_sessions WHERE revoked_at IS NULL AND user_agent = 'bench'"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(live_sessions, 2_000);
}

#[tokio::test]
async fn losing_a_grant_or_signing_out_takes_effect_on_the_very_next_list() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "next@a.example", vec![whole(w.customer_a)])
        .await;
    let target = app.create_target(&staff, w.a2, "Boston visit").await;
    let (s, e) = days_ahead(3, 2);
    let id = app.scheduled(&staff, &target, &s, &e, "scheduled").await;
    let list = |token: String| {
        let app = &app;
        async move {
            app.get_bearer(&format!("{PORTAL}/appointments"), &token)
                .await
        }
    };
    let first = list(user.access_token.clone()).await;
    assert_eq!(first.header("content-type"), Some("application/json"));
    assert_eq!(ids(first.json["items"].as_array().unwrap()), [id.as_str()]);

    let grants = app
        .get_bearer(
            &format!("{INTERNAL}/portal-users/{}/grants", user.id),
            &w.manager_token,
        )
        .await;
    let grant = grants.json[0]["id"].as_str().expect("grant").to_string();
    let narrowed = app
        .patch_json_bearer(
            &format!("{INTERNAL}/portal-users/{}/grants/{grant}", user.id),
            &w.manager_token,
            &json!({ "all_locations": false, "location_ids": [w.a1] }),
        )
        .await;
    assert_eq!(narrowed.status, 200, "{}", narrowed.text);
    // The same access token, still unexpired: the narrowed grant applies at once.
    let after_grant = list(user.access_token.clone()).await;
    assert_eq!(after_grant.status, 200, "{}", after_grant.text);
    assert_eq!(after_grant.json["items"], json!([]));

    let out = app
        .post_cookie("/api/portal/v1/auth/logout", &user.refresh_cookie)
        .await;
    assert_eq!(out.status, 204, "{}", out.text);
    assert_problem(&list(user.access_token.clone()).await, 401, "unauthorized");
}
