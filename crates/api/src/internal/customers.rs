//! Customers and partners: `GET/POST /customers`, `GET/PATCH /customers/{id}`.
//!
//! Dispatchers may read; managers and admins may create and edit. Every change is audited in
//! the transaction that makes it. Edits are partial and carry the `version` they were based on:
//! a stale version is a 409 `stale_version`, never a silent overwrite.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::CustomerId;
use ordinavo_domain::input::Title;
use ordinavo_domain::roles::{CustomerKind, StaffRole};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::customers::{self, Customer, CustomerFields};
use ordinavo_persistence::{OptionalExt, Tx};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors, nullable};
use crate::pagination::{PageDto, PageQuery};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_customers, create_customer, get_customer, patch_customer),
    components(schemas(CustomerDto, CreateCustomer, PatchCustomer, PageDto<CustomerDto>)),
    tags((name = "customers", description = "Customers and partners (master data)"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(patch_customer);
}

/// Longest external reference / billing account, in characters.
const MAX_REF_CHARS: usize = 100;
/// Longest internal note, in characters.
const MAX_NOTES_CHARS: usize = 5000;

fn kind_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<CustomerKind>()
}

/// A customer as staff see it, internal fields included.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDto {
    #[schema(value_type = Uuid)]
    pub id: CustomerId,
    pub name: String,
    #[schema(schema_with = kind_schema)]
    pub kind: CustomerKind,
    /// The id of this customer in the ERP/CRM; unique when present.
    pub external_ref: Option<String>,
    /// `false`: no portal user of this customer can use the portal.
    pub portal_enabled: bool,
    /// `false`: no attachment of this customer can be downloaded in the portal.
    pub attachments_enabled: bool,
    /// Internal only: never shown in the portal.
    pub internal_notes: Option<String>,
    /// Internal only: never shown in the portal.
    pub billing_account: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Pass back in `PATCH` to edit this state of the customer.
    pub version: i64,
}

impl From<Customer> for CustomerDto {
    fn from(c: Customer) -> Self {
        Self {
            id: c.id,
            name: c.name,
            kind: c.kind,
            external_ref: c.external_ref,
            portal_enabled: c.portal_enabled,
            attachments_enabled: c.attachments_enabled,
            internal_notes: c.internal_notes,
            billing_account: c.billing_account,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

/// A new customer. Unknown fields are refused; every invalid field is reported at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCustomer {
    /// 1–120 characters, one line.
    #[serde(default)]
    #[schema(required = true, example = "Boulangeries Martin")]
    pub name: String,
    /// `customer` when omitted.
    #[schema(schema_with = kind_schema)]
    pub kind: Option<String>,
    /// At most 100 characters; unique among customers.
    pub external_ref: Option<String>,
    /// `true` when omitted.
    pub portal_enabled: Option<bool>,
    /// `true` when omitted.
    pub attachments_enabled: Option<bool>,
    /// At most 5,000 characters.
    pub internal_notes: Option<String>,
    /// At most 100 characters.
    pub billing_account: Option<String>,
}

impl CreateCustomer {
    fn validate(self) -> Result<CustomerFields, ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check(Title::parse(&self.name).map_err(|e| e.with_field("name")));
        let kind = errors.check(
            self.kind
                .as_deref()
                .map_or(Ok(CustomerKind::Customer), |k| fields::choice("kind", k)),
        );
        let external_ref = errors.check(fields::optional_text(
            "external_ref",
            self.external_ref.as_deref(),
            MAX_REF_CHARS,
            false,
        ));
        let internal_notes = errors.check(fields::optional_text(
            "internal_notes",
            self.internal_notes.as_deref(),
            MAX_NOTES_CHARS,
            true,
        ));
        let billing_account = errors.check(fields::optional_text(
            "billing_account",
            self.billing_account.as_deref(),
            MAX_REF_CHARS,
            false,
        ));
        let (
            Some(name),
            Some(kind),
            Some(external_ref),
            Some(internal_notes),
            Some(billing_account),
        ) = (name, kind, external_ref, internal_notes, billing_account)
        else {
            return Err(errors.into_error());
        };
        Ok(CustomerFields {
            name: name.into_string(),
            kind,
            external_ref,
            portal_enabled: self.portal_enabled.unwrap_or(true),
            attachments_enabled: self.attachments_enabled.unwrap_or(true),
            internal_notes,
            billing_account,
        })
    }
}

/// A partial edit: omitted fields keep their value, `null` clears an optional field.
/// Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchCustomer {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = kind_schema)]
    pub kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub external_ref: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub portal_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = bool)]
    pub attachments_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub internal_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub billing_account: Option<Option<String>>,
}

/// A validated edit: `None` keeps a field, `Some` replaces it.
struct CustomerChanges {
    name: Option<String>,
    kind: Option<CustomerKind>,
    external_ref: Option<Option<String>>,
    portal_enabled: Option<bool>,
    attachments_enabled: Option<bool>,
    internal_notes: Option<Option<String>>,
    billing_account: Option<Option<String>>,
}

impl PatchCustomer {
    fn validate(self) -> Result<CustomerChanges, ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check(fields::non_null("name", self.name).and_then(|v| {
            v.map(|n| Title::parse(&n).map(Title::into_string))
                .transpose()
                .map_err(|e| e.with_field("name"))
        }));
        let kind = errors.check(
            fields::non_null("kind", self.kind)
                .and_then(|v| v.map(|k| fields::choice("kind", &k)).transpose()),
        );
        let portal_enabled = errors.check(fields::non_null("portal_enabled", self.portal_enabled));
        let attachments_enabled = errors.check(fields::non_null(
            "attachments_enabled",
            self.attachments_enabled,
        ));
        let optional = |field: &str, v: Option<Option<String>>, max: usize, multiline: bool| {
            v.map(|v| fields::optional_text(field, v.as_deref(), max, multiline))
                .transpose()
        };
        let external_ref = errors.check(optional(
            "external_ref",
            self.external_ref,
            MAX_REF_CHARS,
            false,
        ));
        let internal_notes = errors.check(optional(
            "internal_notes",
            self.internal_notes,
            MAX_NOTES_CHARS,
            true,
        ));
        let billing_account = errors.check(optional(
            "billing_account",
            self.billing_account,
            MAX_REF_CHARS,
            false,
        ));
        let (
            Some(name),
            Some(kind),
            Some(portal_enabled),
            Some(attachments_enabled),
            Some(external_ref),
            Some(internal_notes),
            Some(billing_account),
        ) = (
            name,
            kind,
            portal_enabled,
            attachments_enabled,
            external_ref,
            internal_notes,
            billing_account,
        )
        else {
            return Err(errors.into_error());
        };
        Ok(CustomerChanges {
            name,
            kind,
            external_ref,
            portal_enabled,
            attachments_enabled,
            internal_notes,
            billing_account,
        })
    }
}

impl CustomerChanges {
    /// The fields after this edit, and the names of those that actually change.
    fn apply(self, old: &CustomerFields) -> (CustomerFields, Vec<&'static str>) {
        let mut new = old.clone();
        if let Some(v) = self.name {
            new.name = v;
        }
        if let Some(v) = self.kind {
            new.kind = v;
        }
        if let Some(v) = self.external_ref {
            new.external_ref = v;
        }
        if let Some(v) = self.portal_enabled {
            new.portal_enabled = v;
        }
        if let Some(v) = self.attachments_enabled {
            new.attachments_enabled = v;
        }
        if let Some(v) = self.internal_notes {
            new.internal_notes = v;
        }
        if let Some(v) = self.billing_account {
            new.billing_account = v;
        }
        let changed = [
            ("name", old.name != new.name),
            ("kind", old.kind != new.kind),
            ("external_ref", old.external_ref != new.external_ref),
            ("portal_enabled", old.portal_enabled != new.portal_enabled),
            (
                "attachments_enabled",
                old.attachments_enabled != new.attachments_enabled,
            ),
            ("internal_notes", old.internal_notes != new.internal_notes),
            (
                "billing_account",
                old.billing_account != new.billing_account,
            ),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        (new, changed)
    }
}

/// A 400 `unknown_reference` naming `customer_id` unless the customer exists (checked in the
/// transaction that then writes under it).
pub(crate) async fn ensure_exists(tx: &mut Tx, id: CustomerId) -> Result<(), ApiError> {
    if customers::get(tx.exec(), id).await.optional()?.is_some() {
        return Ok(());
    }
    Err(ApiError::BadRequest {
        code: "unknown_reference",
        detail: "A referenced item does not exist.".into(),
        errors: vec![FieldError {
            field: "customer_id".into(),
            code: "unknown_reference".into(),
            message: "no customer has this id".into(),
        }],
    })
}

/// List customers, by name.
#[utoipa::path(
    get,
    path = "/customers",
    tag = "customers",
    params(PageQuery),
    responses(
        (status = 200, description = "One page of customers, sorted by name", body = PageDto<CustomerDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/customers")]
#[tracing::instrument(skip_all)]
pub async fn list_customers(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let (after, limit) = query.parse()?;
    let page = customers::list(state.db.exec(), after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, CustomerDto::from)))
}

/// Create a customer.
#[utoipa::path(
    post,
    path = "/customers",
    tag = "customers",
    request_body = CreateCustomer,
    responses(
        (status = 201, description = "Created", body = CustomerDto),
        (status = 400, description = "Malformed body, unknown field, or invalid fields (all named in `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The external reference is taken (`already_exists`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/customers")]
#[tracing::instrument(skip_all)]
pub async fn create_customer(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CreateCustomer>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let fields = body.into_inner().validate()?;
    let mut tx = state.db.begin().await?;
    let customer = customers::insert(tx.exec(), &fields).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.customer.created")
        .subject("customer", customer.id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "name": customer.name, "kind": customer.kind.as_str() }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(CustomerDto::from(customer)))
}

/// Read one customer.
#[utoipa::path(
    get,
    path = "/customers/{id}",
    tag = "customers",
    params(("id" = Uuid, Path, description = "The customer's id")),
    responses(
        (status = 200, description = "The customer", body = CustomerDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/customers/{id}")]
#[tracing::instrument(skip_all, fields(customer_id = %id))]
pub async fn get_customer(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<CustomerId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let customer = customers::get(state.db.exec(), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(CustomerDto::from(customer)))
}

/// Edit a customer (partial update based on `version`).
#[utoipa::path(
    patch,
    path = "/customers/{id}",
    tag = "customers",
    params(("id" = Uuid, Path, description = "The customer's id")),
    request_body = PatchCustomer,
    responses(
        (status = 200, description = "The customer after the edit", body = CustomerDto),
        (status = 400, description = "Malformed body, unknown field, or invalid fields (all named in `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such customer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`stale_version`: changed since `version`; or `already_exists`: the external reference is taken", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/customers/{id}")]
#[tracing::instrument(skip_all, fields(customer_id = %id))]
pub async fn patch_customer(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<CustomerId>,
    body: web::Json<PatchCustomer>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = id.into_inner();
    let body = body.into_inner();
    let version = body.version;
    let changes = body.validate()?;
    let mut tx = state.db.begin().await?;
    let current = customers::get(tx.exec(), id).await?;
    if current.version != version {
        return Err(ordinavo_persistence::StoreError::StaleVersion.into());
    }
    let (fields, changed) = changes.apply(&current.fields());
    if changed.is_empty() {
        return Ok(HttpResponse::Ok().json(CustomerDto::from(current)));
    }
    let customer = customers::update(tx.exec(), id, version, &fields).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.customer.updated")
        .subject("customer", id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "changed": changed, "version": customer.version }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(CustomerDto::from(customer)))
}
