//! The grant part of invitations and grant edits: one shape on the wire, validated as a whole
//! (every bad field reported at once), written in the caller's transaction.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, GrantId, LocationId, PortalUserId, StaffUserId};
use ordinavo_persistence::grants::{self, NewGrant};
use ordinavo_persistence::{OptionalExt, StoreError, Tx, customers};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, FieldError};

/// Access to one customer: all of its locations, or the listed ones, and what may be done
/// there. Capabilities default to `false` (least privilege).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub customer_id: Uuid,
    /// Every location of the customer, present and future.
    #[serde(default)]
    pub all_locations: bool,
    /// The granted locations when `all_locations` is false (each must belong to the customer).
    #[serde(default)]
    pub location_ids: Vec<Uuid>,
    #[serde(default)]
    pub can_submit_requests: bool,
    #[serde(default)]
    pub can_view_reports: bool,
    #[serde(default)]
    pub can_download_attachments: bool,
    /// The grant stops working at this instant (optional).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `prefix.name`, or just `name` when the body is the grant itself (empty prefix).
fn path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn field(field: String, code: &str, message: &str) -> FieldError {
    FieldError {
        field,
        code: code.into(),
        message: message.into(),
    }
}

/// Shape checks that need no database: location list vs `all_locations`, expiry in the
/// future, one grant per customer. `prefix` names the field path, e.g. `grants[0]`.
pub fn check_shape(prefix: &str, g: &GrantInput, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if g.all_locations && !g.location_ids.is_empty() {
        errors.push(field(
            path(prefix, "location_ids"),
            "conflicting",
            "Leave location_ids empty when all_locations is true.",
        ));
    }
    if !g.all_locations && g.location_ids.is_empty() {
        errors.push(field(
            path(prefix, "location_ids"),
            "required",
            "Name at least one location, or set all_locations.",
        ));
    }
    if g.location_ids.len() > 500 {
        errors.push(field(
            path(prefix, "location_ids"),
            "too_many",
            "At most 500 locations per grant; use all_locations instead.",
        ));
    }
    if let Some(at) = g.expires_at
        && at <= now
    {
        errors.push(field(
            path(prefix, "expires_at"),
            "in_past",
            "The expiry must be in the future.",
        ));
    }
    errors
}

/// Writes one grant and its locations in `tx`. Unknown customers and locations of another
/// customer come back as field errors under `prefix`.
pub async fn insert(
    tx: &mut Tx,
    prefix: &str,
    user: PortalUserId,
    g: &GrantInput,
    created_by: Option<StaffUserId>,
) -> Result<Result<GrantId, Vec<FieldError>>, ApiError> {
    let customer = CustomerId::from_uuid(g.customer_id);
    if customers::get(tx.exec(), customer)
        .await
        .optional()?
        .is_none()
    {
        return Ok(Err(vec![field(
            path(prefix, "customer_id"),
            "unknown",
            "No such customer.",
        )]));
    }
    let grant = match grants::insert(
        tx.exec(),
        &NewGrant {
            portal_user_id: user,
            customer_id: customer,
            all_locations: g.all_locations,
            can_submit_requests: g.can_submit_requests,
            can_view_reports: g.can_view_reports,
            can_download_attachments: g.can_download_attachments,
            expires_at: g.expires_at,
            created_by,
        },
    )
    .await
    {
        Ok(id) => id,
        Err(e) if e.is_conflict_on(grants::UQ_USER_CUSTOMER) => {
            return Ok(Err(vec![field(
                path(prefix, "customer_id"),
                "duplicate",
                "This user already has a grant for this customer.",
            )]));
        }
        Err(e) => return Err(e.into()),
    };
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (j, location) in g.location_ids.iter().enumerate() {
        if !seen.insert(*location) {
            continue;
        }
        match grants::add_location(tx.exec(), grant, LocationId::from_uuid(*location)).await {
            Ok(()) => {}
            Err(StoreError::NotFound) => errors.push(field(
                path(prefix, &format!("location_ids[{j}]")),
                "unknown",
                "No such location of this customer.",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(if errors.is_empty() {
        Ok(grant)
    } else {
        Err(errors)
    })
}
