//! Portal fixtures: two customers with sites, a manager, and portal users invited and
//! activated through the real API (the invitation link is read from the mail outbox).

use ordinavo_domain::ids::{CustomerId, LocationId};
use ordinavo_domain::roles::{CustomerKind, StaffRole};
use ordinavo_persistence::customers::{self, CustomerFields};
use ordinavo_persistence::locations::{self, LocationFields};
use ordinavo_persistence::staff_users::{self, NewStaffUser};
use ordinavo_persistence::{Db, run};
use serde_json::{Value, json};

use crate::{Reply, TestApp, read};

/// A password that passes the policy.
pub const PASSWORD: &str = "quiet-harbor-lantern-47";

/// Two customers (A with sites A1 and A2, B with site B1) and a signed-in manager.
#[derive(Debug, Clone)]
pub struct World {
    pub customer_a: CustomerId,
    pub customer_b: CustomerId,
    pub a1: LocationId,
    pub a2: LocationId,
    pub b1: LocationId,
    pub manager_token: String,
}

/// A portal user who accepted an invitation.
#[derive(Debug, Clone)]
pub struct PortalUser {
    pub id: String,
    pub email: String,
    pub password: String,
    pub access_token: String,
    /// `ordinavo_refresh=<token>`, ready for a `Cookie` header.
    pub refresh_cookie: String,
}

async fn customer(db: &Db, name: &str) -> CustomerId {
    customers::insert(
        db.exec(),
        &CustomerFields {
            name: name.into(),
            kind: CustomerKind::Customer,
            external_ref: None,
            portal_enabled: true,
            attachments_enabled: true,
            internal_notes: Some(format!("INTERNAL-NOTE {name}")),
            billing_account: Some("BILLING-SECRET".into()),
        },
    )
    .await
    .expect("customer")
    .id
}

async fn site(db: &Db, customer_id: CustomerId, name: &str, tz: &str) -> LocationId {
    locations::insert(
        db.exec(),
        customer_id,
        &LocationFields {
            name: name.into(),
            address: "1 Main Street".into(),
            city: "Lyon".into(),
            postal_code: "69001".into(),
            country: "FR".into(),
            timezone: tz.into(),
            internal_notes: Some("INTERNAL-NOTE site".into()),
            routing_zone: Some("ROUTING-ZONE-7".into()),
        },
    )
    .await
    .expect("location")
    .id
}

/// Creates a staff user of `role` and signs them in through the internal API.
pub async fn staff_login(app: &TestApp, role: StaffRole) -> String {
    let email = format!(
        "{}-{}@staff.example",
        role.as_str(),
        uuid::Uuid::new_v4().simple()
    );
    let hash = ordinavo_api::passwords::hash(&PASSWORD.to_string().into()).expect("hash");
    staff_users::insert(
        app.db.exec(),
        &NewStaffUser {
            email: email.clone(),
            name: format!("Test {role}"),
            role,
            password_hash: Some(hash),
        },
    )
    .await
    .expect("staff user");
    let reply = app
        .post_json(
            "/api/internal/v1/auth/login",
            &json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(reply.status, 200, "staff login: {}", reply.text);
    reply.json["access_token"]
        .as_str()
        .expect("token")
        .to_string()
}

pub async fn world(app: &TestApp) -> World {
    let customer_a = customer(&app.db, "Acme Bakeries").await;
    let customer_b = customer(&app.db, "Brightside Retail").await;
    World {
        customer_a,
        customer_b,
        a1: site(&app.db, customer_a, "Acme Lyon", "Europe/Paris").await,
        a2: site(&app.db, customer_a, "Acme Boston", "America/New_York").await,
        b1: site(&app.db, customer_b, "Brightside Berlin", "Europe/Berlin").await,
        manager_token: staff_login(app, StaffRole::Manager).await,
    }
}

/// A grant of the whole customer with every capability.
pub fn whole(customer: CustomerId) -> Value {
    json!({ "customer_id": customer, "all_locations": true, "can_submit_requests": true,
            "can_view_reports": true, "can_download_attachments": true })
}

/// A grant of the listed locations with every capability.
pub fn only(customer: CustomerId, locations: &[LocationId]) -> Value {
    json!({ "customer_id": customer, "all_locations": false, "location_ids": locations,
            "can_submit_requests": true, "can_view_reports": true,
            "can_download_attachments": true })
}

/// The raw token of the newest mail's link to `email` (invitation or reset).
pub async fn token_from_outbox(db: &Db, email: &str) -> String {
    let payload: sqlx::types::Json<Value> = run!(db.exec(), |c| {
        sqlx::query_scalar(
            "SELECT payload FROM mail_outbox WHERE to_address = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(email)
        .fetch_one(c)
        .await
    })
    .expect("a mail to this address");
    let link = payload.0["link"].as_str().expect("a link").to_string();
    link.rsplit('/').next().expect("token").to_string()
}

impl TestApp {
    pub async fn post_json_bearer(&self, path: &str, token: &str, body: &Value) -> Reply {
        read(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    pub async fn get_bearer(&self, path: &str, token: &str) -> Reply {
        read(self.client.get(self.url(path)).bearer_auth(token)).await
    }

    pub async fn patch_json_bearer(&self, path: &str, token: &str, body: &Value) -> Reply {
        read(
            self.client
                .patch(self.url(path))
                .bearer_auth(token)
                .json(body),
        )
        .await
    }

    pub async fn delete_bearer(&self, path: &str, token: &str) -> Reply {
        read(self.client.delete(self.url(path)).bearer_auth(token)).await
    }

    /// POSTs with only a cookie (refresh, logout).
    pub async fn post_cookie(&self, path: &str, cookie: &str) -> Reply {
        read(self.client.post(self.url(path)).header("cookie", cookie)).await
    }

    /// Invites `email` with `grants` as the world's manager; returns the raw link token.
    pub async fn invite(&self, world: &World, email: &str, grants: Vec<Value>) -> String {
        let reply = self
            .post_json_bearer(
                "/api/internal/v1/portal-invitations",
                &world.manager_token,
                &json!({ "email": email, "display_name": "Portal Person", "locale": "en",
                         "grants": grants }),
            )
            .await;
        assert_eq!(reply.status, 201, "invite: {}", reply.text);
        token_from_outbox(&self.db, &email.to_lowercase()).await
    }

    /// Invites and accepts: a signed-in portal user.
    pub async fn portal_user(&self, world: &World, email: &str, grants: Vec<Value>) -> PortalUser {
        let token = self.invite(world, email, grants).await;
        let reply = self
            .post_json(
                &format!("/api/portal/v1/auth/invitations/{token}/accept"),
                &json!({ "password": PASSWORD }),
            )
            .await;
        assert_eq!(reply.status, 200, "accept: {}", reply.text);
        PortalUser {
            id: String::new(),
            email: email.to_string(),
            password: PASSWORD.to_string(),
            access_token: reply.json["access_token"]
                .as_str()
                .expect("token")
                .to_string(),
            refresh_cookie: refresh_cookie(&reply).expect("refresh cookie"),
        }
        .with_id(self)
        .await
    }

    /// Signs a portal user in; the reply (200 with a token, or a problem).
    pub async fn portal_login(&self, email: &str, password: &str) -> Reply {
        self.post_json(
            "/api/portal/v1/auth/login",
            &json!({ "email": email, "password": password }),
        )
        .await
    }
}

impl PortalUser {
    async fn with_id(mut self, app: &TestApp) -> Self {
        let me = app
            .get_bearer("/api/portal/v1/me", &self.access_token)
            .await;
        self.id = me.json["id"].as_str().expect("id").to_string();
        self
    }
}

/// `ordinavo_refresh=<token>` from a reply's `Set-Cookie`, if it sets a non-empty one.
pub fn refresh_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ordinavo_refresh="))
        .and_then(|v| v.split(';').next())
        .filter(|pair| pair.len() > "ordinavo_refresh=".len())
        .map(str::to_owned)
}
