//! Attachment metadata (`attachments`). The bytes live in the storage backend under
//! `storage_key`, a key made from ids only; the key, the uploader and the release bookkeeping
//! are internal. The portal read model ([`PortalAttachment`]) carries id, file name, type, size
//! and date, nothing else.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{
    AttachmentId, CustomerId, LocationId, PortalUserId, ReportId, RequestId, StaffUserId,
};
use ordinavo_domain::visibility::AttachmentOwnerKind;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, granted_locations_sql, parse_enum, report_visible_sql, run, time};

/// Who uploaded a file (`attachments.uploaded_by_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploaderKind {
    Staff,
    Portal,
}

impl UploaderKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Portal => "portal",
        }
    }

    fn parse(value: &str) -> Result<Self, StoreError> {
        match value {
            "staff" => Ok(Self::Staff),
            "portal" => Ok(Self::Portal),
            other => Err(StoreError::Other(format!(
                "unexpected uploader kind in database: {other}"
            ))),
        }
    }
}

/// A file to record. The caller has already written the bytes under `storage_key` and copies
/// `customer_id`/`location_id` from the owner (they scope every portal query).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    pub id: AttachmentId,
    pub owner_kind: AttachmentOwnerKind,
    pub owner_id: Uuid,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    /// Sanitised original name, for `Content-Disposition` only (never part of the key).
    pub filename: String,
    /// The sniffed media type (from the bytes, not from the client).
    pub content_type: String,
    pub size: i64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by_kind: UploaderKind,
    pub uploaded_by: Uuid,
}

/// An attachment as staff see it (every column).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub owner_kind: AttachmentOwnerKind,
    pub owner_id: Uuid,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by_kind: UploaderKind,
    pub uploaded_by: Uuid,
    pub portal_released_at: Option<DateTime<Utc>>,
    pub released_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    owner_kind: String,
    owner_id: Uuid,
    customer_id: Uuid,
    location_id: Uuid,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    storage_key: String,
    uploaded_by_kind: String,
    uploaded_by: Uuid,
    portal_released_at: Option<DateTime<Utc>>,
    released_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for Attachment {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Attachment {
            id: AttachmentId::from_uuid(r.id),
            owner_kind: parse_enum(&r.owner_kind)?,
            owner_id: r.owner_id,
            customer_id: CustomerId::from_uuid(r.customer_id),
            location_id: LocationId::from_uuid(r.location_id),
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            storage_key: r.storage_key,
            uploaded_by_kind: UploaderKind::parse(&r.uploaded_by_kind)?,
            uploaded_by: r.uploaded_by,
            portal_released_at: r.portal_released_at,
            released_by: r.released_by,
            created_at: r.created_at,
        })
    }
}

macro_rules! columns {
    () => {
        "id, owner_kind, owner_id, customer_id, location_id, filename, content_type, size, \
         sha256, storage_key, uploaded_by_kind, uploaded_by, portal_released_at, released_by, \
         created_at"
    };
}

/// Records an uploaded file (not released to the portal).
#[tracing::instrument(skip_all, fields(attachment_id = %a.id))]
pub async fn insert(ex: Exec<'_>, a: &NewAttachment) -> Result<Attachment, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO attachments (id, owner_kind, owner_id, customer_id, location_id, \
             filename, content_type, size, sha256, storage_key, uploaded_by_kind, uploaded_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             RETURNING ",
            columns!()
        ))
        .bind(a.id.into_uuid())
        .bind(a.owner_kind.as_str())
        .bind(a.owner_id)
        .bind(a.customer_id.into_uuid())
        .bind(a.location_id.into_uuid())
        .bind(&a.filename)
        .bind(&a.content_type)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(&a.storage_key)
        .bind(a.uploaded_by_kind.as_str())
        .bind(a.uploaded_by)
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// How many files an owner has (the per-request limit is checked against this inside the
/// upload transaction, after the owner row is locked).
#[tracing::instrument(skip_all, fields(owner_id = %owner_id))]
pub async fn count_for_owner(
    ex: Exec<'_>,
    owner_kind: AttachmentOwnerKind,
    owner_id: Uuid,
) -> Result<i64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM attachments WHERE owner_kind = $1 AND owner_id = $2",
        )
        .bind(owner_kind.as_str())
        .bind(owner_id)
        .fetch_one(c)
        .await
    })?)
}

/// Every file of an owner, oldest first (staff view).
#[tracing::instrument(skip_all, fields(owner_id = %owner_id))]
pub async fn list_for_owner(
    ex: Exec<'_>,
    owner_kind: AttachmentOwnerKind,
    owner_id: Uuid,
) -> Result<Vec<Attachment>, StoreError> {
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM attachments WHERE owner_kind = $1 AND owner_id = $2 ORDER BY created_at, id"
        ))
        .bind(owner_kind.as_str())
        .bind(owner_id)
        .fetch_all(c)
        .await
    })?;
    rows.into_iter().map(Attachment::try_from).collect()
}

/// A file as a portal user sees it: no storage key, no checksum, no uploader, no release
/// bookkeeping.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PortalAttachment {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

/// The files of a request the caller may see, oldest first: those customers uploaded plus
/// those staff released, on a request within the caller's CURRENT grants (scoped in SQL; a
/// request outside them has no files, exactly like an unknown one).
#[tracing::instrument(skip_all, fields(portal_user_id = %user, request_id = %request))]
pub async fn portal_list_for_request(
    ex: Exec<'_>,
    user: PortalUserId,
    request: RequestId,
) -> Result<Vec<PortalAttachment>, StoreError> {
    let now = time::now();
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalAttachment>(concat!(
            "SELECT a.id, a.filename, a.content_type, a.size, a.created_at \
             FROM attachments a \
             WHERE a.owner_kind = 'request' AND a.owner_id = $3 \
             AND a.location_id IN (SELECT gr.location_id FROM (",
            granted_locations_sql!(),
            ") gr) \
             AND (a.uploaded_by_kind = 'portal' OR a.portal_released_at IS NOT NULL) \
             ORDER BY a.created_at, a.id"
        ))
        .bind(user.into_uuid())
        .bind(now)
        .bind(request.into_uuid())
        .fetch_all(c)
        .await
    })?;
    Ok(rows)
}

/// One attachment by id (staff view).
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn get(ex: Exec<'_>, id: AttachmentId) -> Result<Attachment, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM attachments WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Releases a file to the portal: sets `portal_released_at` to now and `released_by`, if it is
/// not released yet. `StaleVersion` when it already is (re-read to explain).
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn release(
    ex: Exec<'_>,
    id: AttachmentId,
    by: StaffUserId,
) -> Result<Attachment, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE attachments SET portal_released_at = $2, released_by = $3 \
             WHERE id = $1 AND portal_released_at IS NULL RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(time::now())
        .bind(by.into_uuid())
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::StaleVersion)?.try_into()
}

/// Withdraws a released file: the portal stops listing and serving it with the next request.
/// `StaleVersion` when it is not released (re-read to explain).
#[tracing::instrument(skip_all, fields(attachment_id = %id))]
pub async fn withdraw(ex: Exec<'_>, id: AttachmentId) -> Result<Attachment, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE attachments SET portal_released_at = NULL, released_by = NULL \
             WHERE id = $1 AND portal_released_at IS NOT NULL RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::StaleVersion)?.try_into()
}

/// A released file of a shared report, as the portal lists it; `downloadable` tells whether
/// the caller may fetch its bytes (the grant's `can_download_attachments`, already combined
/// with the customer's `attachments_enabled`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PortalReportFile {
    pub id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
    pub downloadable: bool,
}

/// The RELEASED files of a report that is portal-visible on a location the caller's CURRENT
/// grants cover with `can_view_reports`, oldest first; empty otherwise.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, report_id = %report))]
pub async fn portal_list_for_report(
    ex: Exec<'_>,
    user: PortalUserId,
    report: ReportId,
) -> Result<Vec<PortalReportFile>, StoreError> {
    let now = time::now();
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalReportFile>(concat!(
            "SELECT a.id, a.filename, a.content_type, a.size, a.created_at, \
             gr.can_download_attachments AS downloadable \
             FROM attachments a \
             JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = a.location_id AND gr.can_view_reports = TRUE \
             JOIN visit_reports r ON r.id = a.owner_id \
             JOIN targets t ON t.id = r.target_id AND t.location_id = a.location_id \
             WHERE a.owner_kind = 'report' AND a.owner_id = $3 \
             AND a.portal_released_at IS NOT NULL AND ",
            report_visible_sql!(),
            " ORDER BY a.created_at, a.id"
        ))
        .bind(user.into_uuid())
        .bind(now)
        .bind(report.into_uuid())
        .fetch_all(c)
        .await
    })?;
    Ok(rows)
}

/// What the download handler needs of a file the caller may download. Internal (the storage
/// key): never serialise it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Downloadable {
    pub id: Uuid,
    pub owner_kind: String,
    pub owner_id: Uuid,
    pub customer_id: Uuid,
    pub location_id: Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
}

/// The file `id` if the caller may download it NOW, decided in one scoped query; `NotFound`
/// otherwise (unknown, not released, withdrawn, owner hidden, no download right, attachments
/// disabled, another customer's: all look the same). The rule:
/// - the file's location is within the caller's CURRENT grants, with `can_download_attachments`
///   (already combined with the customer's `attachments_enabled`), AND
/// - its owner is visible to the caller, AND it is released to the portal:
///   - report: released, the report portal-visible, the grant has `can_view_reports`;
///   - target (work item): released, the work item at that location;
///   - request: released by staff OR uploaded through the portal (a customer's own upload is
///     the customer's to fetch back), the request at that location.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, attachment_id = %id))]
pub async fn portal_downloadable(
    ex: Exec<'_>,
    user: PortalUserId,
    id: AttachmentId,
) -> Result<Downloadable, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query_as::<_, Downloadable>(concat!(
            "SELECT a.id, a.owner_kind, a.owner_id, a.customer_id, a.location_id, a.filename, \
             a.content_type, a.size, a.storage_key \
             FROM attachments a \
             JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = a.location_id \
             WHERE a.id = $3 AND gr.can_download_attachments = TRUE AND ( \
               (a.owner_kind = 'report' AND a.portal_released_at IS NOT NULL \
                AND gr.can_view_reports = TRUE \
                AND EXISTS (SELECT 1 FROM visit_reports r JOIN targets t ON t.id = r.target_id \
                            WHERE r.id = a.owner_id AND t.location_id = a.location_id AND ",
            report_visible_sql!(),
            ")) \
               OR (a.owner_kind = 'target' AND a.portal_released_at IS NOT NULL \
                AND EXISTS (SELECT 1 FROM targets t \
                            WHERE t.id = a.owner_id AND t.location_id = a.location_id)) \
               OR (a.owner_kind = 'request' \
                AND (a.portal_released_at IS NOT NULL OR a.uploaded_by_kind = 'portal') \
                AND EXISTS (SELECT 1 FROM service_requests sr \
                            WHERE sr.id = a.owner_id AND sr.location_id = a.location_id)))"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?)
}
