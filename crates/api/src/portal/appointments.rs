//! Appointments in the portal: the upcoming visits on the caller's locations (the hot path) and
//! one appointment.
//!
//! Every query is scoped in SQL by the caller's CURRENT grants; an appointment outside them, or
//! one that is only pencilled in (`tentative`), answers 404 exactly like one that does not
//! exist. Times come as UTC instants and as the location's wall clock (date, start and end
//! time, offset) so "08:00 in Lyon" reads 08:00 whatever the reader's own time zone. Never the
//! technician, routing score, internal status or internal notes.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{AppointmentId, LocationId};
use ordinavo_domain::locale::Locale;
use ordinavo_persistence::appointments::{
    self, CallerPage, ListCaller, PortalAppointment, PortalFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::appointments::{LocalWindow, Shown, parse_instant, public_status_schema};
use crate::auth::portal::{PortalCaller, PortalToken};
use crate::clock_text;
use crate::error::{ApiError, FieldError, Problem};
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_appointments, get_appointment),
    components(schemas(PortalAppointmentDto, PageDto<PortalAppointmentDto>, LocalWindow)),
    tags((name = "appointments", description = "Technician visits on your locations"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_appointments).service(get_appointment);
}

/// An appointment as the portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalAppointmentDto {
    pub id: Uuid,
    /// What the visit is for (the work item's title).
    pub title: String,
    pub location_id: Uuid,
    pub location_name: String,
    /// The service request this visit answers, when it came from one.
    pub request_id: Option<Uuid>,
    /// Start, UTC instant.
    #[serde(serialize_with = "clock_text::serialize_instant")]
    pub starts_at: DateTime<Utc>,
    /// End, UTC instant.
    #[serde(serialize_with = "clock_text::serialize_instant")]
    pub ends_at: DateTime<Utc>,
    /// The same window on the location's wall clock.
    pub local: LocalWindow,
    /// The public status code.
    #[schema(schema_with = public_status_schema)]
    pub status: String,
    /// The public status in the caller's language.
    pub status_label: String,
}

impl PortalAppointmentDto {
    /// The DTO in `locale`; `None` for a status customers do not see (never returned by the
    /// store's portal queries, checked again here).
    pub fn new(a: PortalAppointment, locale: Locale) -> Option<Self> {
        let shown = Shown::new(a.status.public_status().public_status()?, locale);
        Some(Self {
            id: a.id.into_uuid(),
            title: a.title,
            location_id: a.location_id.into_uuid(),
            location_name: a.location_name,
            request_id: a.request_id.map(|r| r.into_uuid()),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            local: LocalWindow::new(a.starts_at, a.ends_at, &a.location_timezone),
            status: shown.code.to_owned(),
            status_label: shown.label.to_owned(),
        })
    }
}

/// Query of `GET /appointments`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only appointments starting at or after this instant (RFC 3339). Without it the list is
    /// "upcoming": every appointment that has not ended yet.
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only appointments starting before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// Only this location (one of yours; another one simply lists nothing).
    pub location_id: Option<Uuid>,
    /// The `next_cursor` of the previous page (pass the same `from`/`to`/`location_id`).
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

fn instant(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse_instant(t).map(Some).ok_or_else(|| FieldError {
            field: field.into(),
            code: "invalid_datetime".into(),
            message: "must be an RFC 3339 date-time such as 2030-05-01T08:00:00+02:00".into(),
        }),
    }
}

/// An optional `from` and an optional `to`.
pub type Bounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The `from`/`to` filter of a query: each an RFC 3339 instant, `from` before `to`.
pub fn window_filter(from: Option<&str>, to: Option<&str>) -> Result<Bounds, ApiError> {
    let mut errors = Vec::new();
    let from = instant("from", from)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let to = instant("to", to).map_err(|e| errors.push(e)).ok().flatten();
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        errors.push(FieldError {
            field: "to".into(),
            code: "window_order".into(),
            message: "must be after from".into(),
        });
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(ApiError::invalid_fields(errors))
    }
}

/// Your appointments, ordered by start: upcoming by default.
///
/// Cancelled ones stay listed (with status `cancelled`) so a visit never silently disappears;
/// appointments that are only pencilled in are not shown at all.
#[utoipa::path(
    get,
    path = "/appointments",
    tag = "appointments",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page, by start time then id", body = PageDto<PortalAppointmentDto>),
        (status = 400, description = "Invalid `from`/`to`, query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/appointments")]
#[tracing::instrument(skip_all)]
pub async fn list_appointments(
    state: web::Data<AppState>,
    token: PortalToken,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let (from, to) = window_filter(query.from.as_deref(), query.to.as_deref())?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = PortalFilter {
        location_id: query.location_id.map(LocationId::from_uuid),
        from,
        to,
    };
    // One statement re-checks session, user and CURRENT grants and reads the page.
    let CallerPage { locale, page } = appointments::portal_list(
        state.db.exec(),
        ListCaller::Session(token.0),
        &filter,
        after.as_ref(),
        limit,
    )
    .await?
    .ok_or(ApiError::Unauthorized)?;
    PageDto {
        items: page
            .items
            .into_iter()
            .filter_map(|a| PortalAppointmentDto::new(a, locale))
            .collect(),
        next_cursor: page.next_cursor,
    }
    .respond(APPOINTMENT_JSON_BYTES)
}

/// About how many bytes one appointment takes in JSON (~500 measured, plus room for long
/// titles and names).
const APPOINTMENT_JSON_BYTES: usize = 640;

/// One appointment.
#[utoipa::path(
    get,
    path = "/appointments/{id}",
    tag = "appointments",
    params(("id" = Uuid, Path, description = "Appointment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The appointment", body = PortalAppointmentDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment within your access", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/appointments/{id}")]
#[tracing::instrument(skip_all, fields(appointment_id = %id))]
pub async fn get_appointment(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = AppointmentId::from_uuid(id.into_inner());
    let a = appointments::portal_get(state.db.exec(), caller.user_id(), id).await?;
    let dto = PortalAppointmentDto::new(a, caller.scope.locale).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(dto))
}
