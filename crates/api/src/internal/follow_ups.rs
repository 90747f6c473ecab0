//! Follow-ups for staff: record further work a visit revealed (`follow_up_required` on the
//! customer's timeline), plan it with an appointment (`follow_up_planned`), complete it.
//!
//! Each change is one transaction with its timeline and audit rows. The timeline payload holds
//! the public note, the work item's title and the planned times; never the internal notes.
//! Dispatchers and above.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::follow_up::FollowUpStatus;
use ordinavo_domain::ids::{AppointmentId, FollowUpId, ReportId, TargetId};
use ordinavo_domain::roles::StaffRole;
use ordinavo_domain::timeline::TimelineKind;
use ordinavo_domain::transition::TransitionError;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::follow_ups::{self, FollowUp, NewFollowUp};
use ordinavo_persistence::timeline::{self, NewTimelineEvent};
use ordinavo_persistence::{OptionalExt, StoreError, Tx, appointments, targets, time};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::appointments::{follow_up_status_schema, transition_conflict};
use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors};
use crate::requests::TRANSITION_ATTEMPTS;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(create_follow_up, get_follow_up, plan_follow_up, complete_follow_up),
    components(schemas(StaffFollowUp, NewFollowUpBody, PlanFollowUp)),
    tags((name = "follow-ups", description = "Further work after a visit"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_follow_up)
        .service(get_follow_up)
        .service(plan_follow_up)
        .service(complete_follow_up);
}

/// Longest public note (what the customer reads), in characters.
const MAX_PUBLIC_NOTE_CHARS: usize = 2000;
/// Longest internal note, in characters.
const MAX_NOTES_CHARS: usize = 5000;

/// A follow-up as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffFollowUp {
    pub id: Uuid,
    pub target_id: Uuid,
    pub customer_id: Uuid,
    pub location_id: Uuid,
    /// The work item's title.
    pub title: String,
    pub report_id: Option<Uuid>,
    #[schema(schema_with = follow_up_status_schema)]
    pub status: FollowUpStatus,
    /// What the customer reads.
    pub public_note: Option<String>,
    pub planned_appointment_id: Option<Uuid>,
    /// Internal only.
    pub internal_notes: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<FollowUp> for StaffFollowUp {
    fn from(f: FollowUp) -> Self {
        Self {
            id: f.id.into_uuid(),
            target_id: f.target_id.into_uuid(),
            customer_id: f.customer_id.into_uuid(),
            location_id: f.location_id.into_uuid(),
            title: f.title,
            report_id: f.report_id.map(ReportId::into_uuid),
            status: f.status,
            public_note: f.public_note,
            planned_appointment_id: f.planned_appointment_id.map(AppointmentId::into_uuid),
            internal_notes: f.internal_notes,
            version: f.version,
            created_at: f.created_at,
            updated_at: f.updated_at,
        }
    }
}

fn field_error(field: &str, code: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: message.into(),
    }
}

/// Appends a follow-up's timeline row.
async fn record_timeline(
    tx: &mut Tx,
    f: &FollowUp,
    kind: TimelineKind,
    payload: serde_json::Value,
) -> Result<(), ApiError> {
    timeline::insert(
        tx.exec(),
        &NewTimelineEvent {
            customer_id: f.customer_id,
            location_id: f.location_id,
            kind,
            subject_id: f.id.into_uuid(),
            occurred_at: time::now(),
            public_payload: payload,
        },
    )
    .await?;
    Ok(())
}

/// Appends a follow-up's audit row.
async fn record_audit(
    tx: &mut Tx,
    caller: &StaffCaller,
    req: &HttpRequest,
    action: &'static str,
    id: FollowUpId,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, action)
        .subject("follow_up", id.into_uuid())
        .ip(client_ip(req))
        .details(details);
    audit::record(tx.exec(), &entry).await?;
    Ok(())
}

/// Further work to record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollowUpBody {
    /// The work item the further work belongs to.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub target_id: Option<Uuid>,
    /// The visit report that revealed it (a report of that work item).
    #[serde(default)]
    pub report_id: Option<Uuid>,
    /// What the customer reads: 1–2,000 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub public_note: String,
    /// Internal only. At most 5,000 characters.
    #[serde(default)]
    pub internal_notes: Option<String>,
}

/// Record further work (`required`); the customer's timeline shows `follow_up_required`.
#[utoipa::path(
    post,
    path = "/follow-ups",
    tag = "follow-ups",
    request_body = NewFollowUpBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = StaffFollowUp),
        (status = 400, description = "Invalid fields, unknown work item or report", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/follow-ups")]
#[tracing::instrument(skip_all)]
pub async fn create_follow_up(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<NewFollowUpBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let note = errors.check(fields::text(
        "public_note",
        &body.public_note,
        MAX_PUBLIC_NOTE_CHARS,
        true,
    ));
    let notes = errors.check(fields::optional_text(
        "internal_notes",
        body.internal_notes.as_deref(),
        MAX_NOTES_CHARS,
        true,
    ));
    let target = match body.target_id {
        None => {
            errors.push(field_error("target_id", "required", "must be given"));
            None
        }
        Some(id) => {
            let found = targets::get(state.db.exec(), TargetId::from_uuid(id))
                .await
                .optional()?;
            if found.is_none() {
                errors.push(field_error(
                    "target_id",
                    "unknown_reference",
                    "no work item has this id",
                ));
            }
            found
        }
    };
    let report_id = body.report_id.map(ReportId::from_uuid);
    if let (Some(report), Some(target)) = (report_id, &target)
        && !follow_ups::report_of_target(state.db.exec(), report, target.id).await?
    {
        errors.push(field_error(
            "report_id",
            "unknown_reference",
            "no report of this work item has this id",
        ));
    }
    let (Some(public_note), Some(internal_notes), Some(target), true) =
        (note, notes, target, errors.is_empty())
    else {
        return Err(errors.into_error());
    };
    let mut tx = state.db.begin().await?;
    let created = follow_ups::insert(
        tx.exec(),
        &NewFollowUp {
            target_id: target.id,
            report_id,
            public_note,
            internal_notes,
        },
    )
    .await?;
    let payload = serde_json::json!({
        "title": created.title,
        "public_note": created.public_note,
        "status": FollowUpStatus::Required.public_status().public_status().map(|s| s.code()),
    });
    record_timeline(&mut tx, &created, TimelineKind::FollowUpRequired, payload).await?;
    let details = serde_json::json!({ "target_id": target.id, "report_id": report_id });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.follow_up.created",
        created.id,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(StaffFollowUp::from(created)))
}

/// One follow-up with its internal notes.
#[utoipa::path(
    get,
    path = "/follow-ups/{id}",
    tag = "follow-ups",
    params(("id" = Uuid, Path, description = "Follow-up id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The follow-up", body = StaffFollowUp),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such follow-up", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/follow-ups/{id}")]
#[tracing::instrument(skip_all, fields(follow_up_id = %id))]
pub async fn get_follow_up(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let f = follow_ups::get(state.db.exec(), FollowUpId::from_uuid(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(StaffFollowUp::from(f)))
}

/// Opens the transaction of a follow-up status change with the conditional update as its first
/// statement; re-reads and re-decides when it changed meanwhile.
async fn move_follow_up(
    state: &AppState,
    id: FollowUpId,
    step: fn(FollowUpStatus) -> Result<FollowUpStatus, TransitionError>,
    appointment: Option<AppointmentId>,
) -> Result<(Tx, FollowUp, FollowUpStatus), ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = follow_ups::get(state.db.exec(), id).await?;
        let to = step(current.status).map_err(|e| transition_conflict(&e))?;
        let mut tx = state.db.begin().await?;
        match follow_ups::change_status(tx.exec(), id, current.status, to, appointment).await {
            Ok(moved) => return Ok((tx, moved, current.status)),
            Err(StoreError::StaleVersion) if attempt < TRANSITION_ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// The appointment a follow-up is planned with.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanFollowUp {
    /// A confirmed appointment (scheduled, dispatched, on the way or on site) at the follow-up's
    /// location.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub appointment_id: Option<Uuid>,
}

/// Plan a follow-up with an appointment; the customer's timeline shows `follow_up_planned`.
#[utoipa::path(
    post,
    path = "/follow-ups/{id}/plan",
    tag = "follow-ups",
    params(("id" = Uuid, Path, description = "Follow-up id")),
    request_body = PlanFollowUp,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Planned", body = StaffFollowUp),
        (status = 400, description = "No such confirmed appointment at this location", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such follow-up", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not plannable from its status; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/follow-ups/{id}/plan")]
#[tracing::instrument(skip_all, fields(follow_up_id = %id))]
pub async fn plan_follow_up(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<PlanFollowUp>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = FollowUpId::from_uuid(id.into_inner());
    let follow_up = follow_ups::get(state.db.exec(), id).await?;
    let Some(appointment_id) = body.appointment_id.map(AppointmentId::from_uuid) else {
        return Err(ApiError::invalid_fields(vec![field_error(
            "appointment_id",
            "required",
            "must be given",
        )]));
    };
    let appointment = appointments::get(state.db.exec(), appointment_id)
        .await
        .optional()?
        .filter(|a| a.location_id == follow_up.location_id && a.status.is_live());
    let Some(appointment) = appointment else {
        return Err(ApiError::invalid_fields(vec![field_error(
            "appointment_id",
            "unknown_reference",
            "no confirmed, not yet finished appointment at this follow-up's location has this id",
        )]));
    };
    let (mut tx, moved, from) =
        move_follow_up(&state, id, FollowUpStatus::plan, Some(appointment.id)).await?;
    let payload = serde_json::json!({
        "title": moved.title,
        "public_note": moved.public_note,
        "status": moved.status.public_status().public_status().map(|s| s.code()),
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
    });
    record_timeline(&mut tx, &moved, TimelineKind::FollowUpPlanned, payload).await?;
    let details = serde_json::json!({
        "from": from.as_str(),
        "to": moved.status.as_str(),
        "appointment_id": appointment.id,
    });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.follow_up.planned",
        id,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffFollowUp::from(moved)))
}

/// Complete a follow-up (the further work is done, with or without a visit).
#[utoipa::path(
    post,
    path = "/follow-ups/{id}/complete",
    tag = "follow-ups",
    params(("id" = Uuid, Path, description = "Follow-up id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Done", body = StaffFollowUp),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such follow-up", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already done or cancelled; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/follow-ups/{id}/complete")]
#[tracing::instrument(skip_all, fields(follow_up_id = %id))]
pub async fn complete_follow_up(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = FollowUpId::from_uuid(id.into_inner());
    let (mut tx, moved, from) = move_follow_up(&state, id, FollowUpStatus::complete, None).await?;
    let details = serde_json::json!({ "from": from.as_str(), "to": moved.status.as_str() });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.follow_up.completed",
        id,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffFollowUp::from(moved)))
}
