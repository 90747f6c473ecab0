//! Scheduling fixtures: work items (from an accepted request or created directly),
//! appointments, follow-ups and the calendar feed, through the real APIs; plus a walk over
//! every portal read route for leak checks.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use ordinavo_domain::ids::LocationId;
use serde_json::{Value, json};

use crate::requests::{INTERNAL, PORTAL};
use crate::{Reply, TestApp, read};

/// RFC 3339 with a `Z`, seconds precision.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A parsed RFC 3339 instant.
pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// `days` from now, on the hour, as a start; the end `hours` later.
pub fn days_ahead(days: i64, hours: i64) -> (String, String) {
    let start = Utc::now() + Duration::days(days);
    let start = start - Duration::seconds(start.timestamp() % 3600);
    (rfc3339(start), rfc3339(start + Duration::hours(hours)))
}

impl TestApp {
    /// A work item created directly by staff at `location`; returns its id.
    pub async fn create_target(&self, staff: &str, location: LocationId, title: &str) -> String {
        let reply = self
            .post_json_bearer(
                &format!("{INTERNAL}/targets"),
                staff,
                &json!({ "location_id": location, "title": title, "priority": "high",
                         "internal_notes": "INTERNAL-NOTE target" }),
            )
            .await;
        assert_eq!(reply.status, 201, "create target: {}", reply.text);
        reply.json["id"].as_str().expect("id").to_string()
    }

    /// A request submitted by `portal` at `location`, reviewed and accepted by `staff`;
    /// returns `(request_id, target_id)`.
    pub async fn accepted_request(
        &self,
        staff: &str,
        portal: &str,
        location: LocationId,
    ) -> (String, String) {
        let request = self.create_request(portal, location).await;
        let reviewed = self.review_request(staff, &request).await;
        assert_eq!(reviewed.status, 200, "review: {}", reviewed.text);
        let accepted = self
            .accept_request(
                staff,
                &request,
                &json!({ "priority": "urgent", "internal_notes": "INTERNAL-NOTE accepted" }),
            )
            .await;
        assert_eq!(accepted.status, 200, "accept: {}", accepted.text);
        let target = accepted.json["target"]["id"]
            .as_str()
            .expect("target id")
            .to_string();
        (request, target)
    }

    /// `POST /appointments` with `extra` fields merged into the body.
    pub async fn schedule(
        &self,
        staff: &str,
        target: &str,
        starts_at: &str,
        ends_at: &str,
        extra: Value,
    ) -> Reply {
        let mut body = json!({ "target_id": target, "starts_at": starts_at, "ends_at": ends_at });
        if let (Some(map), Value::Object(more)) = (body.as_object_mut(), extra) {
            map.extend(more);
        }
        self.post_json_bearer(&format!("{INTERNAL}/appointments"), staff, &body)
            .await
    }

    /// Schedules a visit with internal markers (technician, routing score, notes); returns its id.
    pub async fn scheduled(
        &self,
        staff: &str,
        target: &str,
        starts_at: &str,
        ends_at: &str,
        status: &str,
    ) -> String {
        let reply = self
            .schedule(
                staff,
                target,
                starts_at,
                ends_at,
                json!({ "status": status, "routing_score": 0.987_654,
                        "internal_notes": "INTERNAL-NOTE appointment" }),
            )
            .await;
        assert_eq!(reply.status, 201, "schedule: {}", reply.text);
        reply.json["id"].as_str().expect("id").to_string()
    }

    /// `POST /appointments/{id}/status` on the internal surface.
    pub async fn appointment_status(&self, staff: &str, id: &str, status: &str) -> Reply {
        self.post_json_bearer(
            &format!("{INTERNAL}/appointments/{id}/status"),
            staff,
            &json!({ "status": status }),
        )
        .await
    }

    /// `GET /appointments/{id}` on the internal surface (panics unless 200).
    pub async fn staff_appointment(&self, staff: &str, id: &str) -> Value {
        let reply = self
            .get_bearer(&format!("{INTERNAL}/appointments/{id}"), staff)
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json
    }

    /// `PATCH /appointments/{id}` on the internal surface.
    pub async fn patch_appointment(&self, staff: &str, id: &str, body: &Value) -> Reply {
        self.patch_json_bearer(&format!("{INTERNAL}/appointments/{id}"), staff, body)
            .await
    }

    /// `POST /follow-ups` on the internal surface.
    pub async fn follow_up(&self, staff: &str, target: &str, note: &str) -> Reply {
        self.post_json_bearer(
            &format!("{INTERNAL}/follow-ups"),
            staff,
            &json!({ "target_id": target, "public_note": note,
                     "internal_notes": "INTERNAL-NOTE follow-up" }),
        )
        .await
    }

    /// `POST /me/calendar-feed`: the new feed URL.
    pub async fn calendar_feed_url(&self, portal: &str) -> String {
        let reply = read(
            self.client
                .post(self.url(&format!("{PORTAL}/me/calendar-feed")))
                .bearer_auth(portal),
        )
        .await;
        assert_eq!(reply.status, 201, "feed: {}", reply.text);
        reply.json["url"].as_str().expect("url").to_string()
    }

    /// GETs an absolute feed URL without credentials.
    pub async fn fetch_feed(&self, url: &str) -> Reply {
        let path = url
            .split_once("/api/")
            .map(|(_, rest)| format!("/api/{rest}"))
            .expect("a feed url");
        self.get(&path).await
    }

    /// Every item of a portal list, walking its cursor with `limit` per page.
    pub async fn walk(&self, token: &str, path_and_query: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let sep = if path_and_query.contains('?') {
            '&'
        } else {
            '?'
        };
        for _ in 0..1000 {
            let mut path = format!("{PORTAL}{path_and_query}{sep}limit={limit}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let reply = self.get_bearer(&path, token).await;
            assert_eq!(reply.status, 200, "{path}: {}", reply.text);
            let page = reply.json["items"].as_array().expect("items").clone();
            assert!(page.len() <= limit as usize);
            items.extend(page);
            match reply.json["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => return items,
            }
        }
        panic!("the cursor walk did not end");
    }
}
