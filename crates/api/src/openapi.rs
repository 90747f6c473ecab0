//! The two OpenAPI documents, one per trust zone, and their export to `openapi/`.
//!
//! The portal and internal surfaces are documented separately so an integrator of one never
//! sees the other, and so the "no internal field" rule can be checked on the portal spec alone.

use std::path::Path;

use actix_web::{HttpResponse, get};
use utoipa::OpenApi;

use crate::error::{FieldError, Problem};

/// `openapi/portal.json`: what portal users (through the SPA) may call.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ordinavo Customer Portal — portal API",
        description = "The API behind the customer portal. Every route is scoped by the caller's \
            customer and location grants; anything outside them answers 404. Errors are RFC 9457 \
            problem+json documents with a stable `code`.",
        version = "1.0.0",
        license(name = "Proprietary")
    ),
    servers((url = "/api/portal/v1")),
    paths(portal_spec),
    components(schemas(Problem, FieldError)),
    tags((name = "meta", description = "About this API"))
)]
#[derive(Debug)]
pub struct PortalApi;

/// `openapi/internal.json`: what staff tools and integrations may call.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ordinavo Customer Portal — internal API",
        description = "The staff-facing API: review, planning, publishing, invitations and grants. \
            Authenticate with a staff token or an API key. Errors are RFC 9457 problem+json \
            documents with a stable `code`.",
        version = "1.0.0",
        license(name = "Proprietary")
    ),
    servers((url = "/api/internal/v1")),
    paths(internal_spec),
    components(schemas(Problem, FieldError)),
    tags((name = "meta", description = "About this API"))
)]
#[derive(Debug)]
pub struct InternalApi;

/// The portal API's own OpenAPI document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "portal_openapi",
    responses((status = 200, description = "This OpenAPI document", content_type = "application/json"))
)]
#[get("/openapi.json")]
pub async fn portal_spec() -> HttpResponse {
    HttpResponse::Ok().json(portal_document())
}

/// The internal API's own OpenAPI document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    operation_id = "internal_openapi",
    responses((status = 200, description = "This OpenAPI document", content_type = "application/json"))
)]
#[get("/openapi.json")]
pub async fn internal_spec() -> HttpResponse {
    HttpResponse::Ok().json(internal_document())
}

/// The portal document as generated from the code: the base plus every portal module's paths.
pub fn portal_document() -> utoipa::openapi::OpenApi {
    assemble(PortalApi::openapi(), crate::portal::docs())
}

/// The internal document as generated from the code.
pub fn internal_document() -> utoipa::openapi::OpenApi {
    assemble(InternalApi::openapi(), crate::internal::docs())
}

fn assemble(
    mut base: utoipa::openapi::OpenApi,
    parts: Vec<utoipa::openapi::OpenApi>,
) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    for part in parts {
        base.merge(part);
    }
    if let Some(components) = base.components.as_mut() {
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
    base
}

/// The committed form of a document: pretty JSON with a trailing newline.
pub fn render(doc: &utoipa::openapi::OpenApi) -> anyhow::Result<String> {
    let mut text = doc.to_pretty_json()?;
    text.push('\n');
    Ok(text)
}

/// Writes `portal.json` and `internal.json` into `dir` (created if missing).
pub fn export(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("portal.json"), render(&portal_document())?)?;
    std::fs::write(dir.join("internal.json"), render(&internal_document())?)?;
    Ok(())
}
