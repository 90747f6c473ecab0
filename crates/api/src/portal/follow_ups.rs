//! `GET /follow-ups`: further work a visit revealed, on the caller's locations, with its
//! public status, the note staff wrote for the customer, the visit planned for it and the
//! report it came from (only when that report is shared and the caller may read reports).
//!
//! Scoped in SQL by the caller's CURRENT grants. Never the internal notes.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::LocationId;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::visibility::report_is_portal_visible;
use ordinavo_persistence::follow_ups::{self, PortalFollowUp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::appointments::{LocalWindow, Shown, public_status_schema};
use crate::auth::portal::PortalCaller;
use crate::error::{ApiError, Problem};
use crate::pagination::{PageDto, page_request};
use crate::portal::work::NextAppointmentDto;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_follow_ups),
    components(schemas(FollowUpDto, PageDto<FollowUpDto>, NextAppointmentDto)),
    tags((name = "follow-ups", description = "Further work planned after a visit"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_follow_ups);
}

/// A follow-up as the portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDto {
    pub id: Uuid,
    /// The work item it belongs to (its title).
    pub title: String,
    pub location_id: Uuid,
    pub location_name: String,
    /// The public status code.
    #[schema(schema_with = public_status_schema)]
    pub status: String,
    /// The public status in the caller's language.
    pub status_label: String,
    /// What staff wrote for you about it.
    pub public_note: Option<String>,
    /// The visit planned for it, once planned.
    pub appointment: Option<NextAppointmentDto>,
    /// The shared visit report it came from (see `GET /reports/{id}`), when there is one
    /// and your access includes reports.
    pub report_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FollowUpDto {
    fn new(f: PortalFollowUp, locale: Locale) -> Option<Self> {
        let shown = Shown::new(f.status.public_status().public_status()?, locale);
        let appointment = f.appointment.and_then(|a| {
            let status = Shown::new(a.status.public_status().public_status()?, locale);
            Some(NextAppointmentDto {
                id: a.id.into_uuid(),
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                local: LocalWindow::new(a.starts_at, a.ends_at, &f.location_timezone),
                status: status.code.to_owned(),
                status_label: status.label.to_owned(),
            })
        });
        let report_id = f
            .report
            .filter(|r| {
                f.caller_can_view_reports
                    && report_is_portal_visible(r.status, r.published_at, r.unpublished_at)
            })
            .map(|r| r.id.into_uuid());
        Some(Self {
            id: f.id.into_uuid(),
            title: f.title,
            location_id: f.location_id.into_uuid(),
            location_name: f.location_name,
            status: shown.code.to_owned(),
            status_label: shown.label.to_owned(),
            public_note: f.public_note,
            appointment,
            report_id,
            created_at: f.created_at,
            updated_at: f.updated_at,
        })
    }
}

/// Query of `GET /follow-ups`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Only this location.
    pub location_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Follow-ups on your locations, newest first.
#[utoipa::path(
    get,
    path = "/follow-ups",
    tag = "follow-ups",
    params(FollowUpQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of follow-ups, newest first", body = PageDto<FollowUpDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/follow-ups")]
#[tracing::instrument(skip_all)]
pub async fn list_follow_ups(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = follow_ups::portal_list(
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
            .filter_map(|f| FollowUpDto::new(f, locale))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
