//! Work items (targets) for staff: the dispatch queue, one work item, creating one directly
//! (without a portal request), and editing its internal fields — status (through the domain's
//! transition graph), priority, billing trigger, routing score, internal notes — with optimistic
//! concurrency on `version`. Everything here is internal; customers see the reduced
//! `GET /work` view. Dispatchers and above.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use ordinavo_domain::ids::{ContactId, CustomerId, LocationId, TargetId};
use ordinavo_domain::input::Title;
use ordinavo_domain::roles::StaffRole;
use ordinavo_domain::work_item::WorkItemStatus;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::targets::{self, NewTarget, Priority, StaffFilter, TargetFields};
use ordinavo_persistence::{OptionalExt, StoreError, contacts, locations};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::appointments::{transition_conflict, work_item_status_schema};
use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors, non_null, nullable};
use crate::internal::requests::TargetDto;
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_targets, create_target, get_target, patch_target),
    components(schemas(TargetDto, PageDto<TargetDto>, NewTargetBody, PatchTarget)),
    tags((name = "work items", description = "Work items (targets): the dispatch queue and its internal fields"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_targets)
        .service(create_target)
        .service(get_target)
        .service(patch_target);
}

/// Longest internal note or billing trigger, in characters.
const MAX_NOTES_CHARS: usize = 5000;

fn priority_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<Priority>()
}

fn unknown(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: "unknown_reference".into(),
        message: message.into(),
    }
}

/// Query of `GET /targets`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetQuery {
    /// Only work items in this internal status.
    #[param(schema_with = work_item_status_schema)]
    pub status: Option<String>,
    pub customer_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The work items, oldest first.
#[utoipa::path(
    get,
    path = "/targets",
    tag = "work items",
    params(TargetQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of work items, oldest first", body = PageDto<TargetDto>),
        (status = 400, description = "Invalid status, query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets")]
#[tracing::instrument(skip_all)]
pub async fn list_targets(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<TargetQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let status = query
        .status
        .as_deref()
        .map(|s| fields::choice::<WorkItemStatus>("status", s))
        .transpose()
        .map_err(|e| ApiError::invalid_fields(vec![e.into()]))?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = StaffFilter {
        status,
        customer_id: query.customer_id.map(CustomerId::from_uuid),
        location_id: query.location_id.map(LocationId::from_uuid),
    };
    let page = targets::list(state.db.exec(), &filter, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, TargetDto::from)))
}

/// A work item staff create directly (not from a portal request).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTargetBody {
    /// The location; the customer is the location's.
    #[serde(default)]
    #[schema(value_type = Uuid, required = true)]
    pub location_id: Option<Uuid>,
    /// 1–120 characters; customers see it in their open-work overview.
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    #[serde(default)]
    #[schema(schema_with = priority_schema, required = true)]
    pub priority: String,
    /// A contact of the location's customer.
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// Internal only. At most 5,000 characters.
    #[serde(default)]
    pub internal_notes: Option<String>,
}

/// Create a work item directly.
#[utoipa::path(
    post,
    path = "/targets",
    tag = "work items",
    request_body = NewTargetBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created (open)", body = TargetDto),
        (status = 400, description = "Invalid fields, unknown location or contact", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/targets")]
#[tracing::instrument(skip_all)]
pub async fn create_target(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<NewTargetBody>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let title = errors.check(Title::parse(&body.title));
    let priority = errors.check(fields::choice::<Priority>("priority", &body.priority));
    let notes = errors.check(fields::optional_text(
        "internal_notes",
        body.internal_notes.as_deref(),
        MAX_NOTES_CHARS,
        true,
    ));
    let location = match body.location_id {
        None => {
            errors.push(FieldError {
                field: "location_id".into(),
                code: "required".into(),
                message: "must be given".into(),
            });
            None
        }
        Some(id) => {
            let found = locations::get(state.db.exec(), LocationId::from_uuid(id))
                .await
                .optional()?;
            if found.is_none() {
                errors.push(unknown("location_id", "no location has this id"));
            }
            found
        }
    };
    let contact_id = body.contact_id.map(ContactId::from_uuid);
    if let (Some(contact), Some(location)) = (contact_id, &location) {
        let found = contacts::get(state.db.exec(), contact).await.optional()?;
        if found.is_none_or(|c| c.customer_id != location.customer_id) {
            errors.push(unknown(
                "contact_id",
                "no contact of this location's customer has this id",
            ));
        }
    }
    let (Some(title), Some(priority), Some(internal_notes), Some(location), true) =
        (title, priority, notes, location, errors.is_empty())
    else {
        return Err(errors.into_error());
    };
    let mut tx = state.db.begin().await?;
    let target = targets::insert(
        tx.exec(),
        &NewTarget {
            customer_id: location.customer_id,
            location_id: location.id,
            contact_id,
            request_id: None,
            title: title.into_string(),
            priority,
            internal_notes,
        },
    )
    .await?;
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "staff.target.created")
        .subject("target", target.id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "priority": priority.as_str() }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(TargetDto::from(target)))
}

/// One work item with every internal field.
#[utoipa::path(
    get,
    path = "/targets/{id}",
    tag = "work items",
    params(("id" = Uuid, Path, description = "Work item id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The work item", body = TargetDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work item", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/targets/{id}")]
#[tracing::instrument(skip_all, fields(target_id = %id))]
pub async fn get_target(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let target = targets::get(state.db.exec(), TargetId::from_uuid(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(TargetDto::from(target)))
}

/// An edit of a work item, based on the `version` read. Omitted fields are kept; `null`
/// clears the clearable ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTarget {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    /// 1–120 characters.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// The next internal status; must be allowed from the current one (else 409 naming the
    /// allowed ones).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, schema_with = work_item_status_schema)]
    pub internal_status: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, schema_with = priority_schema)]
    pub priority: Option<Option<String>>,
    /// Internal only. At most 5,000 characters.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub internal_notes: Option<Option<String>>,
    /// Internal only: free text for the billing export. At most 5,000 characters.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub billing_trigger: Option<Option<String>>,
    /// Internal only: the dispatch tool's score.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    pub routing_score: Option<Option<f64>>,
}

/// Edit a work item (optimistic: send the `version` you read).
#[utoipa::path(
    patch,
    path = "/targets/{id}",
    tag = "work items",
    params(("id" = Uuid, Path, description = "Work item id")),
    request_body = PatchTarget,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = TargetDto),
        (status = 400, description = "Invalid or unknown field", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such work item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since you read it (`stale_version`), or a status move the graph refuses (`invalid_transition`, with `allowed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/targets/{id}")]
#[tracing::instrument(skip_all, fields(target_id = %id))]
pub async fn patch_target(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<PatchTarget>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let id = TargetId::from_uuid(id.into_inner());
    let body = body.into_inner();
    let mut errors = FieldErrors::new();
    let title = errors.check(non_null("title", body.title)).map(|t| {
        t.map(|t| Title::parse(&t).map(Title::into_string))
            .transpose()
    });
    let title = title.and_then(|t| errors.check(t));
    let status = errors
        .check(non_null("internal_status", body.internal_status))
        .map(|s| {
            s.map(|s| fields::choice::<WorkItemStatus>("internal_status", &s))
                .transpose()
        });
    let status = status.and_then(|s| errors.check(s));
    let priority = errors.check(non_null("priority", body.priority)).map(|p| {
        p.map(|p| fields::choice::<Priority>("priority", &p))
            .transpose()
    });
    let priority = priority.and_then(|p| errors.check(p));
    let notes = body
        .internal_notes
        .map(|v| fields::optional_text("internal_notes", v.as_deref(), MAX_NOTES_CHARS, true))
        .transpose();
    let notes = errors.check(notes);
    let billing = body
        .billing_trigger
        .map(|v| fields::optional_text("billing_trigger", v.as_deref(), MAX_NOTES_CHARS, true))
        .transpose();
    let billing = errors.check(billing);
    if let Some(Some(score)) = body.routing_score
        && !score.is_finite()
    {
        errors.push(FieldError {
            field: "routing_score".into(),
            code: "invalid_number".into(),
            message: "must be a finite number".into(),
        });
    }
    let (Some(title), Some(status), Some(priority), Some(notes), Some(billing), true) =
        (title, status, priority, notes, billing, errors.is_empty())
    else {
        return Err(errors.into_error());
    };

    let current = targets::get(state.db.exec(), id).await?;
    if current.version != body.version {
        return Err(StoreError::StaleVersion.into());
    }
    let next_status = match status {
        Some(to) => current
            .internal_status
            .transition(to)
            .map_err(|e| transition_conflict(&e))?,
        None => current.internal_status,
    };
    let fields = TargetFields {
        title: title.unwrap_or_else(|| current.title.clone()),
        internal_status: next_status,
        priority: priority.unwrap_or(current.priority),
        internal_notes: notes.unwrap_or_else(|| current.internal_notes.clone()),
        billing_trigger: billing.unwrap_or_else(|| current.billing_trigger.clone()),
        routing_score: body.routing_score.unwrap_or(current.routing_score),
    };
    let mut changed = Vec::new();
    for (name, differs) in [
        ("title", fields.title != current.title),
        (
            "internal_status",
            fields.internal_status != current.internal_status,
        ),
        ("priority", fields.priority != current.priority),
        (
            "internal_notes",
            fields.internal_notes != current.internal_notes,
        ),
        (
            "billing_trigger",
            fields.billing_trigger != current.billing_trigger,
        ),
        (
            "routing_score",
            fields.routing_score != current.routing_score,
        ),
    ] {
        if differs {
            changed.push(name);
        }
    }
    if changed.is_empty() {
        return Ok(HttpResponse::Ok().json(TargetDto::from(current)));
    }
    let mut tx = state.db.begin().await?;
    let updated = targets::update(tx.exec(), id, body.version, &fields).await?;
    let mut details = serde_json::json!({ "fields": changed });
    if next_status != current.internal_status {
        details["from"] = current.internal_status.as_str().into();
        details["to"] = next_status.as_str().into();
    }
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "staff.target.updated")
        .subject("target", id.into_uuid())
        .ip(client_ip(&req))
        .details(details);
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(TargetDto::from(updated)))
}
