//! `GET /locations`: the sites the caller's current grants cover, with their customer's name
//! and what the caller may do at each.

use actix_web::{HttpResponse, get, web};
use ordinavo_persistence::portal_scope::{self, PortalLocation};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::portal::PortalCaller;
use crate::error::{ApiError, Problem};
use crate::pagination::{PageDto, PageQuery};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(paths(list), components(schemas(LocationDto, PageDto<LocationDto>)))]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list);
}

/// A granted location.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationDto {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// IANA time zone; appointment times at this location are shown in it.
    pub timezone: String,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
}

impl From<PortalLocation> for LocationDto {
    fn from(l: PortalLocation) -> Self {
        Self {
            id: l.id,
            name: l.name,
            address: l.address,
            city: l.city,
            postal_code: l.postal_code,
            country: l.country,
            timezone: l.timezone,
            customer_id: l.customer_id,
            customer_name: l.customer_name,
            can_submit_requests: l.can_submit_requests,
            can_view_reports: l.can_view_reports,
            can_download_attachments: l.can_download_attachments,
        }
    }
}

/// The locations the signed-in user may see, by name.
#[utoipa::path(
    get,
    path = "/locations",
    tag = "locations",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Granted locations", body = PageDto<LocationDto>),
        (status = 400, description = "Invalid cursor or query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/locations")]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = query.parse::<String>()?;
    let page =
        portal_scope::locations(state.db.exec(), caller.user_id(), after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, LocationDto::from)))
}
