//! `GET /timeline`: the customer-safe history of the caller's locations, newest first — only
//! the milestones of the domain's `TimelineKind` (request submitted/accepted/rejected/cancelled,
//! appointment scheduled/rescheduled/cancelled, visit completed, report shared, follow-up
//! required/planned), each labelled in the caller's language.
//!
//! Scoped in SQL by the caller's CURRENT grants; `report_shared` only where the caller may read
//! reports. The payload is what staff actions wrote for customers (titles, public notes and
//! reasons, dates), never an internal field.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::LocationId;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::timeline::{TimelineKind, TimelineSubjectKind};
use ordinavo_persistence::timeline::{self, PortalTimelineEvent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::portal::PortalCaller;
use crate::error::{ApiError, Problem};
use crate::fields;
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_timeline),
    components(schemas(TimelineEventDto, PageDto<TimelineEventDto>)),
    tags((name = "timeline", description = "The history of your locations"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_timeline);
}

fn kind_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<TimelineKind>()
}

fn subject_kind_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<TimelineSubjectKind>()
}

/// One milestone.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEventDto {
    pub id: Uuid,
    #[schema(schema_with = kind_schema)]
    pub kind: TimelineKind,
    /// What happened, in the caller's language.
    pub label: String,
    /// What the event is about: `request`, `appointment`, `report` or `follow_up`.
    #[schema(schema_with = subject_kind_schema)]
    pub subject_kind: TimelineSubjectKind,
    pub subject_id: Uuid,
    pub location_id: Uuid,
    pub location_name: String,
    /// The location's IANA time zone, to show the payload's instants on its wall clock.
    pub timezone: String,
    pub occurred_at: DateTime<Utc>,
    /// Customer-safe details: e.g. `title`, `status`, `public_reason`, `public_note`,
    /// `starts_at`/`ends_at` (UTC instants), depending on the kind.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl TimelineEventDto {
    fn new(e: PortalTimelineEvent, locale: Locale) -> Self {
        Self {
            id: e.id.into_uuid(),
            kind: e.kind,
            label: e.kind.label(locale).to_owned(),
            subject_kind: e.kind.subject_kind(),
            subject_id: e.subject_id,
            location_id: e.location_id.into_uuid(),
            location_name: e.location_name,
            timezone: e.location_timezone,
            occurred_at: e.occurred_at,
            payload: e.public_payload,
        }
    }
}

/// Query of `GET /timeline`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// Only this location.
    pub location_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The history of your locations, newest first.
#[utoipa::path(
    get,
    path = "/timeline",
    tag = "timeline",
    params(TimelineQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of milestones, newest first", body = PageDto<TimelineEventDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/timeline")]
#[tracing::instrument(skip_all)]
pub async fn list_timeline(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<TimelineQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = timeline::portal_list(
        state.db.exec(),
        caller.user_id(),
        query.location_id.map(LocationId::from_uuid),
        after.as_ref(),
        limit,
    )
    .await?;
    let locale = caller.scope.locale;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, |e| {
        TimelineEventDto::new(e, locale)
    })))
}
