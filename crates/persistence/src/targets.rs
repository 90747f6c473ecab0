//! Targets: the internal work items a request becomes once accepted (or that staff create
//! directly). Everything here is internal: priority, internal notes, billing trigger and routing
//! score never reach the portal; the portal's reduced "open work" view (`GET /work`) gets its
//! own read model.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ContactId, CustomerId, LocationId, RequestId, TargetId};
use ordinavo_domain::string_enum::{ParseEnumError, StringEnum};
use ordinavo_domain::work_item::WorkItemStatus;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, parse_enum, run, time};

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
