//! Visit reports (`visit_reports`): what a technician wrote (the internal `body`), its approval
//! life cycle ([`ReportStatus`]) and, separately, its publication to the portal with
//! customer-facing texts (`portal_title`, `portal_summary`, `portal_message`).
//!
//! Approval never publishes: [`publish`] is its own conditional update, allowed on an approved
//! report only. The portal read model ([`PortalReport`]) selects the customer-facing texts, the
//! visit date and the location, never the body, the approver or the publisher, and only for
//! reports that are portal-visible ([`report_visible_sql!`], the SQL twin of
//! `ordinavo_domain::visibility::report_is_portal_visible`) on a location the caller's CURRENT
//! grants cover with `can_view_reports`.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{
    AppointmentId, CustomerId, LocationId, PortalUserId, ReportId, StaffUserId, TargetId,
};
use ordinavo_domain::report::ReportStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
pub use crate::portal_scope::Recipient;
use crate::portal_scope::{self, NotifyTopic};
use crate::{Exec, granted_locations_sql, parse_enum, run, time};

/// The SQL condition "report `r` is portal-visible": approved AND published AND not unpublished
/// since (an unpublish at or after the last publish hides it; fail closed on equal times).
/// The table must be aliased `r`.
#[macro_export]
macro_rules! report_visible_sql {
    () => {
        "(r.internal_status = 'approved' AND r.published_at IS NOT NULL \
         AND (r.unpublished_at IS NULL OR r.unpublished_at < r.published_at))"
    };
}

/// A report as staff see it (every column, plus the target's customer and location).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: ReportId,
    pub target_id: TargetId,
    pub appointment_id: Option<AppointmentId>,
    /// The target's customer and location: where the report (and its files) are scoped.
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    /// Internal only: never portal-visible.
    pub body: String,
    pub status: ReportStatus,
    /// Internal only.
    pub approved_by: Option<StaffUserId>,
    pub approved_at: Option<DateTime<Utc>>,
    pub portal_title: Option<String>,
    pub portal_summary: Option<String>,
    pub portal_message: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// Internal only.
    pub published_by: Option<StaffUserId>,
    pub unpublished_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Report {
    /// Whether the portal shows it now (the domain rule).
    pub fn is_portal_visible(&self) -> bool {
        ordinavo_domain::visibility::report_is_portal_visible(
            self.status,
            self.published_at,
            self.unpublished_at,
        )
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    target_id: Uuid,
    appointment_id: Option<Uuid>,
    customer_id: Uuid,
    location_id: Uuid,
    body: String,
    internal_status: String,
    approved_by: Option<Uuid>,
    approved_at: Option<DateTime<Utc>>,
    portal_title: Option<String>,
    portal_summary: Option<String>,
    portal_message: Option<String>,
    published_at: Option<DateTime<Utc>>,
    published_by: Option<Uuid>,
    unpublished_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Report {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Report {
            id: ReportId::from_uuid(r.id),
            target_id: TargetId::from_uuid(r.target_id),
            appointment_id: r.appointment_id.map(AppointmentId::from_uuid),
            customer_id: CustomerId::from_uuid(r.customer_id),
            location_id: LocationId::from_uuid(r.location_id),
            body: r.body,
            status: parse_enum(&r.internal_status)?,
            approved_by: r.approved_by.map(StaffUserId::from_uuid),
            approved_at: r.approved_at,
            portal_title: r.portal_title,
            portal_summary: r.portal_summary,
            portal_message: r.portal_message,
            published_at: r.published_at,
            published_by: r.published_by.map(StaffUserId::from_uuid),
            unpublished_at: r.unpublished_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

macro_rules! staff_select {
    () => {
        "SELECT r.id, r.target_id, r.appointment_id, t.customer_id, t.location_id, r.body, \
         r.internal_status, r.approved_by, r.approved_at, r.portal_title, r.portal_summary, \
         r.portal_message, r.published_at, r.published_by, r.unpublished_at, r.version, \
         r.created_at, r.updated_at \
         FROM visit_reports r JOIN targets t ON t.id = r.target_id "
    };
}

/// What creating a report needs. It starts as a `draft` at version 1.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub target_id: TargetId,
    pub appointment_id: Option<AppointmentId>,
    pub body: String,
}

/// Inserts a draft report. `MissingReference` when the target or appointment does not exist
/// (check with [`appointment_is_of_target`] first to say which).
#[tracing::instrument(skip_all, fields(target_id = %new.target_id))]
pub async fn insert(mut ex: Exec<'_>, new: &NewReport) -> Result<Report, StoreError> {
    let id = ReportId::new();
    let now = time::now();
    run!(ex.reborrow(), |c| {
        sqlx::query(
            "INSERT INTO visit_reports (id, target_id, appointment_id, body, internal_status, \
             version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
        )
        .bind(id.into_uuid())
        .bind(new.target_id.into_uuid())
        .bind(new.appointment_id.map(AppointmentId::into_uuid))
        .bind(&new.body)
        .bind(ReportStatus::Draft.as_str())
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    get(ex, id).await
}

/// Whether `appointment` exists and is an appointment of `target`.
#[tracing::instrument(skip_all, fields(appointment_id = %appointment))]
pub async fn appointment_is_of_target(
    ex: Exec<'_>,
    appointment: AppointmentId,
    target: TargetId,
) -> Result<bool, StoreError> {
    let n = run!(ex, |c| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM appointments WHERE id = $1 AND target_id = $2",
        )
        .bind(appointment.into_uuid())
        .bind(target.into_uuid())
        .fetch_one(c)
        .await
    })?;
    Ok(n > 0)
}

/// One report by id (staff view).
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn get(ex: Exec<'_>, id: ReportId) -> Result<Report, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(staff_select!(), "WHERE r.id = $1"))
            .bind(id.into_uuid())
            .fetch_one(c)
            .await
    })?;
    row.try_into()
}

/// Filters of the staff list; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportFilter {
    pub target_id: Option<TargetId>,
    pub status: Option<ReportStatus>,
}

/// Reports newest first (keyset on `created_at DESC, id DESC`), staff view.
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    filter: &ReportFilter,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<Report>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            staff_select!(),
            "WHERE ($1 IS NULL OR r.target_id = $1) AND ($2 IS NULL OR r.internal_status = $2) \
             AND (r.created_at, r.id) < ($3, $4) \
             ORDER BY r.created_at DESC, r.id DESC LIMIT $5"
        ))
        .bind(filter.target_id.map(TargetId::into_uuid))
        .bind(filter.status.map(ReportStatus::as_str))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(Report::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |r: &Report| {
        Cursor::new(r.created_at, r.id.into_uuid())
    }))
}

/// Moves a report `from -> to` if it is still in `from` (the caller checked the domain rule).
/// Moving to `approved` records `approved_by` and the time; moving back to `draft` clears
/// them. `StaleVersion` when the report is no longer in `from` (re-read to explain).
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn change_status(
    ex: Exec<'_>,
    id: ReportId,
    from: ReportStatus,
    to: ReportStatus,
    approved_by: Option<StaffUserId>,
) -> Result<(), StoreError> {
    let now = time::now();
    let approved_at = approved_by.map(|_| now);
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE visit_reports SET internal_status = $3, approved_by = $4, approved_at = $5, \
             updated_at = $6, version = version + 1 WHERE id = $1 AND internal_status = $2",
        )
        .bind(id.into_uuid())
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(approved_by.map(StaffUserId::into_uuid))
        .bind(approved_at)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(())
}

/// Replaces the internal body of a report that is `draft` or `rejected` (a rejected one goes
/// back to `draft` for rework), at `version`. `StaleVersion` when the version moved on or the
/// report is no longer editable (re-read to explain).
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn update_body(
    ex: Exec<'_>,
    id: ReportId,
    version: i64,
    body: &str,
) -> Result<(), StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE visit_reports SET body = $3, internal_status = 'draft', updated_at = $4, \
             version = version + 1 \
             WHERE id = $1 AND version = $2 AND internal_status IN ('draft', 'rejected')",
        )
        .bind(id.into_uuid())
        .bind(version)
        .bind(body)
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

/// The customer-facing texts written at publish time.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalTexts {
    pub title: String,
    pub summary: String,
    pub message: Option<String>,
}

/// Publishes an APPROVED report with its portal texts: sets `published_at` to now and clears
/// `unpublished_at` (republishing after an unpublish shows it again). `StaleVersion` when the
/// report is not approved (re-read to explain).
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn publish(
    ex: Exec<'_>,
    id: ReportId,
    by: StaffUserId,
    texts: &PortalTexts,
) -> Result<DateTime<Utc>, StoreError> {
    let now = time::now();
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE visit_reports SET portal_title = $2, portal_summary = $3, \
             portal_message = $4, published_at = $5, published_by = $6, unpublished_at = NULL, \
             updated_at = $5, version = version + 1 \
             WHERE id = $1 AND internal_status = 'approved'",
        )
        .bind(id.into_uuid())
        .bind(&texts.title)
        .bind(&texts.summary)
        .bind(&texts.message)
        .bind(now)
        .bind(by.into_uuid())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(now)
}

/// Puts `payload` (the portal-safe `{title, status}`) on the `report_shared` timeline events of
/// a report whose texts were corrected while shared, so the timeline shows the current title.
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn retitle_shared_events(
    ex: Exec<'_>,
    id: ReportId,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    run!(ex, |c| {
        sqlx::query(
            "UPDATE timeline_events SET public_payload = $2 \
             WHERE subject_id = $1 AND kind = 'report_shared'",
        )
        .bind(id.into_uuid())
        .bind(sqlx::types::Json(payload))
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Takes a published report off the portal at once. `StaleVersion` when it is not portal-visible
/// now (never published, or already unpublished).
#[tracing::instrument(skip_all, fields(report_id = %id))]
pub async fn unpublish(ex: Exec<'_>, id: ReportId) -> Result<DateTime<Utc>, StoreError> {
    let now = time::now();
    let n = run!(ex, |c| {
        sqlx::query(concat!(
            "UPDATE visit_reports SET unpublished_at = $2, updated_at = $2, \
             version = version + 1 WHERE id = $1 AND id IN (SELECT r.id FROM visit_reports r \
             WHERE r.id = $1 AND ",
            report_visible_sql!(),
            ")"
        ))
        .bind(id.into_uuid())
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    Ok(now)
}

/// Every ACTIVE portal user opted in to report mails (`notify_reports`) whose CURRENT grants
/// cover `location` with `can_view_reports`: who is told that a report was shared.
pub async fn notification_recipients(
    ex: Exec<'_>,
    customer: CustomerId,
    location: LocationId,
) -> Result<Vec<Recipient>, StoreError> {
    portal_scope::notification_recipients(ex, customer, location, NotifyTopic::Reports).await
}

// ---------------------------------------------------------------------------------------------
// Portal side
// ---------------------------------------------------------------------------------------------

/// A shared report as a portal user sees it: the customer-facing texts, when it was shared,
/// the visit date (the appointment's start, when the report is of one) and the location.
/// No body, no approver, no publisher, no internal status.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PortalReport {
    pub id: Uuid,
    /// Scoping only (ledger rows); not shown.
    pub customer_id: Uuid,
    pub location_id: Uuid,
    pub location_name: String,
    pub title: String,
    pub summary: Option<String>,
    pub message: Option<String>,
    pub shared_at: DateTime<Utc>,
    pub visit_date: Option<DateTime<Utc>>,
}

/// The portal read model's SELECT … FROM … JOIN, scoped by the caller's CURRENT grants with
/// `can_view_reports` (`$1` the user, `$2` now) and by visibility. Never add an internal column.
macro_rules! portal_select {
    () => {
        concat!(
            "SELECT r.id, t.customer_id, t.location_id, l.name AS location_name, \
             COALESCE(r.portal_title, '') AS title, r.portal_summary AS summary, \
             r.portal_message AS message, r.published_at AS shared_at, \
             ap.starts_at AS visit_date \
             FROM visit_reports r \
             JOIN targets t ON t.id = r.target_id \
             JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = t.location_id AND gr.can_view_reports = TRUE \
             JOIN locations l ON l.id = t.location_id \
             LEFT JOIN appointments ap ON ap.id = r.appointment_id \
             WHERE ",
            report_visible_sql!(),
            " "
        )
    };
}

/// One shared report within the caller's CURRENT grants (`can_view_reports`); `NotFound`
/// otherwise (unknown, not shared, unpublished, or outside the grants: all look the same).
#[tracing::instrument(skip_all, fields(portal_user_id = %user, report_id = %id))]
pub async fn portal_get(
    ex: Exec<'_>,
    user: PortalUserId,
    id: ReportId,
) -> Result<PortalReport, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query_as::<_, PortalReport>(concat!(portal_select!(), "AND r.id = $3"))
            .bind(user.into_uuid())
            .bind(time::now())
            .bind(id.into_uuid())
            .fetch_one(c)
            .await
    })?)
}

/// The shared reports on every location the caller may read reports at, most recently shared
/// first (keyset on `published_at DESC, id DESC`), optionally at one location.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn portal_list(
    ex: Exec<'_>,
    user: PortalUserId,
    location: Option<LocationId>,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<PortalReport>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalReport>(concat!(
            portal_select!(),
            "AND ($3 IS NULL OR t.location_id = $3) AND (r.published_at, r.id) < ($4, $5) \
             ORDER BY r.published_at DESC, r.id DESC LIMIT $6"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(location.map(LocationId::into_uuid))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    Ok(Page::from_rows(rows, limit, |r: &PortalReport| {
        Cursor::new(r.shared_at, r.id)
    }))
}
