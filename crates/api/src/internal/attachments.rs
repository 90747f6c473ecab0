//! Attachments for staff: upload a file to a report, a work item or a request; release it to
//! the portal or withdraw it, one file at a time; read its release ledger; fetch its bytes.
//!
//! "Attachments are not automatically shared": an upload is internal until released, and a
//! released file is still only downloadable in the portal while its owner is visible there
//! (a report: published), the portal user's grant allows downloads and the customer has
//! attachments enabled. Uploads are streamed to a temporary file (SHA-256 and size computed on
//! the way, type sniffed from the first bytes), then streamed into storage: a 50 MB file never
//! sits in memory.
//!
//! Roles: dispatchers and above upload, read and fetch; releasing and withdrawing need a
//! manager or above.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use ordinavo_domain::ids::{AttachmentId, CustomerId, LocationId, ReportId, RequestId, TargetId};
use ordinavo_domain::roles::StaffRole;
use ordinavo_domain::visibility::AttachmentOwnerKind;
use ordinavo_persistence::attachments::{self, Attachment, NewAttachment, UploaderKind};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::release_ledger::{
    self, LedgerAction, LedgerActor, LedgerSubject, NewLedgerEntry,
};
use ordinavo_persistence::{StoreError, Tx, reports, service_requests, targets};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::downloads;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors};
use crate::internal::reports::LedgerEntryDto;
use crate::internal::requests::StaffAttachmentDto;
use crate::pagination::{PageDto, PageQuery};
use crate::state::AppState;
use crate::storage::{StorageError, StorageKey};
use crate::uploads::{self, MAX_STAFF_FILE_BYTES};

#[derive(OpenApi)]
#[openapi(
    paths(
        upload_attachment,
        get_attachment,
        attachment_content,
        release_attachment,
        withdraw_attachment,
        attachment_ledger
    ),
    components(schemas(StaffAttachmentDto, StaffFileUpload)),
    tags((name = "attachments", description = "Files: upload, one-by-one release to the portal, release ledger"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(upload_attachment)
        .service(get_attachment)
        .service(attachment_content)
        .service(release_attachment)
        .service(withdraw_attachment)
        .service(attachment_ledger);
}

fn owner_kind_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<AttachmentOwnerKind>()
}

/// Query of `POST /attachments`: what the file belongs to. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OwnerQuery {
    /// `report`, `target` (work item) or `request`.
    #[param(schema_with = owner_kind_schema)]
    pub owner_kind: String,
    /// The id of that report, work item or request.
    pub owner_id: Uuid,
}

/// OpenAPI only: the multipart form of a staff upload.
#[derive(Debug, ToSchema)]
pub struct StaffFileUpload {
    /// The file: a JPEG, PNG, GIF, WebP, HEIC/HEIF or AVIF image, or a PDF; at most 50 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The customer and location an owner is scoped to; 400 `unknown_reference` when it does not
/// exist (checked before the body is read).
async fn owner_scope(
    state: &AppState,
    kind: AttachmentOwnerKind,
    id: Uuid,
) -> Result<(CustomerId, LocationId), ApiError> {
    let found = match kind {
        AttachmentOwnerKind::Report => reports::get(state.db.exec(), ReportId::from_uuid(id))
            .await
            .map(|r| (r.customer_id, r.location_id)),
        AttachmentOwnerKind::Target => targets::get(state.db.exec(), TargetId::from_uuid(id))
            .await
            .map(|t| (t.customer_id, t.location_id)),
        AttachmentOwnerKind::Request => {
            service_requests::get(state.db.exec(), RequestId::from_uuid(id))
                .await
                .map(|r| (r.customer_id, r.location_id))
        }
    };
    match found {
        Ok(scope) => Ok(scope),
        Err(StoreError::NotFound) => Err(ApiError::invalid_fields(vec![FieldError {
            field: "owner_id".into(),
            code: "unknown_reference".into(),
            message: format!("no {kind} has this id"),
        }])),
        Err(e) => Err(e.into()),
    }
}

fn storage_error(e: StorageError) -> ApiError {
    ApiError::Internal(anyhow::Error::new(e))
}

/// Upload a file to a report, a work item or a request (one file per call). It is NOT shared:
/// release it with `POST /attachments/{id}/release`.
///
/// The type is detected from the content (images and PDF only); the SHA-256 of the bytes is
/// recorded. The body is streamed, never held in memory.
#[utoipa::path(
    post,
    path = "/attachments",
    tag = "attachments",
    params(OwnerQuery),
    request_body(content = StaffFileUpload, content_type = "multipart/form-data", description = "One part named `file`"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored (not released)", body = StaffAttachmentDto),
        (status = 400, description = "Unknown owner, invalid query, no `file` part, or other parts", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than 50 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart/form-data, or the file is neither an image nor a PDF", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attachments")]
#[tracing::instrument(skip_all)]
pub async fn upload_attachment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<OwnerQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let mut errors = FieldErrors::new();
    let kind = errors.check(fields::choice::<AttachmentOwnerKind>(
        "owner_kind",
        &query.owner_kind,
    ));
    let Some(kind) = kind else {
        return Err(errors.into_error());
    };
    let owner = query.owner_id;
    let (customer_id, location_id) = owner_scope(&state, kind, owner).await?;

    let upload = uploads::read_one_file(
        &req,
        payload,
        MAX_STAFF_FILE_BYTES,
        &state.settings.data_dir.join("tmp"),
    )
    .await?;
    let id = AttachmentId::new();
    let key = StorageKey::for_attachment(kind, owner, id);
    let reader = upload
        .reader()
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?;
    state
        .storage
        .put(&key, reader)
        .await
        .map_err(storage_error)?;
    let new = NewAttachment {
        id,
        owner_kind: kind,
        owner_id: owner,
        customer_id,
        location_id,
        filename: upload.filename.clone(),
        content_type: upload.content_type.to_owned(),
        size: upload.size(),
        sha256: upload.sha256.clone(),
        storage_key: key.as_str().to_owned(),
        uploaded_by_kind: UploaderKind::Staff,
        uploaded_by: caller.staff_user_id().into_uuid(),
    };
    let recorded = async {
        let mut tx = state.db.begin().await?;
        let saved = attachments::insert(tx.exec(), &new).await?;
        let details = serde_json::json!({
            "owner_kind": kind.as_str(),
            "owner_id": owner,
            "size": saved.size,
            "sha256": saved.sha256,
            "content_type": saved.content_type,
        });
        record_audit(
            &mut tx,
            &caller,
            &req,
            "staff.attachment.uploaded",
            id,
            details,
        )
        .await?;
        tx.commit().await?;
        Ok::<Attachment, ApiError>(saved)
    }
    .await;
    match recorded {
        Ok(saved) => Ok(HttpResponse::Created().json(StaffAttachmentDto::from(saved))),
        Err(e) => {
            // The row was not written: the bytes must not linger without it.
            if let Err(cleanup) = state.storage.delete(&key).await {
                tracing::warn!(error = %cleanup, "could not remove the bytes of a failed upload");
            }
            Err(e)
        }
    }
}

/// One file's metadata and release state.
#[utoipa::path(
    get,
    path = "/attachments/{id}",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file's metadata", body = StaffAttachmentDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn get_attachment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let file = attachments::get(state.db.exec(), AttachmentId::from_uuid(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(StaffAttachmentDto::from(file)))
}

/// Fetch a file's bytes (staff; audited). Same safe download headers as the portal.
#[utoipa::path(
    get,
    path = "/attachments/{id}/content",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The bytes, as a download (`Content-Disposition: attachment`)", content_type = "application/octet-stream"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}/content")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn attachment_content(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = AttachmentId::from_uuid(id.into_inner());
    let file = attachments::get(state.db.exec(), id).await?;
    let key = StorageKey::parse(&file.storage_key).map_err(storage_error)?;
    let body = match state.storage.get(&key).await {
        Ok(body) => body,
        Err(StorageError::NotFound) => {
            tracing::error!(attachment_id = %id, "the bytes of a recorded file are missing");
            return Err(ApiError::NotFound);
        }
        Err(e) => return Err(storage_error(e)),
    };
    let mut tx = state.db.begin().await?;
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.attachment.downloaded",
        id,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    downloads::attachment_response(body, file.size, &file.content_type, &file.filename)
}

/// Release a file to the portal (one file at a time). It becomes downloadable for portal users
/// only while its owner is visible to them (a report: published), their grant allows
/// downloads and the customer has attachments enabled.
#[utoipa::path(
    post,
    path = "/attachments/{id}/release",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Released", body = StaffAttachmentDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already released (`already_released`; `allowed` names `withdraw`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attachments/{id}/release")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn release_attachment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = AttachmentId::from_uuid(id.into_inner());
    attachments::get(state.db.exec(), id).await?;
    let mut tx = state.db.begin().await?;
    let file = match attachments::release(tx.exec(), id, caller.staff_user_id()).await {
        Ok(file) => file,
        Err(StoreError::StaleVersion) => {
            return Err(ApiError::Conflict {
                code: "already_released",
                detail: "This file is already released to the portal.".into(),
                allowed: Some(vec!["withdraw".into()]),
            });
        }
        Err(e) => return Err(e.into()),
    };
    ledger(&mut tx, &caller, &file, LedgerAction::Released).await?;
    let details = serde_json::json!({
        "owner_kind": file.owner_kind.as_str(),
        "owner_id": file.owner_id,
    });
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.attachment.released",
        id,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffAttachmentDto::from(file)))
}

/// Withdraw a released file: the portal stops listing and serving it at once.
#[utoipa::path(
    post,
    path = "/attachments/{id}/withdraw",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = StaffAttachmentDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not released (`not_released`; `allowed` names `release`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attachments/{id}/withdraw")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn withdraw_attachment(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = AttachmentId::from_uuid(id.into_inner());
    attachments::get(state.db.exec(), id).await?;
    let mut tx = state.db.begin().await?;
    let file = match attachments::withdraw(tx.exec(), id).await {
        Ok(file) => file,
        Err(StoreError::StaleVersion) => {
            return Err(ApiError::Conflict {
                code: "not_released",
                detail: "This file is not released to the portal.".into(),
                allowed: Some(vec!["release".into()]),
            });
        }
        Err(e) => return Err(e.into()),
    };
    ledger(&mut tx, &caller, &file, LedgerAction::Withdrawn).await?;
    record_audit(
        &mut tx,
        &caller,
        &req,
        "staff.attachment.withdrawn",
        id,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(StaffAttachmentDto::from(file)))
}

/// The release ledger of a file: releases, withdrawals and portal downloads, newest first.
#[utoipa::path(
    get,
    path = "/attachments/{id}/ledger",
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of ledger rows, newest first", body = PageDto<LedgerEntryDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments/{id}/ledger")]
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn attachment_ledger(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = AttachmentId::from_uuid(id.into_inner());
    let (after, limit) = query.parse()?;
    attachments::get(state.db.exec(), id).await?;
    let page = release_ledger::list_for_subject(
        state.db.exec(),
        LedgerSubject::Attachment,
        id.into_uuid(),
        after.as_ref(),
        limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, LedgerEntryDto::from)))
}

/// Appends the ledger row of a staff act on `file`.
async fn ledger(
    tx: &mut Tx,
    caller: &StaffCaller,
    file: &Attachment,
    action: LedgerAction,
) -> Result<(), ApiError> {
    release_ledger::record(
        tx.exec(),
        &NewLedgerEntry {
            subject: LedgerSubject::Attachment,
            subject_id: file.id.into_uuid(),
            customer_id: file.customer_id,
            location_id: file.location_id,
            action,
            actor: LedgerActor::Staff(caller.staff_user_id()),
        },
    )
    .await?;
    Ok(())
}

/// Appends the audit row of an attachment change.
async fn record_audit(
    tx: &mut Tx,
    caller: &StaffCaller,
    req: &HttpRequest,
    action: &'static str,
    id: AttachmentId,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, action)
        .subject("attachment", id.into_uuid())
        .ip(client_ip(req))
        .details(details);
    audit::record(tx.exec(), &entry).await?;
    Ok(())
}
