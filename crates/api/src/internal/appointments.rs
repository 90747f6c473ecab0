//! Appointments for staff: schedule a visit for a work item, reschedule it (optimistic on
//! `version`), move it through its status graph, and read them back with every internal field
//! (technician, routing score, internal notes).
//!
//! Each change is one transaction with what it implies for the customer:
//! - confirming a visit (created `scheduled`, or `tentative -> scheduled`) moves the originating
//!   request to `planned` (mailing the customers who follow it) and an `open` work item to
//!   `planned`, and writes `appointment_scheduled` to the timeline;
//! - a new time for a visible appointment writes `appointment_rescheduled`;
//! - cancelling a visible one writes `appointment_cancelled`, completing one `visit_completed`
//!   (the domain's [`AppointmentStatus::timeline_kind`] decides);
//! - every change is audited.
//!
//! Timeline payloads carry only customer-safe values: the work item's title, the times and
//! the public status. Dispatchers and above.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::appointment::{AppointmentStatus, AppointmentWindow};
use ordinavo_domain::ids::{AppointmentId, LocationId, StaffUserId, TargetId};
use ordinavo_domain::request::RequestStatus;
use ordinavo_domain::roles::StaffRole;
use ordinavo_domain::timeline::TimelineKind;
use ordinavo_persistence::appointments::{
    self, Appointment, AppointmentFields, NewAppointment, StaffFilter,
};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::service_requests::{self, MarkPlanned, MarkPlannedError, Transitioned};
use ordinavo_persistence::timeline::{self, NewTimelineEvent};
use ordinavo_persistence::{OptionalExt, StoreError, Tx, staff_users, targets, time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::appointments::{appointment_status_schema, parse_instant, transition_conflict};
use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors, nullable};
use crate::internal::requests::notify;
use crate::pagination::{PageDto, page_request};
use crate::requests::TRANSITION_ATTEMPTS;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        list_appointments,
        create_appointment,
        get_appointment,
        patch_appointment,
        change_appointment_status
    ),
    components(schemas(
        StaffAppointment,
        PageDto<StaffAppointment>,
        NewAppointmentBody,
        PatchAppointment,
        AppointmentStatusChange
    )),
    tags((name = "appointments", description = "Scheduling technician visits"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_appointments)
        .service(create_appointment)
        .service(get_appointment)
        .service(patch_appointment)
        .service(change_appointment_status);
}

/// Longest internal note, in characters.
const MAX_NOTES_CHARS: usize = 5000;

/// An appointment as staff see it: everything, internal fields included.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAppointment {
    pub id: Uuid,
    pub target_id: Uuid,
    pub customer_id: Uuid,
    pub location_id: Uuid,
    /// The work item's title.
    pub title: String,
    pub request_id: Option<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[schema(schema_with = appointment_status_schema)]
    pub status: AppointmentStatus,
    /// Internal only.
    pub technician_id: Option<Uuid>,
    /// Internal only.
    pub routing_score: Option<f64>,
    /// Internal only.
    pub internal_notes: Option<String>,
    /// Pass back in `PATCH` to edit this state of the appointment.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Appointment> for StaffAppointment {
    fn from(a: Appointment) -> Self {
        Self {
            id: a.id.into_uuid(),
            target_id: a.target_id.into_uuid(),
            customer_id: a.customer_id.into_uuid(),
            location_id: a.location_id.into_uuid(),
            title: a.title,
            request_id: a.request_id.map(|r| r.into_uuid()),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            status: a.status,
            technician_id: a.technician_id.map(StaffUserId::into_uuid),
            routing_score: a.routing_score,
            internal_notes: a.internal_notes,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
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

fn datetime(field: &str, text: &str) -> Result<DateTime<Utc>, FieldError> {
    parse_instant(text).ok_or_else(|| {
        field_error(
            field,
            "invalid_datetime",
            "must be an RFC 3339 date-time such as 2030-05-01T08:00:00+02:00",
        )
    })
}

fn finite(field: &str, score: Option<f64>, errors: &mut FieldErrors) {
    if score.is_some_and(|s| !s.is_finite()) {
        errors.push(field_error(
            field,
            "invalid_number",
            "must be a finite number",
        ));
    }
}

/// Checks that a technician is a staff user; a field error otherwise.
async fn check_technician(
    state: &AppState,
    technician: Option<Uuid>,
    errors: &mut FieldErrors,
) -> Result<(), ApiError> {
    if let Some(id) = technician {
        let found = staff_users::get(state.db.exec(), StaffUserId::from_uuid(id))
            .await
            .optional()?;
        if found.is_none() {
            errors.push(field_error(
                "technician_id",
                "unknown_reference",
                "no staff user has this id",
            ));
        }
    }
    Ok(())
}

/// The customer-safe payload of an appointment's timeline row.
fn payload(a: &Appointment) -> serde_json::Value {
    let status = a.status.public_status().public_status().map(|s| s.code());
    serde_json::json!({
        "title": a.title,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "status": status,
    })
}

/// Appends an appointment's timeline row.
async fn record_timeline(
    tx: &mut Tx,
    a: &Appointment,
    kind: TimelineKind,
    payload: serde_json::Value,
) -> Result<(), ApiError> {
    timeline::insert(
        tx.exec(),
        &NewTimelineEvent {
            customer_id: a.customer_id,
            location_id: a.location_id,
            kind,
            subject_id: a.id.into_uuid(),
            occurred_at: time::now(),
            public_payload: payload,
        },
    )
    .await?;
    Ok(())
}

/// Appends an appointment's audit row.
async fn record_audit(
    tx: &mut Tx,
    caller: &StaffCaller,
    req: &HttpRequest,
    action: &'static str,
    id: AppointmentId,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, action)
        .subject("appointment", id.into_uuid())
        .ip(client_ip(req))
        .details(details);
    audit::record(tx.exec(), &entry).await?;
    Ok(())
}

/// A visit was confirmed: the originating request becomes `planned` (its followers are
/// mailed), an `open` work item becomes `planned`. Returns the number of mails queued.
async fn plan_work(tx: &mut Tx, state: &AppState, a: &Appointment) -> Result<usize, ApiError> {
    let mails = match service_requests::mark_planned_for_target(tx.exec(), a.target_id).await {
        Ok(MarkPlanned::Planned {
            request_id,
            changed: true,
        }) => {
            let r = service_requests::get(tx.exec(), request_id).await?;
            let moved = Transitioned {
                id: r.id.into_uuid(),
                customer_id: r.customer_id.into_uuid(),
                location_id: r.location_id.into_uuid(),
                submitted_by: r.submitted_by.map(|u| u.into_uuid()),
                title: r.title,
            };
            notify(tx, state, &moved, RequestStatus::Planned, None).await?
        }
        Ok(MarkPlanned::Planned { changed: false, .. } | MarkPlanned::NoRequest) => 0,
        Err(MarkPlannedError::Transition(e)) => {
            return Err(crate::requests::transition_conflict(&e));
        }
        Err(MarkPlannedError::Store(e)) => return Err(e.into()),
    };
    let target = targets::get(tx.exec(), a.target_id).await?;
    if let Some(next) = target.internal_status.on_appointment_scheduled() {
        targets::change_status_if(tx.exec(), target.id, target.internal_status, next).await?;
    }
    Ok(mails)
}

/// Writes what an appointment arriving in its current status from `from` (`None`: just
/// created) means for the customer: the timeline milestone the domain names and, for a
/// confirmation, the planning of the work. Returns the number of mails queued.
async fn record_milestone(
    tx: &mut Tx,
    state: &AppState,
    a: &Appointment,
    from: Option<AppointmentStatus>,
) -> Result<usize, ApiError> {
    let Some(kind) = AppointmentStatus::timeline_kind(from, a.status) else {
        return Ok(0);
    };
    let mails = if kind == TimelineKind::AppointmentScheduled {
        plan_work(tx, state, a).await?
    } else {
        0
    };
    record_timeline(tx, a, kind, payload(a)).await?;
    Ok(mails)
}

/// Query of `GET /appointments`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    pub target_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    /// Only appointments starting at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only appointments starting before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Appointments by start time, every status.
#[utoipa::path(
    get,
    path = "/appointments",
    tag = "appointments",
    params(StaffQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page, by start time then id", body = PageDto<StaffAppointment>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/appointments")]
#[tracing::instrument(skip_all)]
pub async fn list_appointments(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<StaffQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let (from, to) =
        crate::portal::appointments::window_filter(query.from.as_deref(), query.to.as_deref())?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = StaffFilter {
        target_id: query.target_id.map(TargetId::from_uuid),
        location_id: query.location_id.map(LocationId::from_uuid),
        from,
        to,
    };
    let page = appointments::list(state.db.exec(), &filter, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StaffAppointment::from)))
}

/// A visit to schedule for a work item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppointmentBody {
    /// The work item; the appointment is at its location.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub target_id: Option<Uuid>,
    /// RFC 3339 date-time.
    #[serde(default)]
    #[schema(value_type = String, format = DateTime, required = true)]
    pub starts_at: String,
    /// RFC 3339 date-time, after `starts_at`, at most 24 hours later.
    #[serde(default)]
    #[schema(value_type = String, format = DateTime, required = true)]
    pub ends_at: String,
    /// `scheduled` (the default: confirmed, shown to the customer, plans the request) or
    /// `tentative` (pencilled in, invisible to the customer).
    #[serde(default)]
    #[schema(schema_with = appointment_status_schema)]
    pub status: Option<String>,
    /// A staff user. Internal only.
    #[serde(default)]
    pub technician_id: Option<Uuid>,
    /// Internal only.
    #[serde(default)]
    pub routing_score: Option<f64>,
    /// Internal only. At most 5,000 characters.
    #[serde(default)]
    pub internal_notes: Option<String>,
}

fn work_item_closed() -> ApiError {
    ApiError::Conflict {
        code: "work_item_closed",
        detail: "This work item is completed or cancelled; plan further work as a follow-up."
            .into(),
        allowed: None,
    }
}

/// Schedule a visit.
#[utoipa::path(
    post,
    path = "/appointments",
    tag = "appointments",
    request_body = NewAppointmentBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Scheduled (or pencilled in)", body = StaffAppointment),
        (status = 400, description = "Invalid fields (times, status, unknown work item or technician), all named in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The work item is closed (`work_item_closed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/appointments")]
#[tracing::instrument(skip_all)]
pub async fn create_appointment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<NewAppointmentBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let starts = datetime("starts_at", &body.starts_at)
        .map_err(|e| errors.push(e))
        .ok();
    let ends = datetime("ends_at", &body.ends_at)
        .map_err(|e| errors.push(e))
        .ok();
    let window = match (starts, ends) {
        (Some(s), Some(e)) => errors.check(AppointmentWindow::parse(s, e)),
        _ => None,
    };
    let status = match body.status.as_deref() {
        None => Some(AppointmentStatus::Scheduled),
        Some(s) => match fields::choice::<AppointmentStatus>("status", s) {
            Ok(status) if status.is_initial() => Some(status),
            Ok(_) => {
                errors.push(field_error(
                    "status",
                    "invalid_choice",
                    "a new appointment is tentative or scheduled",
                ));
                None
            }
            Err(e) => {
                errors.push(e.into());
                None
            }
        },
    };
    let notes = errors.check(fields::optional_text(
        "internal_notes",
        body.internal_notes.as_deref(),
        MAX_NOTES_CHARS,
        true,
    ));
    finite("routing_score", body.routing_score, &mut errors);
    check_technician(&state, body.technician_id, &mut errors).await?;
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
    let (Some(window), Some(status), Some(internal_notes), Some(target), true) =
        (window, status, notes, target, errors.is_empty())
    else {
        return Err(errors.into_error());
    };
    if !target.internal_status.is_open() {
        return Err(work_item_closed());
    }

    let mut tx = state.db.begin().await?;
    let created = appointments::insert(
        tx.exec(),
        &NewAppointment {
            target_id: target.id,
            window,
            status,
            technician_id: body.technician_id.map(StaffUserId::from_uuid),
            routing_score: body.routing_score,
            internal_notes,
        },
    )
    .await?;
    let mails = record_milestone(&mut tx, &state, &created, None).await?;
    let details = serde_json::json!({
        "target_id": target.id,
        "status": status.as_str(),
        "starts_at": created.starts_at,
        "ends_at": created.ends_at,
    });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.appointment.created",
        created.id,
        details,
    )
    .await?;
    tx.commit().await?;
    if mails > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(HttpResponse::Created().json(StaffAppointment::from(created)))
}

/// One appointment with every internal field.
#[utoipa::path(
    get,
    path = "/appointments/{id}",
    tag = "appointments",
    params(("id" = Uuid, Path, description = "Appointment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The appointment", body = StaffAppointment),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/appointments/{id}")]
#[tracing::instrument(skip_all, fields(appointment_id = %id))]
pub async fn get_appointment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let a = appointments::get(state.db.exec(), AppointmentId::from_uuid(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(StaffAppointment::from(a)))
}

/// An edit of an appointment, based on the `version` read: a new time (a reschedule), the
/// technician, the routing score, the internal notes. Omitted fields are kept; `null` clears
/// the clearable ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchAppointment {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    /// RFC 3339 date-time.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<String>,
    /// RFC 3339 date-time.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<String>,
    /// Internal only.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub technician_id: Option<Option<Uuid>>,
    /// Internal only.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub routing_score: Option<Option<f64>>,
    /// Internal only. At most 5,000 characters.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub internal_notes: Option<Option<String>>,
}

fn not_reschedulable(status: AppointmentStatus) -> ApiError {
    ApiError::Conflict {
        code: "not_reschedulable",
        detail: format!(
            "This appointment is {}; its time can no longer change.",
            status.as_str().replace('_', " ")
        ),
        allowed: None,
    }
}

/// Reschedule or edit an appointment (optimistic: send the `version` you read).
#[utoipa::path(
    patch,
    path = "/appointments/{id}",
    tag = "appointments",
    params(("id" = Uuid, Path, description = "Appointment id")),
    request_body = PatchAppointment,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = StaffAppointment),
        (status = 400, description = "Invalid or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since you read it (`stale_version`), or too late to move (`not_reschedulable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/appointments/{id}")]
#[tracing::instrument(skip_all, fields(appointment_id = %id))]
pub async fn patch_appointment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<PatchAppointment>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = AppointmentId::from_uuid(id.into_inner());
    let body = body.into_inner();
    let current = appointments::get(state.db.exec(), id).await?;
    let mut errors = FieldErrors::new();
    let starts = match body.starts_at.as_deref() {
        None => Some(current.starts_at),
        Some(t) => datetime("starts_at", t).map_err(|e| errors.push(e)).ok(),
    };
    let ends = match body.ends_at.as_deref() {
        None => Some(current.ends_at),
        Some(t) => datetime("ends_at", t).map_err(|e| errors.push(e)).ok(),
    };
    let window = match (starts, ends) {
        (Some(s), Some(e)) => errors.check(AppointmentWindow::parse(s, e)),
        _ => None,
    };
    let notes = body
        .internal_notes
        .map(|v| fields::optional_text("internal_notes", v.as_deref(), MAX_NOTES_CHARS, true))
        .transpose();
    let notes = errors.check(notes);
    finite("routing_score", body.routing_score.flatten(), &mut errors);
    check_technician(&state, body.technician_id.flatten(), &mut errors).await?;
    let (Some(window), Some(notes), true) = (window, notes, errors.is_empty()) else {
        return Err(errors.into_error());
    };
    if current.version != body.version {
        return Err(StoreError::StaleVersion.into());
    }
    let moved = window.start() != current.starts_at || window.end() != current.ends_at;
    if moved && !current.status.is_reschedulable() {
        return Err(not_reschedulable(current.status));
    }
    let fields = AppointmentFields {
        window,
        technician_id: body
            .technician_id
            .map_or(current.technician_id, |t| t.map(StaffUserId::from_uuid)),
        routing_score: body.routing_score.unwrap_or(current.routing_score),
        internal_notes: notes.unwrap_or_else(|| current.internal_notes.clone()),
    };
    let mut changed = Vec::new();
    for (name, differs) in [
        ("starts_at", window.start() != current.starts_at),
        ("ends_at", window.end() != current.ends_at),
        (
            "technician_id",
            fields.technician_id != current.technician_id,
        ),
        (
            "routing_score",
            fields.routing_score != current.routing_score,
        ),
        (
            "internal_notes",
            fields.internal_notes != current.internal_notes,
        ),
    ] {
        if differs {
            changed.push(name);
        }
    }
    if changed.is_empty() {
        return Ok(HttpResponse::Ok().json(StaffAppointment::from(current)));
    }
    let mut tx = state.db.begin().await?;
    let updated = appointments::update(tx.exec(), id, body.version, &fields).await?;
    if moved && updated.status.public_status().is_visible() {
        let mut p = payload(&updated);
        p["previous_starts_at"] = serde_json::json!(current.starts_at);
        p["previous_ends_at"] = serde_json::json!(current.ends_at);
        record_timeline(&mut tx, &updated, TimelineKind::AppointmentRescheduled, p).await?;
    }
    let details = serde_json::json!({ "fields": changed });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.appointment.updated",
        id,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffAppointment::from(updated)))
}

/// The next status of an appointment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentStatusChange {
    #[serde(default)]
    #[schema(schema_with = appointment_status_schema, required = true)]
    pub status: String,
}

/// Move an appointment through its status graph.
///
/// `tentative -> scheduled` confirms it (the request becomes planned, the customer sees it);
/// `cancelled` and `completed` are written to the customer's timeline.
#[utoipa::path(
    post,
    path = "/appointments/{id}/status",
    tag = "appointments",
    params(("id" = Uuid, Path, description = "Appointment id")),
    request_body = AppointmentStatusChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Moved", body = StaffAppointment),
        (status = 400, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed from the current status; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/appointments/{id}/status")]
#[tracing::instrument(skip_all, fields(appointment_id = %id))]
pub async fn change_appointment_status(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<AppointmentStatusChange>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = AppointmentId::from_uuid(id.into_inner());
    let to = fields::choice::<AppointmentStatus>("status", &body.status)
        .map_err(|e| ApiError::invalid_fields(vec![e.into()]))?;
    let mut attempt = 0;
    let (mut tx, moved, from) = loop {
        attempt += 1;
        let current = appointments::get(state.db.exec(), id).await?;
        current
            .status
            .transition(to)
            .map_err(|e| transition_conflict(&e))?;
        let mut tx = state.db.begin().await?;
        match appointments::change_status(tx.exec(), id, current.status, to).await {
            Ok(moved) => break (tx, moved, current.status),
            Err(StoreError::StaleVersion) if attempt < TRANSITION_ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    };
    let mails = record_milestone(&mut tx, &state, &moved, Some(from)).await?;
    let details = serde_json::json!({ "from": from.as_str(), "to": to.as_str() });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.appointment.status_changed",
        id,
        details,
    )
    .await?;
    tx.commit().await?;
    if mails > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(HttpResponse::Ok().json(StaffAppointment::from(moved)))
}
