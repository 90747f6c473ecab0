//! The Ordinavo Customer Portal's HTTP service and command line.
//!
//! A guided tour:
//! - [`config`]: `Settings` from `ORDINAVO_*` variables, and what `--production` refuses.
//! - [`startup`]: the actix-web server: middleware, the portal and internal surfaces, the SPA.
//! - [`error`]: RFC 9457 problem+json for every failure; nothing internal in a response.
//! - [`fields`] and [`pagination`]: the edge of every handler — field-by-field validation of
//!   bodies (every invalid field at once) and `?cursor=&limit=` lists.
//! - [`openapi`]: the two OpenAPI documents (portal, internal) and their export.
//! - [`auth`]: access tokens, opaque secrets, the `StaffCaller`/`PortalCaller` extractors,
//!   sign-in throttling.
//! - [`portal`] and [`internal`]: the two API surfaces, one module per resource.
//! - [`health`], [`spa`], [`security_headers`], [`middleware`]: the edges of the server.
//! - [`passwords`]: argon2id hashing and the password policy.
//! - [`storage`], [`uploads`] and [`downloads`]: attachment bytes behind a storage trait (files
//!   under the data dir or an S3 bucket; keys from ids), streamed in ([`uploads`], spooled and
//!   sniffed) and out ([`downloads`], with the safe download headers).
//! - [`appointments`]: what the appointment, work and follow-up routes share (the location's
//!   wall clock, status schemas, the 409 of a refused move); [`ics`]: the calendar feed's
//!   RFC 5545 writer.
//! - [`requests`]: what the portal and internal service-request routes share (window DTO, enum
//!   schemas, the 409 of a refused status change).
//! - [`commands`]: what the `ordinavo` binary's subcommands do ([`cli`] declares them).

pub mod appointments;
pub mod auth;
pub mod cli;
pub mod clock_text;
pub mod commands;
pub mod config;
pub mod demo;
pub mod demo_scale;
pub mod downloads;
pub mod error;
pub mod fields;
pub mod health;
pub mod ics;
pub mod internal;
pub mod mail;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod passwords;
pub mod portal;
pub mod requests;
pub mod security_headers;
pub mod spa;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod uploads;
