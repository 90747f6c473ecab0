//! The portal authorization matrix: every route of `openapi/portal.json` × every kind of
//! caller → the expected status. The table is checked against the spec both ways, so a new
//! portal route without a row (or a row for a route that is gone) fails this test.

use std::collections::BTreeSet;

use ordinavo_api::openapi::portal_document;
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::run;
use ordinavo_tests::appointments::days_ahead;
use ordinavo_tests::portal::{only, staff_login, whole, world};
use ordinavo_tests::reports::target_at;
use ordinavo_tests::requests::{body_at, multipart_body, png, set_internal_notes};
use ordinavo_tests::{Reply, TestApp, assert_leaks_nothing, read};
use serde_json::{Value, json};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    WholeCustomer,
    OneLocation,
    OtherCustomer,
    Disabled,
    Staff,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::WholeCustomer,
    Caller::OneLocation,
    Caller::OtherCustomer,
    Caller::Disabled,
    Caller::Staff,
];

/// What a route answers.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The same for every caller (public routes: the token is ignored).
    Everyone(u16),
    /// Signed-in, active portal users get `.0`; everybody else 401.
    PortalUsers(u16),
    /// Per active portal user (whole customer A, one location of A, customer B); everybody
    /// else 401. Used with a fixture object at A's second location, owned by the whole-customer
    /// user: the one-location and other-customer users must get 404, like for nothing at all.
    PerCaller { whole: u16, one: u16, other: u16 },
}

/// What `{id}` in a row's path stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A fresh random id (names nothing).
    Random,
    /// A request at location A2 submitted by the whole-customer user.
    Request,
    /// Another such request, for the row that cancels it.
    RequestToCancel,
    /// A published visit report on a work item at location A2.
    Report,
    /// A released file of that report.
    ReportFile,
    /// A scheduled appointment on that work item at A2, with technician, routing score and
    /// internal notes set.
    Appointment,
}

/// A row's body: none, JSON (strings `"{a1}"` become location A1's id), or a multipart upload.
#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    PngUpload,
}

struct Row {
    method: &'static str,
    path: &'static str,
    body: Body,
    expect: Expect,
    target: Target,
}

impl Row {
    fn on(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    fn upload(mut self) -> Self {
        self.body = Body::PngUpload;
        self
    }
}

/// The objects rows point at.
struct Fixtures {
    a1: String,
    request: String,
    request_to_cancel: String,
    report: String,
    report_file: String,
    appointment: String,
}

const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn rows() -> Vec<Row> {
    let row = |method, path, body: Option<Value>, expect| Row {
        method,
        path,
        body: body.map_or(Body::None, Body::Json),
        expect,
        target: Target::Random,
    };
    let per_caller = |whole, one, other| Expect::PerCaller { whole, one, other };
    let mut submit = body_at(ordinavo_domain::ids::LocationId::from_uuid(
        uuid::Uuid::nil(),
    ));
    submit["location_id"] = json!("{a1}");
    vec![
        row("get", "/openapi.json", None, Expect::Everyone(200)),
        row(
            "post",
            "/auth/login",
            Some(json!({ "email": "nobody@x.example", "password": "wrong-wrong-wrong" })),
            Expect::Everyone(401),
        ),
        row("post", "/auth/refresh", None, Expect::Everyone(401)),
        row("post", "/auth/logout", None, Expect::Everyone(204)),
        row(
            "post",
            "/auth/password-reset",
            Some(json!({ "email": "nobody@x.example" })),
            Expect::Everyone(202),
        ),
        row(
            "post",
            "/auth/password-reset/{token}",
            Some(json!({ "password": "sturdy-anchor-meadow-12" })),
            Expect::Everyone(404),
        ),
        row(
            "get",
            "/auth/invitations/{token}",
            None,
            Expect::Everyone(404),
        ),
        row(
            "post",
            "/auth/invitations/{token}/accept",
            Some(json!({ "password": "sturdy-anchor-meadow-12" })),
            Expect::Everyone(404),
        ),
        row("get", "/me", None, Expect::PortalUsers(200)),
        row("patch", "/me", Some(json!({})), Expect::PortalUsers(200)),
        row(
            "post",
            "/me/password",
            Some(json!({ "current_password": "not-my-password", "new_password": "x" })),
            Expect::PortalUsers(400),
        ),
        row("get", "/me/sessions", None, Expect::PortalUsers(200)),
        row(
            "delete",
            "/me/sessions/{id}",
            None,
            Expect::PortalUsers(404),
        ),
        row("get", "/locations", None, Expect::PortalUsers(200)),
        row("get", "/requests", None, Expect::PortalUsers(200)),
        row("post", "/requests", Some(submit), per_caller(201, 201, 404)),
        row("get", "/requests/{id}", None, per_caller(200, 404, 404)).on(Target::Request),
        row(
            "post",
            "/requests/{id}/cancel",
            Some(json!({})),
            per_caller(200, 404, 404),
        )
        .on(Target::RequestToCancel),
        row(
            "post",
            "/requests/{id}/attachments",
            None,
            per_caller(201, 404, 404),
        )
        .on(Target::Request)
        .upload(),
        row(
            "get",
            "/requests/{id}/attachments",
            None,
            per_caller(200, 404, 404),
        )
        .on(Target::Request),
        row("get", "/reports", None, Expect::PortalUsers(200)),
        row("get", "/reports/{id}", None, per_caller(200, 404, 404)).on(Target::Report),
        row(
            "get",
            "/reports/{id}/attachments",
            None,
            per_caller(200, 404, 404),
        )
        .on(Target::Report),
        row(
            "get",
            "/attachments/{id}/content",
            None,
            per_caller(200, 404, 404),
        )
        .on(Target::ReportFile),
        row(
            "post",
            "/attachments/{id}/download-link",
            None,
            per_caller(201, 404, 404),
        )
        .on(Target::ReportFile),
        row(
            "get",
            "/attachments/{id}/download",
            None,
            Expect::Everyone(404),
        )
        .on(Target::ReportFile),
        row("get", "/access-log", None, Expect::PortalUsers(200)),
        row("get", "/appointments", None, Expect::PortalUsers(200)),
        row("get", "/appointments/{id}", None, per_caller(200, 404, 404)).on(Target::Appointment),
        row("get", "/work", None, Expect::PortalUsers(200)),
        row("get", "/follow-ups", None, Expect::PortalUsers(200)),
        row("get", "/timeline", None, Expect::PortalUsers(200)),
        row("post", "/me/calendar-feed", None, Expect::PortalUsers(201)),
        row(
            "delete",
            "/me/calendar-feed",
            None,
            Expect::PortalUsers(204),
        ),
        row(
            "get",
            "/calendar/{feed_token}.ics",
            None,
            Expect::Everyone(404),
        ),
    ]
}

fn concrete(row: &Row, fixtures: &Fixtures) -> String {
    let id = match row.target {
        Target::Random => uuid::Uuid::new_v4().to_string(),
        Target::Request => fixtures.request.clone(),
        Target::RequestToCancel => fixtures.request_to_cancel.clone(),
        Target::Report => fixtures.report.clone(),
        Target::ReportFile => fixtures.report_file.clone(),
        Target::Appointment => fixtures.appointment.clone(),
    };
    row.path
        .replace("{token}", TOKEN)
        .replace("{feed_token}", TOKEN)
        .replace("{id}", &id)
}

/// `value` with every string `"{a1}"` replaced by location A1's id.
fn fill(value: &Value, fixtures: &Fixtures) -> Value {
    match value {
        Value::String(s) if s == "{a1}" => Value::String(fixtures.a1.clone()),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, fixtures)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, fixtures)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn every_portal_route_has_a_row_and_every_row_a_route() {
    let spec: BTreeSet<(String, String)> = portal_document()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let mut methods = Vec::new();
            for (name, op) in [
                ("get", &item.get),
                ("post", &item.post),
                ("put", &item.put),
                ("patch", &item.patch),
                ("delete", &item.delete),
            ] {
                if op.is_some() {
                    methods.push((name.to_string(), path.clone()));
                }
            }
            methods
        })
        .collect();
    let table: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();

    let missing: Vec<_> = spec.difference(&table).collect();
    let stale: Vec<_> = table.difference(&spec).collect();
    assert!(
        missing.is_empty(),
        "portal routes without a matrix row: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for routes not in the spec: {stale:?}"
    );
}

#[tokio::test]
async fn every_portal_route_answers_each_kind_of_caller_as_the_matrix_says() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let whole_user = app
        .portal_user(&w, "whole@a.example", vec![whole(w.customer_a)])
        .await;
    let one_user = app
        .portal_user(&w, "one@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    let other_user = app
        .portal_user(&w, "other@b.example", vec![whole(w.customer_b)])
        .await;
    let disabled = app
        .portal_user(&w, "off@a.example", vec![whole(w.customer_a)])
        .await;
    run!(app.db.exec(), |c| sqlx::query(
        "UPDATE portal_users SET status = 'disabled' WHERE email = 'off@a.example'"
    )
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    let staff = staff_login(&app, StaffRole::Admin).await;
    let request = app.create_request(&whole_user.access_token, w.a2).await;
    let request_to_cancel = app.create_request(&whole_user.access_token, w.a2).await;
    for id in [&request, &request_to_cancel] {
        set_internal_notes(&app.db, id, "INTERNAL-NOTE request").await;
    }
    let target = target_at(&app.db, w.customer_a, w.a2).await;
    let report = app.approved_report(&w.manager_token, target).await;
    app.publish_report(&w.manager_token, &report, "Quarterly visit")
        .await;
    let report_file = app
        .released_report_file(&w.manager_token, &report, &png())
        .await;
    let (starts_at, ends_at) = days_ahead(3, 2);
    let appointment = app
        .scheduled(
            &staff,
            &target.to_string(),
            &starts_at,
            &ends_at,
            "scheduled",
        )
        .await;
    let fixtures = Fixtures {
        a1: w.a1.to_string(),
        request,
        request_to_cancel,
        report,
        report_file,
        appointment,
    };

    for row in rows() {
        for caller in CALLERS {
            let token = match caller {
                Caller::Anonymous => None,
                Caller::WholeCustomer => Some(whole_user.access_token.as_str()),
                Caller::OneLocation => Some(one_user.access_token.as_str()),
                Caller::OtherCustomer => Some(other_user.access_token.as_str()),
                Caller::Disabled => Some(disabled.access_token.as_str()),
                Caller::Staff => Some(staff.as_str()),
            };
            let reply = call(&app, &row, &fixtures, token).await;
            let expected = match row.expect {
                Expect::Everyone(s) => s,
                Expect::PortalUsers(s) => match caller {
                    Caller::WholeCustomer | Caller::OneLocation | Caller::OtherCustomer => s,
                    Caller::Anonymous | Caller::Disabled | Caller::Staff => 401,
                },
                Expect::PerCaller { whole, one, other } => match caller {
                    Caller::WholeCustomer => whole,
                    Caller::OneLocation => one,
                    Caller::OtherCustomer => other,
                    Caller::Anonymous | Caller::Disabled | Caller::Staff => 401,
                },
            };
            assert_eq!(
                reply.status, expected,
                "{} {} as {caller:?}: {}",
                row.method, row.path, reply.text
            );
            assert_leaks_nothing(&reply.text);
            for internal in ["INTERNAL-NOTE", "BILLING-SECRET", "ROUTING-ZONE", "argon2"] {
                assert!(
                    !reply.text.contains(internal),
                    "{} {} as {caller:?} leaks {internal}: {}",
                    row.method,
                    row.path,
                    reply.text
                );
            }
            let foreign = match caller {
                Caller::OtherCustomer => Some("Acme"),
                Caller::WholeCustomer | Caller::OneLocation => Some("Brightside"),
                Caller::Anonymous | Caller::Disabled | Caller::Staff => None,
            };
            if let Some(name) = foreign
                && row.path != "/openapi.json"
            {
                assert!(
                    !reply.text.contains(name),
                    "{} {} as {caller:?} shows another customer: {}",
                    row.method,
                    row.path,
                    reply.text
                );
            }
            if caller == Caller::OneLocation && row.path != "/openapi.json" {
                assert!(!reply.text.contains("Acme Boston"), "{}", reply.text);
            }
        }
    }
}

async fn call(app: &TestApp, row: &Row, fixtures: &Fixtures, token: Option<&str>) -> Reply {
    let url = app.url(&format!("/api/portal/v1{}", concrete(row, fixtures)));
    let method = row.method.to_uppercase().parse().unwrap();
    let mut request = app.client.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    match &row.body {
        Body::None => {}
        Body::Json(body) => request = request.json(&fill(body, fixtures)),
        Body::PngUpload => {
            let (content_type, bytes) = multipart_body("file", "site.png", "image/png", &png());
            request = request.header("content-type", content_type).body(bytes);
        }
    }
    read(request).await
}
