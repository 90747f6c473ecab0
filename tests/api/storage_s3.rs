//! The S3 storage backend against a real S3 API: a local `moto_server` (PyPI `moto[server]`)
//! started by the test. Uploads bigger than one multipart part go up in parts, come back
//! byte for byte through the portal, and nothing lands in the local data directory.
//!
//! When `moto_server` is not installed the test says so and passes without running (the
//! trait itself is covered by every other attachment test, on the filesystem backend).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ordinavo_tests::portal::{whole, world};
use ordinavo_tests::reports::target_at;
use ordinavo_tests::requests::png;
use ordinavo_tests::{TestApp, TestOptions};
use sha2::{Digest, Sha256};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `moto_server` on a free port; `None` when it is not installed.
async fn moto() -> Option<(Server, String)> {
    let port = free_port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = Server(child);
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&endpoint).send().await.is_ok() {
            return Some((server, endpoint));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("moto_server did not start on port {port}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn attachments_round_trip_through_an_s3_bucket_in_multipart_parts() {
    // Arrange
    let Some((_server, endpoint)) = moto().await else {
        eprintln!("moto_server not installed (pip install 'moto[server]'): S3 test skipped");
        return;
    };
    let client = reqwest::Client::new();
    let created = client
        .put(format!("{endpoint}/ordinavo-files"))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "create bucket: {created:?}");
    let app = TestApp::spawn_with(TestOptions {
        env: vec![
            (
                "ORDINAVO_STORAGE_URL",
                "s3://ordinavo-files/portal/prod".into(),
            ),
            ("AWS_ENDPOINT_URL", endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ],
        ..TestOptions::default()
    })
    .await;
    let w = world(&app).await;
    let user = app
        .portal_user(&w, "s3@a.example", vec![whole(w.customer_a)])
        .await;
    let target = target_at(&app.db, w.customer_a, w.a1).await;
    let report = app.approved_report(&w.manager_token, target).await;
    app.publish_report(&w.manager_token, &report, "Stored in S3")
        .await;
    // 12 MiB: more than two 5 MiB parts.
    let mut bytes = png();
    bytes.extend((0..12 * 1024 * 1024).map(|i: u32| (i % 251) as u8));

    // Act
    let upload = app
        .staff_upload(&w.manager_token, "report", &report, "big.png", &bytes)
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    let id = upload.json["id"].as_str().unwrap().to_string();
    app.staff_post(
        &w.manager_token,
        &format!("/attachments/{id}/release"),
        None,
    )
    .await;
    let (reply, body) = app.portal_download(&user.access_token, &id).await;

    // Assert
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(body.len(), bytes.len());
    assert_eq!(hex(&Sha256::digest(&body)), hex(&Sha256::digest(&bytes)));
    assert_eq!(upload.json["sha256"], hex(&Sha256::digest(&bytes)));
    let listing = client
        .get(format!("{endpoint}/ordinavo-files?list-type=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = format!("portal/prod/attachments/report/{report}/{id}");
    assert!(listing.contains(&key), "{listing}");
    assert!(!app.data_dir.join("files").exists());
}
