//! Visit-report and attachment fixtures: work items and appointments arranged in the store,
//! reports written, approved and published and files uploaded, released and withdrawn through
//! the internal API, and the portal calls that read them back.

use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::{CustomerId, LocationId, TargetId};
use ordinavo_persistence::targets::{self, NewTarget, Priority};
use ordinavo_persistence::{Db, run};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::requests::{INTERNAL, PORTAL, multipart_body};
use crate::{Reply, TestApp, read};

/// The internal body every fixture report carries: it must never reach the portal.
pub const INTERNAL_BODY: &str = "INTERNAL-NOTE technician: boiler pressure faked, bill 3h";

/// A work item at `location` of `customer`, inserted in the store.
pub async fn target_at(db: &Db, customer: CustomerId, location: LocationId) -> TargetId {
    targets::insert(
        db.exec(),
        &NewTarget {
            customer_id: customer,
            location_id: location,
            contact_id: None,
            request_id: None,
            title: "Boiler service".into(),
            priority: Priority::Normal,
            internal_notes: Some("INTERNAL-NOTE target".into()),
        },
    )
    .await
    .expect("target")
    .id
}

/// A scheduled appointment of `target` at `location` starting at `starts_at` (store only).
pub async fn appointment_at(
    db: &Db,
    target: TargetId,
    location: LocationId,
    starts_at: DateTime<Utc>,
) -> Uuid {
    let id = Uuid::new_v4();
    let now = ordinavo_persistence::time::now();
    run!(db.exec(), |c| sqlx::query(
        "INSERT INTO appointments (id, target_id, location_id, starts_at, ends_at, \
         internal_status, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'completed', 1, $6, $6)"
    )
    .bind(id)
    .bind(target.into_uuid())
    .bind(location.into_uuid())
    .bind(ordinavo_persistence::time::stored(starts_at))
    .bind(ordinavo_persistence::time::stored(
        starts_at + Duration::hours(2)
    ))
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
    .expect("appointment");
    id
}

/// A publish body with recognisable customer-facing texts.
pub fn publish_body(title: &str) -> Value {
    json!({
        "portal_title": title,
        "portal_summary": "We serviced the boiler; everything works.",
        "portal_message": "Next service in twelve months.",
    })
}

impl TestApp {
    /// `POST` to an internal path as `staff` with an optional JSON body.
    pub async fn staff_post(&self, staff: &str, path: &str, body: Option<&Value>) -> Reply {
        let mut request = self
            .client
            .post(self.url(&format!("{INTERNAL}{path}")))
            .bearer_auth(staff);
        if let Some(body) = body {
            request = request.json(body);
        }
        read(request).await
    }

    /// `GET` an internal path as `staff`.
    pub async fn staff_get(&self, staff: &str, path: &str) -> Reply {
        self.get_bearer(&format!("{INTERNAL}{path}"), staff).await
    }

    /// `GET` a portal path as `token`.
    pub async fn portal_get(&self, token: &str, path: &str) -> Reply {
        self.get_bearer(&format!("{PORTAL}{path}"), token).await
    }

    /// Writes a draft report on `target` (optionally for `appointment`); returns its id.
    pub async fn create_report(
        &self,
        staff: &str,
        target: TargetId,
        appointment: Option<Uuid>,
    ) -> String {
        let reply = self
            .staff_post(
                staff,
                "/reports",
                Some(&json!({ "target_id": target, "appointment_id": appointment,
                              "body": INTERNAL_BODY })),
            )
            .await;
        assert_eq!(reply.status, 201, "create report: {}", reply.text);
        reply.json["id"].as_str().expect("id").to_string()
    }

    /// A report on `target`, submitted and approved by `manager` (NOT published).
    pub async fn approved_report(&self, manager: &str, target: TargetId) -> String {
        let id = self.create_report(manager, target, None).await;
        for step in ["submit", "approve"] {
            let reply = self
                .staff_post(manager, &format!("/reports/{id}/{step}"), None)
                .await;
            assert_eq!(reply.status, 200, "{step}: {}", reply.text);
        }
        id
    }

    /// Publishes report `id` with the title `title`; panics unless it works.
    pub async fn publish_report(&self, manager: &str, id: &str, title: &str) {
        let reply = self
            .staff_post(
                manager,
                &format!("/reports/{id}/publish"),
                Some(&publish_body(title)),
            )
            .await;
        assert_eq!(reply.status, 200, "publish: {}", reply.text);
    }

    /// `POST /attachments?owner_kind=…&owner_id=…` with one `file` part, as `staff`.
    pub async fn staff_upload(
        &self,
        staff: &str,
        owner_kind: &str,
        owner_id: &str,
        filename: &str,
        bytes: &[u8],
    ) -> Reply {
        let (content_type, body) =
            multipart_body("file", filename, "application/octet-stream", bytes);
        read(
            self.client
                .post(self.url(&format!(
                    "{INTERNAL}/attachments?owner_kind={owner_kind}&owner_id={owner_id}"
                )))
                .bearer_auth(staff)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// Uploads `bytes` to report `report` as `staff` and releases it; returns the file's id.
    pub async fn released_report_file(&self, staff: &str, report: &str, bytes: &[u8]) -> String {
        let reply = self
            .staff_upload(staff, "report", report, "photo.png", bytes)
            .await;
        assert_eq!(reply.status, 201, "upload: {}", reply.text);
        let id = reply.json["id"].as_str().expect("id").to_string();
        let reply = self
            .staff_post(staff, &format!("/attachments/{id}/release"), None)
            .await;
        assert_eq!(reply.status, 200, "release: {}", reply.text);
        id
    }

    /// `GET /attachments/{id}/content` on the portal as `token`, body as bytes.
    pub async fn portal_download(&self, token: &str, id: &str) -> (Reply, Vec<u8>) {
        let response = self
            .client
            .get(self.url(&format!("{PORTAL}/attachments/{id}/content")))
            .bearer_auth(token)
            .send()
            .await
            .expect("download sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body").to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (
            Reply {
                status,
                headers,
                text,
                json,
            },
            bytes,
        )
    }
}
