//! The release ledger (`release_ledger`): an append-only record of who made what visible to the
//! portal and who looked at it — staff publish / unpublish reports and release / withdraw
//! attachments; portal users view reports and download attachments. Each row is written in the
//! same transaction as the change it records (for views and downloads: before the bytes go out).
//!
//! Staff read it per subject ([`list_for_subject`], with staff and portal names). The portal
//! reads only its own side ([`portal_access_log`]): views and downloads by portal users on the
//! locations the caller's CURRENT grants cover, with the user's display name and the
//! customer-facing name of what they opened; never a staff row, never a staff name.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, LocationId, PortalUserId, StaffUserId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, granted_locations_sql, run, time};

/// What a ledger row is about (`release_ledger.subject_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerSubject {
    Report,
    Attachment,
}

impl LedgerSubject {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Attachment => "attachment",
        }
    }
}

/// What happened (`release_ledger.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerAction {
    /// Staff published a report.
    Published,
    /// Staff took a report off the portal.
    Unpublished,
    /// Staff released an attachment to the portal.
    Released,
    /// Staff withdrew a released attachment.
    Withdrawn,
    /// A portal user downloaded an attachment.
    Downloaded,
    /// A portal user opened a report.
    Viewed,
}

impl LedgerAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Unpublished => "unpublished",
            Self::Released => "released",
            Self::Withdrawn => "withdrawn",
            Self::Downloaded => "downloaded",
            Self::Viewed => "viewed",
        }
    }
}

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerActor {
    /// A staff user (an API key acts for the staff user who created it).
    Staff(StaffUserId),
    Portal(PortalUserId),
}

impl LedgerActor {
    fn kind(self) -> &'static str {
        match self {
            Self::Staff(_) => "staff",
            Self::Portal(_) => "portal",
        }
    }

    fn id(self) -> Uuid {
        match self {
            Self::Staff(id) => id.into_uuid(),
            Self::Portal(id) => id.into_uuid(),
        }
    }
}

/// One row to append. `customer_id`/`location_id` are the subject's (they scope the portal's
/// access log).
#[derive(Debug, Clone, PartialEq)]
pub struct NewLedgerEntry {
    pub subject: LedgerSubject,
    pub subject_id: Uuid,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    pub action: LedgerAction,
    pub actor: LedgerActor,
}

/// Appends one row, stamped now.
#[tracing::instrument(skip_all, fields(action = entry.action.as_str()))]
pub async fn record(ex: Exec<'_>, entry: &NewLedgerEntry) -> Result<(), StoreError> {
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO release_ledger (id, subject_kind, subject_id, customer_id, location_id, \
             action, actor_kind, actor_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(Uuid::new_v4())
        .bind(entry.subject.as_str())
        .bind(entry.subject_id)
        .bind(entry.customer_id.into_uuid())
        .bind(entry.location_id.into_uuid())
        .bind(entry.action.as_str())
        .bind(entry.actor.kind())
        .bind(entry.actor.id())
        .bind(time::now())
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// A ledger row as staff read it: the actor with their name (staff name or portal display
/// name; `None` if the user is gone).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LedgerEntry {
    pub id: Uuid,
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub action: String,
    pub actor_kind: String,
    pub actor_id: Uuid,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// The rows about one subject, newest first (keyset on `at DESC, id DESC`).
#[tracing::instrument(skip_all, fields(subject_id = %subject_id))]
pub async fn list_for_subject(
    ex: Exec<'_>,
    subject: LedgerSubject,
    subject_id: Uuid,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<LedgerEntry>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, LedgerEntry>(
            "SELECT e.id, e.subject_kind, e.subject_id, e.action, e.actor_kind, e.actor_id, \
             COALESCE(s.name, u.display_name) AS actor_name, e.at \
             FROM release_ledger e \
             LEFT JOIN staff_users s ON e.actor_kind = 'staff' AND s.id = e.actor_id \
             LEFT JOIN portal_users u ON e.actor_kind = 'portal' AND u.id = e.actor_id \
             WHERE e.subject_kind = $1 AND e.subject_id = $2 AND (e.at, e.id) < ($3, $4) \
             ORDER BY e.at DESC, e.id DESC LIMIT $5",
        )
        .bind(subject.as_str())
        .bind(subject_id)
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    Ok(Page::from_rows(rows, limit, |e: &LedgerEntry| {
        Cursor::new(e.at, e.id)
    }))
}

/// One line of the customer's access log: which portal user viewed or downloaded what, where,
/// when. The subject's name is its customer-facing one (the report's portal title, the file
/// name); nothing internal.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AccessLogEntry {
    pub id: Uuid,
    /// `viewed` or `downloaded`.
    pub action: String,
    /// `report` or `attachment`.
    pub subject_kind: String,
    pub subject_id: Uuid,
    pub subject_name: String,
    pub portal_user_id: Uuid,
    pub portal_user_name: String,
    pub location_id: Uuid,
    pub location_name: String,
    pub at: DateTime<Utc>,
}

/// Views and downloads by portal users on the locations the caller's CURRENT grants cover,
/// newest first (keyset on `at DESC, id DESC`). Staff rows never appear.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn portal_access_log(
    ex: Exec<'_>,
    user: PortalUserId,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<AccessLogEntry>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, AccessLogEntry>(concat!(
            "SELECT e.id, e.action, e.subject_kind, e.subject_id, \
             COALESCE(r.portal_title, a.filename, '') AS subject_name, \
             u.id AS portal_user_id, u.display_name AS portal_user_name, \
             l.id AS location_id, l.name AS location_name, e.at \
             FROM release_ledger e \
             JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = e.location_id \
             JOIN portal_users u ON u.id = e.actor_id \
             JOIN locations l ON l.id = e.location_id \
             LEFT JOIN visit_reports r ON e.subject_kind = 'report' AND r.id = e.subject_id \
             LEFT JOIN attachments a ON e.subject_kind = 'attachment' AND a.id = e.subject_id \
             WHERE e.actor_kind = 'portal' AND e.action IN ('viewed', 'downloaded') \
             AND (e.at, e.id) < ($3, $4) \
             ORDER BY e.at DESC, e.id DESC LIMIT $5"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    Ok(Page::from_rows(rows, limit, |e: &AccessLogEntry| {
        Cursor::new(e.at, e.id)
    }))
}
