//! The internal surface (`/api/internal/v1`): staff tools and integrations. One module per
//! resource; each exposes `configure` (its routes) and `Doc` (its OpenAPI paths), and both
//! are listed here once.

use actix_web::web;
use utoipa::OpenApi;

pub mod api_keys;
pub mod audit_log;
pub mod auth;
pub mod contacts;
pub mod customers;
pub mod grant_input;
pub mod grants;
pub mod invitations;
pub mod locations;
pub mod portal_users;
pub mod requests;
pub mod staff_users;

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
    ]
}
