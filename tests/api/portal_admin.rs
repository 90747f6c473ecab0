//! Staff management of portal users and grants (`/api/internal/v1/portal-users…`): revocation
//! takes effect on the portal user's NEXT request (disable, grant deleted, narrowed, expired,
//! customer portal switched off), the role matrix of every route, validation that changes
//! nothing, and the audit trail.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Utc;
use ordinavo_domain::ids::{CustomerId, PortalUserId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::{PortalUserStatus, StaffRole};
use ordinavo_persistence::grants::{self, NewGrant};
use ordinavo_persistence::portal_users::{self, NewPortalUser};
use ordinavo_persistence::run;
use ordinavo_tests::portal::{PASSWORD, World, only, staff_login, whole, world};
use ordinavo_tests::{Reply, TestApp, assert_leaks_nothing, assert_problem, read};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

const BASE: &str = "/api/internal/v1/portal-users";

fn user_path(user: &str, suffix: &str) -> String {
    format!("{BASE}/{user}{suffix}")
}

/// The names of the sites `/locations` lists for this access token, sorted.
async fn site_names(app: &TestApp, token: &str) -> Vec<String> {
    let reply = app.get_bearer("/api/portal/v1/locations", token).await;
    assert_eq!(reply.status, 200, "locations: {}", reply.text);
    let mut names: Vec<String> = reply.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// The user's grants as staff see them.
async fn grants_of(app: &TestApp, w: &World, user: &str) -> Vec<Value> {
    let reply = app
        .get_bearer(&user_path(user, "/grants"), &w.manager_token)
        .await;
    assert_eq!(reply.status, 200, "grants: {}", reply.text);
    reply.json.as_array().unwrap().clone()
}

/// The id of the user's grant on `customer`.
async fn grant_on(app: &TestApp, w: &World, user: &str, customer: CustomerId) -> String {
    grants_of(app, w, user)
        .await
        .into_iter()
        .find(|g| g["customer_id"] == json!(customer))
        .expect("a grant on this customer")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Audit rows about one subject: (action, details), oldest first.
async fn audit_rows(app: &TestApp, subject: &str) -> Vec<(String, Value)> {
    let subject: Uuid = subject.parse().unwrap();
    let rows: Vec<(String, sqlx::types::Json<Value>)> = run!(app.db.exec(), |c| {
        sqlx::query_as(
            "SELECT action, details FROM audit_log WHERE subject_id = $1 ORDER BY at, id",
        )
        .bind(subject)
        .fetch_all(c)
        .await
    })
    .unwrap();
    rows.into_iter().map(|(a, d)| (a, d.0)).collect()
}

fn actions(rows: &[(String, Value)]) -> Vec<&str> {
    rows.iter().map(|(a, _)| a.as_str()).collect()
}

async fn post_empty(app: &TestApp, path: &str, token: &str) -> Reply {
    app.post_json_bearer(path, token, &json!({})).await
}

#[tokio::test]
async fn disabling_a_user_kills_their_token_and_refresh_cookie_at_once_and_enabling_lets_them_sign_in_again()
 {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "dis@customer.example", vec![whole(w.customer_a)])
        .await;
    assert_eq!(
        app.get_bearer("/api/portal/v1/me", &user.access_token)
            .await
            .status,
        200
    );

    let disabled = post_empty(&app, &user_path(&user.id, "/disable"), &w.manager_token).await;

    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(disabled.json["status"], "disabled");
    assert_problem(
        &app.get_bearer("/api/portal/v1/me", &user.access_token)
            .await,
        401,
        "unauthorized",
    );
    assert_problem(
        &app.post_cookie("/api/portal/v1/auth/refresh", &user.refresh_cookie)
            .await,
        401,
        "unauthorized",
    );
    assert_eq!(
        app.portal_login(&user.email, PASSWORD).await.status,
        401,
        "a disabled user cannot sign in"
    );
    let live: i64 = run!(app.db.exec(), |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM portal_sessions WHERE portal_user_id = $1 AND revoked_at IS NULL"
    )
    .bind(user.id.parse::<Uuid>().unwrap())
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(live, 0, "every session is revoked in the same transaction");

    let again = post_empty(&app, &user_path(&user.id, "/disable"), &w.manager_token).await;
    assert_eq!(again.status, 200, "disabling twice is idempotent");
    assert_eq!(again.json["status"], "disabled");

    let enabled = post_empty(&app, &user_path(&user.id, "/enable"), &w.manager_token).await;

    assert_eq!(enabled.status, 200, "{}", enabled.text);
    assert_eq!(enabled.json["status"], "active");
    assert_problem(
        &app.get_bearer("/api/portal/v1/me", &user.access_token)
            .await,
        401,
        "unauthorized",
    );
    assert_problem(
        &app.post_cookie("/api/portal/v1/auth/refresh", &user.refresh_cookie)
            .await,
        401,
        "unauthorized",
    );
    let login = app.portal_login(&user.email, PASSWORD).await;
    assert_eq!(login.status, 200, "{}", login.text);
    let token = login.json["access_token"].as_str().unwrap();
    assert_eq!(app.get_bearer("/api/portal/v1/me", token).await.status, 200);

    let rows = audit_rows(&app, &user.id).await;
    let acts = actions(&rows);
    assert_eq!(
        acts.iter()
            .filter(|a| **a == "portal.user.disabled")
            .count(),
        1,
        "the idempotent second disable writes nothing: {acts:?}"
    );
    assert!(acts.contains(&"portal.user.enabled"), "{acts:?}");
    let (_, details) = rows
        .iter()
        .find(|(a, _)| a == "portal.user.disabled")
        .unwrap();
    assert_eq!(details["previous_status"], "active");
    assert!(details["sessions_revoked"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn an_invited_user_disabled_then_enabled_is_invited_again_and_their_link_works_again() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let link = app
        .invite(&w, "inv@customer.example", vec![whole(w.customer_a)])
        .await;
    let list = app
        .get_bearer(&format!("{BASE}?status=invited"), &w.manager_token)
        .await;
    let id = list.json["items"][0]["id"].as_str().unwrap().to_string();
    let preview = format!("/api/portal/v1/auth/invitations/{link}");

    let disabled = post_empty(&app, &user_path(&id, "/disable"), &w.manager_token).await;
    assert_eq!(disabled.json["status"], "disabled");
    assert_eq!(app.get(&preview).await.status, 410);

    let enabled = post_empty(&app, &user_path(&id, "/enable"), &w.manager_token).await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    assert_eq!(
        enabled.json["status"], "invited",
        "no password: back to invited"
    );
    assert_eq!(enabled.json["has_password"], false);
    assert_eq!(app.get(&preview).await.status, 200);
}

#[tokio::test]
async fn deleting_a_grant_removes_its_sites_from_the_same_access_token_at_once() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(
            &w,
            "del@customer.example",
            vec![whole(w.customer_a), only(w.customer_b, &[w.b1])],
        )
        .await;
    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Acme Boston", "Acme Lyon", "Brightside Berlin"]
    );
    let grant = grant_on(&app, &w, &user.id, w.customer_a).await;

    let deleted = app
        .delete_bearer(
            &user_path(&user.id, &format!("/grants/{grant}")),
            &w.manager_token,
        )
        .await;

    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Brightside Berlin"]
    );
    assert_eq!(grants_of(&app, &w, &user.id).await.len(), 1);
    let again = app
        .delete_bearer(
            &user_path(&user.id, &format!("/grants/{grant}")),
            &w.manager_token,
        )
        .await;
    assert_problem(&again, 404, "not_found");
    let rows = audit_rows(&app, &user.id).await;
    let (_, details) = rows
        .iter()
        .find(|(a, _)| a == "portal.grant.deleted")
        .expect("a grant.deleted audit row");
    assert_eq!(details["grant_id"], grant.as_str());
    assert_eq!(details["customer_id"], json!(w.customer_a));
}

#[tokio::test]
async fn a_grant_stops_working_on_the_next_request_once_its_expiry_passes() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(
            &w,
            "exp@customer.example",
            vec![whole(w.customer_a), only(w.customer_b, &[w.b1])],
        )
        .await;
    let grant_a = grant_on(&app, &w, &user.id, w.customer_a).await;
    let grant_b = grant_on(&app, &w, &user.id, w.customer_b).await;
    let soon = Utc::now() + chrono::Duration::seconds(2);

    let patched = app
        .patch_json_bearer(
            &user_path(&user.id, &format!("/grants/{grant_a}")),
            &w.manager_token,
            &json!({ "expires_at": soon.to_rfc3339() }),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["effective"], true);
    assert!(
        site_names(&app, &user.access_token)
            .await
            .contains(&"Acme Lyon".to_string()),
        "not expired yet"
    );

    tokio::time::sleep(Duration::from_millis(2300)).await;

    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Brightside Berlin"],
        "expired on the next request"
    );
    let detail = app
        .get_bearer(&user_path(&user.id, ""), &w.manager_token)
        .await;
    let a = detail.json["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == grant_a.as_str())
        .unwrap();
    assert_eq!(a["effective"], false);

    // An expiry already in the past (set behind the API) works the same way.
    let past = Utc::now() - chrono::Duration::minutes(1);
    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE portal_grants SET expires_at = $1 WHERE id = $2"
    )
    .bind(past)
    .bind(grant_b.parse::<Uuid>().unwrap())
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    assert!(site_names(&app, &user.access_token).await.is_empty());

    // Editing an expired grant's capabilities does not trip over its (untouched) old expiry;
    // a new expiry in the past is refused; `null` removes the expiry and revives the grant.
    let caps = app
        .patch_json_bearer(
            &user_path(&user.id, &format!("/grants/{grant_b}")),
            &w.manager_token,
            &json!({ "can_view_reports": false }),
        )
        .await;
    assert_eq!(caps.status, 200, "{}", caps.text);
    let in_past = app
        .patch_json_bearer(
            &user_path(&user.id, &format!("/grants/{grant_b}")),
            &w.manager_token,
            &json!({ "expires_at": past.to_rfc3339() }),
        )
        .await;
    assert_problem(&in_past, 400, "validation_failed");
    assert_eq!(in_past.json["errors"][0]["field"], "expires_at");
    let revived = app
        .patch_json_bearer(
            &user_path(&user.id, &format!("/grants/{grant_b}")),
            &w.manager_token,
            &json!({ "expires_at": null }),
        )
        .await;
    assert_eq!(revived.status, 200, "{}", revived.text);
    assert_eq!(revived.json["expires_at"], Value::Null);
    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Brightside Berlin"]
    );
}

#[tokio::test]
async fn narrowing_a_whole_customer_grant_to_one_location_narrows_locations_at_once() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "nar@customer.example", vec![whole(w.customer_a)])
        .await;
    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Acme Boston", "Acme Lyon"]
    );
    let grant = grant_on(&app, &w, &user.id, w.customer_a).await;
    let path = user_path(&user.id, &format!("/grants/{grant}"));

    let narrowed = app
        .patch_json_bearer(
            &path,
            &w.manager_token,
            &json!({ "all_locations": false, "location_ids": [w.a1] }),
        )
        .await;

    assert_eq!(narrowed.status, 200, "{}", narrowed.text);
    assert_eq!(narrowed.json["all_locations"], false);
    assert_eq!(narrowed.json["location_ids"], json!([w.a1]));
    assert_eq!(narrowed.json["locations"][0]["name"], "Acme Lyon");
    assert_eq!(site_names(&app, &user.access_token).await, ["Acme Lyon"]);

    // Replacing the list swaps the sites; widening again clears the list.
    let swapped = app
        .patch_json_bearer(
            &path,
            &w.manager_token,
            &json!({ "location_ids": [w.a2, w.a2] }),
        )
        .await;
    assert_eq!(swapped.status, 200, "{}", swapped.text);
    assert_eq!(swapped.json["location_ids"], json!([w.a2]));
    assert_eq!(site_names(&app, &user.access_token).await, ["Acme Boston"]);
    let widened = app
        .patch_json_bearer(&path, &w.manager_token, &json!({ "all_locations": true }))
        .await;
    assert_eq!(widened.status, 200, "{}", widened.text);
    assert_eq!(widened.json["location_ids"], json!([]));
    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Acme Boston", "Acme Lyon"]
    );

    let rows = audit_rows(&app, &user.id).await;
    let updates: Vec<&Value> = rows
        .iter()
        .filter(|(a, _)| a == "portal.grant.updated")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(updates.len(), 3);
    assert_eq!(
        updates[0]["changed"],
        json!(["all_locations", "location_ids"])
    );
    assert_eq!(updates[1]["changed"], json!(["location_ids"]));
}

#[tokio::test]
async fn a_customer_with_the_portal_switched_off_contributes_no_locations() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(
            &w,
            "off@customer.example",
            vec![whole(w.customer_a), whole(w.customer_b)],
        )
        .await;

    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE customers SET portal_enabled = FALSE WHERE id = $1"
    )
    .bind(w.customer_a.into_uuid())
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();

    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Brightside Berlin"]
    );
    let grants = grants_of(&app, &w, &user.id).await;
    let a = grants
        .iter()
        .find(|g| g["customer_id"] == json!(w.customer_a))
        .unwrap();
    assert_eq!(a["customer_portal_enabled"], false);
    assert_eq!(a["effective"], false);
    assert_eq!(a["customer_name"], "Acme Bakeries");
}

#[tokio::test]
async fn a_location_of_another_customer_is_refused_naming_the_field_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(
            &w,
            "foreign@customer.example",
            vec![only(w.customer_a, &[w.a1])],
        )
        .await;
    let grant = grant_on(&app, &w, &user.id, w.customer_a).await;
    let before = grants_of(&app, &w, &user.id).await;

    let patched = app
        .patch_json_bearer(
            &user_path(&user.id, &format!("/grants/{grant}")),
            &w.manager_token,
            &json!({ "location_ids": [w.a2, w.b1], "can_view_reports": false }),
        )
        .await;

    assert_problem(&patched, 400, "validation_failed");
    assert_eq!(patched.json["errors"][0]["field"], "location_ids[1]");
    assert_eq!(patched.json["errors"].as_array().unwrap().len(), 1);
    assert_eq!(
        grants_of(&app, &w, &user.id).await,
        before,
        "nothing changed"
    );
    assert_eq!(site_names(&app, &user.access_token).await, ["Acme Lyon"]);

    // A new grant naming another customer's site: refused the same way, nothing written.
    let unknown = Uuid::new_v4();
    let created = app
        .post_json_bearer(
            &user_path(&user.id, "/grants"),
            &w.manager_token,
            &json!({ "customer_id": w.customer_b, "location_ids": [w.b1, w.a2, unknown] }),
        )
        .await;
    assert_problem(&created, 400, "validation_failed");
    let fields: Vec<&str> = created.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["location_ids[1]", "location_ids[2]"]);
    assert_eq!(
        grants_of(&app, &w, &user.id).await,
        before,
        "nothing written"
    );
    let audit = actions(&audit_rows(&app, &user.id).await)
        .into_iter()
        .filter(|a| a.starts_with("portal.grant."))
        .count();
    assert_eq!(audit, 0, "a refused change is not audited");
}

#[tokio::test]
async fn a_new_grant_is_validated_like_an_invitation_grant_and_works_at_once() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "new@customer.example", vec![whole(w.customer_a)])
        .await;
    let path = user_path(&user.id, "/grants");

    let duplicate = app
        .post_json_bearer(&path, &w.manager_token, &whole(w.customer_a))
        .await;
    assert_problem(&duplicate, 400, "validation_failed");
    assert_eq!(duplicate.json["errors"][0]["field"], "customer_id");
    assert_eq!(duplicate.json["errors"][0]["code"], "duplicate");

    let shape = app
        .post_json_bearer(
            &path,
            &w.manager_token,
            &json!({ "customer_id": w.customer_b, "all_locations": true,
                     "location_ids": [w.b1], "expires_at": "2001-01-01T00:00:00Z" }),
        )
        .await;
    assert_problem(&shape, 400, "validation_failed");
    let fields: BTreeSet<&str> = shape.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, BTreeSet::from(["location_ids", "expires_at"]));

    let unknown_customer = app
        .post_json_bearer(
            &path,
            &w.manager_token,
            &json!({ "customer_id": Uuid::new_v4(), "all_locations": true }),
        )
        .await;
    assert_problem(&unknown_customer, 400, "validation_failed");
    assert_eq!(unknown_customer.json["errors"][0]["field"], "customer_id");

    let unknown_field = app
        .post_json_bearer(
            &path,
            &w.manager_token,
            &json!({ "customer_id": w.customer_b, "all_locations": true, "is_admin": true }),
        )
        .await;
    assert_problem(&unknown_field, 400, "malformed_json");

    let created = app
        .post_json_bearer(&path, &w.manager_token, &only(w.customer_b, &[w.b1]))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["customer_name"], "Brightside Retail");
    assert_eq!(created.json["locations"][0]["name"], "Brightside Berlin");
    assert_eq!(created.json["effective"], true);
    assert_eq!(
        site_names(&app, &user.access_token).await,
        ["Acme Boston", "Acme Lyon", "Brightside Berlin"],
        "the same access token sees the new grant at once"
    );
    let rows = audit_rows(&app, &user.id).await;
    let (_, details) = rows
        .iter()
        .find(|(a, _)| a == "portal.grant.created")
        .expect("a grant.created audit row");
    assert_eq!(details["grant_id"], created.json["id"]);
    assert_eq!(details["customer_id"], json!(w.customer_b));
    assert_eq!(details["capabilities"]["can_view_reports"], true);
}

#[tokio::test]
async fn patch_refuses_unknown_fields_a_new_customer_and_null_where_a_value_is_required() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "pt@customer.example", vec![whole(w.customer_a)])
        .await;
    let grant = grant_on(&app, &w, &user.id, w.customer_a).await;
    let path = user_path(&user.id, &format!("/grants/{grant}"));
    let before = grants_of(&app, &w, &user.id).await;

    for body in [
        json!({ "customer_id": w.customer_b }),
        json!({ "portal_user_id": Uuid::new_v4() }),
        json!({ "can_view_reports": false, "created_by": null }),
    ] {
        let reply = app.patch_json_bearer(&path, &w.manager_token, &body).await;
        assert_problem(&reply, 400, "malformed_json");
    }
    let nulls = app
        .patch_json_bearer(
            &path,
            &w.manager_token,
            &json!({ "all_locations": null, "can_view_reports": null }),
        )
        .await;
    assert_problem(&nulls, 400, "validation_failed");
    let fields: Vec<&str> = nulls.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["all_locations", "can_view_reports"]);
    let empty = app
        .patch_json_bearer(&path, &w.manager_token, &json!({ "all_locations": false }))
        .await;
    assert_problem(&empty, 400, "validation_failed");
    assert_eq!(empty.json["errors"][0]["field"], "location_ids");
    assert_eq!(empty.json["errors"][0]["code"], "required");

    assert_eq!(grants_of(&app, &w, &user.id).await, before);
}

#[tokio::test]
async fn a_grant_of_another_user_is_404_through_this_user() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let alice = app
        .portal_user(&w, "alice@customer.example", vec![whole(w.customer_a)])
        .await;
    let bob = app
        .portal_user(&w, "bob@customer.example", vec![whole(w.customer_a)])
        .await;
    let bobs_grant = grant_on(&app, &w, &bob.id, w.customer_a).await;
    let through_alice = user_path(&alice.id, &format!("/grants/{bobs_grant}"));

    let patched = app
        .patch_json_bearer(
            &through_alice,
            &w.manager_token,
            &json!({ "all_locations": false, "location_ids": [w.a1] }),
        )
        .await;
    let deleted = app.delete_bearer(&through_alice, &w.manager_token).await;

    assert_problem(&patched, 404, "not_found");
    assert_problem(&deleted, 404, "not_found");
    assert_eq!(
        site_names(&app, &bob.access_token).await,
        ["Acme Boston", "Acme Lyon"]
    );
    for path in [
        user_path(&Uuid::new_v4().to_string(), ""),
        user_path(&Uuid::new_v4().to_string(), "/grants"),
        user_path("not-a-uuid", ""),
    ] {
        assert_problem(
            &app.get_bearer(&path, &w.manager_token).await,
            404,
            "not_found",
        );
    }
    assert_problem(
        &app.delete_bearer(
            &user_path(&alice.id, &format!("/grants/{}", Uuid::new_v4())),
            &w.manager_token,
        )
        .await,
        404,
        "not_found",
    );
    for path in [
        user_path(&Uuid::new_v4().to_string(), "/disable"),
        user_path(&Uuid::new_v4().to_string(), "/enable"),
    ] {
        assert_problem(
            &post_empty(&app, &path, &w.manager_token).await,
            404,
            "not_found",
        );
    }
    let unknown_user_grant = app
        .post_json_bearer(
            &user_path(&Uuid::new_v4().to_string(), "/grants"),
            &w.manager_token,
            &whole(w.customer_b),
        )
        .await;
    assert_problem(&unknown_user_grant, 404, "not_found");
}

#[tokio::test]
async fn the_list_pages_by_email_filters_by_status_shows_invitation_state_and_no_secret() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let accepted = app
        .portal_user(&w, "a-accepted@customer.example", vec![whole(w.customer_a)])
        .await;
    app.invite(&w, "b-pending@customer.example", vec![whole(w.customer_a)])
        .await;
    app.invite(&w, "c-revoked@customer.example", vec![whole(w.customer_b)])
        .await;
    let revoked_invitation: Uuid = run!(app.db.exec(), |c| sqlx::query_scalar(
        "SELECT i.id FROM portal_invitations i JOIN portal_users u ON u.id = i.portal_user_id \
         WHERE u.email = 'c-revoked@customer.example'"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    let revoke = post_empty(
        &app,
        &format!("/api/internal/v1/portal-invitations/{revoked_invitation}/revoke"),
        &w.manager_token,
    )
    .await;
    assert_eq!(revoke.status, 200, "{}", revoke.text);
    portal_users::insert(
        app.db.exec(),
        &NewPortalUser {
            email: "d-never-invited@customer.example".into(),
            display_name: "Demo".into(),
            locale: Locale::De,
            status: PortalUserStatus::Active,
            password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
            contact_id: None,
        },
    )
    .await
    .unwrap();

    let first = app
        .get_bearer(&format!("{BASE}?limit=3"), &w.manager_token)
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let cursor = first.json["next_cursor"].as_str().unwrap();
    let second = app
        .get_bearer(&format!("{BASE}?limit=3&cursor={cursor}"), &w.manager_token)
        .await;
    assert_eq!(second.json["next_cursor"], Value::Null);
    let all: Vec<Value> = first.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second.json["items"].as_array().unwrap())
        .cloned()
        .collect();
    let seen: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|u| {
            (
                u["email"].as_str().unwrap(),
                u["status"].as_str().unwrap(),
                u["invitation_state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("a-accepted@customer.example", "active", "accepted"),
            ("b-pending@customer.example", "invited", "pending"),
            ("c-revoked@customer.example", "invited", "revoked"),
            ("d-never-invited@customer.example", "active", "none"),
        ]
    );
    assert_eq!(all[0]["id"], accepted.id.as_str());
    assert!(all[0]["invitation_id"].is_string());
    assert!(all[0]["last_login_at"].is_string());
    assert_eq!(all[3]["invitation_id"], Value::Null);

    let invited = app
        .get_bearer(&format!("{BASE}?status=invited"), &w.manager_token)
        .await;
    assert_eq!(invited.json["items"].as_array().unwrap().len(), 2);
    let bad = app
        .get_bearer(&format!("{BASE}?status=locked"), &w.manager_token)
        .await;
    assert_problem(&bad, 400, "validation_failed");
    assert_eq!(bad.json["errors"][0]["field"], "status");
    assert_problem(
        &app.get_bearer(&format!("{BASE}?cursor=garbage"), &w.manager_token)
            .await,
        400,
        "invalid_cursor",
    );
    assert_problem(
        &app.get_bearer(&format!("{BASE}?role=admin"), &w.manager_token)
            .await,
        400,
        "invalid_query",
    );

    let detail = app
        .get_bearer(&user_path(&accepted.id, ""), &w.manager_token)
        .await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    assert_eq!(detail.json["email"], "a-accepted@customer.example");
    assert_eq!(detail.json["grants"][0]["customer_name"], "Acme Bakeries");
    for body in [&first.text, &second.text, &detail.text] {
        for secret in [
            "password_hash",
            "token_version",
            "argon2",
            "refresh_hash",
            "token_hash",
            "calendar_token",
            "failed_logins",
        ] {
            assert!(!body.contains(secret), "{secret} leaks: {body}");
        }
        assert_leaks_nothing(body);
    }
}

/// A caller of the role matrix.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Anonymous,
    PortalUser,
    Staff(StaffRole),
}

/// One route under test: method, path template (`{id}`, `{grant_id}`), body, and the status a
/// manager or admin gets.
struct Route {
    method: Method,
    path: &'static str,
    body: Option<fn(&World) -> Value>,
    /// Whether the target user must be disabled first (for `/enable`).
    disabled_first: bool,
    ok: u16,
}

fn routes() -> Vec<Route> {
    let route = |method, path, body, ok| Route {
        method,
        path,
        body,
        disabled_first: false,
        ok,
    };
    vec![
        route(Method::GET, "/portal-users", None, 200),
        route(Method::GET, "/portal-users/{id}", None, 200),
        route(Method::POST, "/portal-users/{id}/disable", None, 200),
        Route {
            disabled_first: true,
            ..route(Method::POST, "/portal-users/{id}/enable", None, 200)
        },
        route(Method::GET, "/portal-users/{id}/grants", None, 200),
        route(
            Method::POST,
            "/portal-users/{id}/grants",
            Some(|w: &World| whole(w.customer_b)),
            201,
        ),
        route(
            Method::PATCH,
            "/portal-users/{id}/grants/{grant_id}",
            Some(|_: &World| json!({ "can_view_reports": false })),
            200,
        ),
        route(
            Method::DELETE,
            "/portal-users/{id}/grants/{grant_id}",
            None,
            204,
        ),
    ]
}

/// A fresh portal user with a whole-customer grant on A, written behind the API.
async fn target(app: &TestApp, w: &World, disabled: bool) -> (PortalUserId, String) {
    let user = portal_users::insert(
        app.db.exec(),
        &NewPortalUser {
            email: format!("t-{}@customer.example", Uuid::new_v4().simple()),
            display_name: "Target".into(),
            locale: Locale::En,
            status: PortalUserStatus::Active,
            password_hash: None,
            contact_id: None,
        },
    )
    .await
    .unwrap();
    let grant = grants::insert(
        app.db.exec(),
        &NewGrant {
            portal_user_id: user,
            customer_id: w.customer_a,
            all_locations: true,
            can_submit_requests: true,
            can_view_reports: true,
            can_download_attachments: false,
            expires_at: None,
            created_by: None,
        },
    )
    .await
    .unwrap();
    if disabled {
        portal_users::set_status(app.db.exec(), user, PortalUserStatus::Disabled)
            .await
            .unwrap();
    }
    (user, grant.to_string())
}

/// What a refused call must leave untouched: status, token version, and the grants.
async fn fingerprint(app: &TestApp, user: PortalUserId) -> String {
    let u = portal_users::get(app.db.exec(), user).await.unwrap();
    let g = grants::for_user(app.db.exec(), user).await.unwrap();
    format!("{:?} {} {g:?}", u.status, u.token_version)
}

#[tokio::test]
async fn every_portal_admin_route_needs_a_manager_or_an_admin() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let portal = app
        .portal_user(&w, "matrix@customer.example", vec![whole(w.customer_a)])
        .await;
    let dispatcher = staff_login(&app, StaffRole::Dispatcher).await;
    let admin = staff_login(&app, StaffRole::Admin).await;
    let table = routes();

    // A new route under /portal-users without a row here fails this test.
    let spec = serde_json::to_value(ordinavo_api::openapi::internal_document()).unwrap();
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.starts_with("/portal-users"))
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "patch", "put", "delete"].contains(&k.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let tested: BTreeSet<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(documented, tested);

    let callers = [
        (Caller::Anonymous, 401),
        (Caller::PortalUser, 401),
        (Caller::Staff(StaffRole::Dispatcher), 403),
        (Caller::Staff(StaffRole::Manager), 0),
        (Caller::Staff(StaffRole::Admin), 0),
    ];
    for route in &table {
        for (caller, refused) in callers {
            let (user, grant) = target(&app, &w, route.disabled_first).await;
            let before = fingerprint(&app, user).await;
            let path = format!(
                "/api/internal/v1{}",
                route
                    .path
                    .replace("{id}", &user.to_string())
                    .replace("{grant_id}", &grant)
            );
            let mut request = app.client.request(route.method.clone(), app.url(&path));
            request = match caller {
                Caller::Anonymous => request,
                Caller::PortalUser => request.bearer_auth(&portal.access_token),
                Caller::Staff(StaffRole::Dispatcher) => request.bearer_auth(&dispatcher),
                Caller::Staff(StaffRole::Manager) => request.bearer_auth(&w.manager_token),
                Caller::Staff(StaffRole::Admin) => request.bearer_auth(&admin),
            };
            if let Some(body) = route.body {
                request = request.json(&body(&w));
            }
            let reply = read(request).await;

            let expected = if refused == 0 { route.ok } else { refused };
            assert_eq!(
                reply.status, expected,
                "{} {} as {caller:?}: {}",
                route.method, route.path, reply.text
            );
            if refused != 0 {
                let code = if refused == 401 {
                    "unauthorized"
                } else {
                    "forbidden"
                };
                assert_problem(&reply, refused, code);
                assert_eq!(
                    fingerprint(&app, user).await,
                    before,
                    "{} {} as {caller:?} changed something",
                    route.method,
                    route.path
                );
            }
        }
    }
}
