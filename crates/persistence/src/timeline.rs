//! The customer-safe timeline (`timeline_events`): one row per milestone of
//! [`TimelineKind`], written in the SAME transaction as the change it describes.
//!
//! `public_payload` is shown to portal users as it is: callers put only portal-safe values in
//! it (titles the customer wrote, public statuses, public reasons, dates), never internal
//! notes, priorities or staff names. The portal list (`GET /timeline`) comes with its own
//! scoped read model.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, LocationId, PortalUserId, TimelineEventId};
use ordinavo_domain::timeline::TimelineKind;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, granted_locations_sql, parse_enum, report_visible_sql, run, time};

/// One milestone to record. The subject kind is derived from `kind`
/// ([`TimelineKind::subject_kind`]), so an event cannot point at the wrong kind of object.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTimelineEvent {
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub kind: TimelineKind,
    /// The id of the request / appointment / report / follow-up the event is about.
    pub subject_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    /// A JSON object of portal-safe values; `{}` when there is nothing to add.
    pub public_payload: serde_json::Value,
}

/// Appends one timeline row and returns its id.
#[tracing::instrument(skip_all, fields(kind = event.kind.as_str()))]
pub async fn insert(ex: Exec<'_>, event: &NewTimelineEvent) -> Result<TimelineEventId, StoreError> {
    let id = TimelineEventId::new();
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO timeline_events (id, customer_id, location_id, kind, subject_kind, \
             subject_id, occurred_at, public_payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.into_uuid())
        .bind(event.customer_id.into_uuid())
        .bind(event.location_id.into_uuid())
        .bind(event.kind.as_str())
        .bind(event.kind.subject_kind().as_str())
        .bind(event.subject_id)
        .bind(time::stored(event.occurred_at))
        .bind(Json(&event.public_payload))
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(id)
}

/// A stored timeline row (staff and test view; the portal list gets its own read model).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    pub id: TimelineEventId,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub kind: TimelineKind,
    pub subject_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub public_payload: serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    customer_id: Uuid,
    location_id: Uuid,
    kind: String,
    subject_id: Uuid,
    occurred_at: DateTime<Utc>,
    public_payload: Json<serde_json::Value>,
}

/// Every event about one subject, oldest first.
#[tracing::instrument(skip_all, fields(subject_id = %subject_id))]
pub async fn for_subject(ex: Exec<'_>, subject_id: Uuid) -> Result<Vec<TimelineEvent>, StoreError> {
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(
            "SELECT id, customer_id, location_id, kind, subject_id, occurred_at, public_payload \
             FROM timeline_events WHERE subject_id = $1 ORDER BY occurred_at, id",
        )
        .bind(subject_id)
        .fetch_all(c)
        .await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(TimelineEvent {
                id: TimelineEventId::from_uuid(r.id),
                customer_id: CustomerId::from_uuid(r.customer_id),
                location_id: LocationId::from_uuid(r.location_id),
                kind: parse_enum(&r.kind)?,
                subject_id: r.subject_id,
                occurred_at: r.occurred_at,
                public_payload: r.public_payload.0,
            })
        })
        .collect()
}

/// A timeline event as a portal user sees it: the milestone, what it is about, where and when,
/// and the customer-safe payload written with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalTimelineEvent {
    pub id: TimelineEventId,
    pub kind: TimelineKind,
    pub subject_id: Uuid,
    pub location_id: LocationId,
    pub location_name: String,
    pub location_timezone: String,
    pub occurred_at: DateTime<Utc>,
    pub public_payload: serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct PortalRow {
    id: Uuid,
    kind: String,
    subject_id: Uuid,
    location_id: Uuid,
    location_name: String,
    location_timezone: String,
    occurred_at: DateTime<Utc>,
    public_payload: Json<serde_json::Value>,
}

/// Number of kind slots of the portal filter: one per [`TimelineKind`].
const KIND_SLOTS: usize = 11;
const _: () = assert!(TimelineKind::ALL.len() == KIND_SLOTS);

/// The events on every location the caller is CURRENTLY granted (optionally one), newest first
/// (keyset on `occurred_at DESC, id DESC`). Only the domain's [`TimelineKind`]s, and
/// `report_shared` only where the caller's grant includes `can_view_reports` AND the report is
/// portal-visible now (an unpublished report leaves the timeline with it).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn portal_list(
    ex: Exec<'_>,
    user: PortalUserId,
    location: Option<LocationId>,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<PortalTimelineEvent>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let [k1, k2, k3, k4, k5, k6, k7, k8, k9, k10, k11] = TimelineKind::VALUES else {
        return Err(StoreError::Other("timeline kinds changed".into()));
    };
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalRow>(concat!(
            "SELECT e.id, e.kind, e.subject_id, e.location_id, l.name AS location_name, \
             l.timezone AS location_timezone, e.occurred_at, e.public_payload \
             FROM timeline_events e JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = e.location_id \
             JOIN locations l ON l.id = e.location_id \
             WHERE ($3 IS NULL OR e.location_id = $3) \
             AND e.kind IN ($7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             AND (e.kind <> $18 OR (gr.can_view_reports = TRUE AND EXISTS ( \
               SELECT 1 FROM visit_reports r WHERE r.id = e.subject_id AND \
             ",
            report_visible_sql!(),
            "))) \
             AND (e.occurred_at, e.id) < ($4, $5) \
             ORDER BY e.occurred_at DESC, e.id DESC LIMIT $6"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(location.map(LocationId::into_uuid))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .bind(*k1)
        .bind(*k2)
        .bind(*k3)
        .bind(*k4)
        .bind(*k5)
        .bind(*k6)
        .bind(*k7)
        .bind(*k8)
        .bind(*k9)
        .bind(*k10)
        .bind(*k11)
        .bind(TimelineKind::ReportShared.as_str())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(PortalTimelineEvent {
                id: TimelineEventId::from_uuid(r.id),
                kind: parse_enum(&r.kind)?,
                subject_id: r.subject_id,
                location_id: LocationId::from_uuid(r.location_id),
                location_name: r.location_name,
                location_timezone: r.location_timezone,
                occurred_at: r.occurred_at,
                public_payload: r.public_payload.0,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::from_rows(items, limit, |e: &PortalTimelineEvent| {
        Cursor::new(e.occurred_at, e.id.into_uuid())
    }))
}
