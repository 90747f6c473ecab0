//! A portal user's grants as staff manage them (manager and above):
//! `GET/POST /portal-users/{id}/grants`, `PATCH/DELETE /portal-users/{id}/grants/{grant_id}`.
//!
//! A grant is addressed through its user: a grant id of another user answers 404. Every
//! change commits with its audit row in one transaction; a PATCH that names a location of
//! another customer changes nothing. The portal re-reads grants on every request, so a
//! narrowed, expired or deleted grant takes effect on the user's next request.
//!
//! Creation reuses the invitation's [`GrantInput`] and its checks
//! ([`grant_input::check_shape`], [`grant_input::insert`]); field errors name the body's own
//! fields (`customer_id`, `location_ids[1]`, `expires_at`).

use std::collections::{BTreeSet, HashMap};

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, GrantId, LocationId, PortalUserId};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::grants::{self, Grant, GrantChanges};
use ordinavo_persistence::{OptionalExt, StoreError, Tx, customers, portal_users};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors, nullable};
use crate::internal::grant_input::{self, GrantInput};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_grants, create_grant, patch_grant, delete_grant),
    components(schemas(GrantDto, GrantLocationDto, GrantInput, GrantPatch))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_grants)
        .service(create_grant)
        .service(patch_grant)
        .service(delete_grant);
}

/// A listed location of a grant.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantLocationDto {
    #[schema(value_type = Uuid)]
    pub id: LocationId,
    pub name: String,
}

/// A grant as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantDto {
    #[schema(value_type = Uuid)]
    pub id: GrantId,
    #[schema(value_type = Uuid)]
    pub customer_id: CustomerId,
    pub customer_name: String,
    /// Every location of the customer, present and future.
    pub all_locations: bool,
    /// The granted locations (empty when `all_locations`).
    #[schema(value_type = Vec<Uuid>)]
    pub location_ids: Vec<LocationId>,
    /// The same locations with their names.
    pub locations: Vec<GrantLocationDto>,
    pub can_submit_requests: bool,
    pub can_view_reports: bool,
    pub can_download_attachments: bool,
    /// The grant stops working at this instant; `null`: no expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// `false`: the customer's portal is switched off, so this grant shows nothing.
    pub customer_portal_enabled: bool,
    /// Whether the grant counts right now: not expired AND the customer's portal enabled.
    /// (The user's own status is separate: a disabled user sees nothing whatever their grants.)
    pub effective: bool,
    pub created_at: DateTime<Utc>,
}

/// The DTOs of `user`'s grants (only `grant` when given), oldest first, read in `tx`.
pub(crate) async fn grant_dtos(
    tx: &mut Tx,
    user: PortalUserId,
    only: Option<GrantId>,
) -> Result<Vec<GrantDto>, ApiError> {
    let now = Utc::now();
    let list: Vec<Grant> = grants::for_user(tx.exec(), user)
        .await?
        .into_iter()
        .filter(|g| only.is_none_or(|id| g.id == id))
        .collect();
    let names: HashMap<(GrantId, LocationId), String> =
        grants::listed_locations_of_user(tx.exec(), user)
            .await?
            .into_iter()
            .map(|l| ((l.grant_id, l.location_id), l.name))
            .collect();
    let mut dtos = Vec::with_capacity(list.len());
    for g in list {
        // One grant per customer, so one customer read per grant.
        let (customer_name, portal_enabled) = customers::get(tx.exec(), g.customer_id)
            .await
            .optional()?
            .map_or((String::new(), false), |c| (c.name, c.portal_enabled));
        let locations = g
            .location_ids
            .iter()
            .map(|id| GrantLocationDto {
                id: *id,
                name: names.get(&(g.id, *id)).cloned().unwrap_or_default(),
            })
            .collect();
        dtos.push(GrantDto {
            id: g.id,
            customer_id: g.customer_id,
            customer_name,
            all_locations: g.all_locations,
            location_ids: g.location_ids,
            locations,
            can_submit_requests: g.can_submit_requests,
            can_view_reports: g.can_view_reports,
            can_download_attachments: g.can_download_attachments,
            expires_at: g.expires_at,
            customer_portal_enabled: portal_enabled,
            effective: portal_enabled && g.expires_at.is_none_or(|at| at > now),
            created_at: g.created_at,
        });
    }
    Ok(dtos)
}

/// The DTO of one grant of `user`, read in `tx`.
async fn grant_dto(tx: &mut Tx, user: PortalUserId, grant: GrantId) -> Result<GrantDto, ApiError> {
    grant_dtos(tx, user, Some(grant))
        .await?
        .into_iter()
        .next()
        .ok_or(ApiError::NotFound)
}

/// 404 unless the portal user exists (read in `tx`).
async fn ensure_user(tx: &mut Tx, user: PortalUserId) -> Result<(), ApiError> {
    portal_users::get(tx.exec(), user).await?;
    Ok(())
}

/// The capabilities of a grant, for audit details.
fn capabilities(can_submit: bool, can_view: bool, can_download: bool) -> serde_json::Value {
    serde_json::json!({
        "can_submit_requests": can_submit,
        "can_view_reports": can_view,
        "can_download_attachments": can_download,
    })
}

/// List a portal user's grants, oldest first.
#[utoipa::path(
    get,
    path = "/portal-users/{id}/grants",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "The portal user's id")),
    responses(
        (status = 200, description = "Every grant of the user (expired and ineffective ones included)", body = [GrantDto]),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/portal-users/{id}/grants")]
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn list_grants(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<PortalUserId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let user = id.into_inner();
    let mut tx = state.db.begin().await?;
    ensure_user(&mut tx, user).await?;
    let dtos = grant_dtos(&mut tx, user, None).await?;
    Ok(HttpResponse::Ok().json(dtos))
}

/// Grant a portal user access to one more customer (all of its locations, or listed ones).
#[utoipa::path(
    post,
    path = "/portal-users/{id}/grants",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "The portal user's id")),
    request_body = GrantInput,
    responses(
        (status = 201, description = "Granted; effective on the user's next request", body = GrantDto),
        (status = 400, description = "Malformed body, unknown field, or invalid fields (all named in `errors`): `customer_id` unknown or `duplicate` (one grant per customer), `location_ids[i]` unknown or of another customer, `expires_at` in the past", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/portal-users/{id}/grants")]
#[tracing::instrument(skip_all, fields(portal_user_id = %id))]
pub async fn create_grant(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<PortalUserId>,
    body: web::Json<GrantInput>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let user = id.into_inner();
    let input = body.into_inner();
    let mut tx = state.db.begin().await?;
    ensure_user(&mut tx, user).await?;
    let errors = grant_input::check_shape("", &input, Utc::now());
    if !errors.is_empty() {
        return Err(ApiError::invalid_fields(errors));
    }
    let grant =
        match grant_input::insert(&mut tx, "", user, &input, Some(caller.staff_user_id())).await? {
            Ok(grant) => grant,
            // Dropping `tx` rolls the grant row back with its locations.
            Err(errors) => return Err(ApiError::invalid_fields(errors)),
        };
    let dto = grant_dto(&mut tx, user, grant).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "portal.grant.created")
        .subject("portal_user", user.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({
            "grant_id": grant,
            "customer_id": dto.customer_id,
            "all_locations": dto.all_locations,
            "location_ids": dto.location_ids,
            "capabilities": capabilities(
                dto.can_submit_requests,
                dto.can_view_reports,
                dto.can_download_attachments,
            ),
            "expires_at": dto.expires_at,
        }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(dto))
}

/// A partial edit of a grant: omitted fields keep their value; only `expires_at` may be
/// `null` (no expiry). The customer cannot change (delete the grant and create another).
/// `location_ids` replaces the whole list; setting `all_locations` to `true` clears it; to
/// narrow a whole-customer grant send `all_locations: false` with the list. The result is
/// validated like a new grant. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantPatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub all_locations: Option<Option<bool>>,
    /// The new list of granted locations (each must belong to the grant's customer).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Vec<Uuid>)]
    pub location_ids: Option<Option<Vec<Uuid>>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub can_submit_requests: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub can_view_reports: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub can_download_attachments: Option<Option<bool>>,
    /// A future instant, or `null` for no expiry.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub expires_at: Option<Option<DateTime<Utc>>>,
}

/// A validated edit applied to the current grant: the grant as it will be.
struct PatchedGrant {
    changes: GrantChanges,
    /// The new location list (first occurrences, each with its index in the request), or
    /// `None` to keep the current one.
    locations: Option<Vec<(usize, Uuid)>>,
    /// The names of the fields that actually change.
    changed: Vec<&'static str>,
}

impl GrantPatch {
    /// Merges this edit into `current` and validates the result as a whole, with the same
    /// shape rules as a new grant (every invalid field reported at once).
    fn apply(self, current: &Grant, now: DateTime<Utc>) -> Result<PatchedGrant, ApiError> {
        let mut errors = FieldErrors::new();
        let all_locations = errors.check(fields::non_null("all_locations", self.all_locations));
        let location_ids = errors.check(fields::non_null("location_ids", self.location_ids));
        let can_submit = errors.check(fields::non_null(
            "can_submit_requests",
            self.can_submit_requests,
        ));
        let can_view = errors.check(fields::non_null("can_view_reports", self.can_view_reports));
        let can_download = errors.check(fields::non_null(
            "can_download_attachments",
            self.can_download_attachments,
        ));
        let (
            Some(all_locations),
            Some(location_ids),
            Some(can_submit),
            Some(can_view),
            Some(can_download),
        ) = (
            all_locations,
            location_ids,
            can_submit,
            can_view,
            can_download,
        )
        else {
            return Err(errors.into_error());
        };
        let all = all_locations.unwrap_or(current.all_locations);
        let current_ids: Vec<Uuid> = current.location_ids.iter().map(|l| l.into_uuid()).collect();
        // Switching to all_locations drops an untouched list; otherwise keep it.
        let ids = match location_ids {
            Some(ids) => ids,
            None if all => Vec::new(),
            None => current_ids.clone(),
        };
        let merged = GrantInput {
            customer_id: current.customer_id.into_uuid(),
            all_locations: all,
            location_ids: ids,
            can_submit_requests: can_submit.unwrap_or(current.can_submit_requests),
            can_view_reports: can_view.unwrap_or(current.can_view_reports),
            can_download_attachments: can_download.unwrap_or(current.can_download_attachments),
            // Only a NEW expiry must lie in the future: an untouched past one (an expired
            // grant being edited) is not the caller's input.
            expires_at: self.expires_at.flatten(),
        };
        for e in grant_input::check_shape("", &merged, now) {
            errors.push(e);
        }
        errors.into_result()?;
        let expires_at = match self.expires_at {
            Some(v) => v.map(ordinavo_persistence::time::stored),
            None => current.expires_at,
        };
        let mut seen = BTreeSet::new();
        let new_ids: Vec<(usize, Uuid)> = merged
            .location_ids
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, id)| seen.insert(*id))
            .collect();
        let locations_change = seen != current_ids.iter().copied().collect::<BTreeSet<_>>();
        let changes = GrantChanges {
            all_locations: all,
            can_submit_requests: merged.can_submit_requests,
            can_view_reports: merged.can_view_reports,
            can_download_attachments: merged.can_download_attachments,
            expires_at,
        };
        let changed = [
            (
                "all_locations",
                changes.all_locations != current.all_locations,
            ),
            ("location_ids", locations_change),
            (
                "can_submit_requests",
                changes.can_submit_requests != current.can_submit_requests,
            ),
            (
                "can_view_reports",
                changes.can_view_reports != current.can_view_reports,
            ),
            (
                "can_download_attachments",
                changes.can_download_attachments != current.can_download_attachments,
            ),
            ("expires_at", changes.expires_at != current.expires_at),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        Ok(PatchedGrant {
            changes,
            locations: locations_change.then_some(new_ids),
            changed,
        })
    }
}

/// Edit a grant: locations, capabilities, expiry.
#[utoipa::path(
    patch,
    path = "/portal-users/{id}/grants/{grant_id}",
    tag = "portal access",
    params(
        ("id" = Uuid, Path, description = "The portal user's id"),
        ("grant_id" = Uuid, Path, description = "The grant's id (a grant of this user)"),
    ),
    request_body = GrantPatch,
    responses(
        (status = 200, description = "The grant as changed; effective on the user's next request", body = GrantDto),
        (status = 400, description = "Malformed body, unknown field (e.g. `customer_id`), or invalid fields (all named in `errors`, e.g. `location_ids[1]` of another customer); nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user, or no such grant of this user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/portal-users/{id}/grants/{grant_id}")]
#[tracing::instrument(skip_all)]
pub async fn patch_grant(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(PortalUserId, GrantId)>,
    body: web::Json<GrantPatch>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let (user, grant) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let current = grants::get_for_user(tx.exec(), user, grant).await?;
    let patched = body.into_inner().apply(&current, Utc::now())?;
    if patched.changed.is_empty() {
        return Ok(HttpResponse::Ok().json(grant_dto(&mut tx, user, grant).await?));
    }
    grants::update(tx.exec(), user, grant, &patched.changes).await?;
    if let Some(ids) = &patched.locations {
        grants::clear_locations(tx.exec(), grant).await?;
        let mut errors = Vec::new();
        for (j, id) in ids {
            match grants::add_location(tx.exec(), grant, LocationId::from_uuid(*id)).await {
                Ok(()) => {}
                Err(StoreError::NotFound) => errors.push(FieldError {
                    field: format!("location_ids[{j}]"),
                    code: "unknown".into(),
                    message: "No such location of this customer.".into(),
                }),
                Err(e) => return Err(e.into()),
            }
        }
        if !errors.is_empty() {
            // Dropping `tx` rolls back the field update and the cleared list alike.
            return Err(ApiError::invalid_fields(errors));
        }
    }
    let dto = grant_dto(&mut tx, user, grant).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "portal.grant.updated")
        .subject("portal_user", user.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({
            "grant_id": grant,
            "customer_id": current.customer_id,
            "changed": patched.changed,
            "all_locations": dto.all_locations,
            "location_ids": dto.location_ids,
            "capabilities": capabilities(
                dto.can_submit_requests,
                dto.can_view_reports,
                dto.can_download_attachments,
            ),
            "expires_at": dto.expires_at,
        }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(dto))
}

/// Delete a grant: the user loses that customer on their next request.
#[utoipa::path(
    delete,
    path = "/portal-users/{id}/grants/{grant_id}",
    tag = "portal access",
    params(
        ("id" = Uuid, Path, description = "The portal user's id"),
        ("grant_id" = Uuid, Path, description = "The grant's id (a grant of this user)"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal user, or no such grant of this user", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/portal-users/{id}/grants/{grant_id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_grant(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(PortalUserId, GrantId)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let (user, grant) = path.into_inner();
    let mut tx = state.db.begin().await?;
    let current = grants::get_for_user(tx.exec(), user, grant).await?;
    grants::delete(tx.exec(), user, grant).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "portal.grant.deleted")
        .subject("portal_user", user.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({
            "grant_id": grant,
            "customer_id": current.customer_id,
            "all_locations": current.all_locations,
            "location_ids": current.location_ids,
        }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
