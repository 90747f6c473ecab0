//! The `ordinavo` binary as an operator meets it: bad settings exit non-zero naming the
//! variable, an unreachable database is said plainly, passwords never come from argv.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use ordinavo_persistence::testing::fresh_database_url;

const BIN: &str = env!("CARGO_BIN_EXE_ordinavo");

/// A command with a clean `ORDINAVO_*` environment, its data dir in `dir`.
fn ordinavo(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("ORDINAVO_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("ORDINAVO_DATA_DIR", dir)
        .env("ORDINAVO_LOG", "warn");
    cmd
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ordinavo");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_bad_setting_exits_2_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();

    let out = ordinavo(dir.path())
        .env("ORDINAVO_BIND", "not-an-address")
        .arg("migrate")
        .output()
        .unwrap();

    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ORDINAVO_BIND"), "{}", stderr(&out));
}

#[test]
fn production_refuses_to_start_without_secrets_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();

    let out = ordinavo(dir.path())
        .env("ORDINAVO_PUBLIC_URL", "https://portal.example.com")
        .args(["--production", "serve"])
        .output()
        .unwrap();

    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ORDINAVO_PORTAL_JWT_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn production_refuses_sqlite_in_memory() {
    let dir = tempfile::tempdir().unwrap();

    let out = ordinavo(dir.path())
        .env("ORDINAVO_DATABASE_URL", "sqlite::memory:")
        .args(["--production", "serve"])
        .output()
        .unwrap();

    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ORDINAVO_DATABASE_URL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unreachable_database_is_reported_clearly_without_its_password() {
    let dir = tempfile::tempdir().unwrap();

    let out = ordinavo(dir.path())
        .env(
            "ORDINAVO_DATABASE_URL",
            "postgres://app:hunter2-secret@127.0.0.1:1/ordinavo?connect_timeout=2",
        )
        .arg("migrate")
        .output()
        .unwrap();

    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("cannot open the database at postgres://app:***@127.0.0.1:1/"),
        "{err}"
    );
    assert!(!err.contains("hunter2-secret"), "{err}");
}

#[tokio::test]
async fn staff_create_reads_the_password_from_stdin_and_refuses_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await.unwrap();
    let create = || {
        let mut cmd = ordinavo(dir.path());
        cmd.env("ORDINAVO_DATABASE_URL", &url).args([
            "staff",
            "create",
            "--email",
            "Ops.Lead@Example.com",
            "--name",
            "Ops Lead",
            "--role",
            "manager",
        ]);
        cmd
    };

    let first = run_with_stdin(create(), "a long enough passphrase\n");
    let second = run_with_stdin(create(), "a long enough passphrase\n");

    assert!(first.status.success(), "{}", stderr(&first));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("ops.lead@example.com"), "{stdout}");
    assert!(!stdout.contains("passphrase"));
    assert_eq!(second.status.code(), Some(2));
    assert!(
        stderr(&second).contains("already exists"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn staff_create_refuses_a_short_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = ordinavo(dir.path());
    cmd.args([
        "staff",
        "create",
        "--email",
        "a@example.com",
        "--name",
        "A",
        "--role",
        "admin",
    ]);

    let out = run_with_stdin(cmd, "short\n");

    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("at least 12 characters"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn staff_create_has_no_password_argument() {
    let dir = tempfile::tempdir().unwrap();

    let out = ordinavo(dir.path())
        .args([
            "staff",
            "create",
            "--email",
            "a@example.com",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "a long enough passphrase",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();

    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn openapi_export_writes_both_documents() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("spec");

    let out = ordinavo(dir.path())
        .args(["openapi", "export", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();

    assert!(out.status.success(), "{}", stderr(&out));
    let portal: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("portal.json")).unwrap())
            .unwrap();
    let internal: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("internal.json")).unwrap())
            .unwrap();
    assert_eq!(portal["servers"][0]["url"], "/api/portal/v1");
    assert_eq!(internal["servers"][0]["url"], "/api/internal/v1");
}

#[tokio::test]
async fn demo_seed_prints_each_login_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database_url(dir.path()).await.unwrap();
    let seed = || {
        ordinavo(dir.path())
            .env("ORDINAVO_DATABASE_URL", &url)
            .args(["demo", "seed", "--if-empty"])
            .output()
            .unwrap()
    };

    let first = seed();
    let second = seed();

    let first_out = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(first_out.contains("admin@ordinavo.example"), "{first_out}");
    assert!(
        first_out.contains("jonas.weber@alpenblick.example"),
        "{first_out}"
    );
    let second_out = String::from_utf8_lossy(&second.stdout);
    assert!(second.status.success());
    assert!(
        !second_out.contains("admin@ordinavo.example"),
        "{second_out}"
    );
}
