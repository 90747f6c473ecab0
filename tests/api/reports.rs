//! Visit reports and attachments end to end: approval is not publication, files are released
//! one by one, downloads are checked at every call and served safely, and every publish,
//! release, view and download lands in the release ledger (and the customer's access log).

use chrono::{Duration, Utc};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::run;
use ordinavo_tests::portal::{PortalUser, World, only, whole, world};
use ordinavo_tests::reports::{INTERNAL_BODY, appointment_at, publish_body, target_at};
use ordinavo_tests::requests::{audit_actions, pdf, png, timeline_kinds};
use ordinavo_tests::staff::staff_token;
use ordinavo_tests::{TestApp, assert_leaks_nothing, assert_problem};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A world, a portal user with every capability on customer A, and a work item at A1.
struct Setup {
    app: TestApp,
    w: World,
    user: PortalUser,
    target: ordinavo_domain::ids::TargetId,
}

async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "site@a.example", vec![whole(w.customer_a)])
        .await;
    let target = target_at(&app.db, w.customer_a, w.a1).await;
    Setup {
        app,
        w,
        user,
        target,
    }
}

/// A grant on the whole of `customer` with chosen report/download capabilities.
fn grant(customer: ordinavo_domain::ids::CustomerId, reports: bool, downloads: bool) -> Value {
    json!({ "customer_id": customer, "all_locations": true, "can_submit_requests": true,
            "can_view_reports": reports, "can_download_attachments": downloads })
}

fn ids(reply: &ordinavo_tests::Reply) -> Vec<String> {
    reply.json["items"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn assert_no_internal(text: &str) {
    assert_leaks_nothing(text);
    for internal in [
        "INTERNAL-NOTE",
        "approved_by",
        "published_by",
        "storage_key",
        "sha256",
        "body",
        "attachments/report/",
    ] {
        assert!(!text.contains(internal), "leaks {internal}: {text}");
    }
}

#[tokio::test]
async fn an_approved_but_unpublished_report_is_invisible_in_the_portal() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;

    // Act
    let list = s.app.portal_get(&s.user.access_token, "/reports").await;
    let one = s
        .app
        .portal_get(&s.user.access_token, &format!("/reports/{report}"))
        .await;
    let files = s
        .app
        .portal_get(
            &s.user.access_token,
            &format!("/reports/{report}/attachments"),
        )
        .await;
    let (download, _) = s.app.portal_download(&s.user.access_token, &file).await;

    // Assert: approved, and its file released, yet nothing is visible
    assert_eq!(list.status, 200);
    assert!(ids(&list).is_empty(), "{}", list.text);
    assert_problem(&one, 404, "not_found");
    assert_problem(&files, 404, "not_found");
    assert_problem(&download, 404, "not_found");
    assert!(timeline_kinds(&s.app.db, &report).await.is_empty());
}

#[tokio::test]
async fn a_published_report_shows_only_its_portal_texts_visit_date_and_location() {
    // Arrange
    let s = setup().await;
    let visit = Utc::now() - Duration::days(1);
    let appointment = appointment_at(&s.app.db, s.target, s.w.a1, visit).await;
    let report = s
        .app
        .create_report(&s.w.manager_token, s.target, Some(appointment))
        .await;
    for step in ["submit", "approve"] {
        s.app
            .staff_post(
                &s.w.manager_token,
                &format!("/reports/{report}/{step}"),
                None,
            )
            .await;
    }

    // Act
    s.app
        .publish_report(&s.w.manager_token, &report, "Boiler serviced")
        .await;
    let list = s.app.portal_get(&s.user.access_token, "/reports").await;
    let one = s
        .app
        .portal_get(&s.user.access_token, &format!("/reports/{report}"))
        .await;

    // Assert
    assert_eq!(ids(&list), vec![report.clone()]);
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json["title"], "Boiler serviced");
    assert_eq!(
        one.json["summary"],
        "We serviced the boiler; everything works."
    );
    assert_eq!(one.json["message"], "Next service in twelve months.");
    assert_eq!(one.json["status"], "shared");
    assert_eq!(one.json["status_label"], "Shared");
    assert_eq!(one.json["location_name"], "Acme Lyon");
    assert_eq!(one.json["location_id"], s.w.a1.to_string());
    let shown = chrono::DateTime::parse_from_rfc3339(one.json["visit_date"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert!((shown - visit).num_seconds().abs() < 1);
    let mut keys: Vec<&str> = one
        .json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "id",
            "location_id",
            "location_name",
            "message",
            "shared_at",
            "status",
            "status_label",
            "summary",
            "title",
            "visit_date"
        ]
    );
    assert_no_internal(&list.text);
    assert_no_internal(&one.text);
    assert_eq!(timeline_kinds(&s.app.db, &report).await, ["report_shared"]);
    assert_eq!(
        audit_actions(&s.app.db, &report).await,
        [
            "staff.report.created",
            "staff.report.submitted",
            "staff.report.approved",
            "staff.report.published"
        ]
    );
}

#[tokio::test]
async fn only_an_approved_report_can_be_published_and_the_conflict_names_the_way_forward() {
    // Arrange
    let s = setup().await;
    let report = s
        .app
        .create_report(&s.w.manager_token, s.target, None)
        .await;
    let path = format!("/reports/{report}/publish");

    // Act
    let draft = s
        .app
        .staff_post(&s.w.manager_token, &path, Some(&publish_body("x")))
        .await;
    s.app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/submit"),
            None,
        )
        .await;
    let submitted = s
        .app
        .staff_post(&s.w.manager_token, &path, Some(&publish_body("x")))
        .await;

    // Assert
    assert_problem(&draft, 409, "report_not_approved");
    assert_eq!(draft.json["allowed"], json!(["submitted"]));
    assert_problem(&submitted, 409, "report_not_approved");
    assert_eq!(submitted.json["allowed"], json!(["approved", "rejected"]));
    assert!(timeline_kinds(&s.app.db, &report).await.is_empty());
}

#[tokio::test]
async fn approving_and_publishing_need_a_manager_and_texts() {
    // Arrange
    let s = setup().await;
    let dispatcher = staff_token(&s.app, StaffRole::Dispatcher).await;
    let report = s.app.create_report(&dispatcher, s.target, None).await;
    s.app
        .staff_post(&dispatcher, &format!("/reports/{report}/submit"), None)
        .await;

    // Act
    let approve = s
        .app
        .staff_post(&dispatcher, &format!("/reports/{report}/approve"), None)
        .await;
    s.app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/approve"),
            None,
        )
        .await;
    let publish = s
        .app
        .staff_post(
            &dispatcher,
            &format!("/reports/{report}/publish"),
            Some(&publish_body("x")),
        )
        .await;
    let empty = s
        .app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/publish"),
            Some(&json!({ "portal_title": "  ", "portal_summary": "" })),
        )
        .await;

    // Assert
    assert_problem(&approve, 403, "forbidden");
    assert_problem(&publish, 403, "forbidden");
    assert_problem(&empty, 400, "validation_failed");
    let fields: Vec<&str> = empty.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["portal_title", "portal_summary"]);
}

#[tokio::test]
async fn an_unpublished_report_and_its_files_are_gone_at_once() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let (before, _) = s.app.portal_download(&s.user.access_token, &file).await;
    assert_eq!(before.status, 200);
    let shared_in_timeline = |reply: &ordinavo_tests::Reply| {
        reply.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "report_shared" && e["subject_id"] == report.as_str())
    };
    let timeline = s.app.portal_get(&s.user.access_token, "/timeline").await;
    assert_eq!(timeline.status, 200, "{}", timeline.text);
    assert!(shared_in_timeline(&timeline), "{}", timeline.text);

    // Act
    let unpublish = s
        .app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/unpublish"),
            None,
        )
        .await;

    // Assert
    assert_eq!(unpublish.status, 200, "{}", unpublish.text);
    assert_eq!(unpublish.json["portal_visible"], false);
    let list = s.app.portal_get(&s.user.access_token, "/reports").await;
    assert!(ids(&list).is_empty());
    let one = s
        .app
        .portal_get(&s.user.access_token, &format!("/reports/{report}"))
        .await;
    assert_problem(&one, 404, "not_found");
    let files = s
        .app
        .portal_get(
            &s.user.access_token,
            &format!("/reports/{report}/attachments"),
        )
        .await;
    assert_problem(&files, 404, "not_found");
    let (after, _) = s.app.portal_download(&s.user.access_token, &file).await;
    assert_problem(&after, 404, "not_found");
    let timeline = s.app.portal_get(&s.user.access_token, "/timeline").await;
    assert!(!shared_in_timeline(&timeline), "{}", timeline.text);
    assert!(!timeline.text.contains("Shared"), "{}", timeline.text);
    let again = s
        .app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/unpublish"),
            None,
        )
        .await;
    assert_problem(&again, 409, "report_not_published");

    // Republishing shows it again.
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared again")
        .await;
    let one = s
        .app
        .portal_get(&s.user.access_token, &format!("/reports/{report}"))
        .await;
    assert_eq!(one.json["title"], "Shared again");
}

#[tokio::test]
async fn files_are_released_one_by_one_and_a_withdrawn_file_is_404_at_once() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let released = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;
    let kept = s
        .app
        .staff_upload(
            &s.w.manager_token,
            "report",
            &report,
            "internal.pdf",
            &pdf(),
        )
        .await;
    assert_eq!(kept.status, 201, "{}", kept.text);
    let kept = kept.json["id"].as_str().unwrap().to_string();

    // Act
    let files = s
        .app
        .portal_get(
            &s.user.access_token,
            &format!("/reports/{report}/attachments"),
        )
        .await;
    let (unreleased, _) = s.app.portal_download(&s.user.access_token, &kept).await;
    let withdraw = s
        .app
        .staff_post(
            &s.w.manager_token,
            &format!("/attachments/{released}/withdraw"),
            None,
        )
        .await;
    let (withdrawn, _) = s.app.portal_download(&s.user.access_token, &released).await;
    let files_after = s
        .app
        .portal_get(
            &s.user.access_token,
            &format!("/reports/{report}/attachments"),
        )
        .await;

    // Assert
    assert_eq!(ids(&files), vec![released.clone()]);
    assert_eq!(files.json["items"][0]["downloadable"], true);
    assert_no_internal(&files.text);
    assert_problem(&unreleased, 404, "not_found");
    assert_eq!(withdraw.status, 200, "{}", withdraw.text);
    assert_eq!(withdraw.json["portal_released_at"], Value::Null);
    assert_problem(&withdrawn, 404, "not_found");
    assert!(ids(&files_after).is_empty());
    let twice = s
        .app
        .staff_post(
            &s.w.manager_token,
            &format!("/attachments/{released}/withdraw"),
            None,
        )
        .await;
    assert_problem(&twice, 409, "not_released");
    assert_eq!(twice.json["allowed"], json!(["release"]));
}

#[tokio::test]
async fn a_grant_without_downloads_or_a_customer_without_attachments_gets_404() {
    // Arrange
    let s = setup().await;
    let reader = s
        .app
        .portal_user(
            &s.w,
            "reader@a.example",
            vec![grant(s.w.customer_a, true, false)],
        )
        .await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;

    // Act: the reader sees the report and the file listed, but may not download it
    let files = s
        .app
        .portal_get(
            &reader.access_token,
            &format!("/reports/{report}/attachments"),
        )
        .await;
    let (no_grant, _) = s.app.portal_download(&reader.access_token, &file).await;
    let (allowed, _) = s.app.portal_download(&s.user.access_token, &file).await;
    let customer = s.w.customer_a.into_uuid();
    run!(s.app.db.exec(), |c| sqlx::query(
        "UPDATE customers SET attachments_enabled = FALSE WHERE id = $1"
    )
    .bind(customer)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    let (disabled, _) = s.app.portal_download(&s.user.access_token, &file).await;
    let files_disabled = s
        .app
        .portal_get(
            &s.user.access_token,
            &format!("/reports/{report}/attachments"),
        )
        .await;

    // Assert
    assert_eq!(files.json["items"][0]["downloadable"], false);
    assert_problem(&no_grant, 404, "not_found");
    assert_eq!(allowed.status, 200);
    assert_problem(&disabled, 404, "not_found");
    assert_eq!(files_disabled.json["items"][0]["downloadable"], false);
}

#[tokio::test]
async fn a_grant_without_reports_sees_no_report_and_no_report_file() {
    // Arrange
    let s = setup().await;
    let no_reports = s
        .app
        .portal_user(
            &s.w,
            "norep@a.example",
            vec![grant(s.w.customer_a, false, true)],
        )
        .await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;

    // Act
    let list = s.app.portal_get(&no_reports.access_token, "/reports").await;
    let one = s
        .app
        .portal_get(&no_reports.access_token, &format!("/reports/{report}"))
        .await;
    let (download, _) = s.app.portal_download(&no_reports.access_token, &file).await;

    // Assert
    assert!(ids(&list).is_empty());
    assert_problem(&one, 404, "not_found");
    assert_problem(&download, 404, "not_found");
}

#[tokio::test]
async fn another_customers_report_and_file_ids_are_404() {
    // Arrange
    let s = setup().await;
    let other = s
        .app
        .portal_user(&s.w, "other@b.example", vec![whole(s.w.customer_b)])
        .await;
    let one_site = s
        .app
        .portal_user(
            &s.w,
            "a2only@a.example",
            vec![only(s.w.customer_a, &[s.w.a2])],
        )
        .await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;

    for token in [&other.access_token, &one_site.access_token] {
        // Act
        let list = s.app.portal_get(token, "/reports").await;
        let one = s.app.portal_get(token, &format!("/reports/{report}")).await;
        let files = s
            .app
            .portal_get(token, &format!("/reports/{report}/attachments"))
            .await;
        let (download, _) = s.app.portal_download(token, &file).await;
        let log = s.app.portal_get(token, "/access-log").await;

        // Assert
        assert!(ids(&list).is_empty());
        assert_problem(&one, 404, "not_found");
        assert_problem(&files, 404, "not_found");
        assert_problem(&download, 404, "not_found");
        assert!(ids(&log).is_empty(), "{}", log.text);
    }
}

#[tokio::test]
async fn a_download_streams_the_exact_bytes_with_the_safe_headers() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let mut bytes = pdf();
    bytes.extend(std::iter::repeat_n(b'%', 300_000));
    let upload = s
        .app
        .staff_upload(
            &s.w.manager_token,
            "report",
            &report,
            "Rapport été.pdf",
            &bytes,
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    assert_eq!(upload.json["content_type"], "application/pdf");
    assert_eq!(upload.json["size"], bytes.len());
    assert_eq!(upload.json["sha256"], hex(&Sha256::digest(&bytes)));
    assert_eq!(upload.json["portal_released_at"], Value::Null);
    let id = upload.json["id"].as_str().unwrap().to_string();
    s.app
        .staff_post(
            &s.w.manager_token,
            &format!("/attachments/{id}/release"),
            None,
        )
        .await;

    // Act
    let (reply, body) = s.app.portal_download(&s.user.access_token, &id).await;

    // Assert
    assert_eq!(reply.status, 200);
    assert_eq!(body, bytes);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert_eq!(
        reply.header("content-disposition"),
        Some(
            "attachment; filename=\"Rapport _t_.pdf\"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.pdf"
        )
    );
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("content-security-policy"), Some("sandbox"));
    assert_eq!(
        reply.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
}

/// What a stored name must satisfy.
type NameCheck = Box<dyn Fn(&str) -> bool>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn hostile_file_names_are_stored_cleaned_and_served_inside_the_header() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let long = format!("{}.png", "é".repeat(296));
    let cases: Vec<(&str, NameCheck)> = vec![
        ("../../etc/passwd", Box::new(|n: &str| n == "passwd")),
        (
            "..\\..\\windows\\win.ini",
            Box::new(|n: &str| n.ends_with("win.ini") && !n.starts_with('.')),
        ),
        (
            "quote\"d; name=evil.png",
            Box::new(|n: &str| !n.contains('"') && !n.contains(';')),
        ),
        (
            "line\r\nX-Injected: yes.png",
            Box::new(|n: &str| !n.contains('\r') && !n.contains('\n')),
        ),
        (long.as_str(), Box::new(|n: &str| n.chars().count() == 200)),
        (
            "Ölwechsel 日本 😀.png",
            Box::new(|n: &str| n == "Ölwechsel 日本 😀.png"),
        ),
    ];

    for (name, stored_ok) in cases {
        // Act
        let upload = if name.contains(['\r', '\n']) {
            // A line break cannot travel raw in a part header; clients send it RFC 8187-encoded.
            let encoded = format!("filename*=UTF-8''{}", percent_encode(name));
            upload_with_disposition(&s, &report, &encoded).await
        } else {
            s.app
                .staff_upload(&s.w.manager_token, "report", &report, name, &png())
                .await
        };
        assert_eq!(upload.status, 201, "{name:?}: {}", upload.text);
        let stored = upload.json["filename"].as_str().unwrap().to_string();
        let id = upload.json["id"].as_str().unwrap().to_string();
        s.app
            .staff_post(
                &s.w.manager_token,
                &format!("/attachments/{id}/release"),
                None,
            )
            .await;
        let (reply, body) = s.app.portal_download(&s.user.access_token, &id).await;

        // Assert: a clean name, kept whole in `filename*`, never breaking out of the header
        assert!(stored_ok(&stored), "{name:?} stored as {stored:?}");
        assert!(
            !stored.contains('/') && !stored.contains('\\'),
            "{stored:?}"
        );
        assert_eq!(reply.status, 200, "{name:?}");
        assert_eq!(body, png());
        assert!(reply.header("x-injected").is_none());
        let disposition = reply.header("content-disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(disposition.is_ascii());
        let encoded = disposition
            .split("filename*=UTF-8''")
            .nth(1)
            .expect("an RFC 6266 filename*");
        assert_eq!(percent_decode(encoded), stored, "{disposition}");
        let fallback = disposition
            .split("filename=\"")
            .nth(1)
            .and_then(|r| r.split("\"; filename*=").next())
            .unwrap();
        assert!(!fallback.contains('"') && !fallback.contains('\\'));
    }
    // A raw line break in the part header breaks the part itself: refused, nothing stored.
    let raw = upload_with_disposition(&s, &report, "filename=\"a\r\nX-Injected: 1.png\"").await;
    assert_eq!(raw.status, 400, "{}", raw.text);
    // The storage keys are ids only: no file name reached the file system.
    let files = walk(&s.app.data_dir.join("files"));
    assert!(!files.is_empty());
    for path in files {
        let text = path.to_string_lossy().to_string();
        assert!(!text.contains("passwd") && !text.contains(".png"), "{text}");
    }
}

/// A staff upload of a PNG to `report` whose part carries `filename_param` verbatim.
async fn upload_with_disposition(
    s: &Setup,
    report: &str,
    filename_param: &str,
) -> ordinavo_tests::Reply {
    let boundary = "----ordinavo-hostile";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; {filename_param}\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&png());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    s.app
        .post_raw_bearer(
            &format!("/api/internal/v1/attachments?owner_kind=report&owner_id={report}"),
            &s.w.manager_token,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
        .await
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[tokio::test]
async fn uploads_are_sniffed_bounded_and_need_a_real_owner() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;

    // Act
    let script = s
        .app
        .staff_upload(
            &s.w.manager_token,
            "report",
            &report,
            "photo.png",
            b"<script>alert(1)</script>",
        )
        .await;
    let unknown = s
        .app
        .staff_upload(
            &s.w.manager_token,
            "report",
            &uuid::Uuid::new_v4().to_string(),
            "photo.png",
            &png(),
        )
        .await;
    let bad_kind = s
        .app
        .staff_upload(&s.w.manager_token, "invoice", &report, "photo.png", &png())
        .await;
    let to_target = s
        .app
        .staff_upload(
            &s.w.manager_token,
            "target",
            &s.target.to_string(),
            "site.png",
            &png(),
        )
        .await;
    let mut huge = png();
    huge.resize(50 * 1024 * 1024 + 1, 0);
    let too_large = s
        .app
        .staff_upload(&s.w.manager_token, "report", &report, "big.png", &huge)
        .await;
    let portal = s
        .app
        .post_raw_bearer(
            &format!("/api/internal/v1/attachments?owner_kind=report&owner_id={report}"),
            &s.user.access_token,
            "multipart/form-data; boundary=x",
            Vec::new(),
        )
        .await;

    // Assert
    assert_problem(&script, 415, "unsupported_media_type");
    assert_problem(&unknown, 400, "validation_failed");
    assert_eq!(unknown.json["errors"][0]["field"], "owner_id");
    assert_problem(&bad_kind, 400, "validation_failed");
    assert_eq!(to_target.status, 201, "{}", to_target.text);
    assert_problem(&too_large, 413, "payload_too_large");
    assert_problem(&portal, 401, "unauthorized");
    // Nothing of the refused uploads is left behind.
    let tmp = walk(&s.app.data_dir.join("tmp"));
    assert!(tmp.is_empty(), "{tmp:?}");
    assert_eq!(walk(&s.app.data_dir.join("files")).len(), 1);
}

#[tokio::test]
async fn customers_can_fetch_back_their_own_request_uploads_with_the_download_right() {
    // Arrange
    let s = setup().await;
    let no_downloads = s
        .app
        .portal_user(
            &s.w,
            "nodl@a.example",
            vec![grant(s.w.customer_a, true, false)],
        )
        .await;
    let request = s.app.create_request(&s.user.access_token, s.w.a1).await;
    let upload = s
        .app
        .upload(
            &s.user.access_token,
            &request,
            "leak.jpg",
            "image/jpeg",
            &png(),
        )
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    let id = upload.json["id"].as_str().unwrap().to_string();

    // Act
    let (own, body) = s.app.portal_download(&s.user.access_token, &id).await;
    let (without, _) = s.app.portal_download(&no_downloads.access_token, &id).await;

    // Assert
    assert_eq!(own.status, 200, "{}", own.text);
    assert_eq!(body, png());
    assert_eq!(own.header("content-type"), Some("image/png"));
    assert_problem(&without, 404, "not_found");
}

#[tokio::test]
async fn publishing_mails_the_users_who_follow_reports_there_in_their_language() {
    // Arrange
    let s = setup().await;
    let no_reports = s
        .app
        .portal_user(
            &s.w,
            "norep@a.example",
            vec![grant(s.w.customer_a, false, true)],
        )
        .await;
    let _b = s
        .app
        .portal_user(&s.w, "b@b.example", vec![whole(s.w.customer_b)])
        .await;
    let muted = s
        .app
        .portal_user(&s.w, "muted@a.example", vec![whole(s.w.customer_a)])
        .await;
    let reply = s
        .app
        .patch_json_bearer(
            "/api/portal/v1/me",
            &muted.access_token,
            &json!({ "notifications": { "reports": false } }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;

    // Act
    s.app
        .publish_report(&s.w.manager_token, &report, "Boiler serviced")
        .await;

    // Assert
    let rows = run!(s.app.db.exec(), |c| sqlx::query_as::<
        _,
        (String, String, sqlx::types::Json<Value>),
    >(
        "SELECT to_address, locale, payload FROM mail_outbox \
         WHERE template = 'report_shared' ORDER BY to_address"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    let to: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(to, [s.user.email.as_str()], "{rows:?}");
    assert_eq!(rows[0].2.0["report_title"], "Boiler serviced");
    assert_eq!(rows[0].2.0["location_name"], "Acme Lyon");
    assert!(
        rows[0].2.0["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/reports/{report}"))
    );
    assert!(!rows[0].2.0.to_string().contains("INTERNAL"));
    let _ = no_reports;

    // A text correction of a shared report is silent: no second mail, no second milestone,
    // and the milestone shows the corrected title.
    s.app
        .publish_report(&s.w.manager_token, &report, "Boiler serviced (corrected)")
        .await;
    let mails = run!(s.app.db.exec(), |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM mail_outbox WHERE template = 'report_shared'"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(mails, 1);
    assert_eq!(timeline_kinds(&s.app.db, &report).await, ["report_shared"]);
    let timeline = s.app.portal_get(&s.user.access_token, "/timeline").await;
    assert!(
        timeline.text.contains("Boiler serviced (corrected)"),
        "{}",
        timeline.text
    );
    let one = s
        .app
        .portal_get(&s.user.access_token, &format!("/reports/{report}"))
        .await;
    assert_eq!(one.json["title"], "Boiler serviced (corrected)");
}

#[tokio::test]
async fn the_ledger_records_every_publish_release_view_and_download_with_who_and_when() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;

    // Act
    s.app
        .portal_get(&s.user.access_token, &format!("/reports/{report}"))
        .await;
    let (download, _) = s.app.portal_download(&s.user.access_token, &file).await;
    assert_eq!(download.status, 200);
    s.app
        .staff_post(
            &s.w.manager_token,
            &format!("/attachments/{file}/withdraw"),
            None,
        )
        .await;
    s.app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/unpublish"),
            None,
        )
        .await;
    let report_ledger = s
        .app
        .staff_get(&s.w.manager_token, &format!("/reports/{report}/ledger"))
        .await;
    let file_ledger = s
        .app
        .staff_get(&s.w.manager_token, &format!("/attachments/{file}/ledger"))
        .await;
    let log = s.app.portal_get(&s.user.access_token, "/access-log").await;

    // Assert: staff see every act, newest first, with who did it
    let actions = |r: &ordinavo_tests::Reply| -> Vec<(String, String)> {
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_string(),
                    e["actor_kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(report_ledger.status, 200, "{}", report_ledger.text);
    assert_eq!(
        actions(&report_ledger),
        pairs(&[
            ("unpublished", "staff"),
            ("viewed", "portal"),
            ("published", "staff")
        ])
    );
    assert_eq!(
        actions(&file_ledger),
        pairs(&[
            ("withdrawn", "staff"),
            ("downloaded", "portal"),
            ("released", "staff")
        ])
    );
    assert_eq!(
        report_ledger.json["items"][1]["actor_name"],
        "Portal Person"
    );
    assert_eq!(report_ledger.json["items"][2]["actor_name"], "Test manager");
    assert!(report_ledger.json["items"][0]["at"].is_string());
    assert!(
        audit_actions(&s.app.db, &file)
            .await
            .contains(&"portal.attachment.downloaded".to_string())
    );

    // The customer sees only its own users' views and downloads, with no staff in sight.
    assert_eq!(log.status, 200, "{}", log.text);
    let entries = log.json["items"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["subject_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(seen, [("downloaded", "photo.png"), ("viewed", "Shared")]);
    for e in entries {
        assert_eq!(e["portal_user_name"], "Portal Person");
        assert_eq!(e["portal_user_id"], s.user.id);
        assert_eq!(e["location_name"], "Acme Lyon");
    }
    assert!(!log.text.contains("Test manager") && !log.text.contains("staff"));
    assert_no_internal(&log.text);
}

#[tokio::test]
async fn staff_read_reports_with_their_files_and_rework_a_rejected_one() {
    // Arrange
    let s = setup().await;
    let report = s
        .app
        .create_report(&s.w.manager_token, s.target, None)
        .await;
    s.app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/submit"),
            None,
        )
        .await;
    s.app
        .staff_upload(&s.w.manager_token, "report", &report, "a.png", &png())
        .await;

    // Act
    let rejected = s
        .app
        .staff_post(
            &s.w.manager_token,
            &format!("/reports/{report}/reject"),
            None,
        )
        .await;
    let version = rejected.json["version"].as_i64().unwrap();
    let reworked = s
        .app
        .patch_json_bearer(
            &format!("/api/internal/v1/reports/{report}"),
            &s.w.manager_token,
            &json!({ "version": version, "body": "Corrected text" }),
        )
        .await;
    let detail = s
        .app
        .staff_get(&s.w.manager_token, &format!("/reports/{report}"))
        .await;
    let list = s
        .app
        .staff_get(
            &s.w.manager_token,
            &format!("/reports?target_id={}&status=draft", s.target),
        )
        .await;

    // Assert
    assert_eq!(rejected.json["status"], "rejected");
    assert_eq!(reworked.status, 200, "{}", reworked.text);
    assert_eq!(reworked.json["status"], "draft");
    assert_eq!(detail.json["body"], "Corrected text");
    assert_eq!(detail.json["attachments"].as_array().unwrap().len(), 1);
    assert_eq!(ids(&list), vec![report.clone()]);
    let stale = s
        .app
        .patch_json_bearer(
            &format!("/api/internal/v1/reports/{report}"),
            &s.w.manager_token,
            &json!({ "version": version, "body": "again" }),
        )
        .await;
    assert_problem(&stale, 409, "stale_version");
    let _ = INTERNAL_BODY;
}

/// Asks for a one-time link to `file` as `token`; returns the link's path.
async fn download_link(app: &TestApp, token: &str, file: &str) -> String {
    let reply = app
        .post_json_bearer(
            &format!("/api/portal/v1/attachments/{file}/download-link"),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json["url"].as_str().unwrap().to_string()
}

/// Opens a link without any credentials; the status and the body.
async fn open_link(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.client.get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_browser_link_works_once_for_its_file_and_is_stored_hashed() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;
    let other = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;

    // Act
    let link = download_link(&s.app, &s.user.access_token, &file).await;
    let ticket = link.split("ticket=").nth(1).unwrap().to_string();
    let wrong_file = link.replace(&file, &other);
    let (wrong, _, _) = open_link(&s.app, &wrong_file).await;
    let (first, headers, body) = open_link(&s.app, &link).await;
    let (second, _, _) = open_link(&s.app, &link).await;

    // Assert
    assert_eq!(wrong, 404, "a ticket is bound to its file");
    assert_eq!(first, 200);
    assert_eq!(body, png());
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(headers["content-security-policy"], "sandbox");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(second, 404, "a ticket works once");
    let stored: Vec<String> = run!(s.app.db.exec(), |c| sqlx::query_scalar(
        "SELECT token_hash FROM download_tickets"
    )
    .fetch_all(c)
    .await)
    .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], ticket);
    assert_eq!(stored[0].len(), 64);
    let ledger = s
        .app
        .staff_get(&s.w.manager_token, &format!("/attachments/{file}/ledger"))
        .await;
    assert_eq!(ledger.json["items"][0]["action"], "downloaded");
    assert_eq!(ledger.json["items"][0]["actor_id"], s.user.id);
}

#[tokio::test]
async fn a_browser_link_dies_with_its_minute_its_session_or_the_grant() {
    // Arrange
    let s = setup().await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    s.app
        .publish_report(&s.w.manager_token, &report, "Shared")
        .await;
    let file = s
        .app
        .released_report_file(&s.w.manager_token, &report, &png())
        .await;
    let hidden = s
        .app
        .staff_upload(&s.w.manager_token, "report", &report, "x.png", &png())
        .await;
    let hidden = hidden.json["id"].as_str().unwrap().to_string();

    // Act + Assert: no link for a file the caller may not download
    let refused = s
        .app
        .post_json_bearer(
            &format!("/api/portal/v1/attachments/{hidden}/download-link"),
            &s.user.access_token,
            &json!({}),
        )
        .await;
    assert_problem(&refused, 404, "not_found");

    // Expired: a minute later it is worthless.
    let link = download_link(&s.app, &s.user.access_token, &file).await;
    let past = chrono::Utc::now() - Duration::seconds(1);
    run!(s.app.db.exec(), |c| sqlx::query(
        "UPDATE download_tickets SET expires_at = $1"
    )
    .bind(past)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    assert_eq!(open_link(&s.app, &link).await.0, 404);

    // The grant loses downloads between issue and use: re-checked, refused.
    let link = download_link(&s.app, &s.user.access_token, &file).await;
    run!(s.app.db.exec(), |c| sqlx::query(
        "UPDATE portal_grants SET can_download_attachments = FALSE"
    )
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
    assert_eq!(open_link(&s.app, &link).await.0, 404);
    run!(s.app.db.exec(), |c| sqlx::query(
        "UPDATE portal_grants SET can_download_attachments = TRUE"
    )
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();

    // The session ends (sign-out) between issue and use: refused.
    let link = download_link(&s.app, &s.user.access_token, &file).await;
    let out = s
        .app
        .post_cookie("/api/portal/v1/auth/logout", &s.user.refresh_cookie)
        .await;
    assert_eq!(out.status, 204, "{}", out.text);
    assert_eq!(open_link(&s.app, &link).await.0, 404);

    // Garbage tickets never reach the database.
    let (garbage, _, _) = open_link(
        &s.app,
        &format!("/api/portal/v1/attachments/{file}/download?ticket=../../etc"),
    )
    .await;
    assert_eq!(garbage, 404);
}

#[tokio::test]
async fn internal_report_and_attachment_routes_refuse_portal_tokens_and_low_roles() {
    // Arrange
    let s = setup().await;
    let dispatcher = staff_token(&s.app, StaffRole::Dispatcher).await;
    let report = s.app.approved_report(&s.w.manager_token, s.target).await;
    let upload = s
        .app
        .staff_upload(&dispatcher, "report", &report, "a.png", &png())
        .await;
    assert_eq!(upload.status, 201, "dispatchers upload: {}", upload.text);
    let file = upload.json["id"].as_str().unwrap().to_string();
    // (method, path, a dispatcher may)
    let routes = [
        ("GET", format!("/reports/{report}"), true),
        ("GET", "/reports".to_string(), true),
        ("GET", format!("/reports/{report}/ledger"), true),
        ("GET", format!("/attachments/{file}"), true),
        ("GET", format!("/attachments/{file}/ledger"), true),
        ("GET", format!("/attachments/{file}/content"), true),
        ("POST", format!("/reports/{report}/approve"), false),
        ("POST", format!("/reports/{report}/reject"), false),
        ("POST", format!("/reports/{report}/publish"), false),
        ("POST", format!("/reports/{report}/unpublish"), false),
        ("POST", format!("/attachments/{file}/release"), false),
        ("POST", format!("/attachments/{file}/withdraw"), false),
    ];

    for (method, path, dispatcher_may) in routes {
        let method: reqwest::Method = method.parse().unwrap();
        let body = (method == reqwest::Method::POST).then(|| publish_body("x"));
        for (token, expected) in [
            (None, 401),
            (Some(s.user.access_token.as_str()), 401),
            (
                Some(dispatcher.as_str()),
                if dispatcher_may { 200 } else { 403 },
            ),
        ] {
            // Act
            let reply =
                ordinavo_tests::staff::send(&s.app, method.clone(), &path, token, body.as_ref())
                    .await;
            // Assert
            assert_eq!(reply.status, expected, "{method} {path}: {}", reply.text);
        }
    }
}
