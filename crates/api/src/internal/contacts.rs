//! Contacts of customers: `GET/POST /contacts`, `GET/PATCH /contacts/{id}`.
//!
//! Dispatchers may read; managers and admins may create and edit. A contact belongs to one
//! customer for life (`customer_id` is set on creation only); naming an unknown customer is a
//! 400 `unknown_reference` on `customer_id`. Emails are stored normalised (lowercase).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ContactId, CustomerId};
use ordinavo_domain::input::{DisplayName, Email, codes};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::StoreError;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::contacts::{self, Contact, ContactFields};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::{self, FieldErrors, nullable};
use crate::internal::customers;
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_contacts, create_contact, get_contact, patch_contact),
    components(schemas(ContactDto, CreateContact, PatchContact, PageDto<ContactDto>)),
    tags((name = "contacts", description = "People at customers"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_contacts)
        .service(create_contact)
        .service(get_contact)
        .service(patch_contact);
}

/// Longest job title, in characters.
const MAX_ROLE_CHARS: usize = 100;

/// A contact as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    #[schema(value_type = Uuid)]
    pub id: ContactId,
    #[schema(value_type = Uuid)]
    pub customer_id: CustomerId,
    pub name: String,
    /// Lowercase.
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Free-text job title ("store manager").
    pub role: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Pass back in `PATCH` to edit this state of the contact.
    pub version: i64,
}

impl From<Contact> for ContactDto {
    fn from(c: Contact) -> Self {
        Self {
            id: c.id,
            customer_id: c.customer_id,
            name: c.fields.name,
            email: c.fields.email,
            phone: c.fields.phone,
            role: c.fields.role,
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

fn parse_name(value: &str) -> Result<String, ordinavo_domain::input::ValidationError> {
    DisplayName::parse(value)
        .map(DisplayName::into_string)
        .map_err(|e| e.with_field("name"))
}

fn parse_email(
    value: Option<&str>,
) -> Result<Option<String>, ordinavo_domain::input::ValidationError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Email::parse(v).map(|e| Some(e.into_string())),
    }
}

fn parse_role(
    value: Option<&str>,
) -> Result<Option<String>, ordinavo_domain::input::ValidationError> {
    fields::optional_text("role", value, MAX_ROLE_CHARS, false)
}

/// A new contact. Unknown fields are refused; every invalid field is reported at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// The customer this person works for.
    #[schema(value_type = Uuid, required = true)]
    pub customer_id: Option<Uuid>,
    /// 1–100 characters, one line.
    #[serde(default)]
    #[schema(required = true, example = "Camille Laurent")]
    pub name: String,
    pub email: Option<String>,
    /// Digits with an optional leading `+` and the usual separators.
    #[schema(example = "+33 4 72 00 00 00")]
    pub phone: Option<String>,
    /// Free-text job title, at most 100 characters.
    pub role: Option<String>,
}

impl CreateContact {
    fn validate(self) -> Result<(CustomerId, ContactFields), ApiError> {
        let mut errors = FieldErrors::new();
        let customer_id = match self.customer_id {
            Some(id) => Some(CustomerId::from_uuid(id)),
            None => {
                errors.push(FieldError {
                    field: "customer_id".into(),
                    code: codes::REQUIRED.into(),
                    message: "must name the customer".into(),
                });
                None
            }
        };
        let name = errors.check(parse_name(&self.name));
        let email = errors.check(parse_email(self.email.as_deref()));
        let phone = errors.check(fields::optional_phone("phone", self.phone.as_deref()));
        let role = errors.check(parse_role(self.role.as_deref()));
        let (Some(customer_id), Some(name), Some(email), Some(phone), Some(role)) =
            (customer_id, name, email, phone, role)
        else {
            return Err(errors.into_error());
        };
        Ok((
            customer_id,
            ContactFields {
                name,
                email,
                phone,
                role,
            },
        ))
    }
}

/// A partial edit: omitted fields keep their value, `null` clears an optional field.
/// Unknown fields (including `customer_id`) are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchContact {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub role: Option<Option<String>>,
}

/// A validated edit: `None` keeps a field, `Some` replaces it.
struct ContactChanges {
    name: Option<String>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    role: Option<Option<String>>,
}

impl PatchContact {
    fn validate(self) -> Result<ContactChanges, ApiError> {
        let mut errors = FieldErrors::new();
        let name = errors.check(
            fields::non_null("name", self.name)
                .and_then(|v| v.as_deref().map(parse_name).transpose()),
        );
        let email = errors.check(self.email.map(|v| parse_email(v.as_deref())).transpose());
        let phone = errors.check(
            self.phone
                .map(|v| fields::optional_phone("phone", v.as_deref()))
                .transpose(),
        );
        let role = errors.check(self.role.map(|v| parse_role(v.as_deref())).transpose());
        let (Some(name), Some(email), Some(phone), Some(role)) = (name, email, phone, role) else {
            return Err(errors.into_error());
        };
        Ok(ContactChanges {
            name,
            email,
            phone,
            role,
        })
    }
}

impl ContactChanges {
    /// The fields after this edit, and the names of those that actually change.
    fn apply(self, old: &ContactFields) -> (ContactFields, Vec<&'static str>) {
        let new = ContactFields {
            name: self.name.unwrap_or_else(|| old.name.clone()),
            email: self.email.unwrap_or_else(|| old.email.clone()),
            phone: self.phone.unwrap_or_else(|| old.phone.clone()),
            role: self.role.unwrap_or_else(|| old.role.clone()),
        };
        let changed = [
            ("name", old.name != new.name),
            ("email", old.email != new.email),
            ("phone", old.phone != new.phone),
            ("role", old.role != new.role),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        (new, changed)
    }
}

/// Filter and page of `GET /contacts`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Only this customer's contacts (an unknown customer simply has none).
    pub customer_id: Option<Uuid>,
    /// The `next_cursor` of the previous page; omit (or leave empty) for the first page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// List contacts, by name; optionally of one customer.
#[utoipa::path(
    get,
    path = "/contacts",
    tag = "contacts",
    params(ContactQuery),
    responses(
        (status = 200, description = "One page of contacts, sorted by name", body = PageDto<ContactDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/contacts")]
#[tracing::instrument(skip_all)]
pub async fn list_contacts(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<ContactQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let customer_id = query.customer_id.map(CustomerId::from_uuid);
    let page = contacts::list(state.db.exec(), customer_id, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, ContactDto::from)))
}

/// Create a contact of a customer.
#[utoipa::path(
    post,
    path = "/contacts",
    tag = "contacts",
    request_body = CreateContact,
    responses(
        (status = 201, description = "Created", body = ContactDto),
        (status = 400, description = "Malformed body, unknown field, invalid fields (all named in `errors`), or `unknown_reference`: no such customer", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/contacts")]
#[tracing::instrument(skip_all)]
pub async fn create_contact(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CreateContact>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let (customer_id, fields) = body.into_inner().validate()?;
    let mut tx = state.db.begin().await?;
    customers::ensure_exists(&mut tx, customer_id).await?;
    let contact = contacts::insert(tx.exec(), customer_id, &fields).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.contact.created")
        .subject("contact", contact.id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "customer_id": customer_id }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(ContactDto::from(contact)))
}

/// Read one contact.
#[utoipa::path(
    get,
    path = "/contacts/{id}",
    tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact's id")),
    responses(
        (status = 200, description = "The contact", body = ContactDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/contacts/{id}")]
#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn get_contact(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<ContactId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let contact = contacts::get(state.db.exec(), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ContactDto::from(contact)))
}

/// Edit a contact (partial update based on `version`).
#[utoipa::path(
    patch,
    path = "/contacts/{id}",
    tag = "contacts",
    params(("id" = Uuid, Path, description = "The contact's id")),
    request_body = PatchContact,
    responses(
        (status = 200, description = "The contact after the edit", body = ContactDto),
        (status = 400, description = "Malformed body, unknown field, or invalid fields (all named in `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`stale_version`: changed since `version`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/contacts/{id}")]
#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn patch_contact(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<ContactId>,
    body: web::Json<PatchContact>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = id.into_inner();
    let body = body.into_inner();
    let version = body.version;
    let changes = body.validate()?;
    let mut tx = state.db.begin().await?;
    let current = contacts::get(tx.exec(), id).await?;
    if current.version != version {
        return Err(StoreError::StaleVersion.into());
    }
    let (fields, changed) = changes.apply(&current.fields);
    if changed.is_empty() {
        return Ok(HttpResponse::Ok().json(ContactDto::from(current)));
    }
    let contact = contacts::update(tx.exec(), id, version, &fields).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.contact.updated")
        .subject("contact", id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "changed": changed, "version": contact.version }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(ContactDto::from(contact)))
}
