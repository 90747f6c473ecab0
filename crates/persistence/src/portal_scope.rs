//! The portal caller's scope, re-read from the database on every portal request, and the
//! SQL fragment every portal query filters by: the locations the caller's CURRENT grants cover.
//!
//! A grant counts only while it has not expired and its customer has the portal enabled; a
//! user counts only while active, with the session alive and the token version unchanged.
//! Revocation of any of these therefore takes effect on the next request.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, GrantId, LocationId, PortalUserId};
use ordinavo_domain::locale::Locale;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, parse_enum, run, time};

/// The rows of `locations` a portal user may see now, with the capabilities of the grant that
/// covers each: columns `location_id`, `location_name`, `location_timezone`, `customer_id`,
/// `can_submit_requests`, `can_view_reports`, `can_download_attachments`. Parameters: `$1`
/// the portal user id, `$2` now. Use it as a subquery
/// (`… WHERE x.location_id IN (SELECT location_id FROM (…))`) or a join; it is the one place
/// the grant rules are written in SQL.
#[macro_export]
macro_rules! granted_locations_sql {
    () => {
        "SELECT l.id AS location_id, l.name AS location_name, l.timezone AS location_timezone, \
         g.customer_id AS customer_id, \
         g.can_submit_requests AS can_submit_requests, g.can_view_reports AS can_view_reports, \
         (g.can_download_attachments AND c.attachments_enabled) AS can_download_attachments \
         FROM portal_grants g \
         JOIN customers c ON c.id = g.customer_id AND c.portal_enabled = TRUE \
         JOIN locations l ON l.customer_id = g.customer_id \
         WHERE g.portal_user_id = $1 AND (g.expires_at IS NULL OR g.expires_at > $2) \
         AND (g.all_locations = TRUE OR EXISTS (SELECT 1 FROM portal_grant_locations gl \
              WHERE gl.grant_id = g.id AND gl.location_id = l.id))"
    };
}

/// The caller's own row while the caller may act: the user active, the session `$session`
/// theirs, not revoked and not expired at `$now`, the token version still `$version`. Columns
/// `id`, `email`, `display_name`, `locale`, `family_id`; no row otherwise. The placeholders are
/// passed in so that a query can put this check beside its own parameters; it is the one place
/// the session rules are written in SQL.
#[macro_export]
macro_rules! live_caller_sql {
    ($user:literal, $now:literal, $session:literal, $version:literal) => {
        concat!(
            "SELECT u.id, u.email, u.display_name, u.locale, s.family_id FROM portal_users u \
             JOIN portal_sessions s ON s.id = ",
            $session,
            " AND s.portal_user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > ",
            $now,
            " WHERE u.id = ",
            $user,
            " AND u.status = 'active' AND u.token_version = ",
            $version
        )
    };
}

/// What an access token claims about its caller; [`load`] (or a query embedding
/// [`live_caller_sql!`]) checks it against the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionKey {
    pub user: PortalUserId,
    pub session: Uuid,
    pub token_version: i64,
}

/// One current grant of the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeGrant {
    pub grant_id: GrantId,
    pub customer_id: CustomerId,
    pub all_locations: bool,
    /// The listed locations (empty when `all_locations`).
    pub location_ids: Vec<LocationId>,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    /// Already combined with the customer's `attachments_enabled`.
    pub can_download_attachments: bool,
}

/// An authenticated portal caller as loaded for one request.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalScope {
    pub user_id: PortalUserId,
    pub session_id: Uuid,
    pub family_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub grants: Vec<ScopeGrant>,
}

#[derive(sqlx::FromRow)]
struct Row {
    email: String,
    display_name: String,
    locale: String,
    family_id: Uuid,
    grant_id: Option<Uuid>,
    customer_id: Option<Uuid>,
    all_locations: Option<bool>,
    can_submit_requests: Option<bool>,
    can_view_reports: Option<bool>,
    can_download_attachments: Option<bool>,
    location_id: Option<Uuid>,
}

/// Loads user, session and current grants in one round trip. `None` when the user is not
/// active, the token version moved on, or the session is revoked or expired.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn load(
    ex: Exec<'_>,
    user: PortalUserId,
    session_id: Uuid,
    token_version: i64,
) -> Result<Option<PortalScope>, StoreError> {
    let now = time::now();
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT me.email, me.display_name, me.locale, me.family_id, \
                 g.id AS grant_id, g.customer_id, g.all_locations, g.can_submit_requests, \
                 g.can_view_reports, \
                 (g.can_download_attachments AND c.attachments_enabled) \
                 AS can_download_attachments, gl.location_id FROM (",
            live_caller_sql!("$1", "$4", "$2", "$3"),
            ") me LEFT JOIN (portal_grants g JOIN customers c \
                 ON c.id = g.customer_id AND c.portal_enabled = TRUE) \
                 ON g.portal_user_id = me.id AND (g.expires_at IS NULL OR g.expires_at > $4) \
                 LEFT JOIN portal_grant_locations gl \
                 ON gl.grant_id = g.id AND g.all_locations = FALSE \
                 ORDER BY g.id, gl.location_id"
        ))
        .bind(user.into_uuid())
        .bind(session_id)
        .bind(token_version)
        .bind(now)
        .fetch_all(c)
        .await
    })?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut scope = PortalScope {
        user_id: user,
        session_id,
        family_id: first.family_id,
        email: first.email.clone(),
        display_name: first.display_name.clone(),
        locale: parse_enum(&first.locale)?,
        grants: Vec::new(),
    };
    for r in &rows {
        let (Some(grant_id), Some(customer_id)) = (r.grant_id, r.customer_id) else {
            continue;
        };
        let location = r.location_id.map(LocationId::from_uuid);
        match scope.grants.last_mut() {
            Some(g) if g.grant_id.into_uuid() == grant_id => g.location_ids.extend(location),
            _ => scope.grants.push(ScopeGrant {
                grant_id: GrantId::from_uuid(grant_id),
                customer_id: CustomerId::from_uuid(customer_id),
                all_locations: r.all_locations.unwrap_or(false),
                location_ids: location.into_iter().collect(),
                can_submit_requests: r.can_submit_requests.unwrap_or(false),
                can_view_reports: r.can_view_reports.unwrap_or(false),
                can_download_attachments: r.can_download_attachments.unwrap_or(false),
            }),
        }
    }
    Ok(Some(scope))
}

/// A location as a portal user sees it: address, time zone, its customer's name and what the
/// caller may do there. No internal notes, no routing zone.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PortalLocation {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub timezone: String,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
}

/// The caller's granted locations ordered by name then id (keyset).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn locations(
    ex: Exec<'_>,
    user: PortalUserId,
    after: Option<&Cursor<String>>,
    limit: Limit,
) -> Result<Page<PortalLocation>, StoreError> {
    let (name, id) = after.map_or((String::new(), Uuid::nil()), |c| (c.key.clone(), c.id));
    let now: DateTime<Utc> = time::now();
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, PortalLocation>(concat!(
            "SELECT l.id, l.name, l.address, l.city, l.postal_code, l.country, l.timezone, \
             cu.id AS customer_id, cu.name AS customer_name, gr.can_submit_requests, \
             gr.can_view_reports, gr.can_download_attachments \
             FROM (",
            granted_locations_sql!(),
            ") gr JOIN locations l ON l.id = gr.location_id \
             JOIN customers cu ON cu.id = l.customer_id \
             WHERE (l.name, l.id) > ($3, $4) ORDER BY l.name, l.id LIMIT $5"
        ))
        .bind(user.into_uuid())
        .bind(now)
        .bind(name)
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    Ok(Page::from_rows(rows, limit, |l: &PortalLocation| {
        Cursor::new(l.name.clone(), l.id)
    }))
}

/// The candidate filter of [`notification_recipients`]: some grant on customer `$1`.
macro_rules! customer_grant_sql {
    () => {
        "EXISTS (SELECT 1 FROM portal_grants g WHERE g.portal_user_id = u.id \
         AND g.customer_id = $1) ORDER BY u.email, u.id"
    };
}

/// What a notification is about: it picks the opt-in preference and the capability a
/// recipient's grant on the location must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyTopic {
    /// Request decisions: `notify_request_updates`, any grant covering the location.
    RequestUpdates,
    /// Shared reports: `notify_reports`, a grant with `can_view_reports`.
    Reports,
}

/// A portal user to mail about something at a location.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Recipient {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub locale: String,
}

/// Every ACTIVE portal user opted in to `topic` whose CURRENT grants cover `location` (the
/// one grant rule, [`granted_locations_sql!`], applied to each candidate), by email.
/// Candidates are the opted-in users with any grant on `customer`.
#[tracing::instrument(skip_all, fields(location_id = %location))]
pub async fn notification_recipients(
    mut ex: Exec<'_>,
    customer: CustomerId,
    location: LocationId,
    topic: NotifyTopic,
) -> Result<Vec<Recipient>, StoreError> {
    let candidates = match topic {
        NotifyTopic::RequestUpdates => run!(ex.reborrow(), |c| {
            sqlx::query_as::<_, Recipient>(concat!(
                "SELECT u.id, u.email, u.display_name, u.locale FROM portal_users u \
                 WHERE u.status = 'active' AND u.notify_request_updates = TRUE AND ",
                customer_grant_sql!()
            ))
            .bind(customer.into_uuid())
            .fetch_all(c)
            .await
        })?,
        NotifyTopic::Reports => run!(ex.reborrow(), |c| {
            sqlx::query_as::<_, Recipient>(concat!(
                "SELECT u.id, u.email, u.display_name, u.locale FROM portal_users u \
                 WHERE u.status = 'active' AND u.notify_reports = TRUE AND ",
                customer_grant_sql!()
            ))
            .bind(customer.into_uuid())
            .fetch_all(c)
            .await
        })?,
    };
    let need_reports = topic == NotifyTopic::Reports;
    let now = time::now();
    let mut recipients = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let n = run!(ex.reborrow(), |c| {
            sqlx::query_scalar::<_, i64>(concat!(
                "SELECT COUNT(*) FROM (",
                granted_locations_sql!(),
                ") gr WHERE gr.location_id = $3 AND ($4 = FALSE OR gr.can_view_reports = TRUE)"
            ))
            .bind(candidate.id)
            .bind(now)
            .bind(location.into_uuid())
            .bind(need_reports)
            .fetch_one(c)
            .await
        })?;
        if n > 0 {
            recipients.push(candidate);
        }
    }
    Ok(recipients)
}
