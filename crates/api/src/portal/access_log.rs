//! The customer's access log (`GET /access-log`): which of the organisation's portal users
//! opened which shared report or downloaded which file, and when — on the locations the caller's
//! CURRENT grants cover. It reads the portal side of the release ledger only: no staff rows, no
//! staff names, nothing internal; the subject is named as the customer saw it (the report's
//! portal title, the file name).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use ordinavo_persistence::release_ledger::{self, AccessLogEntry};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::portal::PortalCaller;
use crate::error::{ApiError, Problem};
use crate::pagination::{PageDto, PageQuery};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(access_log),
    components(schemas(AccessLogEntryDto, PageDto<AccessLogEntryDto>)),
    tags((name = "access-log", description = "Who in your organisation opened shared reports and files"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(access_log);
}

/// One view or download by a portal user of your organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogEntryDto {
    pub id: Uuid,
    /// `viewed` (a report was opened) or `downloaded` (a file was downloaded).
    pub action: String,
    /// `report` or `attachment`.
    pub subject_kind: String,
    pub subject_id: Uuid,
    /// The report's title or the file's name.
    pub subject_name: String,
    pub portal_user_id: Uuid,
    /// The portal user's display name.
    pub portal_user_name: String,
    pub location_id: Uuid,
    pub location_name: String,
    pub at: DateTime<Utc>,
}

impl From<AccessLogEntry> for AccessLogEntryDto {
    fn from(e: AccessLogEntry) -> Self {
        Self {
            id: e.id,
            action: e.action,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            subject_name: e.subject_name,
            portal_user_id: e.portal_user_id,
            portal_user_name: e.portal_user_name,
            location_id: e.location_id,
            location_name: e.location_name,
            at: e.at,
        }
    }
}

/// Views of shared reports and downloads of shared files by your organisation's portal users,
/// on your locations, newest first.
#[utoipa::path(
    get,
    path = "/access-log",
    tag = "access-log",
    params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of the access log, newest first", body = PageDto<AccessLogEntryDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/access-log")]
#[tracing::instrument(skip_all)]
pub async fn access_log(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = query.parse()?;
    let page =
        release_ledger::portal_access_log(state.db.exec(), caller.user_id(), after.as_ref(), limit)
            .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, AccessLogEntryDto::from)))
}
