//! Staff administration on the internal surface: customers, locations, contacts, staff users,
//! API keys and the audit log — who may call what (a role matrix generated from the route
//! list), pagination, optimistic concurrency, validation at the edge, and the audit trail.

use std::collections::{BTreeSet, HashSet};

use ordinavo_api::auth::tokens;
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::{api_keys, contacts, customers, locations, staff_users};
use ordinavo_tests::staff::{self, INTERNAL, STAFF_PASSWORD};
use ordinavo_tests::{Reply, TestApp, assert_problem};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Arrangement
// ---------------------------------------------------------------------------------------------

fn customer_body(name: &str) -> Value {
    json!({ "name": name, "kind": "customer", "internal_notes": "pays late", "billing_account": "BA-1" })
}

fn location_body(customer_id: &Value, name: &str) -> Value {
    json!({
        "customer_id": customer_id, "name": name, "address": "1 rue de la Paix\nBâtiment B",
        "city": "Lyon", "postal_code": "69001", "country": "fr", "timezone": "Europe/Paris",
        "routing_zone": "LY-3"
    })
}

fn contact_body(customer_id: &Value, name: &str) -> Value {
    json!({ "customer_id": customer_id, "name": name, "email": "Camille.Laurent@Example.FR",
            "phone": "+33 4 72 00 00 00", "role": "store manager" })
}

/// Creates through the API and returns the created body, asserting `201`.
async fn create(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let reply = staff::post(app, token, path, body).await;
    assert_eq!(reply.status, 201, "POST {path}: {}", reply.text);
    reply.json
}

/// Follows `next_cursor` from `path` (which may already carry a query) and returns every
/// item in order, asserting no page is larger than `limit`.
async fn walk(app: &TestApp, token: &str, path: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let url = match &cursor {
            None => format!("{path}{sep}limit={limit}"),
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
        };
        let reply = staff::get(app, token, &url).await;
        assert_eq!(reply.status, 200, "GET {url}: {}", reply.text);
        let page = reply.json["items"].as_array().expect("items").clone();
        assert!(page.len() <= limit, "page larger than the limit");
        items.extend(page);
        match reply.json["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return items,
        }
    }
    panic!("pagination of {path} did not end");
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

fn error_fields(reply: &Reply) -> BTreeSet<String> {
    reply.json["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn error_code(reply: &Reply, field: &str) -> String {
    reply.json["errors"]
        .as_array()
        .and_then(|errors| errors.iter().find(|e| e["field"] == field))
        .map(|e| e["code"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Audit rows as the admin reads them, for a query string (no leading `?`).
async fn audit(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let reply = staff::get(app, admin, &format!("/audit-log?limit=100&{query}")).await;
    assert_eq!(reply.status, 200, "audit log: {}", reply.text);
    reply.json["items"].as_array().expect("items").clone()
}

// ---------------------------------------------------------------------------------------------
// The role matrix
// ---------------------------------------------------------------------------------------------

/// The least a caller needs for a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Dispatcher,
    Manager,
    Admin,
    /// An admin signed in as a person: API keys may not mint credentials.
    AdminUser,
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// Not a token at all.
    Garbage,
    /// Looks like an API key, is none.
    UnknownKey,
    Dispatcher,
    Manager,
    Admin,
    /// An API key acting as manager.
    ManagerKey,
}

const CALLERS: [Caller; 7] = [
    Caller::Anonymous,
    Caller::Garbage,
    Caller::UnknownKey,
    Caller::Dispatcher,
    Caller::Manager,
    Caller::Admin,
    Caller::ManagerKey,
];

/// What a route needs as body, built fresh for every call (unique values, current version).
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    NewCustomer,
    PatchCustomer,
    NewLocation,
    PatchLocation,
    NewContact,
    PatchContact,
    NewStaffUser,
    NewApiKey,
}

/// One row: a route (as documented), who may call it, and its success status.
#[derive(Debug, Clone, Copy)]
struct Row {
    method: &'static str,
    template: &'static str,
    needs: Needs,
    ok: u16,
    body: Body,
}

const fn row(
    method: &'static str,
    template: &'static str,
    needs: Needs,
    ok: u16,
    body: Body,
) -> Row {
    Row {
        method,
        template,
        needs,
        ok,
        body,
    }
}

/// Every staff-administration route. A route added to these modules without a row here fails
/// `every_admin_route_has_a_row_in_the_role_matrix`.
const MATRIX: &[Row] = &[
    row("get", "/customers", Needs::Dispatcher, 200, Body::None),
    row("post", "/customers", Needs::Manager, 201, Body::NewCustomer),
    row("get", "/customers/{id}", Needs::Dispatcher, 200, Body::None),
    row(
        "patch",
        "/customers/{id}",
        Needs::Manager,
        200,
        Body::PatchCustomer,
    ),
    row("get", "/locations", Needs::Dispatcher, 200, Body::None),
    row("post", "/locations", Needs::Manager, 201, Body::NewLocation),
    row("get", "/locations/{id}", Needs::Dispatcher, 200, Body::None),
    row(
        "patch",
        "/locations/{id}",
        Needs::Manager,
        200,
        Body::PatchLocation,
    ),
    row("get", "/contacts", Needs::Dispatcher, 200, Body::None),
    row("post", "/contacts", Needs::Manager, 201, Body::NewContact),
    row("get", "/contacts/{id}", Needs::Dispatcher, 200, Body::None),
    row(
        "patch",
        "/contacts/{id}",
        Needs::Manager,
        200,
        Body::PatchContact,
    ),
    row("get", "/staff-users", Needs::Admin, 200, Body::None),
    row(
        "post",
        "/staff-users",
        Needs::AdminUser,
        201,
        Body::NewStaffUser,
    ),
    row(
        "post",
        "/staff-users/{id}/deactivate",
        Needs::Admin,
        200,
        Body::None,
    ),
    row(
        "post",
        "/staff-users/{id}/activate",
        Needs::Admin,
        200,
        Body::None,
    ),
    row("get", "/api-keys", Needs::Admin, 200, Body::None),
    row("post", "/api-keys", Needs::AdminUser, 201, Body::NewApiKey),
    row("delete", "/api-keys/{id}", Needs::Admin, 204, Body::None),
    row("get", "/audit-log", Needs::Admin, 200, Body::None),
];

/// The OpenAPI tags of the modules this matrix covers.
const ADMIN_TAGS: [&str; 6] = [
    "customers",
    "locations",
    "contacts",
    "staff-users",
    "api-keys",
    "audit-log",
];

fn expected(needs: Needs, caller: Caller, ok: u16) -> u16 {
    let rank = match caller {
        Caller::Anonymous | Caller::Garbage | Caller::UnknownKey => return 401,
        Caller::Dispatcher => 1,
        Caller::Manager | Caller::ManagerKey => 2,
        Caller::Admin => 3,
    };
    let allowed = match needs {
        Needs::Dispatcher => rank >= 1,
        Needs::Manager => rank >= 2,
        Needs::Admin | Needs::AdminUser => rank >= 3,
    };
    if allowed { ok } else { 403 }
}

/// The objects the matrix's routes act on.
struct Fixture {
    customer: Value,
    location: Value,
    contact: Value,
    /// A dispatcher nobody calls as: the target of deactivate/activate.
    victim: String,
    /// A key nobody calls with: the target of revocation.
    target_key: String,
}

impl Fixture {
    fn path(&self, template: &str) -> String {
        let id = if template.starts_with("/customers/") {
            self.customer.as_str().unwrap_or_default()
        } else if template.starts_with("/locations/") {
            self.location.as_str().unwrap_or_default()
        } else if template.starts_with("/contacts/") {
            self.contact.as_str().unwrap_or_default()
        } else if template.starts_with("/staff-users/") {
            &self.victim
        } else {
            &self.target_key
        };
        template.replace("{id}", id)
    }

    async fn body(&self, app: &TestApp, body: Body, n: usize) -> Option<Value> {
        let uuid = |v: &Value| Uuid::parse_str(v.as_str().unwrap_or_default()).expect("uuid");
        Some(match body {
            Body::None => return None,
            Body::NewCustomer => customer_body(&format!("Matrix customer {n}")),
            Body::NewLocation => location_body(&self.customer, &format!("Matrix site {n}")),
            Body::NewContact => contact_body(&self.customer, &format!("Matrix contact {n}")),
            Body::PatchCustomer => {
                let c = customers::get(app.db.exec(), uuid(&self.customer).into())
                    .await
                    .expect("customer");
                json!({ "version": c.version, "name": format!("Renamed {n}") })
            }
            Body::PatchLocation => {
                let l = locations::get(app.db.exec(), uuid(&self.location).into())
                    .await
                    .expect("location");
                json!({ "version": l.version, "city": format!("City {n}") })
            }
            Body::PatchContact => {
                let c = contacts::get(app.db.exec(), uuid(&self.contact).into())
                    .await
                    .expect("contact");
                json!({ "version": c.version, "role": format!("Role {n}") })
            }
            Body::NewStaffUser => json!({
                "email": format!("new-{n}-{}@staff.example", Uuid::new_v4().simple()),
                "name": format!("New Person {n}"), "role": "dispatcher",
                "password": "lantern-orchid-basalt-58"
            }),
            Body::NewApiKey => json!({ "name": format!("Key {n}"), "role": "dispatcher" }),
        })
    }
}

#[tokio::test]
async fn every_admin_route_answers_each_caller_by_role() {
    let app = TestApp::spawn().await;
    let dispatcher = staff::staff_token(&app, StaffRole::Dispatcher).await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let admin = staff::signed_in(&app, StaffRole::Admin).await;
    let manager_key = staff::api_key(&app, StaffRole::Manager).await;
    let customer = create(&app, &manager, "/customers", &customer_body("Fixture")).await;
    let location = create(
        &app,
        &manager,
        "/locations",
        &location_body(&customer["id"], "Site"),
    )
    .await;
    let contact = create(
        &app,
        &manager,
        "/contacts",
        &contact_body(&customer["id"], "Person"),
    )
    .await;
    let victim = staff::staff_user(&app, StaffRole::Dispatcher).await;
    let target_key = staff::api_key_of(&app, StaffRole::Dispatcher, admin.id).await;
    let fixture = Fixture {
        customer: customer["id"].clone(),
        location: location["id"].clone(),
        contact: contact["id"].clone(),
        victim: victim.id.to_string(),
        target_key: target_key.id.to_string(),
    };

    let mut failures = Vec::new();
    let mut n = 0;
    for row in MATRIX {
        for caller in CALLERS {
            n += 1;
            let token = match caller {
                Caller::Anonymous => None,
                Caller::Garbage => Some("not-a-token"),
                Caller::UnknownKey => Some("ordk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                Caller::Dispatcher => Some(dispatcher.as_str()),
                Caller::Manager => Some(manager.as_str()),
                Caller::Admin => Some(admin.token.as_str()),
                Caller::ManagerKey => Some(manager_key.as_str()),
            };
            let method = Method::from_bytes(row.method.to_uppercase().as_bytes()).expect("method");
            let path = fixture.path(row.template);
            let body = fixture.body(&app, row.body, n).await;
            let reply = staff::send(&app, method, &path, token, body.as_ref()).await;
            let want = expected(row.needs, caller, row.ok);
            if reply.status != want {
                failures.push(format!(
                    "{} {} as {caller:?}: expected {want}, got {} {}",
                    row.method, row.template, reply.status, reply.text
                ));
            } else if want >= 400 {
                assert_eq!(
                    reply.header("content-type"),
                    Some("application/problem+json"),
                    "{} {} as {caller:?}",
                    row.method,
                    row.template
                );
            }
        }
    }
    assert!(failures.is_empty(), "role matrix:\n{}", failures.join("\n"));
}

#[test]
fn every_admin_route_has_a_row_in_the_role_matrix() {
    let doc = serde_json::to_value(ordinavo_api::openapi::internal_document()).expect("json");
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let tags: Vec<&str> = op["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if tags.iter().any(|t| ADMIN_TAGS.contains(t)) {
                assert_eq!(
                    op["security"],
                    json!([{ "bearer": [] }]),
                    "{method} {path} is not documented as needing a bearer token"
                );
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    let in_matrix: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_string()))
        .collect();
    assert_eq!(documented, in_matrix, "routes and role matrix differ");
}

#[tokio::test]
async fn an_api_key_with_the_admin_role_still_cannot_mint_credentials() {
    let app = TestApp::spawn().await;
    let admin_key = staff::api_key(&app, StaffRole::Admin).await;

    let key = staff::post(
        &app,
        &admin_key,
        "/api-keys",
        &json!({ "name": "Second key", "role": "admin" }),
    )
    .await;
    let person = staff::post(
        &app,
        &admin_key,
        "/staff-users",
        &json!({ "email": "x@staff.example", "name": "X", "role": "admin",
                 "password": "lantern-orchid-basalt-58" }),
    )
    .await;
    let list = staff::get(&app, &admin_key, "/staff-users").await;

    assert_problem(&key, 403, "forbidden");
    assert_problem(&person, 403, "forbidden");
    assert_eq!(list.status, 200);
}

// ---------------------------------------------------------------------------------------------
// Customers, locations, contacts
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn customers_page_by_name_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let dispatcher = staff::staff_token(&app, StaffRole::Dispatcher).await;
    for name in ["Delta", "Alpha", "Charlie", "Bravo", "Same", "Same", "Echo"] {
        create(&app, &manager, "/customers", &customer_body(name)).await;
    }

    let items = walk(&app, &dispatcher, "/customers", 3).await;
    let all = staff::get(&app, &dispatcher, "/customers?limit=100").await;

    let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 7);
    assert_eq!(ids(&items).into_iter().collect::<HashSet<_>>().len(), 7);
    assert_eq!(ids(&items), ids(all.json["items"].as_array().unwrap()));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name");
    assert_eq!(all.json["next_cursor"], Value::Null);
    // internal fields are part of the internal surface
    assert_eq!(items[0]["internal_notes"], "pays late");
    assert_eq!(items[0]["billing_account"], "BA-1");
}

#[tokio::test]
async fn limits_are_clamped_and_a_bad_cursor_or_parameter_is_a_400() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    for name in ["A", "B", "C"] {
        create(&app, &manager, "/customers", &customer_body(name)).await;
    }

    let zero = staff::get(&app, &manager, "/customers?limit=0").await;
    let huge = staff::get(&app, &manager, "/customers?limit=100000").await;
    let empty_cursor = staff::get(&app, &manager, "/customers?cursor=&limit=2").await;
    let garbage = staff::get(&app, &manager, "/customers?cursor=bm90LWEtY3Vyc29y").await;
    let unknown = staff::get(&app, &manager, "/customers?page=2").await;
    let negative = staff::get(&app, &manager, "/locations?limit=-1").await;

    assert_eq!(zero.json["items"].as_array().unwrap().len(), 1);
    assert_eq!(huge.json["items"].as_array().unwrap().len(), 3);
    assert_eq!(empty_cursor.json["items"].as_array().unwrap().len(), 2);
    assert_problem(&garbage, 400, "invalid_cursor");
    assert_problem(&unknown, 400, "invalid_query");
    assert_problem(&negative, 400, "invalid_query");
}

#[tokio::test]
async fn locations_and_contacts_list_by_customer_and_page() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let a = create(&app, &manager, "/customers", &customer_body("A")).await;
    let b = create(&app, &manager, "/customers", &customer_body("B")).await;
    for n in 0..5 {
        create(
            &app,
            &manager,
            "/locations",
            &location_body(&a["id"], &format!("A site {n}")),
        )
        .await;
        create(
            &app,
            &manager,
            "/contacts",
            &contact_body(&a["id"], &format!("A person {n}")),
        )
        .await;
    }
    create(
        &app,
        &manager,
        "/locations",
        &location_body(&b["id"], "B site"),
    )
    .await;
    create(
        &app,
        &manager,
        "/contacts",
        &contact_body(&b["id"], "B person"),
    )
    .await;
    let a_id = a["id"].as_str().unwrap();

    let a_sites = walk(&app, &manager, &format!("/locations?customer_id={a_id}"), 2).await;
    let a_people = walk(&app, &manager, &format!("/contacts?customer_id={a_id}"), 2).await;
    let every_site = walk(&app, &manager, "/locations", 4).await;
    let nobody = staff::get(
        &app,
        &manager,
        &format!("/contacts?customer_id={}", Uuid::new_v4()),
    )
    .await;

    assert_eq!(a_sites.len(), 5);
    assert!(a_sites.iter().all(|l| l["customer_id"] == a["id"]));
    assert_eq!(a_people.len(), 5);
    assert!(a_people.iter().all(|c| c["customer_id"] == a["id"]));
    assert_eq!(every_site.len(), 6);
    assert_eq!(nobody.status, 200);
    assert_eq!(nobody.json["items"], json!([]));
}

#[tokio::test]
async fn created_locations_and_contacts_are_normalised_and_readable() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let customer = create(&app, &manager, "/customers", &customer_body("Acme")).await;

    let location = create(
        &app,
        &manager,
        "/locations",
        &location_body(&customer["id"], "  Lyon  "),
    )
    .await;
    let contact = create(
        &app,
        &manager,
        "/contacts",
        &contact_body(&customer["id"], "Camille"),
    )
    .await;
    let read_back = staff::get(
        &app,
        &manager,
        &format!("/locations/{}", location["id"].as_str().unwrap()),
    )
    .await;
    let person = staff::get(
        &app,
        &manager,
        &format!("/contacts/{}", contact["id"].as_str().unwrap()),
    )
    .await;

    assert_eq!(location["country"], "FR");
    assert_eq!(location["name"], "Lyon");
    assert_eq!(location["address"], "1 rue de la Paix\nBâtiment B");
    assert_eq!(location["routing_zone"], "LY-3");
    assert_eq!(location["version"], 1);
    assert_eq!(read_back.json, location);
    assert_eq!(contact["email"], "camille.laurent@example.fr");
    assert_eq!(person.json, contact);
    assert_eq!(customer["portal_enabled"], true);
    assert_eq!(customer["attachments_enabled"], true);
}

#[tokio::test]
async fn unknown_or_malformed_ids_are_404() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let nobody = Uuid::new_v4();

    for path in [
        format!("/customers/{nobody}"),
        format!("/locations/{nobody}"),
        format!("/contacts/{nobody}"),
        "/customers/not-a-uuid".to_string(),
        "/locations/42".to_string(),
    ] {
        assert_problem(&staff::get(&app, &manager, &path).await, 404, "not_found");
    }
    for path in [
        format!("/customers/{nobody}"),
        format!("/locations/{nobody}"),
        format!("/contacts/{nobody}"),
    ] {
        let reply =
            staff::patch(&app, &manager, &path, &json!({ "version": 1, "name": "X" })).await;
        assert_problem(&reply, 404, "not_found");
    }
}

#[tokio::test]
async fn a_stale_version_is_a_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let customer = create(&app, &manager, "/customers", &customer_body("Acme")).await;
    let location = create(
        &app,
        &manager,
        "/locations",
        &location_body(&customer["id"], "Site"),
    )
    .await;
    let contact = create(
        &app,
        &manager,
        "/contacts",
        &contact_body(&customer["id"], "Person"),
    )
    .await;

    for (kind, item) in [
        ("customers", &customer),
        ("locations", &location),
        ("contacts", &contact),
    ] {
        let path = format!("/{kind}/{}", item["id"].as_str().unwrap());
        let first = staff::patch(
            &app,
            &manager,
            &path,
            &json!({ "version": 1, "name": "First" }),
        )
        .await;
        let second = staff::patch(
            &app,
            &manager,
            &path,
            &json!({ "version": 1, "name": "Second" }),
        )
        .await;
        let now = staff::get(&app, &manager, &path).await;

        assert_eq!(first.status, 200, "{kind}: {}", first.text);
        assert_eq!(first.json["version"], 2);
        assert_problem(&second, 409, "stale_version");
        assert_eq!(now.json["name"], "First", "{kind}");
        assert_eq!(now.json["version"], 2, "{kind}");
    }
}

#[tokio::test]
async fn unknown_fields_are_a_400_and_change_nothing() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let customer = create(&app, &manager, "/customers", &customer_body("Acme")).await;
    let location = create(
        &app,
        &manager,
        "/locations",
        &location_body(&customer["id"], "Site"),
    )
    .await;
    let customer_path = format!("/customers/{}", customer["id"].as_str().unwrap());
    let location_path = format!("/locations/{}", location["id"].as_str().unwrap());

    let patch = staff::patch(
        &app,
        &manager,
        &customer_path,
        &json!({ "version": 1, "name": "Changed", "is_vip": true }),
    )
    .await;
    let mut with_extra = customer_body("Another");
    with_extra["owner"] = json!("me");
    let post = staff::post(&app, &manager, "/customers", &with_extra).await;
    let other = create(&app, &manager, "/customers", &customer_body("Other")).await;
    let move_site = staff::patch(
        &app,
        &manager,
        &location_path,
        &json!({ "version": 1, "customer_id": other["id"] }),
    )
    .await;

    assert_problem(&patch, 400, "malformed_json");
    assert_problem(&post, 400, "malformed_json");
    assert_problem(&move_site, 400, "malformed_json");
    let now = staff::get(&app, &manager, &customer_path).await;
    assert_eq!(
        (now.json["name"].clone(), now.json["version"].clone()),
        (json!("Acme"), json!(1))
    );
    let site = staff::get(&app, &manager, &location_path).await;
    assert_eq!(site.json["customer_id"], customer["id"]);
    assert_eq!(site.json["version"], 1);
    assert_eq!(customers::count(app.db.exec()).await.unwrap(), 2);
}

#[tokio::test]
async fn every_invalid_field_is_named_at_once_and_nothing_is_created() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let admin = staff::staff_token(&app, StaffRole::Admin).await;

    let customer = staff::post(
        &app,
        &manager,
        "/customers",
        &json!({ "name": "  ", "kind": "company", "external_ref": "x".repeat(101),
                 "internal_notes": "ok\nmultiline" }),
    )
    .await;
    let location = staff::post(
        &app,
        &manager,
        "/locations",
        &json!({ "name": "", "address": " ", "city": "Lyon\nCedex", "country": "XX",
                 "timezone": "Mars/Olympus_Mons" }),
    )
    .await;
    let contact = staff::post(
        &app,
        &manager,
        "/contacts",
        &json!({ "customer_id": Uuid::new_v4(), "name": "A", "email": "not-an-email",
                 "phone": "call me maybe" }),
    )
    .await;
    let staff_user = staff::post(
        &app,
        &admin,
        "/staff-users",
        &json!({ "email": "nope", "name": "", "role": "owner", "password": "short" }),
    )
    .await;

    assert_problem(&customer, 400, "validation_failed");
    assert_eq!(
        error_fields(&customer),
        BTreeSet::from(["name".into(), "kind".into(), "external_ref".into()])
    );
    assert_eq!(error_code(&customer, "kind"), "invalid_choice");
    assert_eq!(error_code(&customer, "external_ref"), "too_long");
    assert_problem(&location, 400, "validation_failed");
    assert_eq!(
        error_fields(&location),
        [
            "customer_id",
            "name",
            "address",
            "city",
            "postal_code",
            "country",
            "timezone"
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    assert_eq!(error_code(&location, "timezone"), "invalid_timezone");
    assert_eq!(error_code(&location, "country"), "invalid_country");
    assert_eq!(error_code(&location, "city"), "invalid_characters");
    assert_problem(&contact, 400, "validation_failed");
    assert_eq!(
        error_fields(&contact),
        BTreeSet::from(["email".into(), "phone".into()])
    );
    assert_problem(&staff_user, 400, "validation_failed");
    assert_eq!(
        error_fields(&staff_user),
        BTreeSet::from([
            "email".into(),
            "name".into(),
            "role".into(),
            "password".into()
        ])
    );
    assert_eq!(error_code(&staff_user, "password"), "too_short");
    assert_eq!(customers::count(app.db.exec()).await.unwrap(), 0);
    let everyone = staff_users::list(app.db.exec(), None, Default::default())
        .await
        .unwrap();
    assert_eq!(everyone.items.len(), 2, "only the two callers exist");
}

#[tokio::test]
async fn a_location_or_contact_of_an_unknown_customer_is_a_400_unknown_reference() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let nobody = json!(Uuid::new_v4());

    let location = staff::post(
        &app,
        &manager,
        "/locations",
        &location_body(&nobody, "Site"),
    )
    .await;
    let contact = staff::post(
        &app,
        &manager,
        "/contacts",
        &contact_body(&nobody, "Person"),
    )
    .await;

    for reply in [&location, &contact] {
        assert_problem(reply, 400, "unknown_reference");
        assert_eq!(error_code(reply, "customer_id"), "unknown_reference");
    }
}

#[tokio::test]
async fn a_patch_changes_only_the_fields_it_names_and_null_clears_optional_ones() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let mut body = customer_body("Acme");
    body["external_ref"] = json!("ERP-1");
    let customer = create(&app, &manager, "/customers", &body).await;
    let path = format!("/customers/{}", customer["id"].as_str().unwrap());

    let cleared = staff::patch(
        &app,
        &manager,
        &path,
        &json!({ "version": 1, "internal_notes": null, "billing_account": "",
                 "portal_enabled": false, "kind": "partner" }),
    )
    .await;
    let null_name = staff::patch(
        &app,
        &manager,
        &path,
        &json!({ "version": 2, "name": null }),
    )
    .await;
    let unchanged = staff::patch(
        &app,
        &manager,
        &path,
        &json!({ "version": 2, "name": "Acme" }),
    )
    .await;

    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.json["internal_notes"], Value::Null);
    assert_eq!(cleared.json["billing_account"], Value::Null);
    assert_eq!(cleared.json["portal_enabled"], false);
    assert_eq!(cleared.json["attachments_enabled"], true);
    assert_eq!(cleared.json["kind"], "partner");
    assert_eq!(cleared.json["name"], "Acme");
    assert_eq!(cleared.json["external_ref"], "ERP-1");
    assert_eq!(cleared.json["version"], 2);
    assert_problem(&null_name, 400, "validation_failed");
    assert_eq!(error_code(&null_name, "name"), "not_nullable");
    assert_eq!(unchanged.status, 200);
    assert_eq!(
        unchanged.json["version"], 2,
        "a no-op edit does not bump the version"
    );
}

#[tokio::test]
async fn a_taken_external_reference_is_a_409() {
    let app = TestApp::spawn().await;
    let manager = staff::staff_token(&app, StaffRole::Manager).await;
    let mut body = customer_body("Acme");
    body["external_ref"] = json!("ERP-7");
    create(&app, &manager, "/customers", &body).await;
    let other = create(&app, &manager, "/customers", &customer_body("Other")).await;

    body["name"] = json!("Acme twin");
    let twin = staff::post(&app, &manager, "/customers", &body).await;
    let steal = staff::patch(
        &app,
        &manager,
        &format!("/customers/{}", other["id"].as_str().unwrap()),
        &json!({ "version": 1, "external_ref": "ERP-7" }),
    )
    .await;

    assert_problem(&twin, 409, "already_exists");
    assert_problem(&steal, 409, "already_exists");
}

// ---------------------------------------------------------------------------------------------
// Staff users
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_admin_creates_a_staff_user_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = staff::staff_token(&app, StaffRole::Admin).await;
    let password = "lantern-orchid-basalt-58";

    let created = staff::post(
        &app,
        &admin,
        "/staff-users",
        &json!({ "email": " Claire.Moreau@Ordinavo.Example ", "name": "Claire Moreau",
                 "role": "manager", "password": password }),
    )
    .await;
    let again = staff::post(
        &app,
        &admin,
        "/staff-users",
        &json!({ "email": "claire.moreau@ordinavo.example", "name": "Claire bis",
                 "role": "dispatcher", "password": password }),
    )
    .await;
    let login = app
        .post_json(
            &format!("{INTERNAL}/auth/login"),
            &json!({ "email": "claire.moreau@ordinavo.example", "password": password }),
        )
        .await;
    let listed = staff::get(&app, &admin, "/staff-users").await;

    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["email"], "claire.moreau@ordinavo.example");
    assert_eq!(created.json["role"], "manager");
    assert_eq!(created.json["active"], true);
    assert_eq!(created.json["has_password"], true);
    assert!(created.json.get("password_hash").is_none());
    assert!(!created.text.contains(password) && !created.text.contains("argon2"));
    assert_problem(&again, 409, "already_exists");
    assert_eq!(login.status, 200, "{}", login.text);
    assert!(!listed.text.contains("argon2"));
    assert_eq!(listed.json["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_deactivated_staff_user_is_refused_on_the_next_request_with_every_credential() {
    let app = TestApp::spawn().await;
    let admin = staff::staff_token(&app, StaffRole::Admin).await;
    let dispatcher = staff::signed_in(&app, StaffRole::Dispatcher).await;
    let their_key = staff::api_key_of(&app, StaffRole::Dispatcher, dispatcher.id).await;
    let path = format!("/staff-users/{}", dispatcher.id);
    assert_eq!(
        staff::get(&app, &dispatcher.token, "/customers")
            .await
            .status,
        200
    );
    assert_eq!(
        staff::get(&app, &their_key.raw, "/customers").await.status,
        200
    );

    let off = staff::post(&app, &admin, &format!("{path}/deactivate"), &json!({})).await;
    let token_after = staff::get(&app, &dispatcher.token, "/customers").await;
    let key_after = staff::get(&app, &their_key.raw, "/customers").await;
    let login_after = app
        .post_json(
            &format!("{INTERNAL}/auth/login"),
            &json!({ "email": dispatcher.email, "password": STAFF_PASSWORD }),
        )
        .await;
    let on = staff::post(&app, &admin, &format!("{path}/activate"), &json!({})).await;
    let old_token_after_activation = staff::get(&app, &dispatcher.token, "/customers").await;
    let fresh = staff::login(&app, &dispatcher.email).await;

    assert_eq!(off.status, 200, "{}", off.text);
    assert_eq!(off.json["active"], false);
    assert_problem(&token_after, 401, "unauthorized");
    assert_problem(&key_after, 401, "unauthorized");
    assert_problem(&login_after, 401, "invalid_credentials");
    assert_eq!(on.status, 200);
    assert_eq!(on.json["active"], true);
    assert_problem(&old_token_after_activation, 401, "unauthorized");
    assert_eq!(staff::get(&app, &fresh, "/customers").await.status, 200);
    assert_eq!(
        staff::get(&app, &their_key.raw, "/customers").await.status,
        200
    );
}

#[tokio::test]
async fn an_admin_cannot_deactivate_themselves_even_through_their_key() {
    let app = TestApp::spawn().await;
    let admin = staff::signed_in(&app, StaffRole::Admin).await;
    let key = staff::api_key_of(&app, StaffRole::Admin, admin.id).await;
    let path = format!("/staff-users/{}/deactivate", admin.id);

    let by_token = staff::post(&app, &admin.token, &path, &json!({})).await;
    let by_key = staff::post(&app, &key.raw, &path, &json!({})).await;
    let unknown = staff::post(
        &app,
        &admin.token,
        &format!("/staff-users/{}/deactivate", Uuid::new_v4()),
        &json!({}),
    )
    .await;

    assert_problem(&by_token, 409, "cannot_deactivate_self");
    assert_problem(&by_key, 409, "cannot_deactivate_self");
    assert_problem(&unknown, 404, "not_found");
    assert!(
        staff_users::get(app.db.exec(), admin.id)
            .await
            .unwrap()
            .active
    );
    assert_eq!(
        staff::get(&app, &admin.token, "/staff-users").await.status,
        200
    );
}

// ---------------------------------------------------------------------------------------------
// API keys
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_api_key_is_shown_once_works_and_is_refused_once_revoked() {
    let app = TestApp::spawn().await;
    let admin = staff::signed_in(&app, StaffRole::Admin).await;

    let created = staff::post(
        &app,
        &admin.token,
        "/api-keys",
        &json!({ "name": "ERP sync", "role": "manager" }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let raw = created.json["key"].as_str().unwrap().to_string();
    let id = created.json["id"].as_str().unwrap().to_string();
    let listed = staff::get(&app, &admin.token, "/api-keys").await;
    let used = staff::get(&app, &raw, "/customers").await;
    let too_low = staff::get(&app, &raw, "/api-keys").await;
    let revoked = staff::delete(&app, &admin.token, &format!("/api-keys/{id}")).await;
    let after = staff::get(&app, &raw, "/customers").await;
    let again = staff::delete(&app, &admin.token, &format!("/api-keys/{id}")).await;
    let unknown = staff::delete(&app, &admin.token, &format!("/api-keys/{}", Uuid::new_v4())).await;
    let listed_after = staff::get(&app, &admin.token, "/api-keys").await;
    let log = audit(&app, &admin.token, &format!("subject_id={id}")).await;

    assert!(raw.starts_with("ordk_") && raw.len() > 40);
    assert_eq!(created.json["prefix"], raw[..12]);
    assert_eq!(created.json["role"], "manager");
    assert_eq!(created.json["created_by"], admin.id.to_string());
    assert_eq!(listed.json["items"][0]["id"], id.as_str());
    assert!(listed.json["items"][0].get("key").is_none());
    assert!(!listed.text.contains(&raw), "the list never shows the key");
    assert!(!listed.text.contains(&tokens::hash(&raw)), "nor its hash");
    assert_eq!(used.status, 200);
    assert_problem(&too_low, 403, "forbidden");
    assert_eq!(revoked.status, 204);
    assert_problem(&after, 401, "unauthorized");
    assert_eq!(again.status, 204);
    assert_problem(&unknown, 404, "not_found");
    assert!(listed_after.json["items"][0]["revoked_at"].is_string());
    assert!(listed_after.json["items"][0]["last_used_at"].is_string());
    let actions: Vec<&str> = log.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["staff.api_key.revoked", "staff.api_key.created"]);
    assert!(log.iter().all(|r| !r.to_string().contains(&raw)));
    let stored = api_keys::get(app.db.exec(), Uuid::parse_str(&id).unwrap().into())
        .await
        .unwrap();
    assert!(stored.revoked_at.is_some());
}

#[tokio::test]
async fn api_keys_page_newest_first() {
    let app = TestApp::spawn().await;
    let admin = staff::staff_token(&app, StaffRole::Admin).await;
    let mut created = Vec::new();
    for n in 0..5 {
        let key = create(
            &app,
            &admin,
            "/api-keys",
            &json!({ "name": format!("K{n}"), "role": "dispatcher" }),
        )
        .await;
        created.push(key["id"].as_str().unwrap().to_string());
    }

    let items = walk(&app, &admin, "/api-keys", 2).await;

    created.reverse();
    assert_eq!(ids(&items), created);
}

// ---------------------------------------------------------------------------------------------
// Audit log
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_change_is_audited_and_the_log_filters_and_pages_newest_first() {
    let app = TestApp::spawn().await;
    let admin = staff::signed_in(&app, StaffRole::Admin).await;
    let manager = staff::signed_in(&app, StaffRole::Manager).await;
    let key_owner = staff::staff_user(&app, StaffRole::Admin).await;
    let key = staff::api_key_of(&app, StaffRole::Manager, key_owner.id).await;

    let customer = create(&app, &manager.token, "/customers", &customer_body("Acme")).await;
    let customer_id = customer["id"].as_str().unwrap().to_string();
    staff::patch(
        &app,
        &manager.token,
        &format!("/customers/{customer_id}"),
        &json!({ "version": 1, "portal_enabled": false }),
    )
    .await;
    let location = create(
        &app,
        &key.raw,
        "/locations",
        &location_body(&customer["id"], "Site"),
    )
    .await;
    staff::patch(
        &app,
        &key.raw,
        &format!("/locations/{}", location["id"].as_str().unwrap()),
        &json!({ "version": 1, "timezone": "Europe/Berlin" }),
    )
    .await;
    let contact = create(
        &app,
        &manager.token,
        "/contacts",
        &contact_body(&customer["id"], "P"),
    )
    .await;
    staff::patch(
        &app,
        &manager.token,
        &format!("/contacts/{}", contact["id"].as_str().unwrap()),
        &json!({ "version": 1, "phone": null }),
    )
    .await;
    let new_user = create(
        &app,
        &admin.token,
        "/staff-users",
        &json!({ "email": "p@staff.example", "name": "P", "role": "dispatcher",
                 "password": "lantern-orchid-basalt-58" }),
    )
    .await;
    let user_path = format!("/staff-users/{}", new_user["id"].as_str().unwrap());
    staff::post(
        &app,
        &admin.token,
        &format!("{user_path}/deactivate"),
        &json!({}),
    )
    .await;
    staff::post(
        &app,
        &admin.token,
        &format!("{user_path}/activate"),
        &json!({}),
    )
    .await;

    let about_customer = audit(&app, &admin.token, &format!("subject_id={customer_id}")).await;
    let by_key = audit(&app, &admin.token, "actor_kind=api_key").await;
    let created = audit(&app, &admin.token, "action=staff.customer.created").await;
    let everything = walk(&app, &admin.token, "/audit-log", 3).await;
    let future = audit(&app, &admin.token, "from=2999-01-01T00:00:00Z").await;
    let past = audit(&app, &admin.token, "to=2000-01-01T00:00:00Z").await;
    let window = audit(
        &app,
        &admin.token,
        "from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z",
    )
    .await;
    let bad_kind = staff::get(&app, &admin.token, "/audit-log?actor_kind=robot").await;
    let bad_time = staff::get(&app, &admin.token, "/audit-log?from=yesterday").await;

    let actions: Vec<&str> = about_customer
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["staff.customer.updated", "staff.customer.created"]
    );
    assert_eq!(about_customer[0]["actor_kind"], "staff");
    assert_eq!(about_customer[0]["actor_id"], manager.id.to_string());
    assert_eq!(about_customer[0]["subject_kind"], "customer");
    assert_eq!(
        about_customer[0]["details"]["changed"],
        json!(["portal_enabled"])
    );
    assert!(about_customer[0]["ip"].is_string());
    let key_actions: Vec<&str> = by_key
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        key_actions,
        ["staff.location.updated", "staff.location.created"]
    );
    assert!(by_key.iter().all(|r| r["actor_id"] == key.id.to_string()));
    assert_eq!(created.len(), 1);
    let all_actions: BTreeSet<&str> = everything
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for action in [
        "staff.login",
        "staff.customer.created",
        "staff.customer.updated",
        "staff.location.created",
        "staff.location.updated",
        "staff.contact.created",
        "staff.contact.updated",
        "staff.staff_user.created",
        "staff.staff_user.deactivated",
        "staff.staff_user.activated",
    ] {
        assert!(
            all_actions.contains(action),
            "{action} missing from {all_actions:?}"
        );
    }
    let times: Vec<&str> = everything
        .iter()
        .map(|r| r["at"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        times.iter().map(|t| t.parse().unwrap()).collect();
    assert!(
        parsed.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    assert_eq!(
        ids(&everything).into_iter().collect::<HashSet<_>>().len(),
        everything.len()
    );
    assert!(future.is_empty() && past.is_empty());
    assert_eq!(window.len(), everything.len());
    assert_problem(&bad_kind, 400, "invalid_query");
    assert_eq!(error_code(&bad_kind, "actor_kind"), "invalid_choice");
    assert_problem(&bad_time, 400, "invalid_query");
    let text = serde_json::to_string(&everything).unwrap();
    assert!(!text.contains(STAFF_PASSWORD) && !text.contains("lantern-orchid"));
    assert!(!text.contains(&key.raw) && !text.contains("argon2"));
}
