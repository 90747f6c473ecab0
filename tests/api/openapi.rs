//! The two OpenAPI documents: served by each surface, and identical to the committed files.

use ordinavo_api::openapi::{internal_document, portal_document, render};
use ordinavo_tests::TestApp;
use serde_json::Value;

/// Checks a served document names its own surface's base path and nothing of the other.
fn check_servers(doc: &Value, own: &str, other: &str) {
    assert_eq!(doc["servers"][0]["url"], own);
    assert!(!doc.to_string().contains(other));
}

#[tokio::test]
async fn each_surface_serves_its_own_document_and_not_the_others() {
    let app = TestApp::spawn().await;

    let portal = app.get("/api/portal/v1/openapi.json").await;
    let internal = app.get("/api/internal/v1/openapi.json").await;

    assert_eq!(portal.status, 200);
    assert_eq!(internal.status, 200);
    check_servers(&portal.json, "/api/portal/v1", "/api/internal/v1");
    check_servers(&internal.json, "/api/internal/v1", "/api/portal/v1");
}

#[test]
fn the_committed_specs_match_the_code() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi");
    for (file, doc) in [
        ("portal.json", portal_document()),
        ("internal.json", internal_document()),
    ] {
        let committed = std::fs::read_to_string(format!("{root}/{file}")).unwrap_or_default();
        assert!(
            committed == render(&doc).unwrap(),
            "openapi/{file} is out of date: run `cargo run -p ordinavo-api -- openapi export --out openapi`"
        );
    }
}
