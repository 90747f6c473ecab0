//! Service requests in the portal: submit (idempotent), list, read, cancel, and attach photos or
//! documents.
//!
//! Every query is scoped in SQL by the caller's CURRENT grants: a request (or location) outside
//! them answers 404, exactly like one that does not exist. Submitting, cancelling and attaching
//! need `can_submit_requests` at the request's location. Responses are [`PortalRequest`]s:
//! public status and label in the caller's language, never internal notes, reviewer, version or
//! work-item fields.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::{AttachmentId, LocationId, RequestId};
use ordinavo_domain::input::{Description, PreferredWindows, Title, ValidationError, codes};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::request::{RequestKind, RequestStatus};
use ordinavo_domain::timeline::TimelineKind;
use ordinavo_domain::visibility::AttachmentOwnerKind;
use ordinavo_persistence::attachments::{self, NewAttachment, PortalAttachment, UploaderKind};
use ordinavo_persistence::service_requests::{
    self, Idempotency, PortalFilter, PortalServiceRequest, Transitioned,
};
use ordinavo_persistence::timeline::{self, NewTimelineEvent};
use ordinavo_persistence::{StoreError, Tx, time};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::portal::PortalCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors};
use crate::pagination::{PageDto, page_request};
use crate::requests::{
    PreferredWindowDto, TRANSITION_ATTEMPTS, kind_schema, public_status, status_schema,
    transition_conflict, windows,
};
use crate::state::AppState;
use crate::storage::StorageKey;
use crate::uploads;

#[derive(OpenApi)]
#[openapi(
    paths(
        list_requests,
        create_request,
        get_request,
        cancel_request,
        upload_attachment,
        list_attachments
    ),
    components(schemas(
        PortalRequest,
        PageDto<PortalRequest>,
        ProgressStepDto,
        PreferredWindowDto,
        NewServiceRequest,
        WindowInput,
        CancelServiceRequest,
        PortalAttachmentDto,
        PageDto<PortalAttachmentDto>,
        FileUpload
    )),
    tags((name = "requests", description = "Service requests: submit, follow, cancel, attach files"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_requests)
        .service(create_request)
        .service(get_request)
        .service(cancel_request)
        .service(upload_attachment)
        .service(list_attachments);
}

/// How long an `Idempotency-Key` is remembered.
pub const IDEMPOTENCY_HOURS: i64 = 24;
/// Longest accepted `Idempotency-Key`, in characters.
const MAX_IDEMPOTENCY_KEY_CHARS: usize = 255;
/// Longest site access note, cancel reason (characters).
const MAX_NOTE_CHARS: usize = 1000;
/// Most files one request may carry.
pub const MAX_ATTACHMENTS_PER_REQUEST: i64 = 10;

/// One step of the progress bar (submitted → in review → accepted → planned).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressStepDto {
    #[schema(schema_with = status_schema)]
    pub status: String,
    /// The step's label in the caller's language.
    pub label: String,
    /// The request has reached (or passed) this step.
    pub reached: bool,
    /// The request is at this step now.
    pub current: bool,
}

/// A service request as the portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalRequest {
    pub id: Uuid,
    pub location_id: Uuid,
    pub location_name: String,
    #[schema(schema_with = kind_schema)]
    pub kind: RequestKind,
    pub title: String,
    pub description: String,
    pub preferred_windows: Vec<PreferredWindowDto>,
    pub site_access_notes: Option<String>,
    pub contact_phone: Option<String>,
    /// The public status code.
    #[schema(schema_with = status_schema)]
    pub status: String,
    /// The public status in the caller's language.
    pub status_label: String,
    /// Why the request was rejected (only when `status` is `rejected`).
    pub public_reason: Option<String>,
    /// The reason given when the request was cancelled, if any.
    pub cancel_reason: Option<String>,
    /// The progress bar, in order.
    pub progress: Vec<ProgressStepDto>,
    /// Who submitted it: their display name only (`null` when entered by staff).
    pub submitted_by_name: Option<String>,
    /// The caller may cancel it now.
    pub can_cancel: bool,
    /// The caller may add files to it now.
    pub can_add_attachments: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PortalRequest {
    /// The DTO in `locale`; `None` if the status were ever not customer-visible.
    fn new(r: PortalServiceRequest, locale: Locale) -> Option<Self> {
        let public = public_status(r.status)?;
        let progress = r
            .status
            .progress()
            .iter()
            .filter_map(|step| {
                let public = public_status(step.status)?;
                Some(ProgressStepDto {
                    status: public.code().to_owned(),
                    label: public.label(locale).to_owned(),
                    reached: step.reached,
                    current: step.current,
                })
            })
            .collect();
        Some(Self {
            id: r.id.into_uuid(),
            location_id: r.location_id.into_uuid(),
            location_name: r.location_name,
            kind: r.kind,
            preferred_windows: windows(&r.preferred_windows),
            title: r.title,
            description: r.description,
            site_access_notes: r.site_access_notes,
            contact_phone: r.contact_phone,
            status: public.code().to_owned(),
            status_label: public.label(locale).to_owned(),
            public_reason: r
                .public_reason
                .filter(|_| r.status == RequestStatus::Rejected),
            cancel_reason: r.cancel_reason,
            progress,
            submitted_by_name: r.submitted_by_name,
            can_cancel: r.caller_can_submit && r.status.is_cancellable(),
            can_add_attachments: r.caller_can_submit && r.status.is_open(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The DTO of a request read through the caller's scope (a status that were not visible reads
/// as not found).
fn dto(r: PortalServiceRequest, caller: &PortalCaller) -> Result<PortalRequest, ApiError> {
    PortalRequest::new(r, caller.scope.locale).ok_or(ApiError::NotFound)
}

/// One preferred window as submitted (RFC 3339 date-times with an offset).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    #[serde(default)]
    #[schema(value_type = String, format = DateTime, required = true)]
    pub starts_at: String,
    #[serde(default)]
    #[schema(value_type = String, format = DateTime, required = true)]
    pub ends_at: String,
}

/// A new service request. Unknown fields are refused; every invalid field is reported at once.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceRequest {
    /// A location the caller is granted with `can_submit_requests` (else 404).
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub location_id: Option<Uuid>,
    #[serde(default)]
    #[schema(schema_with = kind_schema, required = true)]
    pub kind: String,
    /// 1–120 characters, one line.
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    /// 1–5,000 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub description: String,
    /// Up to 5 windows, each starting now or later, ending within 365 days.
    #[serde(default)]
    pub preferred_windows: Vec<WindowInput>,
    /// Keys, codes, opening hours… at most 1,000 characters.
    #[serde(default)]
    pub site_access_notes: Option<String>,
    /// A phone number to call on site.
    #[serde(default)]
    pub contact_phone: Option<String>,
}

impl NewServiceRequest {
    /// The hash a retried submission must match: SHA-256 over the body re-serialised in field
    /// order (so whitespace and key order do not matter).
    fn canonical_hash(&self) -> Result<String, ApiError> {
        let canonical = serde_json::to_vec(self).map_err(anyhow::Error::from)?;
        let mut hasher = Sha256::new();
        hasher.update(b"service_request:v1:");
        hasher.update(&canonical);
        Ok(hex::encode(hasher.finalize()))
    }

    fn validate(
        &self,
        now: DateTime<Utc>,
    ) -> Result<service_requests::NewServiceRequest, ApiError> {
        let mut errors = FieldErrors::new();
        if self.location_id.is_none() {
            errors.push(FieldError {
                field: "location_id".into(),
                code: codes::REQUIRED.into(),
                message: "must be given".into(),
            });
        }
        let kind = errors.check(fields::choice::<RequestKind>("kind", &self.kind));
        let title = errors.check(Title::parse(&self.title));
        let description = errors.check(Description::parse(&self.description));
        let windows = errors.check(parse_windows(&self.preferred_windows, now));
        let site_access_notes = errors.check(fields::optional_text(
            "site_access_notes",
            self.site_access_notes.as_deref(),
            MAX_NOTE_CHARS,
            true,
        ));
        let contact_phone = errors.check(fields::optional_phone(
            "contact_phone",
            self.contact_phone.as_deref(),
        ));
        let (
            Some(location_id),
            Some(kind),
            Some(title),
            Some(description),
            Some(preferred_windows),
            Some(site_access_notes),
            Some(contact_phone),
        ) = (
            self.location_id,
            kind,
            title,
            description,
            windows,
            site_access_notes,
            contact_phone,
        )
        else {
            return Err(errors.into_error());
        };
        Ok(service_requests::NewServiceRequest {
            location_id: LocationId::from_uuid(location_id),
            kind,
            title: title.into_string(),
            description: description.into_string(),
            preferred_windows,
            site_access_notes,
            contact_phone,
            idempotency: None,
        })
    }
}

/// Parses the windows' date-times (an unreadable one is named, e.g.
/// `preferred_windows[1].ends_at`), then applies the domain's window rules (which name a bad
/// window by index, e.g. `preferred_windows[2]`).
fn parse_windows(
    input: &[WindowInput],
    now: DateTime<Utc>,
) -> Result<PreferredWindows, ValidationError> {
    if input.len() > PreferredWindows::MAX {
        return Err(ValidationError::new(
            "preferred_windows",
            codes::TOO_MANY_WINDOWS,
            format!(
                "at most {} preferred windows are allowed",
                PreferredWindows::MAX
            ),
        ));
    }
    let parse = |field: String, text: &str| {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                ValidationError::new(
                    field,
                    "invalid_datetime",
                    "must be an RFC 3339 date-time such as 2030-05-01T08:00:00+02:00",
                )
            })
    };
    let mut pairs = Vec::with_capacity(input.len());
    for (index, w) in input.iter().enumerate() {
        let start = parse(
            format!("preferred_windows[{index}].starts_at"),
            &w.starts_at,
        )?;
        let end = parse(format!("preferred_windows[{index}].ends_at"), &w.ends_at)?;
        pairs.push((start, end));
    }
    PreferredWindows::parse(&pairs, now)
}

/// The `Idempotency-Key` header: absent → `None`; 1–255 visible ASCII characters otherwise.
fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    let valid = !key.is_empty()
        && key.chars().count() <= MAX_IDEMPOTENCY_KEY_CHARS
        && key.chars().all(|c| c.is_ascii_graphic());
    if !valid {
        return Err(ApiError::invalid_fields(vec![FieldError {
            field: "Idempotency-Key".into(),
            code: "invalid_idempotency_key".into(),
            message: "must be 1 to 255 visible ASCII characters, e.g. a UUID".into(),
        }]));
    }
    Ok(Some(key.to_owned()))
}

fn key_reused() -> ApiError {
    ApiError::Unprocessable {
        code: "idempotency_key_reused",
        detail: "This Idempotency-Key was already used with a different request body; use a new \
                 key for a new request."
            .into(),
    }
}

fn created(dto: &PortalRequest, replayed: bool) -> HttpResponse {
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/portal/v1/requests/{}", dto.id),
    ));
    if replayed {
        response.insert_header(("idempotent-replayed", "true"));
    }
    response.json(dto)
}

/// The answer to a submission whose key was used before: the first request again when the body
/// is the same, 422 otherwise; `None` when the key is unused (or expired).
async fn replay(
    state: &AppState,
    caller: &PortalCaller,
    key: &str,
    body_hash: &str,
    since: DateTime<Utc>,
) -> Result<Option<HttpResponse>, ApiError> {
    let Some(hit) =
        service_requests::find_idempotent(state.db.exec(), caller.user_id(), key, since).await?
    else {
        return Ok(None);
    };
    if hit.body_hash.as_deref() != Some(body_hash) {
        return Err(key_reused());
    }
    let first = service_requests::portal_get(state.db.exec(), caller.user_id(), hit.id).await?;
    Ok(Some(created(&dto(first, caller)?, true)))
}

/// Query of `GET /requests`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only requests with this status.
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    /// Only requests at this location.
    pub location_id: Option<Uuid>,
    /// `true`: only open requests (submitted, in review, accepted, planned); `false`: only
    /// closed ones (rejected, cancelled).
    pub open: Option<bool>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The requests on every location the caller is granted, newest first.
#[utoipa::path(
    get,
    path = "/requests",
    tag = "requests",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of requests, newest first", body = PageDto<PortalRequest>),
        (status = 400, description = "Invalid filter, query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requests")]
#[tracing::instrument(skip_all)]
pub async fn list_requests(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
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
    let statuses = RequestStatus::ALL
        .iter()
        .copied()
        .filter(|s| status.is_none_or(|wanted| wanted == *s))
        .filter(|s| query.open.is_none_or(|open| s.is_open() == open))
        .collect();
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = PortalFilter {
        statuses,
        location_id: query.location_id.map(LocationId::from_uuid),
    };
    let page = service_requests::portal_list(
        state.db.exec(),
        caller.user_id(),
        &filter,
        after.as_ref(),
        limit,
    )
    .await?;
    let locale = caller.scope.locale;
    Ok(HttpResponse::Ok().json(PageDto {
        items: page
            .items
            .into_iter()
            .filter_map(|r| PortalRequest::new(r, locale))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Submit a service request.
///
/// Send an `Idempotency-Key` (e.g. a UUID per form submission) to make retries safe: the same
/// key with the same body answers the first request again (with `Idempotent-Replayed: true`);
/// the same key with another body is a 422. Keys are remembered for 24 hours.
#[utoipa::path(
    post,
    path = "/requests",
    tag = "requests",
    request_body = NewServiceRequest,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters; makes retries of this submission safe for 24 hours")
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Submitted (or, for a retried key, the first submission again)", body = PortalRequest),
        (status = 400, description = "Malformed body or invalid fields, all named in `errors` (e.g. `kind` lists the allowed values, `preferred_windows[2]` names the window)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown location, or not granted with request submission", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The Idempotency-Key was used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests")]
#[tracing::instrument(skip_all)]
pub async fn create_request(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
    body: web::Json<NewServiceRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let now = time::now();
    let since = now - Duration::hours(IDEMPOTENCY_HOURS);
    let key = idempotency_key(&req)?;
    let body_hash = body.canonical_hash()?;
    if let Some(key) = &key
        && let Some(response) = replay(&state, &caller, key, &body_hash, since).await?
    {
        return Ok(response);
    }
    let mut new = body.validate(now)?;
    new.idempotency = key.clone().map(|key| Idempotency {
        key,
        body_hash: body_hash.clone(),
    });

    let mut tx = state.db.begin().await?;
    if let Some(key) = &key {
        // An expired key is forgotten, so it may name a new request.
        service_requests::expire_idempotency_key(tx.exec(), caller.user_id(), key, since).await?;
    }
    let id = match service_requests::portal_insert(tx.exec(), caller.user_id(), &new).await {
        Ok(id) => id,
        Err(e) if e.is_conflict_on(service_requests::UQ_IDEMPOTENCY) => {
            // A concurrent submission with the same key won: answer as a retry of it.
            drop(tx);
            let key = key.as_deref().unwrap_or_default();
            return match replay(&state, &caller, key, &body_hash, since).await? {
                Some(response) => Ok(response),
                None => Err(key_reused()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    let request = service_requests::portal_get(tx.exec(), caller.user_id(), id).await?;
    timeline::insert(
        tx.exec(),
        &NewTimelineEvent {
            customer_id: request.customer_id,
            location_id: request.location_id,
            kind: TimelineKind::RequestSubmitted,
            subject_id: id.into_uuid(),
            occurred_at: request.created_at,
            public_payload: serde_json::json!({
                "title": request.title,
                "kind": request.kind.as_str(),
                "status": RequestStatus::Submitted.as_str(),
            }),
        },
    )
    .await?;
    let dto = dto(request, &caller)?;
    tx.commit().await?;
    Ok(created(&dto, false))
}

/// One request, with its public status and progress.
#[utoipa::path(
    get,
    path = "/requests/{id}",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = PortalRequest),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request within your access", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requests/{id}")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn get_request(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId::from_uuid(id.into_inner());
    let request = service_requests::portal_get(state.db.exec(), caller.user_id(), id).await?;
    Ok(HttpResponse::Ok().json(dto(request, &caller)?))
}

/// Why the customer cancels (optional). Send `{}` to give no reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelServiceRequest {
    /// At most 1,000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Cancel a request that is still submitted or in review.
#[utoipa::path(
    post,
    path = "/requests/{id}/cancel",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body = CancelServiceRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Cancelled", body = PortalRequest),
        (status = 400, description = "Invalid reason", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your access to this location does not include submitting requests", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request within your access", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not cancellable any more; `allowed` names the statuses it can still move to", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests/{id}/cancel")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn cancel_request(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
    body: web::Json<CancelServiceRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId::from_uuid(id.into_inner());
    let mut errors = FieldErrors::new();
    let reason = errors.check(fields::optional_text(
        "reason",
        body.reason.as_deref(),
        MAX_NOTE_CHARS,
        true,
    ));
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return Err(errors.into_error());
    };
    let (mut tx, cancelled) = cancel_in_tx(&state, &caller, id, reason.as_deref()).await?;
    timeline::insert(
        tx.exec(),
        &NewTimelineEvent {
            customer_id: cancelled.customer_id.into(),
            location_id: cancelled.location_id.into(),
            kind: TimelineKind::RequestCancelled,
            subject_id: cancelled.id,
            occurred_at: time::now(),
            public_payload: serde_json::json!({
                "title": cancelled.title,
                "status": RequestStatus::Cancelled.as_str(),
            }),
        },
    )
    .await?;
    let request = service_requests::portal_get(tx.exec(), caller.user_id(), id).await?;
    let dto = dto(request, &caller)?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Opens the cancel transaction with the conditional update as its first statement. When the
/// request changed between read and write, re-reads and re-decides (a submitted request that
/// went into review can still be cancelled; an accepted one cannot: 409).
async fn cancel_in_tx(
    state: &AppState,
    caller: &PortalCaller,
    id: RequestId,
    reason: Option<&str>,
) -> Result<(Tx, Transitioned), ApiError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = service_requests::portal_get(state.db.exec(), caller.user_id(), id).await?;
        if !current.caller_can_submit {
            return Err(ApiError::Forbidden);
        }
        current
            .status
            .cancel()
            .map_err(|e| transition_conflict(&e))?;
        let mut tx = state.db.begin().await?;
        match service_requests::portal_cancel(
            tx.exec(),
            caller.user_id(),
            id,
            current.status,
            reason,
        )
        .await
        {
            Ok(cancelled) => return Ok((tx, cancelled)),
            Err(StoreError::StaleVersion) if attempt < TRANSITION_ATTEMPTS => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// A file attached to a request, as the portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalAttachmentDto {
    pub id: Uuid,
    /// The (sanitised) name it was uploaded with.
    pub filename: String,
    /// Detected from the content: an image type or `application/pdf`.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

impl From<PortalAttachment> for PortalAttachmentDto {
    fn from(a: PortalAttachment) -> Self {
        Self {
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            created_at: a.created_at,
        }
    }
}

/// OpenAPI only: the multipart form of an upload.
#[derive(Debug, ToSchema)]
pub struct FileUpload {
    /// The file: a JPEG, PNG, GIF, WebP, HEIC/HEIF or AVIF image, or a PDF; at most 10 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

fn request_closed() -> ApiError {
    ApiError::Conflict {
        code: "request_closed",
        detail: "Files can only be added to an open request.".into(),
        allowed: None,
    }
}

fn too_many_files() -> ApiError {
    ApiError::Conflict {
        code: "too_many_attachments",
        detail: format!("A request carries at most {MAX_ATTACHMENTS_PER_REQUEST} files."),
        allowed: None,
    }
}

/// Add a photo or document to a request (one file per call).
///
/// The type is detected from the file's content, not its name: images and PDF only.
#[utoipa::path(
    post,
    path = "/requests/{id}/attachments",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    request_body(content = FileUpload, content_type = "multipart/form-data", description = "One part named `file`"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = PortalAttachmentDto),
        (status = 400, description = "No `file` part, or other parts", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Your access to this location does not include submitting requests", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request within your access", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is closed, or already has 10 files", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 10 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data, or the file is neither an image nor a PDF", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/requests/{id}/attachments")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId::from_uuid(id.into_inner());
    let request = service_requests::portal_get(state.db.exec(), caller.user_id(), id).await?;
    if !request.caller_can_submit {
        return Err(ApiError::Forbidden);
    }
    if !request.status.is_open() {
        return Err(request_closed());
    }
    let owner = id.into_uuid();
    let existing =
        attachments::count_for_owner(state.db.exec(), AttachmentOwnerKind::Request, owner).await?;
    if existing >= MAX_ATTACHMENTS_PER_REQUEST {
        return Err(too_many_files());
    }
    let upload = uploads::read_one_file(
        &req,
        payload,
        uploads::MAX_FILE_BYTES,
        &state.settings.data_dir.join("tmp"),
    )
    .await?;

    let store = &state.storage;
    let attachment_id = AttachmentId::new();
    let key = StorageKey::for_attachment(AttachmentOwnerKind::Request, owner, attachment_id);
    let reader = upload
        .reader()
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    store
        .put(&key, reader)
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    let new = NewAttachment {
        id: attachment_id,
        owner_kind: AttachmentOwnerKind::Request,
        owner_id: owner,
        customer_id: request.customer_id,
        location_id: request.location_id,
        filename: upload.filename.clone(),
        content_type: upload.content_type.to_owned(),
        size: upload.size(),
        sha256: upload.sha256.clone(),
        storage_key: key.as_str().to_owned(),
        uploaded_by_kind: UploaderKind::Portal,
        uploaded_by: caller.user_id().into_uuid(),
    };
    match record_upload(&state, &caller, id, &new).await {
        Ok(saved) => Ok(HttpResponse::Created().json(PortalAttachmentDto {
            id: saved.id.into_uuid(),
            filename: saved.filename,
            content_type: saved.content_type,
            size: saved.size,
            created_at: saved.created_at,
        })),
        Err(e) => {
            // The row was not written: the bytes must not linger without it.
            if let Err(cleanup) = store.delete(&key).await {
                tracing::warn!(error = %cleanup, "could not remove the bytes of a refused upload");
            }
            Err(e)
        }
    }
}

/// Records an upload whose bytes are stored: locks the request (still the caller's to add files
/// to), re-counts its files under that lock, inserts the row.
async fn record_upload(
    state: &AppState,
    caller: &PortalCaller,
    id: RequestId,
    new: &NewAttachment,
) -> Result<attachments::Attachment, ApiError> {
    let mut tx = state.db.begin().await?;
    service_requests::portal_lock_for_upload(tx.exec(), caller.user_id(), id).await?;
    let count =
        attachments::count_for_owner(tx.exec(), AttachmentOwnerKind::Request, new.owner_id).await?;
    if count >= MAX_ATTACHMENTS_PER_REQUEST {
        return Err(too_many_files());
    }
    let saved = attachments::insert(tx.exec(), new).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The files of a request: those the customer uploaded and those staff shared.
#[utoipa::path(
    get,
    path = "/requests/{id}/attachments",
    tag = "requests",
    params(("id" = Uuid, Path, description = "Request id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The files, oldest first (at most 10: one page)", body = PageDto<PortalAttachmentDto>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request within your access", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/requests/{id}/attachments")]
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = RequestId::from_uuid(id.into_inner());
    // 404 for a request outside the caller's grants (the list alone would just be empty).
    service_requests::portal_get(state.db.exec(), caller.user_id(), id).await?;
    let files = attachments::portal_list_for_request(state.db.exec(), caller.user_id(), id).await?;
    Ok(HttpResponse::Ok().json(PageDto {
        items: files
            .into_iter()
            .map(PortalAttachmentDto::from)
            .collect::<Vec<_>>(),
        next_cursor: None,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn window(start: &str, end: &str) -> WindowInput {
        WindowInput {
            starts_at: start.into(),
            ends_at: end.into(),
        }
    }

    #[test]
    fn an_unreadable_window_is_named_by_index_and_end() {
        let now = at("2030-01-01T00:00:00Z");
        let err = parse_windows(
            &[
                window("2030-01-02T08:00:00Z", "2030-01-02T10:00:00Z"),
                window("2030-01-03T08:00:00Z", "tomorrow"),
            ],
            now,
        )
        .unwrap_err();
        assert_eq!(err.field, "preferred_windows[1].ends_at");
    }

    #[test]
    fn a_backwards_window_is_named_by_index() {
        let now = at("2030-01-01T00:00:00Z");
        let err = parse_windows(
            &[window(
                "2030-01-02T10:00:00+01:00",
                "2030-01-02T08:00:00+01:00",
            )],
            now,
        )
        .unwrap_err();
        assert_eq!(err.field, "preferred_windows[0]");
        assert_eq!(err.code, codes::WINDOW_ORDER);
    }

    #[test]
    fn too_many_windows_is_one_error_on_the_list() {
        let now = at("2030-01-01T00:00:00Z");
        let many: Vec<_> = (0..6)
            .map(|_| window("2030-01-02T08:00:00Z", "2030-01-02T10:00:00Z"))
            .collect();
        let err = parse_windows(&many, now).unwrap_err();
        assert_eq!(err.field, "preferred_windows");
    }

    #[test]
    fn the_body_hash_ignores_formatting_but_not_content() {
        let a: NewServiceRequest =
            serde_json::from_str(r#"{"title":"Leak","kind":"service","description":"x"}"#).unwrap();
        let b: NewServiceRequest =
            serde_json::from_str(r#"{ "description": "x",  "kind": "service", "title": "Leak" }"#)
                .unwrap();
        let c: NewServiceRequest =
            serde_json::from_str(r#"{"title":"Leak!","kind":"service","description":"x"}"#)
                .unwrap();
        assert_eq!(a.canonical_hash().unwrap(), b.canonical_hash().unwrap());
        assert_ne!(a.canonical_hash().unwrap(), c.canonical_hash().unwrap());
    }
}
