//! Portal grants: which customer (all of its locations, or a selected few) a portal user may
//! see, and what they may do there. The portal scope of every request is derived from these.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, GrantId, LocationId, PortalUserId, StaffUserId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

/// One grant as written by staff. `location_ids` is ignored when `all_locations` is set.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGrant {
    pub portal_user_id: PortalUserId,
    pub customer_id: CustomerId,
    pub all_locations: bool,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_by: Option<StaffUserId>,
}

/// A user holds at most one grant per customer.
pub const UQ_USER_CUSTOMER: &str = "uq_portal_grants_user_customer";
/// A location is listed at most once per grant.
pub const PK_GRANT_LOCATION: &str = "pk_portal_grant_locations";

/// Inserts the grant row (without its locations) and returns its id.
#[tracing::instrument(skip_all, fields(portal_user_id = %g.portal_user_id))]
pub async fn insert(ex: Exec<'_>, g: &NewGrant) -> Result<GrantId, StoreError> {
    let id = Uuid::new_v4();
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO portal_grants (id, portal_user_id, customer_id, all_locations, \
             can_submit_requests, can_view_reports, can_download_attachments, expires_at, \
             created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(id)
        .bind(g.portal_user_id.into_uuid())
        .bind(g.customer_id.into_uuid())
        .bind(g.all_locations)
        .bind(g.can_submit_requests)
        .bind(g.can_view_reports)
        .bind(g.can_download_attachments)
        .bind(g.expires_at.map(time::stored))
        .bind(g.created_by.map(StaffUserId::into_uuid))
        .bind(time::now())
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(GrantId::from_uuid(id))
}

/// Adds one location to a selected-locations grant. The location must belong to the grant's
/// customer: the insert selects it through that join, so a foreign location adds nothing and
/// answers `NotFound`.
#[tracing::instrument(skip_all, fields(grant_id = %grant_id, location_id = %location_id))]
pub async fn add_location(
    ex: Exec<'_>,
    grant_id: GrantId,
    location_id: LocationId,
) -> Result<(), StoreError> {
    let inserted = run!(ex, |c| {
        sqlx::query(
            "INSERT INTO portal_grant_locations (grant_id, location_id) \
             SELECT g.id, l.id FROM portal_grants g JOIN locations l \
             ON l.customer_id = g.customer_id WHERE g.id = $1 AND l.id = $2",
        )
        .bind(grant_id.into_uuid())
        .bind(location_id.into_uuid())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if inserted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A stored grant with the locations it lists (empty when `all_locations`).
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub id: GrantId,
    pub portal_user_id: PortalUserId,
    pub customer_id: CustomerId,
    pub all_locations: bool,
    pub location_ids: Vec<LocationId>,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    portal_user_id: Uuid,
    customer_id: Uuid,
    all_locations: bool,
    can_submit_requests: bool,
    can_view_reports: bool,
    can_download_attachments: bool,
    expires_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    location_id: Option<Uuid>,
}

/// Every grant of a portal user (expired ones included: this is the staff view), oldest
/// first, each with its listed locations, in one query.
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn for_user(ex: Exec<'_>, user: PortalUserId) -> Result<Vec<Grant>, StoreError> {
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(
            "SELECT g.id, g.portal_user_id, g.customer_id, g.all_locations, \
             g.can_submit_requests, g.can_view_reports, g.can_download_attachments, \
             g.expires_at, g.created_at, gl.location_id \
             FROM portal_grants g LEFT JOIN portal_grant_locations gl ON gl.grant_id = g.id \
             WHERE g.portal_user_id = $1 ORDER BY g.created_at, g.id, gl.location_id",
        )
        .bind(user.into_uuid())
        .fetch_all(c)
        .await
    })?;
    Ok(fold(rows))
}

/// Folds `(grant × listed location)` rows, ordered by grant, into grants with their lists.
fn fold(rows: Vec<Row>) -> Vec<Grant> {
    let mut grants: Vec<Grant> = Vec::new();
    for r in rows {
        let location = r.location_id.map(LocationId::from_uuid);
        match grants.last_mut() {
            Some(g) if g.id.into_uuid() == r.id => g.location_ids.extend(location),
            _ => grants.push(Grant {
                id: GrantId::from_uuid(r.id),
                portal_user_id: PortalUserId::from_uuid(r.portal_user_id),
                customer_id: CustomerId::from_uuid(r.customer_id),
                all_locations: r.all_locations,
                location_ids: location.into_iter().collect(),
                can_submit_requests: r.can_submit_requests,
                can_view_reports: r.can_view_reports,
                can_download_attachments: r.can_download_attachments,
                expires_at: r.expires_at,
                created_at: r.created_at,
            }),
        }
    }
    grants
}

/// One grant of `user` with its listed locations. `NotFound` when no such grant exists OR it
/// belongs to another user: callers address grants through their user, so a grant id of
/// someone else names nothing.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, grant_id = %grant_id))]
pub async fn get_for_user(
    ex: Exec<'_>,
    user: PortalUserId,
    grant_id: GrantId,
) -> Result<Grant, StoreError> {
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(
            "SELECT g.id, g.portal_user_id, g.customer_id, g.all_locations, \
             g.can_submit_requests, g.can_view_reports, g.can_download_attachments, \
             g.expires_at, g.created_at, gl.location_id \
             FROM portal_grants g LEFT JOIN portal_grant_locations gl ON gl.grant_id = g.id \
             WHERE g.id = $1 AND g.portal_user_id = $2 ORDER BY gl.location_id",
        )
        .bind(grant_id.into_uuid())
        .bind(user.into_uuid())
        .fetch_all(c)
        .await
    })?;
    fold(rows).into_iter().next().ok_or(StoreError::NotFound)
}

/// What an edit of a grant may change. The customer never changes: access to another
/// customer is another grant. The listed locations are replaced separately
/// ([`clear_locations`] then [`add_location`], in the caller's transaction).
#[derive(Debug, Clone, PartialEq)]
pub struct GrantChanges {
    pub all_locations: bool,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
    /// `None`: no expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Overwrites the editable fields of a grant of `user` and stamps `updated_at`. `NotFound`
/// when no such grant exists or it belongs to another user.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, grant_id = %grant_id))]
pub async fn update(
    ex: Exec<'_>,
    user: PortalUserId,
    grant_id: GrantId,
    f: &GrantChanges,
) -> Result<(), StoreError> {
    let n = run!(ex, |c| {
        sqlx::query(
            "UPDATE portal_grants SET all_locations = $3, can_submit_requests = $4, \
             can_view_reports = $5, can_download_attachments = $6, expires_at = $7, \
             updated_at = $8 WHERE id = $1 AND portal_user_id = $2",
        )
        .bind(grant_id.into_uuid())
        .bind(user.into_uuid())
        .bind(f.all_locations)
        .bind(f.can_submit_requests)
        .bind(f.can_view_reports)
        .bind(f.can_download_attachments)
        .bind(f.expires_at.map(time::stored))
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes every listed location of a grant (the first half of replacing the list; run it in
/// the same transaction as the [`add_location`] calls that follow). Returns how many went.
#[tracing::instrument(skip_all, fields(grant_id = %grant_id))]
pub async fn clear_locations(ex: Exec<'_>, grant_id: GrantId) -> Result<u64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query("DELETE FROM portal_grant_locations WHERE grant_id = $1")
            .bind(grant_id.into_uuid())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?)
}

/// Deletes a grant of `user` (its listed locations go with it, ON DELETE CASCADE). `NotFound`
/// when no such grant exists or it belongs to another user.
#[tracing::instrument(skip_all, fields(portal_user_id = %user, grant_id = %grant_id))]
pub async fn delete(ex: Exec<'_>, user: PortalUserId, grant_id: GrantId) -> Result<(), StoreError> {
    let n = run!(ex, |c| {
        sqlx::query("DELETE FROM portal_grants WHERE id = $1 AND portal_user_id = $2")
            .bind(grant_id.into_uuid())
            .bind(user.into_uuid())
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A listed location of one of a user's grants, with its name (staff view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedLocation {
    pub grant_id: GrantId,
    pub location_id: LocationId,
    pub name: String,
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    grant_id: Uuid,
    location_id: Uuid,
    name: String,
}

/// The listed locations of every grant of `user`, with their names, in one query (ordered by
/// grant, then location id, like [`for_user`]).
#[tracing::instrument(skip_all, fields(portal_user_id = %user))]
pub async fn listed_locations_of_user(
    ex: Exec<'_>,
    user: PortalUserId,
) -> Result<Vec<ListedLocation>, StoreError> {
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, ListedRow>(
            "SELECT gl.grant_id, gl.location_id, l.name \
             FROM portal_grants g JOIN portal_grant_locations gl ON gl.grant_id = g.id \
             JOIN locations l ON l.id = gl.location_id \
             WHERE g.portal_user_id = $1 ORDER BY gl.grant_id, gl.location_id",
        )
        .bind(user.into_uuid())
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| ListedLocation {
            grant_id: GrantId::from_uuid(r.grant_id),
            location_id: LocationId::from_uuid(r.location_id),
            name: r.name,
        })
        .collect())
}
