//! Service requests for staff: the review queue, the full request (internal notes included),
//! and the decisions — review, accept (creating the work item), reject, internal notes.
//!
//! Every decision is one transaction that starts with the conditional status update (so of an
//! accept and a customer's cancel racing, exactly one wins; the other is a 409 naming what is
//! still allowed) and writes, with it, the timeline row, the audit row and the mails to the
//! portal users who follow that location. Dispatchers and above may do all of it.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ContactId, RequestId, StaffUserId};
use ordinavo_domain::input::Title;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::request::{RequestKind, RequestStatus};
use ordinavo_domain::roles::StaffRole;
use ordinavo_domain::timeline::TimelineKind;
use ordinavo_domain::transition::TransitionError;
use ordinavo_domain::visibility::AttachmentOwnerKind;
use ordinavo_domain::work_item::WorkItemStatus;
use ordinavo_persistence::attachments::{self, Attachment};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::mail_outbox;
use ordinavo_persistence::service_requests::{self, ServiceRequest, StatusChange, Transitioned};
use ordinavo_persistence::targets::{self, NewTarget, Priority, Target};
use ordinavo_persistence::timeline::{self, NewTimelineEvent};
use ordinavo_persistence::{OptionalExt, StoreError, Tx, contacts, time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors, nullable};
use crate::mail::{RequestStatusChangedMail, portal_link};
use crate::pagination::{PageDto, page_request};
use crate::requests::{
    PreferredWindowDto, TRANSITION_ATTEMPTS, kind_schema, public_status, status_schema,
    transition_conflict, windows,
};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        list_requests,
        get_request,
        review_request,
        accept_request,
        reject_request,
        patch_request
    ),
    components(schemas(
        StaffRequest,
        PageDto<StaffRequest>,
        StaffRequestDetail,
        StaffAttachmentDto,
        PreferredWindowDto,
        AcceptServiceRequest,
        AcceptedServiceRequest,
        TargetDto,
        RejectServiceRequest,
        PatchServiceRequest
    )),
    tags((name = "requests", description = "Service requests: review queue and decisions"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_requests)
        .service(get_request)
        .service(review_request)
        .service(accept_request)
        .service(reject_request)
        .service(patch_request);
}

/// Longest public reason (what the customer reads), in characters.
pub const MAX_PUBLIC_REASON_CHARS: usize = 1000;
/// Longest internal note, in characters.
const MAX_NOTES_CHARS: usize = 5000;

fn priority_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<Priority>()
}

fn work_item_status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<WorkItemStatus>()
}

/// A request as staff see it: everything, internal fields included.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffRequest {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub location_id: Uuid,
    pub location_name: String,
    /// The portal user who submitted it (`null`: entered by staff or an integration).
    pub submitted_by: Option<Uuid>,
    pub submitted_by_name: Option<String>,
    pub submitted_by_email: Option<String>,
    #[schema(schema_with = kind_schema)]
    pub kind: RequestKind,
    pub title: String,
    pub description: String,
    pub preferred_windows: Vec<PreferredWindowDto>,
    pub site_access_notes: Option<String>,
    pub contact_phone: Option<String>,
    #[schema(schema_with = status_schema)]
    pub status: RequestStatus,
    /// The reason the customer reads (set on reject).
    pub public_reason: Option<String>,
    pub cancel_reason: Option<String>,
    /// The work item created on accept.
    pub target_id: Option<Uuid>,
    /// Internal only: never shown in the portal.
    pub internal_notes: Option<String>,
    /// Internal only: who started the review.
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Pass back in `PATCH` to edit this state of the request.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ServiceRequest> for StaffRequest {
    fn from(r: ServiceRequest) -> Self {
        Self {
            id: r.id.into_uuid(),
            customer_id: r.customer_id.into_uuid(),
            customer_name: r.customer_name,
            location_id: r.location_id.into_uuid(),
            location_name: r.location_name,
            submitted_by: r.submitted_by.map(|u| u.into_uuid()),
            submitted_by_name: r.submitted_by_name,
            submitted_by_email: r.submitted_by_email,
            kind: r.kind,
            title: r.title,
            description: r.description,
            preferred_windows: windows(&r.preferred_windows),
            site_access_notes: r.site_access_notes,
            contact_phone: r.contact_phone,
            status: r.status,
            public_reason: r.public_reason,
            cancel_reason: r.cancel_reason,
            target_id: r.target_id.map(|t| t.into_uuid()),
            internal_notes: r.internal_notes,
            reviewed_by: r.reviewed_by.map(StaffUserId::into_uuid),
            reviewed_at: r.reviewed_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A file of a request, staff view (no storage key: bytes are served by the API only).
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAttachmentDto {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// `portal` (the customer uploaded it) or `staff`.
    pub uploaded_by_kind: String,
    pub uploaded_by: Uuid,
    /// When it was shared with the portal (`null`: not shared by staff).
    pub portal_released_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Attachment> for StaffAttachmentDto {
    fn from(a: Attachment) -> Self {
        Self {
            id: a.id.into_uuid(),
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            uploaded_by_kind: a.uploaded_by_kind.as_str().to_owned(),
            uploaded_by: a.uploaded_by,
            portal_released_at: a.portal_released_at,
            created_at: a.created_at,
        }
    }
}

/// One request with its files.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffRequestDetail {
    #[serde(flatten)]
    pub request: StaffRequest,
    pub attachments: Vec<StaffAttachmentDto>,
}

/// A work item as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub location_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub request_id: Option<Uuid>,
    pub title: String,
    #[schema(schema_with = work_item_status_schema)]
    pub internal_status: WorkItemStatus,
    /// Internal only: `low`, `normal`, `high` or `urgent`.
    #[schema(schema_with = priority_schema)]
    pub priority: String,
    pub internal_notes: Option<String>,
    /// Internal only: free text for the billing export.
    pub billing_trigger: Option<String>,
    /// Internal only: the dispatch tool's routing score.
    pub routing_score: Option<f64>,
    /// Pass back in `PATCH /targets/{id}` to edit this state of the work item.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Target> for TargetDto {
    fn from(t: Target) -> Self {
        Self {
            id: t.id.into_uuid(),
            customer_id: t.customer_id.into_uuid(),
            location_id: t.location_id.into_uuid(),
            contact_id: t.contact_id.map(ContactId::into_uuid),
            request_id: t.request_id.map(RequestId::into_uuid),
            title: t.title,
            internal_status: t.internal_status,
            priority: t.priority.as_str().to_owned(),
            internal_notes: t.internal_notes,
            billing_trigger: t.billing_trigger,
            routing_score: t.routing_score,
            version: t.version,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// Query of `GET /requests`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only requests with this status (e.g. `submitted` for the review queue); all when omitted.
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The review queue: requests oldest first.
#[utoipa::path(
    get,
    path = "/requests",
    tag = "requests",
    params(QueueQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of requests, oldest first", body = PageDto<StaffRequest>),
        (status = 400, description = "Invalid status, query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requests")]
#[tracing::instrument(skip_all)]
pub async fn list_requests(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let mut errors = FieldErrors::new();
    let status = errors.check(
        query
            .status
            .as_deref()
            .map(|s| fields::choice::<RequestStatus>("status", s))
            .transpose(),
    );
    let (Some(status), true) = (status, errors.is_empty()) else {
        return Err(errors.into_error());
    };
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = service_requests::list(state.db.exec(), status, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, StaffRequest::from)))
}

/// One request, everything included (internal notes, reviewer, files).
#[utoipa::path(
    get,
    path = "/requests/{id}",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = StaffRequestDetail),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requests/{id}")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn get_request(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = RequestId::from_uuid(id.into_inner());
    let request = service_requests::get(state.db.exec(), id).await?;
    let files = attachments::list_for_owner(
        state.db.exec(),
        AttachmentOwnerKind::Request,
        id.into_uuid(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(StaffRequestDetail {
        request: request.into(),
        attachments: files.into_iter().map(StaffAttachmentDto::from).collect(),
    }))
}

/// What a decision writes besides the status.
struct Decision<'a> {
    step: fn(RequestStatus) -> Result<RequestStatus, TransitionError>,
    public_reason: Option<&'a str>,
    reviewed_by: Option<StaffUserId>,
}

/// Opens the decision's transaction with the conditional status update as its first statement.
/// When the request changed between read and write, re-reads and re-decides; a move the new
/// status does not allow is a 409 naming the allowed ones. Returns the transaction, what the
/// update touched and the status it moved from.
async fn decide(
    state: &AppState,
    id: RequestId,
    decision: &Decision<'_>,
) -> Result<(Tx, Transitioned, RequestStatus), ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = service_requests::get(state.db.exec(), id).await?;
        let to = (decision.step)(current.status).map_err(|e| transition_conflict(&e))?;
        let change = StatusChange {
            from: current.status,
            to,
            public_reason: decision.public_reason,
            cancel_reason: None,
            reviewed_by: decision.reviewed_by,
        };
        let mut tx = state.db.begin().await?;
        match service_requests::change_status(tx.exec(), id, &change).await {
            Ok(moved) => return Ok((tx, moved, current.status)),
            Err(StoreError::StaleVersion) if attempt < TRANSITION_ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Appends the timeline row of a decision.
async fn record_timeline(
    tx: &mut Tx,
    moved: &Transitioned,
    kind: TimelineKind,
    payload: serde_json::Value,
) -> Result<(), ApiError> {
    timeline::insert(
        tx.exec(),
        &NewTimelineEvent {
            customer_id: moved.customer_id.into(),
            location_id: moved.location_id.into(),
            kind,
            subject_id: moved.id,
            occurred_at: time::now(),
            public_payload: payload,
        },
    )
    .await?;
    Ok(())
}

/// Appends the audit row of a decision.
async fn record_audit(
    tx: &mut Tx,
    caller: &StaffCaller,
    req: &HttpRequest,
    action: &'static str,
    id: RequestId,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, action)
        .subject("service_request", id.into_uuid())
        .ip(client_ip(req))
        .details(details);
    audit::record(tx.exec(), &entry).await?;
    Ok(())
}

/// Queues the "your request is now …" mail to every active portal user who follows the
/// request's location (opted in to request updates, CURRENTLY granted that location), each in
/// their own language. Returns how many were queued.
pub(crate) async fn notify(
    tx: &mut Tx,
    state: &AppState,
    moved: &Transitioned,
    status: RequestStatus,
    public_reason: Option<&str>,
) -> Result<usize, ApiError> {
    let Some(public) = public_status(status) else {
        return Ok(0);
    };
    let recipients = service_requests::notification_recipients(
        tx.exec(),
        moved.customer_id.into(),
        moved.location_id.into(),
    )
    .await?;
    let link = portal_link(
        &state.settings.public_url,
        &format!("requests/{}", moved.id),
    );
    for recipient in &recipients {
        let locale: Locale = recipient.locale.parse().unwrap_or_default();
        let mail = RequestStatusChangedMail {
            display_name: recipient.display_name.clone(),
            request_title: moved.title.clone(),
            status_label: public.label(locale).to_owned(),
            public_reason: public_reason.map(str::to_owned),
            link: link.clone(),
        };
        mail_outbox::enqueue(tx.exec(), &mail.to_mail(recipient.email.clone(), locale)).await?;
    }
    Ok(recipients.len())
}

/// Start reviewing a submitted request.
#[utoipa::path(
    post,
    path = "/requests/{id}/review",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "In review", body = StaffRequest),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests/{id}/review")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn review_request(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = RequestId::from_uuid(id.into_inner());
    let decision = Decision {
        step: RequestStatus::review,
        public_reason: None,
        reviewed_by: Some(caller.staff_user_id()),
    };
    let (mut tx, _moved, from) = decide(&state, id, &decision).await?;
    let details = serde_json::json!({ "from": from.as_str(), "to": "in_review" });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.request.reviewed",
        id,
        details,
    )
    .await?;
    let request = service_requests::get(tx.exec(), id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffRequest::from(request)))
}

/// Accept a reviewed request: creates its work item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptServiceRequest {
    /// The work item's title; the request's title when omitted. 1–120 characters.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = priority_schema, required = true)]
    pub priority: String,
    /// A contact of the request's customer to name on the work item.
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// Internal notes of the work item (never shown in the portal). At most 5,000 characters.
    #[serde(default)]
    pub internal_notes: Option<String>,
}

/// The accepted request and the work item created for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedServiceRequest {
    pub request: StaffRequest,
    pub target: TargetDto,
}

/// Accept a request in review: creates the work item (target) with the request's customer,
/// location, contact and request, and marks the request accepted — one transaction. The
/// timeline, the audit log and the customer's notification mails are written with it.
#[utoipa::path(
    post,
    path = "/requests/{id}/accept",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = AcceptServiceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted; the work item exists", body = AcceptedServiceRequest),
        (status = 400, description = "Invalid fields (e.g. `priority`, or a `contact_id` of another customer)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in review (e.g. cancelled meanwhile); `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests/{id}/accept")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn accept_request(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<AcceptServiceRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = RequestId::from_uuid(id.into_inner());
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let title = errors.check(
        body.title
            .as_deref()
            .map(|t| Title::parse(t).map(Title::into_string))
            .transpose(),
    );
    let priority = errors.check(fields::choice::<Priority>("priority", &body.priority));
    let internal_notes = errors.check(fields::optional_text(
        "internal_notes",
        body.internal_notes.as_deref(),
        MAX_NOTES_CHARS,
        true,
    ));
    let (Some(title), Some(priority), Some(internal_notes)) = (title, priority, internal_notes)
    else {
        return Err(errors.into_error());
    };
    // 404 before 400: the contact is checked against the request's customer.
    let request = service_requests::get(state.db.exec(), id).await?;
    let contact_id = body.contact_id.map(ContactId::from_uuid);
    if let Some(contact) = contact_id {
        let found = contacts::get(state.db.exec(), contact).await.optional()?;
        if found.is_none_or(|c| c.customer_id != request.customer_id) {
            return Err(ApiError::invalid_fields(vec![FieldError {
                field: "contact_id".into(),
                code: "unknown_reference".into(),
                message: "no contact of this request's customer has this id".into(),
            }]));
        }
    }

    let decision = Decision {
        step: RequestStatus::accept,
        public_reason: None,
        reviewed_by: None,
    };
    let (mut tx, moved, from) = decide(&state, id, &decision).await?;
    let target = targets::insert(
        tx.exec(),
        &NewTarget {
            customer_id: moved.customer_id.into(),
            location_id: moved.location_id.into(),
            contact_id,
            request_id: Some(id),
            title: title.unwrap_or_else(|| moved.title.clone()),
            priority,
            internal_notes,
        },
    )
    .await?;
    service_requests::set_target(tx.exec(), id, target.id).await?;
    record_timeline(
        &mut tx,
        &moved,
        TimelineKind::RequestAccepted,
        serde_json::json!({ "title": moved.title, "status": "accepted" }),
    )
    .await?;
    let details = serde_json::json!({
        "from": from.as_str(),
        "to": "accepted",
        "target_id": target.id,
        "priority": priority.as_str(),
    });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.request.accepted",
        id,
        details,
    )
    .await?;
    let mails = notify(&mut tx, &state, &moved, RequestStatus::Accepted, None).await?;
    let request = service_requests::get(tx.exec(), id).await?;
    tx.commit().await?;
    if mails > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(HttpResponse::Ok().json(AcceptedServiceRequest {
        request: request.into(),
        target: target.into(),
    }))
}

/// Reject a request; the reason is what the customer reads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectServiceRequest {
    /// Shown to the customer. Required, 1–1,000 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub public_reason: String,
}

/// Reject a submitted or in-review request with a reason for the customer.
#[utoipa::path(
    post,
    path = "/requests/{id}/reject",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = RejectServiceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = StaffRequest),
        (status = 400, description = "`public_reason` missing, empty or too long", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted or in review; `allowed` names the possible moves", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests/{id}/reject")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn reject_request(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<RejectServiceRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = RequestId::from_uuid(id.into_inner());
    let reason = fields::text(
        "public_reason",
        &body.public_reason,
        MAX_PUBLIC_REASON_CHARS,
        true,
    )
    .map_err(|e| ApiError::invalid_fields(vec![e.into()]))?;
    let decision = Decision {
        step: RequestStatus::reject,
        public_reason: Some(&reason),
        reviewed_by: None,
    };
    let (mut tx, moved, from) = decide(&state, id, &decision).await?;
    record_timeline(
        &mut tx,
        &moved,
        TimelineKind::RequestRejected,
        serde_json::json!({ "title": moved.title, "status": "rejected", "public_reason": reason }),
    )
    .await?;
    let details = serde_json::json!({ "from": from.as_str(), "to": "rejected" });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.request.rejected",
        id,
        details,
    )
    .await?;
    let mails = notify(
        &mut tx,
        &state,
        &moved,
        RequestStatus::Rejected,
        Some(&reason),
    )
    .await?;
    let request = service_requests::get(tx.exec(), id).await?;
    tx.commit().await?;
    if mails > 0 {
        state.mail_wakeup.notify_one();
    }
    Ok(HttpResponse::Ok().json(StaffRequest::from(request)))
}

/// An edit of the internal notes, based on the `version` read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchServiceRequest {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    /// New internal notes (at most 5,000 characters); `null` or `""` clears them; omitted keeps
    /// them.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub internal_notes: Option<Option<String>>,
}

/// Edit a request's internal notes (optimistic: send the `version` you read).
#[utoipa::path(
    patch,
    path = "/requests/{id}",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = PatchServiceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = StaffRequest),
        (status = 400, description = "Invalid or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since you read it (`stale_version`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/requests/{id}")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn patch_request(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<PatchServiceRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = RequestId::from_uuid(id.into_inner());
    let body = body.into_inner();
    let notes = body
        .internal_notes
        .map(|v| fields::optional_text("internal_notes", v.as_deref(), MAX_NOTES_CHARS, true))
        .transpose()
        .map_err(|e| ApiError::invalid_fields(vec![e.into()]))?;
    let current = service_requests::get(state.db.exec(), id).await?;
    let Some(notes) = notes else {
        // Nothing to change; still refuse a stale base so the client learns it is behind.
        if current.version != body.version {
            return Err(StoreError::StaleVersion.into());
        }
        return Ok(HttpResponse::Ok().json(StaffRequest::from(current)));
    };
    let mut tx = state.db.begin().await?;
    service_requests::update_internal_notes(tx.exec(), id, body.version, notes.as_deref()).await?;
    let details = serde_json::json!({ "fields": ["internal_notes"] });
    record_audit(&mut tx, &caller, &req, "staff.request.updated", id, details).await?;
    let request = service_requests::get(tx.exec(), id).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffRequest::from(request)))
}
