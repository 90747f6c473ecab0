//! Errors are RFC 9457 problem documents with a stable code and nothing internal in them.

use ordinavo_tests::{TestApp, assert_problem};
use reqwest::Method;

#[tokio::test]
async fn an_unknown_route_is_a_problem_404() {
    let app = TestApp::spawn().await;

    for path in [
        "/no-such-page",
        "/api/portal/v1/no-such-route",
        "/api/internal/v1/no-such-route",
        "/api/v2/anything",
    ] {
        let reply = app.get(path).await;
        assert_problem(&reply, 404, "not_found");
    }
}

#[tokio::test]
async fn an_unknown_method_on_a_known_path_is_a_problem_not_an_empty_body() {
    let app = TestApp::spawn().await;

    let reply = app
        .request(Method::DELETE, "/api/portal/v1/openapi.json")
        .await;

    assert!(
        reply.status == 404 || reply.status == 405,
        "got {}",
        reply.status
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn an_error_body_never_contains_sql_paths_or_stack_traces() {
    let app = TestApp::spawn().await;
    app.db.close().await;

    let reply = app.get("/readyz").await;

    // assert_problem also scans the body for SQL, file paths and traces.
    assert_problem(&reply, 503, "unavailable");
    assert!(reply.json.get("detail").is_none());
}
