//! The private calendar feed: RFC 5545 content of the owner's upcoming, visible appointments on
//! their CURRENT locations; a random token stored hashed; dead once regenerated, revoked or the
//! user disabled (404 like any unknown URL). Every test runs on SQLite by default and on
//! PostgreSQL with `TEST_DATABASE_URL`.

use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::run;
use ordinavo_tests::appointments::days_ahead;
use ordinavo_tests::portal::{only, staff_login, whole, world};
use ordinavo_tests::requests::{INTERNAL, PORTAL};
use ordinavo_tests::{Reply, TestApp, assert_problem};

/// The content lines of a calendar, unfolded (RFC 5545 §3.1), after checking the physical
/// format: CRLF line endings only, no line over 75 octets.
fn content_lines(reply: &Reply) -> Vec<String> {
    let text = &reply.text;
    assert!(text.ends_with("\r\n"), "{text:?}");
    for physical in text.split_terminator("\r\n") {
        assert!(physical.len() <= 75, "line over 75 octets: {physical:?}");
        assert!(
            !physical.contains('\n') && !physical.contains('\r'),
            "bare line break"
        );
    }
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The events of a calendar as (property, value) lists.
fn events(lines: &[String]) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in lines {
        match line.as_str() {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => out.extend(current.take()),
            _ => {
                if let (Some(event), Some((name, value))) = (current.as_mut(), line.split_once(':'))
                {
                    event.push((name.to_string(), value.to_string()));
                }
            }
        }
    }
    out
}

fn prop<'a>(event: &'a [(String, String)], name: &str) -> &'a str {
    event
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {event:?}"))
}

#[tokio::test]
async fn the_feed_lists_the_owners_upcoming_visible_appointments_in_rfc_5545() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "cal@a.example", vec![only(w.customer_a, &[w.a1])])
        .await;
    let lyon = app
        .create_target(&staff, w.a1, "Révision chaudière, brûleur; et vanne")
        .await;
    let boston = app.create_target(&staff, w.a2, "Boston door").await;
    let visible = app
        .scheduled(
            &staff,
            &lyon,
            "2035-01-15T07:00:00Z",
            "2035-01-15T09:00:00Z",
            "scheduled",
        )
        .await;
    let cancelled = app
        .scheduled(
            &staff,
            &lyon,
            "2035-01-16T07:00:00Z",
            "2035-01-16T09:00:00Z",
            "scheduled",
        )
        .await;
    assert_eq!(
        app.appointment_status(&staff, &cancelled, "cancelled")
            .await
            .status,
        200
    );
    let (s, e) = days_ahead(2, 1);
    let tentative = app.scheduled(&staff, &lyon, &s, &e, "tentative").await;
    let elsewhere = app.scheduled(&staff, &boston, &s, &e, "scheduled").await;
    let past = app
        .scheduled(
            &staff,
            &lyon,
            "2020-01-01T08:00:00Z",
            "2020-01-01T09:00:00Z",
            "scheduled",
        )
        .await;

    let url = app.calendar_feed_url(&user.access_token).await;
    assert!(url.starts_with("http") && url.ends_with(".ics"), "{url}");
    let reply = app.fetch_feed(&url).await;

    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let lines = content_lines(&reply);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_string()));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let events = events(&lines);
    let uids: Vec<_> = events.iter().map(|e| prop(e, "UID").to_string()).collect();
    assert_eq!(
        uids,
        [
            format!("{visible}@ordinavo"),
            format!("{cancelled}@ordinavo")
        ]
    );
    for id in [&tentative, &elsewhere, &past] {
        assert!(
            !reply.text.contains(id.as_str()),
            "{id} must not be in the feed"
        );
    }
    let first = &events[0];
    assert_eq!(prop(first, "DTSTART"), "20350115T070000Z");
    assert_eq!(prop(first, "DTEND"), "20350115T090000Z");
    assert!(prop(first, "DTSTAMP").ends_with('Z'));
    assert_eq!(prop(first, "STATUS"), "CONFIRMED");
    assert_eq!(
        prop(first, "SUMMARY"),
        "Révision chaudière\\, brûleur\\; et vanne – Acme Lyon"
    );
    assert_eq!(
        prop(first, "LOCATION"),
        "Acme Lyon\\, 1 Main Street\\, 69001 Lyon\\, FR"
    );
    assert_eq!(prop(first, "DESCRIPTION"), "Status: Scheduled");
    assert_eq!(prop(&events[1], "STATUS"), "CANCELLED");
    assert!(!reply.text.contains("INTERNAL-NOTE") && !reply.text.contains("Boston"));
    // Only the hash is stored.
    let token = url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_string();
    let stored: Option<String> = run!(app.db.exec(), |c| sqlx::query_scalar(
        "SELECT calendar_token_hash FROM portal_users WHERE email = 'cal@a.example'"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    let stored = stored.expect("a hash");
    assert_ne!(stored, token);
    assert_eq!(stored, ordinavo_api::auth::tokens::hash(&token));
}

#[tokio::test]
async fn regenerating_revoking_or_disabling_kills_the_feed_url() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "rev@a.example", vec![whole(w.customer_a)])
        .await;
    let me = app
        .get_bearer(&format!("{PORTAL}/me"), &user.access_token)
        .await;
    assert_eq!(me.json["calendar_feed_enabled"], false);

    let first = app.calendar_feed_url(&user.access_token).await;
    assert_eq!(app.fetch_feed(&first).await.status, 200);
    let me = app
        .get_bearer(&format!("{PORTAL}/me"), &user.access_token)
        .await;
    assert_eq!(me.json["calendar_feed_enabled"], true);
    assert!(!me.text.contains(".ics"), "the URL is shown only once");

    // Regenerate: the old URL dies, the new one works.
    let second = app.calendar_feed_url(&user.access_token).await;
    assert_ne!(first, second);
    assert_problem(&app.fetch_feed(&first).await, 404, "not_found");
    assert_eq!(app.fetch_feed(&second).await.status, 200);

    // Revoke: dead, and idempotent.
    let revoked = app
        .delete_bearer(&format!("{PORTAL}/me/calendar-feed"), &user.access_token)
        .await;
    assert_eq!(revoked.status, 204);
    assert_problem(&app.fetch_feed(&second).await, 404, "not_found");
    let again = app
        .delete_bearer(&format!("{PORTAL}/me/calendar-feed"), &user.access_token)
        .await;
    assert_eq!(again.status, 204);
    let me = app
        .get_bearer(&format!("{PORTAL}/me"), &user.access_token)
        .await;
    assert_eq!(me.json["calendar_feed_enabled"], false);

    // Disable: dead, and it stays dead when the user is enabled again.
    let third = app.calendar_feed_url(&user.access_token).await;
    assert_eq!(app.fetch_feed(&third).await.status, 200);
    let disabled = app
        .post_json_bearer(
            &format!("{INTERNAL}/portal-users/{}/disable", user.id),
            &w.manager_token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_problem(&app.fetch_feed(&third).await, 404, "not_found");
    let enabled = app
        .post_json_bearer(
            &format!("{INTERNAL}/portal-users/{}/enable", user.id),
            &w.manager_token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    assert_problem(&app.fetch_feed(&third).await, 404, "not_found");

    // Unknown and malformed tokens: 404 as well.
    for path in [
        format!("{PORTAL}/calendar/{}.ics", "A".repeat(43)),
        format!("{PORTAL}/calendar/short.ics"),
        format!("{PORTAL}/calendar/{}", "A".repeat(43)),
    ] {
        assert_problem(&app.get(&path).await, 404, "not_found");
    }
    let audit: Vec<String> = run!(app.db.exec(), |c| {
        sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'portal.calendar_feed.%' ORDER BY at, id"
    )
    .fetch_all(c)
    .await
    })
    .unwrap();
    assert_eq!(
        audit,
        [
            "portal.calendar_feed.created",
            "portal.calendar_feed.created",
            "portal.calendar_feed.revoked",
            "portal.calendar_feed.created"
        ]
    );
}

#[tokio::test]
async fn the_feed_follows_the_owners_current_grants() {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let staff = staff_login(&app, StaffRole::Dispatcher).await;
    let user = app
        .portal_user(&w, "g@a.example", vec![whole(w.customer_a)])
        .await;
    let target = app.create_target(&staff, w.a2, "Boston visit").await;
    let (s, e) = days_ahead(3, 2);
    let id = app.scheduled(&staff, &target, &s, &e, "scheduled").await;
    let url = app.calendar_feed_url(&user.access_token).await;
    assert!(app.fetch_feed(&url).await.text.contains(&id));

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
            &serde_json::json!({ "all_locations": false, "location_ids": [w.a1] }),
        )
        .await;
    assert_eq!(narrowed.status, 200, "{}", narrowed.text);

    let reply = app.fetch_feed(&url).await;
    assert_eq!(reply.status, 200);
    assert!(!reply.text.contains(&id), "{}", reply.text);
    assert!(!reply.text.contains("BEGIN:VEVENT"));
}
