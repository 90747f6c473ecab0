//! Service-request fixtures: a valid submission body, submit/upload/decide helpers for both
//! surfaces, sample files, and looks behind the API (timeline, audit, outbox rows).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, SecondsFormat, Utc};
use ordinavo_domain::ids::LocationId;
use ordinavo_persistence::{Db, run};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{Reply, TestApp, read};

/// The base path of the portal surface.
pub const PORTAL: &str = "/api/portal/v1";
/// The base path of the internal surface.
pub const INTERNAL: &str = "/api/internal/v1";

/// A valid submission at `location`: one preferred window two days from now.
pub fn body_at(location: LocationId) -> Value {
    let start = Utc::now() + Duration::days(2);
    let end = start + Duration::hours(2);
    json!({
        "location_id": location,
        "kind": "service",
        "title": "Leaking tap in the bakery",
        "description": "Water under the sink since Monday.\nPlease bring a new seal.",
        "preferred_windows": [{
            "starts_at": start.to_rfc3339_opts(SecondsFormat::Secs, true),
            "ends_at": end.to_rfc3339_opts(SecondsFormat::Secs, true),
        }],
        "site_access_notes": "Ask for the key at the counter.",
        "contact_phone": "+33 1 23 45 67 89",
    })
}

impl TestApp {
    /// `POST /requests` as `token`.
    pub async fn submit_request(&self, token: &str, body: &Value) -> Reply {
        self.post_json_bearer(&format!("{PORTAL}/requests"), token, body)
            .await
    }

    /// `POST /requests` as `token` with an `Idempotency-Key`.
    pub async fn submit_request_with_key(&self, token: &str, key: &str, body: &Value) -> Reply {
        read(
            self.client
                .post(self.url(&format!("{PORTAL}/requests")))
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    /// Submits a valid request at `location`; panics unless it is created. Returns its id.
    pub async fn create_request(&self, token: &str, location: LocationId) -> String {
        let reply = self.submit_request(token, &body_at(location)).await;
        assert_eq!(reply.status, 201, "submit: {}", reply.text);
        reply.json["id"].as_str().expect("id").to_string()
    }

    /// `POST /requests/{id}/attachments` with one `file` part.
    pub async fn upload(
        &self,
        token: &str,
        request_id: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Reply {
        let (header, body) = multipart_body("file", filename, content_type, bytes);
        self.post_raw_bearer(
            &format!("{PORTAL}/requests/{request_id}/attachments"),
            token,
            &header,
            body,
        )
        .await
    }

    /// POSTs raw bytes with a content type, as `token`.
    pub async fn post_raw_bearer(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        read(
            self.client
                .post(self.url(path))
                .bearer_auth(token)
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// `POST /requests/{id}/review` on the internal surface.
    pub async fn review_request(&self, staff: &str, id: &str) -> Reply {
        read(
            self.client
                .post(self.url(&format!("{INTERNAL}/requests/{id}/review")))
                .bearer_auth(staff),
        )
        .await
    }

    /// `POST /requests/{id}/accept` on the internal surface.
    pub async fn accept_request(&self, staff: &str, id: &str, body: &Value) -> Reply {
        self.post_json_bearer(&format!("{INTERNAL}/requests/{id}/accept"), staff, body)
            .await
    }

    /// `POST /requests/{id}/reject` on the internal surface.
    pub async fn reject_request(&self, staff: &str, id: &str, reason: &str) -> Reply {
        self.post_json_bearer(
            &format!("{INTERNAL}/requests/{id}/reject"),
            staff,
            &json!({ "public_reason": reason }),
        )
        .await
    }

    /// `POST /requests/{id}/cancel` on the portal surface.
    pub async fn cancel_request(&self, token: &str, id: &str, body: &Value) -> Reply {
        self.post_json_bearer(&format!("{PORTAL}/requests/{id}/cancel"), token, body)
            .await
    }
}

/// A `multipart/form-data` body with one file part: the `Content-Type` header and the bytes.
pub fn multipart_body(
    field: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = format!("----ordinavo-test-{}", Uuid::new_v4().simple());
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; \
         filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A real 1×1 PNG.
pub fn png() -> Vec<u8> {
    STANDARD
        .decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
        )
        .expect("png")
}

/// The start of a JFIF JPEG (enough for content sniffing) and its end marker.
pub fn jpeg() -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00,
    ];
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// A minimal PDF document.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The kinds of the timeline rows about `subject`, oldest first.
pub async fn timeline_kinds(db: &Db, subject: &str) -> Vec<String> {
    let id: Uuid = subject.parse().expect("uuid");
    run!(db.exec(), |c| {
        sqlx::query_scalar::<_, String>(
            "SELECT kind FROM timeline_events WHERE subject_id = $1 ORDER BY occurred_at, id",
        )
        .bind(id)
        .fetch_all(c)
        .await
    })
    .expect("timeline rows")
}

/// The actions of the audit rows about `subject`, oldest first.
pub async fn audit_actions(db: &Db, subject: &str) -> Vec<String> {
    let id: Uuid = subject.parse().expect("uuid");
    run!(db.exec(), |c| {
        sqlx::query_scalar::<_, String>(
            "SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(c)
        .await
    })
    .expect("audit rows")
}

/// One queued `request_status_changed` mail.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusMail {
    pub to: String,
    pub locale: String,
    pub payload: Value,
}

#[derive(sqlx::FromRow)]
struct MailRow {
    to_address: String,
    locale: String,
    payload: sqlx::types::Json<Value>,
}

/// Every queued `request_status_changed` mail whose link points at request `id`, by address.
pub async fn status_mails(db: &Db, id: &str) -> Vec<StatusMail> {
    let rows = run!(db.exec(), |c| {
        sqlx::query_as::<_, MailRow>(
            "SELECT to_address, locale, payload FROM mail_outbox \
             WHERE template = 'request_status_changed' ORDER BY to_address, created_at",
        )
        .fetch_all(c)
        .await
    })
    .expect("outbox rows");
    let suffix = format!("/requests/{id}");
    rows.into_iter()
        .filter(|r| {
            r.payload.0["link"]
                .as_str()
                .is_some_and(|l| l.ends_with(&suffix))
        })
        .map(|r| StatusMail {
            to: r.to_address,
            locale: r.locale,
            payload: r.payload.0,
        })
        .collect()
}

/// Runs one statement with no parameters (for arranging rows behind the API).
pub async fn execute(db: &Db, sql: &'static str) {
    run!(db.exec(), |c| sqlx::query(sql).execute(c).await.map(|_| ()))
        .expect("arranging statement");
}

/// Sets a request's internal notes directly in the database.
pub async fn set_internal_notes(db: &Db, id: &str, notes: &str) {
    let id: Uuid = id.parse().expect("uuid");
    run!(db.exec(), |c| sqlx::query(
        "UPDATE service_requests SET internal_notes = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(notes)
    .execute(c)
    .await
    .map(|_| ()))
    .expect("set notes");
}
