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

#[tokio::test]
async fn without_configured_origins_no_cross_origin_access_is_granted() {
    let app = TestApp::spawn().await;

    let reply = ordinavo_tests::read(
        app.client
            .get(app.url("/api/portal/v1/openapi.json"))
            .header("origin", "https://evil.example"),
    )
    .await;

    assert!(reply.header("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_configured_origin_may_call_the_api_with_credentials_and_others_may_not() {
    let app = TestApp::spawn_with(ordinavo_tests::TestOptions {
        env: vec![("ORDINAVO_CORS_ORIGINS", "https://portal.example.com".into())],
        ..Default::default()
    })
    .await;

    let allowed = ordinavo_tests::read(
        app.client
            .request(
                reqwest::Method::OPTIONS,
                app.url("/api/portal/v1/auth/login"),
            )
            .header("origin", "https://portal.example.com")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type"),
    )
    .await;
    let refused = ordinavo_tests::read(
        app.client
            .get(app.url("/api/portal/v1/openapi.json"))
            .header("origin", "https://evil.example"),
    )
    .await;

    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://portal.example.com")
    );
    assert_eq!(
        allowed.header("access-control-allow-credentials"),
        Some("true")
    );
    assert!(refused.header("access-control-allow-origin").is_none());
}
