//! The portal surface (`/api/portal/v1`): what portal users (through the SPA) may call. One
//! module per resource; each exposes `configure` (its routes) and `Doc` (its OpenAPI paths).
//! Every handler but the sign-in ones takes a `PortalCaller`, whose scope filters its queries.

use actix_web::web;

/// Registers every portal route.
pub fn configure(_cfg: &mut web::ServiceConfig) {}

/// The OpenAPI fragments of every portal module, merged into `openapi/portal.json`.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    Vec::new()
}
