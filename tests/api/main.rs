//! Black-box tests of the HTTP server: each test spawns the real app on 127.0.0.1:0 over a
//! fresh database (SQLite by default, PostgreSQL with `TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod appointments;
mod authz_matrix;
mod calendar_feed;
mod demo;
mod errors;
mod health;
mod internal_admin;
mod jwt_attacks;
mod mail;
mod openapi;
mod portal_admin;
mod portal_auth;
mod portal_me;
mod reports;
mod requests_internal;
mod requests_portal;
mod security_headers;
mod spa;
mod storage_s3;
mod work_follow_ups_timeline;
