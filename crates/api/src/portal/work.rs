//! `GET /work`: the reduced open-work overview — the work items still open on the caller's
//! locations, each with its public status, the request it came from and its next appointment.
//!
//! Scoped in SQL by the caller's CURRENT grants. Never priority, internal notes, billing
//! trigger, routing score or internal status: only the public status language.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::LocationId;
use ordinavo_domain::locale::Locale;
use ordinavo_persistence::targets::{self, NextAppointment, PortalWorkItem, WorkRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::appointments::{LocalWindow, Shown, public_status_schema};
use crate::auth::portal::PortalCaller;
use crate::error::{ApiError, Problem};
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_work),
    components(schemas(
        WorkItemDto,
        PageDto<WorkItemDto>,
        WorkRequestDto,
        NextAppointmentDto
    )),
    tags((name = "work", description = "Open work on your locations"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_work);
}

/// The request a work item came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkRequestDto {
    pub id: Uuid,
    pub title: String,
    #[schema(schema_with = public_status_schema)]
    pub status: String,
    pub status_label: String,
}

/// The next visit planned for a work item.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextAppointmentDto {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The window on the location's wall clock.
    pub local: LocalWindow,
    #[schema(schema_with = public_status_schema)]
    pub status: String,
    pub status_label: String,
}

/// An open work item as the portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkItemDto {
    pub id: Uuid,
    pub title: String,
    pub location_id: Uuid,
    pub location_name: String,
    /// The public status code.
    #[schema(schema_with = public_status_schema)]
    pub status: String,
    /// The public status in the caller's language.
    pub status_label: String,
    /// The service request this work answers, when it came from one.
    pub request: Option<WorkRequestDto>,
    /// The earliest visit that has not ended yet, if one is planned.
    pub next_appointment: Option<NextAppointmentDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn request_dto(r: WorkRequest, locale: Locale) -> Option<WorkRequestDto> {
    let shown = Shown::new(r.status.public_status().public_status()?, locale);
    Some(WorkRequestDto {
        id: r.id.into_uuid(),
        title: r.title,
        status: shown.code.to_owned(),
        status_label: shown.label.to_owned(),
    })
}

fn next_dto(a: NextAppointment, timezone: &str, locale: Locale) -> Option<NextAppointmentDto> {
    let shown = Shown::new(a.status.public_status().public_status()?, locale);
    Some(NextAppointmentDto {
        id: a.id.into_uuid(),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        local: LocalWindow::new(a.starts_at, a.ends_at, timezone),
        status: shown.code.to_owned(),
        status_label: shown.label.to_owned(),
    })
}

impl WorkItemDto {
    fn new(w: PortalWorkItem, locale: Locale) -> Option<Self> {
        let shown = Shown::new(w.status.public_status().public_status()?, locale);
        let next_appointment = w
            .next_appointment
            .and_then(|a| next_dto(a, &w.location_timezone, locale));
        Some(Self {
            id: w.id.into_uuid(),
            title: w.title,
            location_id: w.location_id.into_uuid(),
            location_name: w.location_name,
            status: shown.code.to_owned(),
            status_label: shown.label.to_owned(),
            request: w.request.and_then(|r| request_dto(r, locale)),
            next_appointment,
            created_at: w.created_at,
            updated_at: w.updated_at,
        })
    }
}

/// Query of `GET /work`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkQuery {
    /// Only this location.
    pub location_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The open work on your locations, newest first.
#[utoipa::path(
    get,
    path = "/work",
    tag = "work",
    params(WorkQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of open work items, newest first", body = PageDto<WorkItemDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/work")]
#[tracing::instrument(skip_all)]
pub async fn list_work(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<WorkQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = targets::portal_open_work(
        state.db.exec(),
        caller.user_id(),
        query.location_id.map(LocationId::from_uuid),
        after.as_ref(),
        limit,
    )
    .await?;
    let locale = caller.scope.locale;
    Ok(HttpResponse::Ok().json(PageDto {
        items: page
            .items
            .into_iter()
            .filter_map(|w| WorkItemDto::new(w, locale))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
