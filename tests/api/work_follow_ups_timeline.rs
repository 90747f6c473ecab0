//! The portal's open-work overview, follow-ups and timeline: scoped to the caller's CURRENT
//! grants, in public status language, with the follow-up flow (required -> planned -> done)
//! written to the timeline. Every test runs on SQLite by default and on PostgreSQL with
//! `TEST_DATABASE_URL`.

use ordinavo_domain::roles::StaffRole;
use ordinavo_tests::appointments::days_ahead;
use ordinavo_tests::portal::{only, staff_login, whole, world};
use ordinavo_tests::requests::{INTERNAL, PORTAL, audit_actions, timeline_kinds};
use ordinavo_tests::{TestApp, assert_problem};
use serde_json::{Value, json};

fn kinds(reply: &ordinavo_tests::Reply) -> Vec<String> {
    reply.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_follow_up_flow_shows_in_the_portal_and_on_the_timeline() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "fu@a.example", vec![whole(w.customer_a)])
        .await;
    let target = app.create_target(&staff, w.a1, "Refrigeration").await;

    let created = app
        .follow_up(&staff, &target, "The compressor needs replacing.")
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(created.json["status"], "required");
    assert_eq!(created.json["internal_notes"], "INTERNAL-NOTE follow-up");

    let list = app
        .get_bearer(&format!("{PORTAL}/follow-ups"), &user.access_token)
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let item = &list.json["items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["status"], "follow_up_required");
    assert_eq!(item["status_label"], "Follow-up required");
    assert_eq!(item["public_note"], "The compressor needs replacing.");
    assert_eq!(item["title"], "Refrigeration");
    assert_eq!(item["appointment"], Value::Null);
    assert!(!list.text.contains("INTERNAL-NOTE"));

    // Plan it: only with a confirmed appointment at the same location.
    let (s, e) = days_ahead(10, 2);
    let tentative = app.scheduled(&staff, &target, &s, &e, "tentative").await;
    let refused = app
        .post_json_bearer(
            &format!("{INTERNAL}/follow-ups/{id}/plan"),
            &staff,
            &json!({ "appointment_id": tentative }),
        )
        .await;
    assert_problem(&refused, 400, "validation_failed");
    let elsewhere = app.create_target(&staff, w.a2, "Elsewhere").await;
    let other = app.scheduled(&staff, &elsewhere, &s, &e, "scheduled").await;
    let refused = app
        .post_json_bearer(
            &format!("{INTERNAL}/follow-ups/{id}/plan"),
            &staff,
            &json!({ "appointment_id": other }),
        )
        .await;
    assert_problem(&refused, 400, "validation_failed");
    let visit = app.scheduled(&staff, &target, &s, &e, "scheduled").await;
    let planned = app
        .post_json_bearer(
            &format!("{INTERNAL}/follow-ups/{id}/plan"),
            &staff,
            &json!({ "appointment_id": visit }),
        )
        .await;
    assert_eq!(planned.status, 200, "{}", planned.text);
    assert_eq!(planned.json["planned_appointment_id"], visit.as_str());
    let again = app
        .post_json_bearer(
            &format!("{INTERNAL}/follow-ups/{id}/plan"),
            &staff,
            &json!({ "appointment_id": visit }),
        )
        .await;
    assert_problem(&again, 409, "invalid_transition");

    let list = app
        .get_bearer(&format!("{PORTAL}/follow-ups"), &user.access_token)
        .await;
    let item = &list.json["items"][0];
    assert_eq!(item["status"], "follow_up_planned");
    assert_eq!(item["appointment"]["id"], visit.as_str());
    assert_eq!(item["appointment"]["local"]["timezone"], "Europe/Paris");

    let done = app
        .post_json_bearer(
            &format!("{INTERNAL}/follow-ups/{id}/complete"),
            &staff,
            &json!({}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.json["status"], "done");
    let list = app
        .get_bearer(&format!("{PORTAL}/follow-ups"), &user.access_token)
        .await;
    assert_eq!(list.json["items"][0]["status"], "done");
    assert_eq!(list.json["items"][0]["status_label"], "Done");

    assert_eq!(
        timeline_kinds(&app.db, &id).await,
        ["follow_up_required", "follow_up_planned"]
    );
    assert_eq!(
        audit_actions(&app.db, &id).await,
        [
            "staff.follow_up.created",
            "staff.follow_up.planned",
            "staff.follow_up.completed"
        ]
    );
    let timeline = app
        .get_bearer(&format!("{PORTAL}/timeline"), &user.access_token)
        .await;
    let planned_event = timeline.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "follow_up_planned")
        .cloned()
        .unwrap();
    assert_eq!(planned_event["label"], "Follow-up planned");
    assert_eq!(
        planned_event["payload"]["public_note"],
        "The compressor needs replacing."
    );
    assert!(!timeline.text.contains("INTERNAL-NOTE"));
}

#[tokio::test]
async fn the_timeline_shows_only_the_callers_current_locations() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let whole_a = app
        .portal_user(&w, "w@a.example", vec![whole(w.customer_a)])
        .await;
    let one = app
        .portal_user(&w, "o@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    let other = app
        .portal_user(&w, "b@b.example", vec![whole(w.customer_b)])
        .await;
    let lyon = app.create_target(&staff, w.a1, "Lyon work").await;
    let boston = app.create_target(&staff, w.a2, "Boston work").await;
    let (s, e) = days_ahead(3, 1);
    app.scheduled(&staff, &lyon, &s, &e, "scheduled").await;
    app.scheduled(&staff, &boston, &s, &e, "scheduled").await;
    // A request the whole-customer user submits at A2 is history of A2 only.
    app.create_request(&whole_a.access_token, w.a2).await;

    let mine = app
        .get_bearer(&format!("{PORTAL}/timeline"), &one.access_token)
        .await;
    let all = app
        .get_bearer(&format!("{PORTAL}/timeline"), &whole_a.access_token)
        .await;
    let theirs = app
        .get_bearer(&format!("{PORTAL}/timeline"), &other.access_token)
        .await;

    assert_eq!(kinds(&mine), ["appointment_scheduled"]);
    assert!(!mine.text.contains("Boston"), "{}", mine.text);
    assert_eq!(
        kinds(&all),
        [
            "request_submitted",
            "appointment_scheduled",
            "appointment_scheduled"
        ]
    );
    assert_eq!(theirs.json["items"], json!([]));
    let filtered = app
        .get_bearer(
            &format!("{PORTAL}/timeline?location_id={}", w.a2),
            &whole_a.access_token,
        )
        .await;
    assert_eq!(
        kinds(&filtered),
        ["request_submitted", "appointment_scheduled"]
    );
    // Paging newest first serves each event once.
    let walked = app.walk(&whole_a.access_token, "/timeline", 1).await;
    assert_eq!(walked.len(), 3);
    assert_eq!(walked[0]["kind"], "request_submitted");

    // Losing the grant takes effect on the next request.
    let grants = app
        .get_bearer(
            &format!("{INTERNAL}/portal-users/{}/grants", one.id),
            &w.manager_token,
        )
        .await;
    let grant = grants.json[0]["id"]
        .as_str()
        .or_else(|| grants.json["items"][0]["id"].as_str())
        .expect("a grant")
        .to_string();
    let removed = app
        .delete_bearer(
            &format!("{INTERNAL}/portal-users/{}/grants/{grant}", one.id),
            &w.manager_token,
        )
        .await;
    assert!(
        removed.status == 204 || removed.status == 200,
        "{}",
        removed.text
    );
    let after = app
        .get_bearer(&format!("{PORTAL}/timeline"), &one.access_token)
        .await;
    assert_eq!(after.json["items"], json!([]), "{}", after.text);
    let appointments = app
        .get_bearer(&format!("{PORTAL}/appointments"), &one.access_token)
        .await;
    assert_eq!(appointments.json["items"], json!([]));
}

#[tokio::test]
async fn open_work_lists_public_status_the_request_and_the_next_visit_within_the_grants() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "work@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    let (request, target) = app.accepted_request(&staff, &user.access_token, w.a1).await;
    let (s_late, e_late) = days_ahead(20, 2);
    let (s_soon, e_soon) = days_ahead(5, 2);
    app.scheduled(&staff, &target, &s_late, &e_late, "scheduled")
        .await;
    let soon = app
        .scheduled(&staff, &target, &s_soon, &e_soon, "scheduled")
        .await;
    let done = app.create_target(&staff, w.a1, "Finished work").await;
    let t = app
        .get_bearer(&format!("{INTERNAL}/targets/{done}"), &staff)
        .await;
    let cancelled = app
        .patch_json_bearer(
            &format!("{INTERNAL}/targets/{done}"),
            &staff,
            &json!({ "version": t.json["version"], "internal_status": "cancelled" }),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    app.create_target(&staff, w.a2, "Not yours").await;

    let work = app
        .get_bearer(&format!("{PORTAL}/work"), &user.access_token)
        .await;

    assert_eq!(work.status, 200, "{}", work.text);
    let items = work.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", work.text);
    let item = &items[0];
    assert_eq!(item["id"], target.as_str());
    assert_eq!(item["status"], "planned");
    assert_eq!(item["status_label"], "Planned");
    assert_eq!(item["location_name"], "Acme Lyon");
    assert_eq!(item["request"]["id"], request.as_str());
    assert_eq!(item["request"]["status"], "planned");
    assert_eq!(item["next_appointment"]["id"], soon.as_str());
    assert!(!work.text.contains("INTERNAL-NOTE") && !work.text.contains("urgent"));
}
