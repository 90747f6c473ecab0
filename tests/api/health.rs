//! `/healthz` and `/readyz`.

use ordinavo_tests::{TestApp, assert_problem};

#[tokio::test]
async fn healthz_answers_200_while_the_process_runs() {
    let app = TestApp::spawn().await;

    let reply = app.get("/healthz").await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_200_when_the_database_answers() {
    let app = TestApp::spawn().await;

    let reply = app.get("/readyz").await;

    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], "ready");
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_gone_while_healthz_stays_200() {
    let app = TestApp::spawn().await;
    app.db.close().await;

    let ready = app.get("/readyz").await;
    let healthy = app.get("/healthz").await;

    assert_problem(&ready, 503, "unavailable");
    assert_eq!(healthy.status, 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;

    let first = app.get("/healthz").await;
    let second = app.get("/nothing-here").await;

    let a = first.header("x-request-id").expect("request id");
    let b = second
        .header("x-request-id")
        .expect("request id on errors too");
    assert_ne!(a, b);
    assert!(uuid::Uuid::parse_str(a).is_ok());
}
