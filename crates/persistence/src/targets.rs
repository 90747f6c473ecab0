//! Targets: the internal work items a request becomes once accepted (or that staff create
//! directly). Everything here is internal: priority, internal notes, billing trigger and routing
//! score never reach the portal; the portal's reduced "open work" view (`GET /work`) gets its
//! own read model.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use ordinavo_domain::appointment::AppointmentStatus;
use ordinavo_domain::ids::{
    AppointmentId, ContactId, CustomerId, LocationId, PortalUserId, RequestId, TargetId,
};
use ordinavo_domain::request::RequestStatus;
use ordinavo_domain::string_enum::{ParseEnumError, StringEnum};
use ordinavo_domain::work_item::WorkItemStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, granted_locations_sql, parse_enum, run, time};

/// Internal urgency of a work item (`targets.priority`). Internal only: never portal-visible,
/// which is why it lives here and not in the domain's public vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Every priority, lowest first (the order of the `ck_targets_priority` check).
    pub const ALL: &'static [Self] = &[Self::Low, Self::Normal, Self::High, Self::Urgent];
    /// The wire / database values, in the order of [`Priority::ALL`].
    pub const VALUES: &'static [&'static str] = &["low", "normal", "high", "urgent"];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = ParseEnumError;

    /// Strict: exact, case-sensitive wire value.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ParseEnumError {
                type_name: Self::TYPE_NAME,
                value: s.to_owned(),
                allowed: Self::VALUES,
            })
    }
}

impl StringEnum for Priority {
    const TYPE_NAME: &'static str = "priority";
    const ALL: &'static [Self] = Priority::ALL;
    const VALUES: &'static [&'static str] = Priority::VALUES;
    fn as_str(self) -> &'static str {
        Priority::as_str(self)
    }
}

/// A target as staff see it (every column).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: TargetId,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub contact_id: Option<ContactId>,
    /// The request this work item was accepted from; `None` when staff created it directly.
    pub request_id: Option<RequestId>,
    pub title: String,
    pub internal_status: WorkItemStatus,
    pub priority: Priority,
    pub internal_notes: Option<String>,
    pub billing_trigger: Option<String>,
    pub routing_score: Option<f64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What creating a target needs. It starts `open` at version 1.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub contact_id: Option<ContactId>,
    pub request_id: Option<RequestId>,
    pub title: String,
    pub priority: Priority,
    pub internal_notes: Option<String>,
}

/// One request becomes at most one target.
pub const UQ_REQUEST_ID: &str = "uq_targets_request_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    customer_id: Uuid,
    location_id: Uuid,
    contact_id: Option<Uuid>,
    request_id: Option<Uuid>,
    title: String,
    internal_status: String,
    priority: String,
    internal_notes: Option<String>,
    billing_trigger: Option<String>,
    routing_score: Option<f64>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Target {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Target {
            id: TargetId::from_uuid(r.id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            location_id: LocationId::from_uuid(r.location_id),
            contact_id: r.contact_id.map(ContactId::from_uuid),
            request_id: r.request_id.map(RequestId::from_uuid),
            title: r.title,
            internal_status: parse_enum(&r.internal_status)?,
            priority: parse_enum(&r.priority)?,
            internal_notes: r.internal_notes,
            billing_trigger: r.billing_trigger,
            routing_score: r.routing_score,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

macro_rules! columns {
    () => {
        "id, customer_id, location_id, contact_id, request_id, title, internal_status, priority, \
         internal_notes, billing_trigger, routing_score, version, created_at, updated_at"
    };
}

/// Inserts an `open` target at version 1. `Conflict { UQ_REQUEST_ID }` when the request already
/// has a target; `MissingReference` when the contact or request does not exist or the location
/// is not the customer's.
#[tracing::instrument(skip_all, fields(customer_id = %t.customer_id))]
pub async fn insert(ex: Exec<'_>, t: &NewTarget) -> Result<Target, StoreError> {
    let id = TargetId::new();
    let now = time::now();
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO targets (id, customer_id, location_id, contact_id, request_id, title, \
             internal_status, priority, internal_notes, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(t.customer_id.into_uuid())
        .bind(t.location_id.into_uuid())
        .bind(t.contact_id.map(ContactId::into_uuid))
        .bind(t.request_id.map(RequestId::into_uuid))
        .bind(&t.title)
        .bind(WorkItemStatus::Open.as_str())
        .bind(t.priority.as_str())
        .bind(&t.internal_notes)
        .bind(now)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// One target by id (staff view).
#[tracing::instrument(skip_all, fields(target_id = %id))]
pub async fn get(ex: Exec<'_>, id: TargetId) -> Result<Target, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM targets WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Filters of the staff list; `None` matches everything.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StaffFilter {
    pub status: Option<WorkItemStatus>,
    pub customer_id: Option<CustomerId>,
    pub location_id: Option<LocationId>,
}

/// Work items oldest first (the dispatch queue), keyset on `created_at, id`.
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    filter: &StaffFilter,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<Target>, StoreError> {
    let (at, id) = after.map_or((time::far_past(), Uuid::nil()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM targets WHERE ($1 IS NULL OR internal_status = $1) \
             AND ($2 IS NULL OR customer_id = $2) AND ($3 IS NULL OR location_id = $3) \
             AND (created_at, id) > ($4, $5) ORDER BY created_at, id LIMIT $6"
        ))
        .bind(filter.status.map(WorkItemStatus::as_str))
        .bind(filter.customer_id.map(CustomerId::into_uuid))
        .bind(filter.location_id.map(LocationId::into_uuid))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(Target::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |t: &Target| {
        Cursor::new(t.created_at, t.id.into_uuid())
    }))
}

/// The staff-editable fields of a work item, as they are to be after an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFields {
    pub title: String,
    pub internal_status: WorkItemStatus,
    pub priority: Priority,
    pub internal_notes: Option<String>,
    pub billing_trigger: Option<String>,
    pub routing_score: Option<f64>,
}

/// Overwrites the editable fields if the work item is still at `expected_version` (and bumps
/// it); `StaleVersion` when it moved on or vanished. The caller checked the status move against
/// the domain graph.
#[tracing::instrument(skip_all, fields(target_id = %id))]
pub async fn update(
    ex: Exec<'_>,
    id: TargetId,
    expected_version: i64,
    f: &TargetFields,
) -> Result<Target, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE targets SET title = $3, internal_status = $4, priority = $5, \
             internal_notes = $6, billing_trigger = $7, routing_score = $8, updated_at = $9, \
             version = version + 1 WHERE id = $1 AND version = $2 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(expected_version)
        .bind(&f.title)
        .bind(f.internal_status.as_str())
        .bind(f.priority.as_str())
        .bind(&f.internal_notes)
        .bind(&f.billing_trigger)
        .bind(f.routing_score)
        .bind(time::now())
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::StaleVersion)?.try_into()
}

/// Moves the work item `from -> to` if it is still in `from` (and bumps the version); `false`
/// when it is not (someone changed it meanwhile). Used for the automatic `open -> planned` when
/// an appointment is confirmed ([`WorkItemStatus::on_appointment_scheduled`]).
#[tracing::instrument(skip_all, fields(target_id = %id, to = to.as_str()))]
pub async fn change_status_if(
    ex: Exec<'_>,
    id: TargetId,
    from: WorkItemStatus,
    to: WorkItemStatus,
) -> Result<bool, StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE targets SET internal_status = $3, updated_at = $4, version = version + 1 \
             WHERE id = $1 AND internal_status = $2",
        )
        .bind(id.into_uuid())
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------------
// Portal side: the reduced open-work overview (`GET /work`)
// ---------------------------------------------------------------------------------------------

/// An open work item as a portal user sees it: title, status (mapped to the public language by
/// the API), location, the request it came from and its next live appointment. Never priority,
/// internal notes, billing trigger or routing score.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalWorkItem {
    pub id: TargetId,
    pub title: String,
    pub status: WorkItemStatus,
    pub location_id: LocationId,
    pub location_name: String,
    pub location_timezone: String,
    /// The originating request (shown when it is at the same location, hence visible).
    pub request: Option<WorkRequest>,
    /// The earliest visible, not yet finished, not yet ended appointment.
    pub next_appointment: Option<NextAppointment>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The request a work item was accepted from.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkRequest {
    pub id: RequestId,
    pub title: String,
    pub status: RequestStatus,
}

/// A work item's next appointment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextAppointment {
    pub id: AppointmentId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
}

#[derive(sqlx::FromRow)]
struct WorkRow {
    id: Uuid,
    title: String,
    internal_status: String,
    location_id: Uuid,
    location_name: String,
    location_timezone: String,
    request_id: Option<Uuid>,
    request_title: Option<String>,
    request_status: Option<String>,
    next_id: Option<Uuid>,
    next_starts_at: Option<DateTime<Utc>>,
    next_ends_at: Option<DateTime<Utc>>,
    next_status: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<WorkRow> for PortalWorkItem {
    type Error = StoreError;
    fn try_from(r: WorkRow) -> Result<Self, StoreError> {
        let request = match (r.request_id, r.request_title, r.request_status) {
            (Some(id), Some(title), Some(status)) => Some(WorkRequest {
                id: RequestId::from_uuid(id),
                title,
                status: parse_enum(&status)?,
            }),
            _ => None,
        };
        let next_appointment = match (r.next_id, r.next_starts_at, r.next_ends_at, r.next_status) {
            (Some(id), Some(starts_at), Some(ends_at), Some(status)) => Some(NextAppointment {
                id: AppointmentId::from_uuid(id),
                starts_at,
                ends_at,
                status: parse_enum(&status)?,
            }),
            _ => None,
        };
        Ok(Self {
            id: TargetId::from_uuid(r.id),
            title: r.title,
            status: parse_enum(&r.internal_status)?,
            location_id: LocationId::from_uuid(r.location_id),
            location_name: r.location_name,
            location_timezone: r.location_timezone,
            request,
            next_appointment,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Number of status slots of the open-work filter: one per [`WorkItemStatus`].
const WORK_SLOTS: usize = 6;
const _: () = assert!(WorkItemStatus::ALL.len() == WORK_SLOTS);

/// The open work-item statuses ([`WorkItemStatus::is_open`]) as `IN` slots (unused NULL).
fn open_slots() -> [Option<&'static str>; WORK_SLOTS] {
    let mut slots = [None; WORK_SLOTS];
    for (slot, status) in slots.iter_mut().zip(WorkItemStatus::ALL) {
        if status.is_open() {
            *slot = Some(status.as_str());
        }
    }
    slots
}

/// The open work items on every location the caller is CURRENTLY granted (optionally one),
/// newest first (keyset on `created_at DESC, id DESC`).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn portal_open_work(
    ex: Exec<'_>,
    user: PortalUserId,
    location: Option<LocationId>,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<PortalWorkItem>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let [o1, o2, o3, o4, o5, o6] = open_slots();
    let [l1, l2, l3, l4, l5, l6, l7, l8] =
        crate::appointments::status_slots(AppointmentStatus::is_live);
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, WorkRow>(concat!(
            "SELECT t.id, t.title, t.internal_status, t.location_id, l.name AS location_name, \
             l.timezone AS location_timezone, r.id AS request_id, r.title AS request_title, \
             r.status AS request_status, na.id AS next_id, na.starts_at AS next_starts_at, \
             na.ends_at AS next_ends_at, na.internal_status AS next_status, t.created_at, \
             t.updated_at \
             FROM targets t JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = t.location_id \
             JOIN locations l ON l.id = t.location_id \
             LEFT JOIN service_requests r ON r.id = t.request_id AND r.location_id = t.location_id \
             LEFT JOIN appointments na ON na.id = (SELECT x.id FROM appointments x \
               WHERE x.target_id = t.id AND x.ends_at > $2 \
               AND x.internal_status IN ($7, $8, $9, $10, $11, $12, $13, $14) \
               ORDER BY x.starts_at, x.id LIMIT 1) \
             WHERE t.internal_status IN ($15, $16, $17, $18, $19, $20) \
             AND ($3 IS NULL OR t.location_id = $3) AND (t.created_at, t.id) < ($4, $5) \
             ORDER BY t.created_at DESC, t.id DESC LIMIT $6"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(location.map(LocationId::into_uuid))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .bind(l1)
        .bind(l2)
        .bind(l3)
        .bind(l4)
        .bind(l5)
        .bind(l6)
        .bind(l7)
        .bind(l8)
        .bind(o1)
        .bind(o2)
        .bind(o3)
        .bind(o4)
        .bind(o5)
        .bind(o6)
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(PortalWorkItem::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |w: &PortalWorkItem| {
        Cursor::new(w.created_at, w.id.into_uuid())
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn priorities_round_trip_and_unknown_ones_name_the_allowed_values() {
        for p in Priority::ALL {
            assert_eq!(p.as_str().parse::<Priority>().unwrap(), *p);
        }
        let err = "asap".parse::<Priority>().unwrap_err();
        assert_eq!(err.allowed, ["low", "normal", "high", "urgent"]);
    }
}
