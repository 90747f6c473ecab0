//! Shared visit reports in the portal: list, read, list the released files, and download a file.
//!
//! A report appears only while it is approved AND published AND not unpublished, on a location
//! the caller's CURRENT grants cover with `can_view_reports`; anything else is 404, like a
//! report that does not exist. The portal shows what staff wrote FOR the customer at publish
//! time (title, summary, message), the visit date and the location; never the internal body,
//! status, approver or publisher. Opening a report is recorded in the release ledger (the
//! customer's access log shows it).
//!
//! `GET /attachments/{id}/content` streams a file only when it is downloadable NOW for the
//! caller (see `ordinavo_persistence::attachments::portal_downloadable`): released, its owner
//! visible to the caller, the grant with `can_download_attachments`, the customer with
//! `attachments_enabled`; else 404. That includes the files customers uploaded to their own
//! requests (on a granted location, with the same download capability). Every download is
//! audited and in the ledger before the first byte goes out. There are no public or lasting
//! links. For a browser link (which cannot send the bearer header) the SPA asks
//! `POST /attachments/{id}/download-link` for a one-time ticket: 32 random bytes, stored hashed,
//! bound to the user, the session and the file, valid 60 seconds, spent by its first use, and
//! redeemed by `GET /attachments/{id}/download?ticket=…` only while the session is alive and the
//! download rule still holds against the CURRENT grants.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::{AttachmentId, CustomerId, LocationId, PortalUserId, ReportId};
use ordinavo_domain::public_status::PublicStatus;
use ordinavo_persistence::attachments::{self, Downloadable, PortalReportFile};
use ordinavo_persistence::audit::{self, ActorKind, AuditEntry};
use ordinavo_persistence::download_tickets::{self, NewTicket};
use ordinavo_persistence::release_ledger::{
    self, LedgerAction, LedgerActor, LedgerSubject, NewLedgerEntry,
};
use ordinavo_persistence::reports::{self, PortalReport};
use ordinavo_persistence::{StoreError, portal_scope, time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::portal::PortalCaller;
use crate::auth::tokens::{self, OpaqueToken};
use crate::downloads;
use crate::error::{ApiError, Problem};
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;
use crate::storage::{StorageError, StorageKey};

#[derive(OpenApi)]
#[openapi(
    paths(
        list_reports,
        get_report,
        list_report_attachments,
        attachment_content,
        create_download_link,
        download_with_ticket
    ),
    components(schemas(
        DownloadLink,
        PortalReportDto,
        PageDto<PortalReportDto>,
        PortalReportFileDto,
        PageDto<PortalReportFileDto>
    )),
    tags(
        (name = "reports", description = "Visit reports shared with you and their files"),
        (name = "attachments", description = "Downloading shared files")
    )
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_reports)
        .service(get_report)
        .service(list_report_attachments)
        .service(attachment_content)
        .service(create_download_link)
        .service(download_with_ticket);
}

/// How long a download ticket may wait for its one use.
pub const TICKET_SECONDS: i64 = 60;

/// A visit report as the portal shows it: the texts written for the customer, when it was
/// shared, the visit date and the location. Nothing internal.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalReportDto {
    pub id: Uuid,
    pub title: String,
    pub summary: Option<String>,
    pub message: Option<String>,
    /// Always `shared` (reports that are not shared do not appear).
    pub status: String,
    /// `status` in the caller's language.
    pub status_label: String,
    /// When it was shared in the portal.
    pub shared_at: DateTime<Utc>,
    /// When the visit took place (the appointment's start), if the report is of one.
    pub visit_date: Option<DateTime<Utc>>,
    pub location_id: Uuid,
    pub location_name: String,
}

fn dto(report: PortalReport, caller: &PortalCaller) -> PortalReportDto {
    PortalReportDto {
        id: report.id,
        title: report.title,
        summary: report.summary,
        message: report.message,
        status: PublicStatus::Shared.code().to_owned(),
        status_label: PublicStatus::Shared.label(caller.scope.locale).to_owned(),
        shared_at: report.shared_at,
        visit_date: report.visit_date,
        location_id: report.location_id,
        location_name: report.location_name,
    }
}

/// Query of `GET /reports`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportListQuery {
    /// Only the reports of this location (one of yours).
    pub location_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The visit reports shared with you, most recently shared first.
#[utoipa::path(
    get,
    path = "/reports",
    tag = "reports",
    params(ReportListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of shared reports on your locations (those your access lets you read reports at)", body = PageDto<PortalReportDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports")]
#[tracing::instrument(skip_all)]
pub async fn list_reports(
    state: web::Data<AppState>,
    caller: PortalCaller,
    query: web::Query<ReportListQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = reports::portal_list(
        state.db.exec(),
        caller.user_id(),
        query.location_id.map(LocationId::from_uuid),
        after.as_ref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, |r| dto(r, &caller))))
}

/// One shared visit report. Opening it is recorded in your organisation's access log.
#[utoipa::path(
    get,
    path = "/reports/{id}",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report", body = PortalReportDto),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report shared with you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/{id}")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn get_report(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = ReportId::from_uuid(id.into_inner());
    let report = reports::portal_get(state.db.exec(), caller.user_id(), id).await?;
    release_ledger::record(
        state.db.exec(),
        &NewLedgerEntry {
            subject: LedgerSubject::Report,
            subject_id: report.id,
            customer_id: CustomerId::from_uuid(report.customer_id),
            location_id: LocationId::from_uuid(report.location_id),
            action: LedgerAction::Viewed,
            actor: LedgerActor::Portal(caller.user_id()),
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(dto(report, &caller)))
}

/// A file of a shared report, as the portal lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalReportFileDto {
    pub id: Uuid,
    /// The (sanitised) name of the file.
    pub filename: String,
    /// Detected from the content: an image type or `application/pdf`.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub created_at: DateTime<Utc>,
    /// You may download it (`GET /attachments/{id}/content`): your access includes downloads
    /// and your organisation has attachments enabled.
    pub downloadable: bool,
}

impl From<PortalReportFile> for PortalReportFileDto {
    fn from(f: PortalReportFile) -> Self {
        Self {
            id: f.id,
            filename: f.filename,
            content_type: f.content_type,
            size: f.size,
            created_at: f.created_at,
            downloadable: f.downloadable,
        }
    }
}

/// The files released with a shared report, oldest first.
#[utoipa::path(
    get,
    path = "/reports/{id}/attachments",
    tag = "reports",
    params(("id" = Uuid, Path, description = "Report id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The released files (one page)", body = PageDto<PortalReportFileDto>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report shared with you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/{id}/attachments")]
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn list_report_attachments(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = ReportId::from_uuid(id.into_inner());
    // 404 for a report that is not shared with the caller (the list alone would be empty).
    reports::portal_get(state.db.exec(), caller.user_id(), id).await?;
    let files = attachments::portal_list_for_report(state.db.exec(), caller.user_id(), id).await?;
    Ok(HttpResponse::Ok().json(PageDto {
        items: files
            .into_iter()
            .map(PortalReportFileDto::from)
            .collect::<Vec<_>>(),
        next_cursor: None,
    }))
}

/// Download a shared file.
///
/// Served only when the file is released to you, what it belongs to is visible to you, your
/// access includes downloads and your organisation has attachments enabled; anything else is
/// 404. Your own uploads to your requests can be fetched back the same way. Always sent as a
/// download (`Content-Disposition: attachment`), never rendered. Recorded in the access log.
#[utoipa::path(
    get,
    path = "/attachments/{id}/content",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The bytes, streamed; `Content-Type` is the file's detected type", content_type = "application/octet-stream",
            headers(
                ("Content-Disposition" = String, description = "`attachment; filename=\"<ASCII fallback>\"; filename*=UTF-8''<percent-encoded name>` (RFC 6266)"),
                ("X-Content-Type-Options" = String, description = "`nosniff`"),
                ("Cache-Control" = String, description = "`no-store`"),
                ("Content-Security-Policy" = String, description = "`sandbox`"),
            )
        ),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file available to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}/content")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn attachment_content(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = AttachmentId::from_uuid(id.into_inner());
    let file = attachments::portal_downloadable(state.db.exec(), caller.user_id(), id).await?;
    serve(&state, &req, caller.user_id(), file, "bearer").await
}

/// Opens `file`'s bytes, records the download (ledger + audit, committed before the first
/// byte) and streams it with the safe download headers.
async fn serve(
    state: &AppState,
    req: &HttpRequest,
    user: PortalUserId,
    file: Downloadable,
    via: &'static str,
) -> Result<HttpResponse, ApiError> {
    let key = StorageKey::parse(&file.storage_key)
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    let body = match state.storage.get(&key).await {
        Ok(body) => body,
        Err(StorageError::NotFound) => {
            tracing::error!(attachment_id = %file.id, "the bytes of a recorded file are missing");
            return Err(ApiError::NotFound);
        }
        Err(e) => return Err(ApiError::Internal(anyhow::Error::new(e))),
    };
    let mut tx = state.db.begin().await?;
    release_ledger::record(
        tx.exec(),
        &NewLedgerEntry {
            subject: LedgerSubject::Attachment,
            subject_id: file.id,
            customer_id: CustomerId::from_uuid(file.customer_id),
            location_id: LocationId::from_uuid(file.location_id),
            action: LedgerAction::Downloaded,
            actor: LedgerActor::Portal(user),
        },
    )
    .await?;
    let entry = AuditEntry::new(
        ActorKind::Portal,
        Some(user.into_uuid()),
        "portal.attachment.downloaded",
    )
    .subject("attachment", file.id)
    .ip(client_ip(req))
    .details(serde_json::json!({
        "owner_kind": file.owner_kind,
        "owner_id": file.owner_id,
        "size": file.size,
        "via": via,
    }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    downloads::attachment_response(body, file.size, &file.content_type, &file.filename)
}

/// A one-time link to download one file from a browser (no bearer header needed).
#[derive(Debug, Serialize, ToSchema)]
pub struct DownloadLink {
    /// Open this path (same origin as the API) within `expires_at`; it works once.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Get a one-time browser link for a file you may download now.
///
/// The link carries a random ticket that works ONCE, for this file, for you, within 60 seconds,
/// while your session is alive; your access is checked again when it is used.
#[utoipa::path(
    post,
    path = "/attachments/{id}/download-link",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A one-time link, valid 60 seconds", body = DownloadLink),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file available to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attachments/{id}/download-link")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn create_download_link(
    state: web::Data<AppState>,
    caller: PortalCaller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = AttachmentId::from_uuid(id.into_inner());
    attachments::portal_downloadable(state.db.exec(), caller.user_id(), id).await?;
    let ticket = OpaqueToken::generate();
    let expires_at = time::now() + Duration::seconds(TICKET_SECONDS);
    let mut tx = state.db.begin().await?;
    download_tickets::issue(
        tx.exec(),
        &NewTicket {
            token_hash: ticket.hash,
            portal_user_id: caller.user_id(),
            session_id: caller.scope.session_id,
            token_version: caller.token_version,
            attachment_id: id,
            expires_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(DownloadLink {
        url: format!(
            "/api/portal/v1/attachments/{id}/download?ticket={}",
            ticket.raw
        ),
        expires_at,
    }))
}

/// Query of `GET /attachments/{id}/download`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// The ticket of a link from `POST /attachments/{id}/download-link`.
    pub ticket: Option<String>,
}

/// Download a file with a one-time link (for browsers; no bearer header).
///
/// Works once, within 60 seconds of the link's creation, for the file and the user it was made
/// for, while that user's session is alive and the file is still available to them; anything
/// else is 404. Same headers as `GET /attachments/{id}/content`.
#[utoipa::path(
    get,
    path = "/attachments/{id}/download",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id"), TicketQuery),
    responses(
        (status = 200, description = "The bytes, as a download (see `GET /attachments/{id}/content`)", content_type = "application/octet-stream"),
        (status = 404, description = "Unknown, spent or expired ticket, or the file is no longer available to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}/download")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn download_with_ticket(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    query: web::Query<TicketQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = AttachmentId::from_uuid(id.into_inner());
    let Some(raw) = query
        .ticket
        .as_deref()
        .filter(|t| tokens::looks_like_token(t))
    else {
        return Err(ApiError::NotFound);
    };
    // Spent first (its own statement): a second use finds nothing, whatever happens next.
    let redeemed = match download_tickets::redeem(state.db.exec(), &tokens::hash(raw), id).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(ApiError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let user = PortalUserId::from_uuid(redeemed.portal_user_id);
    // The session must still be alive and the user active (as for any portal call) …
    portal_scope::load(
        state.db.exec(),
        user,
        redeemed.session_id,
        redeemed.token_version,
    )
    .await?
    .ok_or(ApiError::NotFound)?;
    // … and the download rule must still hold against the CURRENT grants.
    let file = attachments::portal_downloadable(state.db.exec(), user, id).await?;
    serve(&state, &req, user, file, "ticket").await
}
