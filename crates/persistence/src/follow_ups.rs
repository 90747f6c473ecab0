//! Follow-ups (`follow_ups`): further work a visit revealed, shown to the customer until done.
//!
//! A follow-up has no location of its own: it is where its work item (`targets`) is, and the
//! portal read model ([`PortalFollowUp`]) is scoped through the work item's location by
//! [`granted_locations_sql!`]. `public_note` is what the customer reads; `internal_notes` never
//! leaves the staff side. The planned appointment and the report are shown to the customer only
//! when they are visible themselves (the API decides the report with the domain rule).

use chrono::{DateTime, Utc};
use ordinavo_domain::appointment::AppointmentStatus;
use ordinavo_domain::follow_up::FollowUpStatus;
use ordinavo_domain::ids::{
    AppointmentId, CustomerId, FollowUpId, LocationId, PortalUserId, ReportId, TargetId,
};
use ordinavo_domain::report::ReportStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, granted_locations_sql, parse_enum, run, time};

/// A follow-up as staff see it, with its work item's customer, location and title.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub target_id: TargetId,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    /// The work item's title.
    pub title: String,
    pub report_id: Option<ReportId>,
    pub status: FollowUpStatus,
    pub public_note: Option<String>,
    pub planned_appointment_id: Option<AppointmentId>,
    pub internal_notes: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    target_id: Uuid,
    customer_id: Uuid,
    location_id: Uuid,
    title: String,
    report_id: Option<Uuid>,
    status: String,
    public_note: Option<String>,
    planned_appointment_id: Option<Uuid>,
    internal_notes: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for FollowUp {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: FollowUpId::from_uuid(r.id),
            target_id: TargetId::from_uuid(r.target_id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            location_id: LocationId::from_uuid(r.location_id),
            title: r.title,
            report_id: r.report_id.map(ReportId::from_uuid),
            status: parse_enum(&r.status)?,
            public_note: r.public_note,
            planned_appointment_id: r.planned_appointment_id.map(AppointmentId::from_uuid),
            internal_notes: r.internal_notes,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// What creating a follow-up needs; it starts `required` at version 1.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFollowUp {
    pub target_id: TargetId,
    pub report_id: Option<ReportId>,
    pub public_note: String,
    pub internal_notes: Option<String>,
}

/// Inserts a `required` follow-up. `NotFound` when the work item does not exist.
#[tracing::instrument(skip_all, fields(target_id = %f.target_id))]
pub async fn insert(mut ex: Exec<'_>, f: &NewFollowUp) -> Result<FollowUp, StoreError> {
    let id = FollowUpId::new();
    let n = run!(ex.reborrow(), |c| {
        sqlx::query(
            "INSERT INTO follow_ups (id, target_id, report_id, status, public_note, \
             internal_notes, version, created_at, updated_at) \
             SELECT $1, t.id, $3, $4, $5, $6, 1, $7, $7 FROM targets t WHERE t.id = $2",
        )
        .bind(id.into_uuid())
        .bind(f.target_id.into_uuid())
        .bind(f.report_id.map(ReportId::into_uuid))
        .bind(FollowUpStatus::Required.as_str())
        .bind(&f.public_note)
        .bind(&f.internal_notes)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    get(ex, id).await
}

/// One follow-up (staff view).
#[tracing::instrument(skip_all, fields(follow_up_id = %id))]
pub async fn get(ex: Exec<'_>, id: FollowUpId) -> Result<FollowUp, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(
            "SELECT f.id, f.target_id, t.customer_id, t.location_id, t.title, f.report_id, \
             f.status, f.public_note, f.planned_appointment_id, f.internal_notes, f.version, \
             f.created_at, f.updated_at \
             FROM follow_ups f JOIN targets t ON t.id = f.target_id WHERE f.id = $1",
        )
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Whether `report` is a visit report of `target` (a follow-up may only name its own work
/// item's report).
#[tracing::instrument(skip_all, fields(report_id = %report, target_id = %target))]
pub async fn report_of_target(
    ex: Exec<'_>,
    report: ReportId,
    target: TargetId,
) -> Result<bool, StoreError> {
    let n = run!(ex, |c| {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM visit_reports WHERE id = $1 AND target_id = $2",
        )
        .bind(report.into_uuid())
        .bind(target.into_uuid())
        .fetch_one(c)
        .await
    })?;
    Ok(n > 0)
}

/// Moves `from -> to` if the follow-up is still in `from` (and bumps the version), setting the
/// planned appointment when one is given; `StaleVersion` when it is not in `from` any more.
/// The caller checked the move against the domain graph.
#[tracing::instrument(skip_all, fields(follow_up_id = %id, to = to.as_str()))]
pub async fn change_status(
    mut ex: Exec<'_>,
    id: FollowUpId,
    from: FollowUpStatus,
    to: FollowUpStatus,
    planned_appointment: Option<AppointmentId>,
) -> Result<FollowUp, StoreError> {
    let n = run!(ex.reborrow(), |c| {
        sqlx::query(
            "UPDATE follow_ups SET status = $3, \
             planned_appointment_id = COALESCE($4, planned_appointment_id), \
             updated_at = $5, version = version + 1 WHERE id = $1 AND status = $2",
        )
        .bind(id.into_uuid())
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(planned_appointment.map(AppointmentId::into_uuid))
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    get(ex, id).await
}

/// A follow-up as a portal user sees it. The planned appointment is present only while it is
/// customer-visible; the report fields are raw facts for the domain's visibility rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalFollowUp {
    pub id: FollowUpId,
    pub title: String,
    pub location_id: LocationId,
    pub location_name: String,
    pub location_timezone: String,
    pub status: FollowUpStatus,
    pub public_note: Option<String>,
    pub appointment: Option<PlannedAppointment>,
    pub report: Option<FollowUpReport>,
    /// The caller's grant at this location has `can_view_reports`.
    pub caller_can_view_reports: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The visible appointment a follow-up is planned for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedAppointment {
    pub id: AppointmentId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
}

/// The report a follow-up came from, with the facts that decide whether it is visible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollowUpReport {
    pub id: ReportId,
    pub status: ReportStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub unpublished_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct PortalRow {
    id: Uuid,
    title: String,
    location_id: Uuid,
    location_name: String,
    location_timezone: String,
    status: String,
    public_note: Option<String>,
    appointment_id: Option<Uuid>,
    appointment_starts_at: Option<DateTime<Utc>>,
    appointment_ends_at: Option<DateTime<Utc>>,
    appointment_status: Option<String>,
    report_id: Option<Uuid>,
    report_status: Option<String>,
    report_published_at: Option<DateTime<Utc>>,
    report_unpublished_at: Option<DateTime<Utc>>,
    caller_can_view_reports: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<PortalRow> for PortalFollowUp {
    type Error = StoreError;
    fn try_from(r: PortalRow) -> Result<Self, StoreError> {
        let appointment = match (
            r.appointment_id,
            r.appointment_starts_at,
            r.appointment_ends_at,
            r.appointment_status,
        ) {
            (Some(id), Some(starts_at), Some(ends_at), Some(status)) => Some(PlannedAppointment {
                id: AppointmentId::from_uuid(id),
                starts_at,
                ends_at,
                status: parse_enum(&status)?,
            }),
            _ => None,
        };
        let report = match (r.report_id, r.report_status) {
            (Some(id), Some(status)) => Some(FollowUpReport {
                id: ReportId::from_uuid(id),
                status: parse_enum(&status)?,
                published_at: r.report_published_at,
                unpublished_at: r.report_unpublished_at,
            }),
            _ => None,
        };
        Ok(Self {
            id: FollowUpId::from_uuid(r.id),
            title: r.title,
            location_id: LocationId::from_uuid(r.location_id),
            location_name: r.location_name,
            location_timezone: r.location_timezone,
            status: parse_enum(&r.status)?,
            public_note: r.public_note,
            appointment,
            report,
            caller_can_view_reports: r.caller_can_view_reports,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The follow-ups of work on every location the caller is CURRENTLY granted, newest first
/// (keyset on `created_at DESC, id DESC`), optionally at one location.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn portal_list(
    ex: Exec<'_>,
    user: PortalUserId,
    location: Option<LocationId>,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<PortalFollowUp>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let [s1, s2, s3, s4, s5, s6, s7, s8] = crate::appointments::visible_slots();
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalRow>(concat!(
            "SELECT f.id, t.title, t.location_id, l.name AS location_name, \
             l.timezone AS location_timezone, f.status, f.public_note, \
             pa.id AS appointment_id, pa.starts_at AS appointment_starts_at, \
             pa.ends_at AS appointment_ends_at, pa.internal_status AS appointment_status, \
             vr.id AS report_id, vr.internal_status AS report_status, \
             vr.published_at AS report_published_at, vr.unpublished_at AS report_unpublished_at, \
             gr.can_view_reports AS caller_can_view_reports, f.created_at, f.updated_at \
             FROM follow_ups f JOIN targets t ON t.id = f.target_id JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = t.location_id \
             JOIN locations l ON l.id = t.location_id \
             LEFT JOIN appointments pa ON pa.id = f.planned_appointment_id \
               AND pa.location_id = t.location_id \
               AND pa.internal_status IN ($7, $8, $9, $10, $11, $12, $13, $14) \
             LEFT JOIN visit_reports vr ON vr.id = f.report_id AND vr.target_id = t.id \
             WHERE ($3 IS NULL OR t.location_id = $3) AND (f.created_at, f.id) < ($4, $5) \
             ORDER BY f.created_at DESC, f.id DESC LIMIT $6"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(location.map(LocationId::into_uuid))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .bind(s1)
        .bind(s2)
        .bind(s3)
        .bind(s4)
        .bind(s5)
        .bind(s6)
        .bind(s7)
        .bind(s8)
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(PortalFollowUp::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |f: &PortalFollowUp| {
        Cursor::new(f.created_at, f.id.into_uuid())
    }))
}
