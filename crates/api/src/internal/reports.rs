//! Visit reports for staff: write (the internal body), submit, approve or reject, and — as a
//! separate, explicit act — publish to the portal with customer-facing texts, or unpublish.
//!
//! "Approved does not automatically mean portal-visible": approval only makes a report
//! publishable. Publishing writes, in ONE transaction with the change, the `report_shared`
//! timeline row, the audit row, the release-ledger row and the `report_shared` mails to the
//! portal users who follow reports at that location. Unpublishing hides the report (and so its
//! files) from the very next portal request.
//!
//! Roles: dispatchers and above write, submit and read (ledger included); approving, rejecting,
//! publishing and unpublishing need a manager or above.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{AppointmentId, ReportId, StaffUserId, TargetId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::report::ReportStatus;
use ordinavo_domain::roles::StaffRole;
use ordinavo_domain::timeline::TimelineKind;
use ordinavo_domain::transition::TransitionError;
use ordinavo_domain::visibility::AttachmentOwnerKind;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::release_ledger::{
    self, LedgerAction, LedgerActor, LedgerEntry, LedgerSubject, NewLedgerEntry,
};
use ordinavo_persistence::reports::{self, NewReport, PortalTexts, Report, ReportFilter};
use ordinavo_persistence::timeline::{self, NewTimelineEvent};
use ordinavo_persistence::{StoreError, Tx, attachments, locations, mail_outbox, targets};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors};
use crate::internal::requests::StaffAttachmentDto;
use crate::mail::{ReportSharedMail, portal_link};
use crate::pagination::{PageDto, PageQuery, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        list_reports,
        create_report,
        get_report,
        patch_report,
        submit_report,
        approve_report,
        reject_report,
        publish_report,
        unpublish_report,
        report_ledger
    ),
    components(schemas(
        StaffReport,
        PageDto<StaffReport>,
        StaffReportDetail,
        NewReportBody,
        PatchReportBody,
        PublishReportBody,
        LedgerEntryDto,
        PageDto<LedgerEntryDto>
    )),
    tags((name = "reports", description = "Visit reports: approval, publishing, release ledger"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_reports)
        .service(create_report)
        .service(get_report)
        .service(patch_report)
        .service(submit_report)
        .service(approve_report)
        .service(reject_report)
        .service(publish_report)
        .service(unpublish_report)
        .service(report_ledger);
}

/// Longest internal report body, in characters.
pub const MAX_BODY_CHARS: usize = 20_000;
/// Longest portal title, in characters.
pub const MAX_PORTAL_TITLE_CHARS: usize = 200;
/// Longest portal summary, in characters.
pub const MAX_PORTAL_SUMMARY_CHARS: usize = 2_000;
/// Longest portal message, in characters.
pub const MAX_PORTAL_MESSAGE_CHARS: usize = 10_000;
/// How often a status change is retried when the report changed between read and write.
const ATTEMPTS: u32 = 3;

fn report_status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<ReportStatus>()
}

/// A visit report as staff see it: everything, the internal body and approver included.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffReport {
    pub id: Uuid,
    pub target_id: Uuid,
    pub appointment_id: Option<Uuid>,
    /// The target's customer and location (the report's scope in the portal).
    pub customer_id: Uuid,
    pub location_id: Uuid,
    /// Internal only: what the technician wrote. Never shown in the portal.
    pub body: String,
    #[schema(schema_with = report_status_schema)]
    pub status: ReportStatus,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The customer-facing texts of the last publish.
    pub portal_title: Option<String>,
    pub portal_summary: Option<String>,
    pub portal_message: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<Uuid>,
    pub unpublished_at: Option<DateTime<Utc>>,
    /// Whether the portal shows it now (approved AND published AND not unpublished since).
    pub portal_visible: bool,
    /// Pass back in `PATCH`.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Report> for StaffReport {
    fn from(r: Report) -> Self {
        let portal_visible = r.is_portal_visible();
        Self {
            id: r.id.into_uuid(),
            target_id: r.target_id.into_uuid(),
            appointment_id: r.appointment_id.map(AppointmentId::into_uuid),
            customer_id: r.customer_id.into_uuid(),
            location_id: r.location_id.into_uuid(),
            body: r.body,
            status: r.status,
            approved_by: r.approved_by.map(StaffUserId::into_uuid),
            approved_at: r.approved_at,
            portal_title: r.portal_title,
            portal_summary: r.portal_summary,
            portal_message: r.portal_message,
            published_at: r.published_at,
            published_by: r.published_by.map(StaffUserId::into_uuid),
            unpublished_at: r.unpublished_at,
            portal_visible,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// One report with its files (each with its own release state).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffReportDetail {
    #[serde(flatten)]
    pub report: StaffReport,
    pub attachments: Vec<StaffAttachmentDto>,
}

/// One row of the release ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryDto {
    pub id: Uuid,
    /// `report` or `attachment`.
    pub subject_kind: String,
    pub subject_id: Uuid,
    /// `published`, `unpublished`, `released`, `withdrawn`, `viewed` or `downloaded`.
    pub action: String,
    /// `staff` or `portal`.
    pub actor_kind: String,
    pub actor_id: Uuid,
    /// The staff member's name or the portal user's display name (`null` if deleted).
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<LedgerEntry> for LedgerEntryDto {
    fn from(e: LedgerEntry) -> Self {
        Self {
            id: e.id,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            action: e.action,
            actor_kind: e.actor_kind,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            at: e.at,
        }
    }
}

/// Query of `GET /reports`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Only the reports of this work item.
    pub target_id: Option<Uuid>,
    /// Only reports with this status.
    #[param(schema_with = report_status_schema)]
    pub status: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Reports, newest first.
#[utoipa::path(
    get,
    path = "/reports",
    tag = "reports",
    params(ReportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of reports, newest first", body = PageDto<StaffReport>),
        (status = 400, description = "Invalid status, query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports")]
#[tracing::instrument(skip_all)]
pub async fn list_reports(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let mut errors = FieldErrors::new();
    let status = errors.check(
        query
            .status
            .as_deref()
            .map(|s| fields::choice::<ReportStatus>("status", s))
            .transpose(),
    );
    let (Some(status), true) = (status, errors.is_empty()) else {
        return Err(errors.into_error());
    };
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = ReportFilter {
        target_id: query.target_id.map(TargetId::from_uuid),
        status,
    };
    let page = reports::list(state.db.exec(), &filter, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StaffReport::from)))
}

/// A new visit report (a draft).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReportBody {
    /// The work item the visit was for.
    pub target_id: Uuid,
    /// The appointment (visit) of that work item the report is about, if any; its start is the
    /// visit date the portal shows.
    #[serde(default)]
    pub appointment_id: Option<Uuid>,
    /// What the technician wrote. Internal only, never shown in the portal. 1–20,000 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
}

/// Write a visit report (a draft; nothing is visible in the portal).
#[utoipa::path(
    post,
    path = "/reports",
    tag = "reports",
    request_body = NewReportBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created as a draft", body = StaffReport),
        (status = 400, description = "Invalid body, unknown work item, or an appointment of another work item", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports")]
#[tracing::instrument(skip_all)]
pub async fn create_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<NewReportBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let text = errors.check(fields::text("body", &body.body, MAX_BODY_CHARS, true));
    let target_id = TargetId::from_uuid(body.target_id);
    let appointment_id = body.appointment_id.map(AppointmentId::from_uuid);
    if errors.is_empty() {
        match targets::get(state.db.exec(), target_id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                errors.push(unknown("target_id", "no work item has this id"))
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let (Some(appointment), true) = (appointment_id, errors.is_empty())
        && !reports::appointment_is_of_target(state.db.exec(), appointment, target_id).await?
    {
        errors.push(unknown(
            "appointment_id",
            "no appointment of this work item has this id",
        ));
    }
    let (Some(text), true) = (text, errors.is_empty()) else {
        return Err(errors.into_error());
    };
    let mut tx = state.db.begin().await?;
    let report = reports::insert(
        tx.exec(),
        &NewReport {
            target_id,
            appointment_id,
            body: text,
        },
    )
    .await?;
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.report.created",
        report.id,
        serde_json::json!({ "target_id": target_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(StaffReport::from(report)))
}

fn unknown(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: "unknown_reference".into(),
        message: message.into(),
    }
}

/// One report with its files.
#[utoipa::path(
    get,
    path = "/reports/{id}",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report and its files", body = StaffReportDetail),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/{id}")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn get_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = ReportId::from_uuid(id.into_inner());
    let report = reports::get(state.db.exec(), id).await?;
    let files =
        attachments::list_for_owner(state.db.exec(), AttachmentOwnerKind::Report, id.into_uuid())
            .await?;
    Ok(HttpResponse::Ok().json(StaffReportDetail {
        report: report.into(),
        attachments: files.into_iter().map(StaffAttachmentDto::from).collect(),
    }))
}

/// An edit of the internal body, based on the `version` read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchReportBody {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    /// The new internal body, 1–20,000 characters.
    pub body: String,
}

/// Rework a draft or rejected report's body (a rejected one goes back to draft).
#[utoipa::path(
    patch,
    path = "/reports/{id}",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    request_body = PatchReportBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated (now a draft)", body = StaffReport),
        (status = 400, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since you read it (`stale_version`), or submitted/approved and no longer editable (`report_not_editable`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/reports/{id}")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn patch_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<PatchReportBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = ReportId::from_uuid(id.into_inner());
    let text = fields::text("body", &body.body, MAX_BODY_CHARS, true)
        .map_err(|e| ApiError::invalid_fields(vec![e.into()]))?;
    let current = reports::get(state.db.exec(), id).await?;
    if !matches!(current.status, ReportStatus::Draft | ReportStatus::Rejected) {
        return Err(ApiError::Conflict {
            code: "report_not_editable",
            detail: format!(
                "This report is {}; only a draft or a rejected report can be edited.",
                current.status
            ),
            allowed: None,
        });
    }
    let mut tx = state.db.begin().await?;
    reports::update_body(tx.exec(), id, body.version, &text).await?;
    let details = serde_json::json!({ "fields": ["body"], "from": current.status.as_str() });
    record_audit(&mut tx, &caller, &req, "staff.report.updated", id, details).await?;
    let report = reports::get(tx.exec(), id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffReport::from(report)))
}

/// A refused report status change: 409 `invalid_transition`, naming the statuses allowed.
fn report_conflict(e: &TransitionError) -> ApiError {
    ApiError::Conflict {
        code: "invalid_transition",
        detail: format!("This report is {}; it cannot become {}.", e.from, e.to),
        allowed: Some(e.allowed.iter().map(|s| (*s).to_owned()).collect()),
    }
}

/// Moves a report to `to` (re-reading and re-deciding when it changed meanwhile) and writes the
/// audit row in the same transaction.
async fn transition(
    state: &AppState,
    caller: &StaffCaller,
    req: &HttpRequest,
    id: ReportId,
    to: ReportStatus,
    action: &'static str,
) -> Result<Report, ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = reports::get(state.db.exec(), id).await?;
        current
            .status
            .transition(to)
            .map_err(|e| report_conflict(&e))?;
        let approved_by = (to == ReportStatus::Approved).then(|| caller.staff_user_id());
        let mut tx = state.db.begin().await?;
        match reports::change_status(tx.exec(), id, current.status, to, approved_by).await {
            Ok(()) => {}
            Err(StoreError::StaleVersion) if attempt < ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
        let details = serde_json::json!({ "from": current.status.as_str(), "to": to.as_str() });
        record_audit(&mut tx, caller, req, action, id, details).await?;
        let report = reports::get(tx.exec(), id).await?;
        tx.commit().await?;
        return Ok(report);
    }
}

/// Submit a draft for approval.
#[utoipa::path(
    post,
    path = "/reports/{id}/submit",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted", body = StaffReport),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/submit")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn submit_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = ReportId::from_uuid(id.into_inner());
    let report = transition(
        &state,
        &caller,
        &req,
        id,
        ReportStatus::Submitted,
        "staff.report.submitted",
    )
    .await?;
    Ok(HttpResponse::Ok().json(StaffReport::from(report)))
}

/// Approve a submitted report. This does NOT publish it: publishing is a separate act.
#[utoipa::path(
    post,
    path = "/reports/{id}/approve",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved (not yet visible in the portal)", body = StaffReport),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/approve")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn approve_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = ReportId::from_uuid(id.into_inner());
    let report = transition(
        &state,
        &caller,
        &req,
        id,
        ReportStatus::Approved,
        "staff.report.approved",
    )
    .await?;
    Ok(HttpResponse::Ok().json(StaffReport::from(report)))
}

/// Send a submitted report back for rework.
#[utoipa::path(
    post,
    path = "/reports/{id}/reject",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected (edit it with PATCH to rework it)", body = StaffReport),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/reject")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn reject_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = ReportId::from_uuid(id.into_inner());
    let report = transition(
        &state,
        &caller,
        &req,
        id,
        ReportStatus::Rejected,
        "staff.report.rejected",
    )
    .await?;
    Ok(HttpResponse::Ok().json(StaffReport::from(report)))
}

/// The customer-facing version of a report, written when publishing it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishReportBody {
    /// Shown as the report's title in the portal. Required, one line, 1–200 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub portal_title: String,
    /// A short summary for the customer. Required, 1–2,000 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub portal_summary: String,
    /// A longer message for the customer (optional, at most 10,000 characters).
    #[serde(default)]
    pub portal_message: Option<String>,
}

/// Publish an APPROVED report to the portal with customer-facing texts.
///
/// Writes the `report_shared` timeline event, the audit row, the release-ledger row and the
/// notification mails (portal users following reports at that location) in one transaction.
/// Publishing a report that is shared already only corrects its texts (ledger and audit record
/// it; no new timeline milestone, no new mail; the existing milestone shows the new title).
/// Its files stay as they are: release them one by one.
#[utoipa::path(
    post,
    path = "/reports/{id}/publish",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    request_body = PublishReportBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Published: visible in the portal", body = StaffReport),
        (status = 400, description = "Invalid texts", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved (`report_not_approved`); `allowed` names the moves its status allows", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/publish")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn publish_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<PublishReportBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = ReportId::from_uuid(id.into_inner());
    let mut errors = FieldErrors::new();
    let title = errors.check(fields::text(
        "portal_title",
        &body.portal_title,
        MAX_PORTAL_TITLE_CHARS,
        false,
    ));
    let summary = errors.check(fields::text(
        "portal_summary",
        &body.portal_summary,
        MAX_PORTAL_SUMMARY_CHARS,
        true,
    ));
    let message = errors.check(fields::optional_text(
        "portal_message",
        body.portal_message.as_deref(),
        MAX_PORTAL_MESSAGE_CHARS,
        true,
    ));
    let (Some(title), Some(summary), Some(message)) = (title, summary, message) else {
        return Err(errors.into_error());
    };
    let texts = PortalTexts {
        title,
        summary,
        message,
    };
    let current = reports::get(state.db.exec(), id).await?;
    require_approved(&current)?;
    let mut tx = state.db.begin().await?;
    // Already shared: this publish only corrects the texts (no new milestone, no new mail).
    let correction = reports::get(tx.exec(), id).await?.is_portal_visible();
    let published_at = match reports::publish(tx.exec(), id, caller.staff_user_id(), &texts).await {
        Ok(at) => at,
        Err(StoreError::StaleVersion) => {
            // Changed between read and write: explain with what it is now.
            drop(tx);
            let now = reports::get(state.db.exec(), id).await?;
            require_approved(&now)?;
            return Err(StoreError::StaleVersion.into());
        }
        Err(e) => return Err(e.into()),
    };
    let payload = serde_json::json!({ "title": texts.title, "status": "shared" });
    if correction {
        reports::retitle_shared_events(tx.exec(), id, &payload).await?;
    } else {
        timeline::insert(
            tx.exec(),
            &NewTimelineEvent {
                customer_id: current.customer_id,
                location_id: current.location_id,
                kind: TimelineKind::ReportShared,
                subject_id: id.into_uuid(),
                occurred_at: published_at,
                public_payload: payload,
            },
        )
        .await?;
    }
    ledger(&mut tx, &caller, &current, LedgerAction::Published).await?;
    let details = serde_json::json!({ "text_correction": correction });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.report.published",
        id,
        details,
    )
    .await?;
    let mails = if correction {
        0
    } else {
        notify(&mut tx, &state, &current, &texts.title).await?
    };
    let report = reports::get(tx.exec(), id).await?;
    tx.commit().await?;
    if mails > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(HttpResponse::Ok().json(StaffReport::from(report)))
}

/// 409 `report_not_approved` unless the report is approved; `allowed` names the statuses its
/// current status may move to (the way towards approval).
fn require_approved(report: &Report) -> Result<(), ApiError> {
    if report.status.is_publishable() {
        return Ok(());
    }
    Err(ApiError::Conflict {
        code: "report_not_approved",
        detail: format!(
            "Only an approved report can be published; this one is {}.",
            report.status
        ),
        allowed: Some(
            report
                .status
                .allowed_next()
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
        ),
    })
}

/// Take a report off the portal at once (its files become invisible with it).
#[utoipa::path(
    post,
    path = "/reports/{id}/unpublish",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Unpublished: no longer visible in the portal", body = StaffReport),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not published now (`report_not_published`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports/{id}/unpublish")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn unpublish_report(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = ReportId::from_uuid(id.into_inner());
    let current = reports::get(state.db.exec(), id).await?;
    let mut tx = state.db.begin().await?;
    match reports::unpublish(tx.exec(), id).await {
        Ok(_) => {}
        Err(StoreError::StaleVersion) => {
            return Err(ApiError::Conflict {
                code: "report_not_published",
                detail: "This report is not published in the portal.".into(),
                allowed: None,
            });
        }
        Err(e) => return Err(e.into()),
    }
    ledger(&mut tx, &caller, &current, LedgerAction::Unpublished).await?;
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.report.unpublished",
        id,
        serde_json::json!({}),
    )
    .await?;
    let report = reports::get(tx.exec(), id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffReport::from(report)))
}

/// The release ledger of a report: publishes, unpublishes and portal views, newest first.
#[utoipa::path(
    get,
    path = "/reports/{id}/ledger",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of ledger rows, newest first", body = PageDto<LedgerEntryDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/{id}/ledger")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn report_ledger(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = ReportId::from_uuid(id.into_inner());
    let (after, limit) = query.parse()?;
    reports::get(state.db.exec(), id).await?;
    let page = release_ledger::list_for_subject(
        state.db.exec(),
        LedgerSubject::Report,
        id.into_uuid(),
        after.as_ref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, LedgerEntryDto::from)))
}

/// Appends the ledger row of a staff act on `report`.
async fn ledger(
    tx: &mut Tx,
    caller: &StaffCaller,
    report: &Report,
    action: LedgerAction,
) -> Result<(), ApiError> {
    release_ledger::record(
        tx.exec(),
        &NewLedgerEntry {
            subject: LedgerSubject::Report,
            subject_id: report.id.into_uuid(),
            customer_id: report.customer_id,
            location_id: report.location_id,
            action,
            actor: LedgerActor::Staff(caller.staff_user_id()),
        },
    )
    .await?;
    Ok(())
}

/// Appends the audit row of a report change.
async fn record_audit(
    tx: &mut Tx,
    caller: &StaffCaller,
    req: &HttpRequest,
    action: &'static str,
    id: ReportId,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, action)
        .subject("report", id.into_uuid())
        .ip(client_ip(req))
        .details(details);
    audit::record(tx.exec(), &entry).await?;
    Ok(())
}

/// Queues the `report_shared` mail to every portal user who follows reports at the report's
/// location (active, `notify_reports`, CURRENTLY granted it with `can_view_reports`), each in
/// their own language. Returns how many were queued.
async fn notify(
    tx: &mut Tx,
    state: &AppState,
    report: &Report,
    title: &str,
) -> Result<usize, ApiError> {
    let recipients =
        reports::notification_recipients(tx.exec(), report.customer_id, report.location_id).await?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let location = locations::get(tx.exec(), report.location_id).await?;
    let link = portal_link(
        &state.settings.public_url,
        &format!("reports/{}", report.id),
    );
    for recipient in &recipients {
        let locale: Locale = recipient.locale.parse().unwrap_or_default();
        let mail = ReportSharedMail {
            display_name: recipient.display_name.clone(),
            report_title: title.to_owned(),
            location_name: location.fields.name.clone(),
            link: link.clone(),
        };
        mail_outbox::enqueue(tx.exec(), &mail.to_mail(recipient.email.clone(), locale)).await?;
    }
    Ok(recipients.len())
}
