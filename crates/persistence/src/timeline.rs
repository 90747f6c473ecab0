//! The customer-safe timeline (`timeline_events`): one row per milestone of
//! [`TimelineKind`], written in the SAME transaction as the change it describes.
//!
//! `public_payload` is shown to portal users as it is: callers put only portal-safe values in
//! it (titles the customer wrote, public statuses, public reasons, dates), never internal
//! notes, priorities or staff names. The portal list (`GET /timeline`) comes with its own
//! scoped read model.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, LocationId, TimelineEventId};
use ordinavo_domain::timeline::TimelineKind;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, parse_enum, run, time};

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
