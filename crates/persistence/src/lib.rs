//! Storage for the Ordinavo Customer Portal.
//!
//! A guided tour:
//! - [`db`] is the seam: [`Db`] (a pool on PostgreSQL or SQLite), [`Tx`] (one transaction per
//!   use case) and [`Exec`] (where one query runs). Each query is one SQL text, expanded for both
//!   native drivers by [`run!`]; the schema lives in `migrations/{sqlite,postgres}`.
//! - [`error`] says what a caller can act on: not found, conflict on a named constraint, stale
//!   version; everything else is opaque.
//! - [`page`] is keyset pagination: opaque cursors, never OFFSET.
//! - One module per aggregate ([`customers`], [`locations`], [`contacts`], [`staff_users`],
//!   [`portal_users`], [`grants`], [`service_requests`], [`targets`], [`appointments`],
//!   [`follow_ups`], [`reports`], [`attachments`]), the private [`calendar_feeds`], plus the [`release_ledger`] of what was shared and opened, and
//!   the side effects written in the same transaction as a change ([`timeline`], [`audit`],
//!   [`mail_outbox`]).
//!   Internal read models select every column; portal read models (e.g.
//!   [`service_requests::PortalServiceRequest`]) are separate structs that select only
//!   portal-safe columns and filter by the caller's grants in SQL.

pub mod api_keys;
pub mod appointments;
pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod calendar_feeds;
pub mod contacts;
pub mod customers;
pub mod db;
pub mod download_tickets;
pub mod error;
pub mod follow_ups;
pub mod grants;
pub mod invitations;
pub mod locations;
pub mod login_throttle;
pub mod mail_outbox;
pub mod page;
pub mod portal_scope;
pub mod portal_users;
pub mod release_ledger;
pub mod reports;
pub mod reset_tokens;
pub mod service_requests;
pub mod sessions;
pub mod staff_users;
pub mod targets;
pub mod testing;
pub mod time;
pub mod timeline;

pub use db::{Backend, ConnectOptions, Db, Exec, Tx};
pub use error::{OptionalExt, StoreError};

/// Parses a status/kind column into its domain enum; an unknown value is a corrupt row.
pub(crate) fn parse_enum<T: std::str::FromStr>(value: &str) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Other(format!("unexpected enum value in database: {value}")))
}
