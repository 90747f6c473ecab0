//! The portal surface (`/api/portal/v1`): what portal users (through the SPA) may call. One
//! module per resource; each exposes `configure` (its routes) and `Doc` (its OpenAPI paths).
//! Every handler but the sign-in ones takes a `PortalCaller`, whose scope filters its queries.

use actix_web::web;
use utoipa::OpenApi;

pub mod access_log;
pub mod appointments;
pub mod auth;
pub mod calendar;
pub mod follow_ups;
pub mod invitations;
pub mod locations;
pub mod me;
pub mod password_reset;
pub mod reports;
pub mod requests;
pub mod session;
pub mod timeline;
pub mod work;

/// Registers every portal route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    auth::configure(cfg);
    invitations::configure(cfg);
    password_reset::configure(cfg);
    me::configure(cfg);
    locations::configure(cfg);
    requests::configure(cfg);
    reports::configure(cfg);
    access_log::configure(cfg);
    appointments::configure(cfg);
    work::configure(cfg);
    follow_ups::configure(cfg);
    timeline::configure(cfg);
    calendar::configure(cfg);
}

/// The OpenAPI fragments of every portal module, merged into `openapi/portal.json`.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        auth::Doc::openapi(),
        invitations::Doc::openapi(),
        password_reset::Doc::openapi(),
        me::Doc::openapi(),
        locations::Doc::openapi(),
        requests::Doc::openapi(),
        reports::Doc::openapi(),
        access_log::Doc::openapi(),
        appointments::Doc::openapi(),
        work::Doc::openapi(),
        follow_ups::Doc::openapi(),
        timeline::Doc::openapi(),
        calendar::Doc::openapi(),
    ]
}
