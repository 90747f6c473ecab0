//! Service requests (`service_requests`): what customers ask for, and the status changes staff
//! and customers make to them.
//!
//! Two read models:
//! - [`PortalServiceRequest`] selects only portal-safe columns (never `internal_notes`,
//!   `reviewed_by`, `reviewed_at`, `idempotency_hash`, `target_id` or `version`), and every
//!   portal query filters by [`granted_locations_sql!`]: a request outside the caller's CURRENT
//!   grants is `NotFound`, exactly like one that does not exist.
//! - [`ServiceRequest`] is the staff view: every column.
//!
//! Status changes are conditional updates (`WHERE id = $1 AND status = $2`, version bumped), so
//! of two racing changes from the same status (accept vs. cancel) exactly one matches a row;
//! the other gets [`StoreError::StaleVersion`] and the caller re-reads to explain the refusal.
//! Start a transaction with the conditional update: on SQLite it takes the write lock first,
//! so racing writers queue instead of failing to upgrade a read lock.
//!
//! `preferred_windows` is stored as the JSON array the migration documents:
//! `[{"from": RFC 3339, "to": RFC 3339}]` ([`StoredWindow`]).

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{
    CustomerId, LocationId, PortalUserId, RequestId, StaffUserId, TargetId,
};
use ordinavo_domain::input::PreferredWindows;
use ordinavo_domain::request::{RequestKind, RequestStatus};
use ordinavo_domain::transition::TransitionError;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
pub use crate::portal_scope::Recipient;
use crate::portal_scope::{self, NotifyTopic};
use crate::{Exec, granted_locations_sql, parse_enum, run, time};

/// A user's retried POST with the same `Idempotency-Key` hits this unique constraint.
pub const UQ_IDEMPOTENCY: &str = "uq_service_requests_idempotency";

/// One preferred window as stored in `preferred_windows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl StoredWindow {
    /// The stored form of validated windows, in the order given.
    pub fn from_windows(windows: &PreferredWindows) -> Vec<Self> {
        windows
            .as_slice()
            .iter()
            .map(|w| Self {
                from: time::stored(w.start()),
                to: time::stored(w.end()),
            })
            .collect()
    }
}

/// The idempotency data of a submission: the client's key and the hash of its canonical body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    /// Lowercase hex SHA-256 of the canonical request body (internal only).
    pub body_hash: String,
}

/// A validated submission by a portal user.
#[derive(Debug, Clone, PartialEq)]
pub struct NewServiceRequest {
    pub location_id: LocationId,
    pub kind: RequestKind,
    pub title: String,
    pub description: String,
    pub preferred_windows: PreferredWindows,
    pub site_access_notes: Option<String>,
    pub contact_phone: Option<String>,
    pub idempotency: Option<Idempotency>,
}

/// Number of status slots of the list queries: one per [`RequestStatus`].
const STATUS_SLOTS: usize = 6;
const _: () = assert!(RequestStatus::ALL.len() == STATUS_SLOTS);

/// The `status IN ($a, …)` slots of a status set; unused slots are NULL (which matches nothing).
fn status_slots(statuses: &[RequestStatus]) -> [Option<&'static str>; STATUS_SLOTS] {
    let mut slots = [None; STATUS_SLOTS];
    for (slot, status) in slots.iter_mut().zip(RequestStatus::ALL) {
        if statuses.contains(status) {
            *slot = Some(status.as_str());
        }
    }
    slots
}

// ---------------------------------------------------------------------------------------------
// Portal side
// ---------------------------------------------------------------------------------------------

/// Inserts a `submitted` request by `user` at `r.location_id`, scoped in SQL: the row is only
/// written when the location is within the user's CURRENT grants with `can_submit_requests`;
/// otherwise `NotFound` (an ungranted location looks exactly like an unknown one).
/// `Conflict { UQ_IDEMPOTENCY }` when the user already used this idempotency key.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, location_id = %r.location_id))]
pub async fn portal_insert(
    ex: Exec<'_>,
    user: PortalUserId,
    r: &NewServiceRequest,
) -> Result<RequestId, StoreError> {
    let id = RequestId::new();
    let now = time::now();
    let windows = StoredWindow::from_windows(&r.preferred_windows);
    let (key, hash) = r
        .idempotency
        .as_ref()
        .map_or((None, None), |i| (Some(&i.key), Some(&i.body_hash)));
    let inserted = run!(ex, |c| {
        sqlx::query(concat!(
            "INSERT INTO service_requests (id, customer_id, location_id, submitted_by, kind, \
             title, description, preferred_windows, site_access_notes, contact_phone, status, \
             idempotency_key, idempotency_hash, version, created_at, updated_at) \
             SELECT $3, gr.customer_id, gr.location_id, $1, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, 1, $2, $2 FROM (",
            granted_locations_sql!(),
            ") gr WHERE gr.location_id = $4 AND gr.can_submit_requests = TRUE LIMIT 1"
        ))
        .bind(user.into_uuid())
        .bind(now)
        .bind(id.into_uuid())
        .bind(r.location_id.into_uuid())
        .bind(r.kind.as_str())
        .bind(&r.title)
        .bind(&r.description)
        .bind(Json(&windows))
        .bind(&r.site_access_notes)
        .bind(&r.contact_phone)
        .bind(RequestStatus::Submitted.as_str())
        .bind(key)
        .bind(hash)
        .execute(c)
        .await
        .map(|res| res.rows_affected())
    })?;
    if inserted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(id)
}

/// A request a portal user submitted earlier with the same idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentHit {
    pub id: RequestId,
    pub body_hash: Option<String>,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    id: Uuid,
    idempotency_hash: Option<String>,
}

/// The request `user` submitted with `key` after `since` (keys are kept for a while, then
/// forgotten), if it is still within the user's grants.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn find_idempotent(
    ex: Exec<'_>,
    user: PortalUserId,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Option<IdempotentHit>, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, HitRow>(concat!(
            "SELECT r.id, r.idempotency_hash FROM service_requests r \
             WHERE r.submitted_by = $1 AND r.idempotency_key = $3 AND r.created_at > $4 \
             AND r.location_id IN (SELECT gr.location_id FROM (",
            granted_locations_sql!(),
            ") gr)"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(key)
        .bind(time::stored(since))
        .fetch_optional(c)
        .await
    })?;
    Ok(row.map(|r| IdempotentHit {
        id: RequestId::from_uuid(r.id),
        body_hash: r.idempotency_hash,
    }))
}

/// Forgets `user`'s idempotency `key` on requests created at or before `cutoff`, so the key can
/// be used again once it has expired. Returns how many rows let go of it.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn expire_idempotency_key(
    ex: Exec<'_>,
    user: PortalUserId,
    key: &str,
    cutoff: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query(
            "UPDATE service_requests SET idempotency_key = NULL, idempotency_hash = NULL \
             WHERE submitted_by = $1 AND idempotency_key = $2 AND created_at <= $3",
        )
        .bind(user.into_uuid())
        .bind(key)
        .bind(time::stored(cutoff))
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?)
}

/// A request as a portal user sees it: portal-safe columns only, plus the location's name, the
/// submitter's display name (nothing else of them) and what the caller's grant allows there.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalServiceRequest {
    pub id: RequestId,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub location_name: String,
    /// `None` when staff or an integration entered the request.
    pub submitted_by_name: Option<String>,
    pub kind: RequestKind,
    pub title: String,
    pub description: String,
    pub preferred_windows: Vec<StoredWindow>,
    pub site_access_notes: Option<String>,
    pub contact_phone: Option<String>,
    pub status: RequestStatus,
    /// Staff's customer-facing reason; meaningful when `rejected`.
    pub public_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The caller's grant at this location has `can_submit_requests` (cancel, upload).
    pub caller_can_submit: bool,
}

#[derive(sqlx::FromRow)]
struct PortalRow {
    id: Uuid,
    customer_id: Uuid,
    location_id: Uuid,
    location_name: String,
    submitted_by_name: Option<String>,
    kind: String,
    title: String,
    description: String,
    preferred_windows: Json<Vec<StoredWindow>>,
    site_access_notes: Option<String>,
    contact_phone: Option<String>,
    status: String,
    public_reason: Option<String>,
    cancel_reason: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    caller_can_submit: bool,
}

impl TryFrom<PortalRow> for PortalServiceRequest {
    type Error = StoreError;
    fn try_from(r: PortalRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: RequestId::from_uuid(r.id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            location_id: LocationId::from_uuid(r.location_id),
            location_name: r.location_name,
            submitted_by_name: r.submitted_by_name,
            kind: parse_enum(&r.kind)?,
            title: r.title,
            description: r.description,
            preferred_windows: r.preferred_windows.0,
            site_access_notes: r.site_access_notes,
            contact_phone: r.contact_phone,
            status: parse_enum(&r.status)?,
            public_reason: r.public_reason,
            cancel_reason: r.cancel_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
            caller_can_submit: r.caller_can_submit,
        })
    }
}

/// The portal read model's SELECT … FROM … JOIN (scoped by the caller's grants: `$1` the user,
/// `$2` now). Never add an internal column here.
macro_rules! portal_select {
    () => {
        concat!(
            "SELECT r.id, r.customer_id, r.location_id, l.name AS location_name, \
             u.display_name AS submitted_by_name, r.kind, r.title, r.description, \
             r.preferred_windows, r.site_access_notes, r.contact_phone, r.status, \
             r.public_reason, r.cancel_reason, r.created_at, r.updated_at, \
             gr.can_submit_requests AS caller_can_submit \
             FROM service_requests r \
             JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = r.location_id \
             JOIN locations l ON l.id = r.location_id \
             LEFT JOIN portal_users u ON u.id = r.submitted_by "
        )
    };
}

/// One request within the caller's CURRENT grants; `NotFound` otherwise.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, request_id = %id))]
pub async fn portal_get(
    ex: Exec<'_>,
    user: PortalUserId,
    id: RequestId,
) -> Result<PortalServiceRequest, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, PortalRow>(concat!(portal_select!(), "WHERE r.id = $3"))
            .bind(user.into_uuid())
            .bind(time::now())
            .bind(id.into_uuid())
            .fetch_one(c)
            .await
    })?;
    row.try_into()
}

/// Filters of the portal list. `statuses` is the set to show (the API derives it from the
/// `status` and `open` filters; pass [`RequestStatus::ALL`] for everything).
#[derive(Debug, Clone, PartialEq)]
pub struct PortalFilter {
    pub statuses: Vec<RequestStatus>,
    pub location_id: Option<LocationId>,
}

/// The requests on every location the caller is CURRENTLY granted, newest first (keyset on
/// `created_at DESC, id DESC`).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn portal_list(
    ex: Exec<'_>,
    user: PortalUserId,
    filter: &PortalFilter,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<PortalServiceRequest>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let [s1, s2, s3, s4, s5, s6] = status_slots(&filter.statuses);
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalRow>(concat!(
            portal_select!(),
            "WHERE ($3 IS NULL OR r.location_id = $3) \
             AND r.status IN ($4, $5, $6, $7, $8, $9) \
             AND (r.created_at, r.id) < ($10, $11) \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $12"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(filter.location_id.map(LocationId::into_uuid))
        .bind(s1)
        .bind(s2)
        .bind(s3)
        .bind(s4)
        .bind(s5)
        .bind(s6)
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(PortalServiceRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |r: &PortalServiceRequest| {
        Cursor::new(r.created_at, r.id.into_uuid())
    }))
}

/// What a status change touched, for the timeline row and the mails written in its transaction.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Transitioned {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub location_id: Uuid,
    pub submitted_by: Option<Uuid>,
    pub title: String,
}

/// A portal user cancels: `from -> cancelled` if the request is still in `from` AND within the
/// caller's CURRENT grants with `can_submit_requests` (scoped in SQL). `StaleVersion` when no
/// row matched (someone changed it first, or the grant went away): re-read to explain.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, request_id = %id))]
pub async fn portal_cancel(
    ex: Exec<'_>,
    user: PortalUserId,
    id: RequestId,
    from: RequestStatus,
    reason: Option<&str>,
) -> Result<Transitioned, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Transitioned>(concat!(
            "UPDATE service_requests SET status = $5, cancel_reason = $6, updated_at = $2, \
             version = version + 1 \
             WHERE id = $3 AND status = $4 AND location_id IN (SELECT gr.location_id FROM (",
            granted_locations_sql!(),
            ") gr WHERE gr.can_submit_requests = TRUE) \
             RETURNING id, customer_id, location_id, submitted_by, title"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(id.into_uuid())
        .bind(from.as_str())
        .bind(RequestStatus::Cancelled.as_str())
        .bind(reason)
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::StaleVersion)
}

/// Locks a request the caller may add files to (within the CURRENT grants with
/// `can_submit_requests`, scoped in SQL) for the rest of the transaction, so concurrent uploads
/// count its files one after the other. Make it the first statement of the upload transaction.
/// `NotFound` when the request is not (or no longer) the caller's to add files to.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, request_id = %id))]
pub async fn portal_lock_for_upload(
    ex: Exec<'_>,
    user: PortalUserId,
    id: RequestId,
) -> Result<(), StoreError> {
    let locked = run!(ex, |c| {
        sqlx::query(concat!(
            "UPDATE service_requests SET updated_at = updated_at \
             WHERE id = $3 AND location_id IN (SELECT gr.location_id FROM (",
            granted_locations_sql!(),
            ") gr WHERE gr.can_submit_requests = TRUE)"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(id.into_uuid())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if locked == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Staff side
// ---------------------------------------------------------------------------------------------

/// A request as staff see it: every column (internal notes, reviewer, idempotency key, version)
/// plus the names staff need to read a queue.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRequest {
    pub id: RequestId,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub location_id: LocationId,
    pub location_name: String,
    pub submitted_by: Option<PortalUserId>,
    pub submitted_by_name: Option<String>,
    pub submitted_by_email: Option<String>,
    pub kind: RequestKind,
    pub title: String,
    pub description: String,
    pub preferred_windows: Vec<StoredWindow>,
    pub site_access_notes: Option<String>,
    pub contact_phone: Option<String>,
    pub status: RequestStatus,
    pub public_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub target_id: Option<TargetId>,
    pub idempotency_key: Option<String>,
    pub internal_notes: Option<String>,
    pub reviewed_by: Option<StaffUserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    customer_id: Uuid,
    customer_name: String,
    location_id: Uuid,
    location_name: String,
    submitted_by: Option<Uuid>,
    submitted_by_name: Option<String>,
    submitted_by_email: Option<String>,
    kind: String,
    title: String,
    description: String,
    preferred_windows: Json<Vec<StoredWindow>>,
    site_access_notes: Option<String>,
    contact_phone: Option<String>,
    status: String,
    public_reason: Option<String>,
    cancel_reason: Option<String>,
    target_id: Option<Uuid>,
    idempotency_key: Option<String>,
    internal_notes: Option<String>,
    reviewed_by: Option<Uuid>,
    reviewed_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for ServiceRequest {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: RequestId::from_uuid(r.id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            customer_name: r.customer_name,
            location_id: LocationId::from_uuid(r.location_id),
            location_name: r.location_name,
            submitted_by: r.submitted_by.map(PortalUserId::from_uuid),
            submitted_by_name: r.submitted_by_name,
            submitted_by_email: r.submitted_by_email,
            kind: parse_enum(&r.kind)?,
            title: r.title,
            description: r.description,
            preferred_windows: r.preferred_windows.0,
            site_access_notes: r.site_access_notes,
            contact_phone: r.contact_phone,
            status: parse_enum(&r.status)?,
            public_reason: r.public_reason,
            cancel_reason: r.cancel_reason,
            target_id: r.target_id.map(TargetId::from_uuid),
            idempotency_key: r.idempotency_key,
            internal_notes: r.internal_notes,
            reviewed_by: r.reviewed_by.map(StaffUserId::from_uuid),
            reviewed_at: r.reviewed_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

macro_rules! staff_select {
    () => {
        "SELECT r.id, r.customer_id, c.name AS customer_name, r.location_id, \
         l.name AS location_name, r.submitted_by, u.display_name AS submitted_by_name, \
         u.email AS submitted_by_email, r.kind, r.title, r.description, r.preferred_windows, \
         r.site_access_notes, r.contact_phone, r.status, r.public_reason, r.cancel_reason, \
         r.target_id, r.idempotency_key, r.internal_notes, r.reviewed_by, r.reviewed_at, \
         r.version, r.created_at, r.updated_at \
         FROM service_requests r \
         JOIN customers c ON c.id = r.customer_id \
         JOIN locations l ON l.id = r.location_id \
         LEFT JOIN portal_users u ON u.id = r.submitted_by "
    };
}

/// One request, every column (staff view).
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn get(ex: Exec<'_>, id: RequestId) -> Result<ServiceRequest, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(staff_select!(), "WHERE r.id = $1"))
            .bind(id.into_uuid())
            .fetch_one(c)
            .await
    })?;
    row.try_into()
}

/// The review queue: requests (of one status, or all) oldest first, keyset on
/// `created_at, id`.
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    status: Option<RequestStatus>,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<ServiceRequest>, StoreError> {
    let (at, id) = after.map_or((time::far_past(), Uuid::nil()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            staff_select!(),
            "WHERE ($1 IS NULL OR r.status = $1) AND (r.created_at, r.id) > ($2, $3) \
             ORDER BY r.created_at, r.id LIMIT $4"
        ))
        .bind(status.map(RequestStatus::as_str))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(ServiceRequest::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |r: &ServiceRequest| {
        Cursor::new(r.created_at, r.id.into_uuid())
    }))
}

/// A staff status change: `from -> to`, with what that change records.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange<'a> {
    pub from: RequestStatus,
    pub to: RequestStatus,
    /// Set on reject (what the customer reads); `None` leaves the column alone.
    pub public_reason: Option<&'a str>,
    /// Set on cancel; `None` leaves the column alone.
    pub cancel_reason: Option<&'a str>,
    /// Set on review: the reviewer and the time (`reviewed_at` = now); `None` leaves both.
    pub reviewed_by: Option<StaffUserId>,
}

/// Applies `change` if the request is still in `change.from` (and bumps the version);
/// `StaleVersion` when it is not (or does not exist): re-read to explain the refusal.
/// The caller has checked the move against the domain's transition graph.
#[tracing::instrument(skip_all, fields(request_id = %id, to = change.to.as_str()))]
pub async fn change_status(
    ex: Exec<'_>,
    id: RequestId,
    change: &StatusChange<'_>,
) -> Result<Transitioned, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Transitioned>(
            "UPDATE service_requests SET status = $3, \
             public_reason = COALESCE($4, public_reason), \
             cancel_reason = COALESCE($5, cancel_reason), \
             reviewed_by = COALESCE($6, reviewed_by), \
             reviewed_at = CASE WHEN $6 IS NULL THEN reviewed_at ELSE $7 END, \
             updated_at = $7, version = version + 1 \
             WHERE id = $1 AND status = $2 \
             RETURNING id, customer_id, location_id, submitted_by, title",
        )
        .bind(id.into_uuid())
        .bind(change.from.as_str())
        .bind(change.to.as_str())
        .bind(change.public_reason)
        .bind(change.cancel_reason)
        .bind(change.reviewed_by.map(StaffUserId::into_uuid))
        .bind(time::now())
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::StaleVersion)
}

/// Links an accepted request to the target created for it (same transaction as the accept).
#[tracing::instrument(skip_all, fields(request_id = %id, target_id = %target))]
pub async fn set_target(ex: Exec<'_>, id: RequestId, target: TargetId) -> Result<(), StoreError> {
    let n = run!(ex, |c| {
        sqlx::query("UPDATE service_requests SET target_id = $2 WHERE id = $1")
            .bind(id.into_uuid())
            .bind(target.into_uuid())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Overwrites the internal notes if the request is still at `expected_version`; bumps it.
/// `StaleVersion` when it moved on (or vanished) since it was read.
#[tracing::instrument(skip_all, fields(request_id = %id))]
pub async fn update_internal_notes(
    ex: Exec<'_>,
    id: RequestId,
    expected_version: i64,
    internal_notes: Option<&str>,
) -> Result<(), StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE service_requests SET internal_notes = $3, updated_at = $4, \
             version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(id.into_uuid())
        .bind(expected_version)
        .bind(internal_notes)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// Who gets a mail about a request at `location` of `customer`: every ACTIVE portal user with
/// `notify_request_updates` whose CURRENT grants cover that location (the submitter included,
/// if they still qualify), by email.
pub async fn notification_recipients(
    ex: Exec<'_>,
    customer: CustomerId,
    location: LocationId,
) -> Result<Vec<Recipient>, StoreError> {
    portal_scope::notification_recipients(ex, customer, location, NotifyTopic::RequestUpdates).await
}

/// What [`mark_planned_for_target`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkPlanned {
    /// The target was not created from a request: nothing to do.
    NoRequest,
    /// The request is now `planned`; `changed` is `false` when it already was.
    Planned {
        request_id: RequestId,
        changed: bool,
    },
}

/// Why [`mark_planned_for_target`] refused.
#[derive(Debug, thiserror::Error)]
pub enum MarkPlannedError {
    /// The request's status does not allow it (the API answers 409 with `allowed`).
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(sqlx::FromRow)]
struct IdStatus {
    id: Uuid,
    status: String,
}

/// For the appointments issue: an appointment was scheduled for `target`'s work, so its request
/// moves to `planned` by the domain rule [`RequestStatus::mark_planned`] (`accepted ->
/// planned`; `planned` stays; anything else is a [`TransitionError`]). Run it in the
/// transaction that schedules the appointment; a concurrent change of the request between the
/// read and the conditional update is `StaleVersion`.
#[tracing::instrument(skip_all, fields(target_id = %target))]
pub async fn mark_planned_for_target(
    mut ex: Exec<'_>,
    target: TargetId,
) -> Result<MarkPlanned, MarkPlannedError> {
    let current = run!(ex.reborrow(), |c| {
        sqlx::query_as::<_, IdStatus>(
            "SELECT id, status FROM service_requests WHERE target_id = $1",
        )
        .bind(target.into_uuid())
        .fetch_optional(c)
        .await
    })
    .map_err(StoreError::from)?;
    let Some(current) = current else {
        return Ok(MarkPlanned::NoRequest);
    };
    let request_id = RequestId::from_uuid(current.id);
    let from: RequestStatus = parse_enum(&current.status)?;
    let to = from.mark_planned()?;
    if from == to {
        return Ok(MarkPlanned::Planned {
            request_id,
            changed: false,
        });
    }
    change_status(
        ex,
        request_id,
        &StatusChange {
            from,
            to,
            public_reason: None,
            cancel_reason: None,
            reviewed_by: None,
        },
    )
    .await?;
    Ok(MarkPlanned::Planned {
        request_id,
        changed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_slots_follow_the_domain_order_and_leave_the_rest_null() {
        let slots = status_slots(&[RequestStatus::Cancelled, RequestStatus::Submitted]);
        assert_eq!(
            slots,
            [Some("submitted"), None, None, None, None, Some("cancelled")]
        );
        assert_eq!(status_slots(RequestStatus::ALL).iter().flatten().count(), 6);
    }
}
