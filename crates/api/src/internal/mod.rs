//! The internal surface (`/api/internal/v1`): staff tools and integrations. One module per
//! resource; each exposes `configure` (its routes) and `Doc` (its OpenAPI paths), and both
//! are listed here once.

use actix_web::web;
use utoipa::OpenApi;

pub mod api_keys;
pub mod appointments;
pub mod attachments;
pub mod audit_log;
pub mod auth;
pub mod contacts;
pub mod customers;
pub mod follow_ups;
pub mod grant_input;
pub mod grants;
pub mod invitations;
pub mod locations;
pub mod portal_users;
pub mod reports;
pub mod requests;
pub mod staff_users;
pub mod targets;

/// Registers every internal route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    auth::configure(cfg);
    invitations::configure(cfg);
    portal_users::configure(cfg);
    grants::configure(cfg);
    customers::configure(cfg);
    locations::configure(cfg);
    contacts::configure(cfg);
    staff_users::configure(cfg);
    api_keys::configure(cfg);
    audit_log::configure(cfg);
    requests::configure(cfg);
    reports::configure(cfg);
    attachments::configure(cfg);
    targets::configure(cfg);
    appointments::configure(cfg);
    follow_ups::configure(cfg);
}

/// The OpenAPI fragments of every internal module, merged into `openapi/internal.json`.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        auth::Doc::openapi(),
        invitations::Doc::openapi(),
        portal_users::Doc::openapi(),
        grants::Doc::openapi(),
        customers::Doc::openapi(),
        locations::Doc::openapi(),
        contacts::Doc::openapi(),
        staff_users::Doc::openapi(),
        api_keys::Doc::openapi(),
        audit_log::Doc::openapi(),
        requests::Doc::openapi(),
        reports::Doc::openapi(),
        attachments::Doc::openapi(),
        targets::Doc::openapi(),
        appointments::Doc::openapi(),
        follow_ups::Doc::openapi(),
    ]
}
