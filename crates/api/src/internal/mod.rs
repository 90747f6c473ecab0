//! The internal surface (`/api/internal/v1`): staff tools and integrations. One module per
//! resource; each exposes `configure` (its routes) and `Doc` (its OpenAPI paths), and both
//! are listed here once.

use actix_web::web;
use utoipa::OpenApi;

pub mod auth;

/// Registers every internal route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    auth::configure(cfg);
}

/// The OpenAPI fragments of every internal module, merged into `openapi/internal.json`.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![auth::Doc::openapi()]
}
