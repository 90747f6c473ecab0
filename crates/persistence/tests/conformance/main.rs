//! The persistence conformance story: every store function of the seam, told once and run
//! against every backend. By default each test gets a fresh temp SQLite file; with
//! `TEST_DATABASE_URL` set (e.g. `postgres://postgres@127.0.0.1:5432/postgres`) each test gets a
//! brand-new PostgreSQL database instead. CI runs both, so a query that behaves differently on
//! the two dialects (ordering, precision, constraint names, error mapping) fails here first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod appointments_hot_path;
mod customers;
mod grants;
mod locations_and_contacts;
mod portal_users;
mod reports;
mod seam;
mod staff_users;
mod support;
