//! The built SPA is served at `/` with an `index.html` fallback for client-side routes, while
//! API paths and missing files stay problem 404s.

use ordinavo_tests::{TestApp, TestOptions, assert_problem};
use reqwest::Method;

const INDEX: &str = "<!doctype html><title>Ordinavo portal</title><div id=root></div>";

async fn app_with_spa() -> (TestApp, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    std::fs::write(dist.path().join("assets/app-1234.js"), "console.log('hi')").unwrap();
    let app = TestApp::spawn_with(TestOptions {
        frontend_dir: Some(dist.path().to_path_buf()),
        ..TestOptions::default()
    })
    .await;
    (app, dist)
}

#[tokio::test]
async fn the_root_and_client_side_routes_serve_the_index() {
    let (app, _dist) = app_with_spa().await;

    for path in ["/", "/requests/42", "/reports", "/invite/abc-token"] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.text, INDEX, "{path}");
        assert!(
            reply
                .header("content-type")
                .unwrap_or_default()
                .starts_with("text/html")
        );
    }
}

#[tokio::test]
async fn static_assets_are_served_as_files() {
    let (app, _dist) = app_with_spa().await;

    let reply = app.get("/assets/app-1234.js").await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.text, "console.log('hi')");
}

#[tokio::test]
async fn api_paths_and_missing_files_are_not_answered_with_the_index() {
    let (app, _dist) = app_with_spa().await;

    for path in [
        "/api/portal/v1/nope",
        "/api/anything",
        "/assets/missing.js",
        "/favicon.png",
    ] {
        let reply = app.get(path).await;
        assert_problem(&reply, 404, "not_found");
    }
}

#[tokio::test]
async fn a_post_to_a_client_side_route_is_not_the_index() {
    let (app, _dist) = app_with_spa().await;

    let reply = app.request(Method::POST, "/requests").await;

    assert_ne!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn without_a_built_spa_the_root_is_a_problem_404() {
    let app = TestApp::spawn().await;

    let reply = app.get("/").await;

    assert_problem(&reply, 404, "not_found");
}
