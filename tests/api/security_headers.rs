//! Security headers on every response; no caching of API answers.

use ordinavo_tests::TestApp;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;

    for path in ["/healthz", "/api/portal/v1/openapi.json", "/missing"] {
        let reply = app.get(path).await;
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{path}"
        );
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{path}");
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn api_responses_are_never_cached() {
    let app = TestApp::spawn().await;

    for path in [
        "/api/portal/v1/openapi.json",
        "/api/internal/v1/openapi.json",
        "/api/portal/v1/unknown",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{path}");
    }
}
