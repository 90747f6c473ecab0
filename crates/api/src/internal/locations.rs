//! Customer locations (sites): `GET/POST /locations`, `GET/PATCH /locations/{id}`.
//!
//! Dispatchers may read; managers and admins may create and edit. A location belongs to one
//! customer for life (rows that scope portal access pin it), so `customer_id` is set on
//! creation only; naming an unknown customer is a 400 `unknown_reference` on `customer_id`.
//! Time zones are IANA names, countries ISO 3166-1 alpha-2 (stored uppercase).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, LocationId};
use ordinavo_domain::input::{Title, ValidationError};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::StoreError;
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::locations::{self, Location, LocationFields};
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
    paths(list_locations, create_location, get_location, patch_location),
    components(schemas(LocationDto, CreateLocation, PatchLocation, PageDto<LocationDto>)),
    tags((name = "locations", description = "Sites of customers: the unit of portal scoping"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_locations)
        .service(create_location)
        .service(get_location)
        .service(patch_location);
}

const MAX_ADDRESS_CHARS: usize = 500;
const MAX_CITY_CHARS: usize = 100;
const MAX_POSTAL_CODE_CHARS: usize = 20;
const MAX_NOTES_CHARS: usize = 5000;
const MAX_ROUTING_ZONE_CHARS: usize = 50;

/// A location as staff see it, internal fields included.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationDto {
    #[schema(value_type = Uuid)]
    pub id: LocationId,
    #[schema(value_type = Uuid)]
    pub customer_id: CustomerId,
    pub name: String,
    /// Street lines, newline-separated.
    pub address: String,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, uppercase.
    #[schema(example = "FR")]
    pub country: String,
    /// IANA time zone name.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    /// Internal only: never shown in the portal.
    pub internal_notes: Option<String>,
    /// Internal only: never shown in the portal.
    pub routing_zone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Pass back in `PATCH` to edit this state of the location.
    pub version: i64,
}

impl From<Location> for LocationDto {
    fn from(l: Location) -> Self {
        let f = l.fields;
        Self {
            id: l.id,
            customer_id: l.customer_id,
            name: f.name,
            address: f.address,
            city: f.city,
            postal_code: f.postal_code,
            country: f.country,
            timezone: f.timezone,
            internal_notes: f.internal_notes,
            routing_zone: f.routing_zone,
            created_at: l.created_at,
            updated_at: l.updated_at,
            version: l.version,
        }
    }
}

/// A new location. Unknown fields are refused; every invalid field is reported at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLocation {
    /// The customer this site belongs to (for life).
    #[schema(value_type = Uuid, required = true)]
    pub customer_id: Option<Uuid>,
    /// 1–120 characters, one line.
    #[serde(default)]
    #[schema(required = true, example = "Lyon Part-Dieu store")]
    pub name: String,
    /// 1–500 characters; line breaks separate street lines.
    #[serde(default)]
    #[schema(required = true)]
    pub address: String,
    /// 1–100 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub city: String,
    /// 1–20 characters.
    #[serde(default)]
    #[schema(required = true)]
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 (any case; stored uppercase).
    #[serde(default)]
    #[schema(required = true, example = "FR")]
    pub country: String,
    /// IANA time zone name.
    #[serde(default)]
    #[schema(required = true, example = "Europe/Paris")]
    pub timezone: String,
    /// At most 5,000 characters.
    pub internal_notes: Option<String>,
    /// At most 50 characters.
    pub routing_zone: Option<String>,
}

impl CreateLocation {
    fn validate(self) -> Result<(CustomerId, LocationFields), ApiError> {
        let mut errors = FieldErrors::new();
        let customer_id = match self.customer_id {
            Some(id) => Some(CustomerId::from_uuid(id)),
            None => {
                errors.push(FieldError {
                    field: "customer_id".into(),
                    code: ordinavo_domain::input::codes::REQUIRED.into(),
                    message: "must name the customer".into(),
                });
                None
            }
        };
        let name = errors.check(
            Title::parse(&self.name)
                .map(Title::into_string)
                .map_err(|e| e.with_field("name")),
        );
        let address = errors.check(fields::text(
            "address",
            &self.address,
            MAX_ADDRESS_CHARS,
            true,
        ));
        let city = errors.check(fields::text("city", &self.city, MAX_CITY_CHARS, false));
        let postal_code = errors.check(fields::text(
            "postal_code",
            &self.postal_code,
            MAX_POSTAL_CODE_CHARS,
            false,
        ));
        let country = errors.check(fields::country("country", &self.country));
        let timezone = errors.check(fields::timezone("timezone", &self.timezone));
        let internal_notes = errors.check(fields::optional_text(
            "internal_notes",
            self.internal_notes.as_deref(),
            MAX_NOTES_CHARS,
            true,
        ));
        let routing_zone = errors.check(fields::optional_text(
            "routing_zone",
            self.routing_zone.as_deref(),
            MAX_ROUTING_ZONE_CHARS,
            false,
        ));
        let (
            Some(customer_id),
            Some(name),
            Some(address),
            Some(city),
            Some(postal_code),
            Some(country),
            Some(timezone),
            Some(internal_notes),
            Some(routing_zone),
        ) = (
            customer_id,
            name,
            address,
            city,
            postal_code,
            country,
            timezone,
            internal_notes,
            routing_zone,
        )
        else {
            return Err(errors.into_error());
        };
        Ok((
            customer_id,
            LocationFields {
                name,
                address,
                city,
                postal_code,
                country,
                timezone,
                internal_notes,
                routing_zone,
            },
        ))
    }
}

/// A partial edit: omitted fields keep their value, `null` clears an optional field.
/// Unknown fields (including `customer_id`: a location never moves) are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchLocation {
    /// The `version` this edit is based on; a newer one in the database is a 409.
    pub version: i64,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub country: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = String)]
    pub timezone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub internal_notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub routing_zone: Option<Option<String>>,
}

/// A validated edit: `None` keeps a field, `Some` replaces it.
struct LocationChanges {
    name: Option<String>,
    address: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    timezone: Option<String>,
    internal_notes: Option<Option<String>>,
    routing_zone: Option<Option<String>>,
}

impl PatchLocation {
    fn validate(self) -> Result<LocationChanges, ApiError> {
        let mut errors = FieldErrors::new();
        let mut required =
            |field: &str,
             value: Option<Option<String>>,
             parse: &dyn Fn(&str) -> Result<String, ValidationError>| {
                errors.check(
                    fields::non_null(field, value).and_then(|v| v.map(|v| parse(&v)).transpose()),
                )
            };
        let name = required("name", self.name, &|v| {
            Title::parse(v)
                .map(Title::into_string)
                .map_err(|e| e.with_field("name"))
        });
        let address = required("address", self.address, &|v| {
            fields::text("address", v, MAX_ADDRESS_CHARS, true)
        });
        let city = required("city", self.city, &|v| {
            fields::text("city", v, MAX_CITY_CHARS, false)
        });
        let postal_code = required("postal_code", self.postal_code, &|v| {
            fields::text("postal_code", v, MAX_POSTAL_CODE_CHARS, false)
        });
        let country = required("country", self.country, &|v| fields::country("country", v));
        let timezone = required("timezone", self.timezone, &|v| {
            fields::timezone("timezone", v)
        });
        let internal_notes = errors.check(
            self.internal_notes
                .map(|v| {
                    fields::optional_text("internal_notes", v.as_deref(), MAX_NOTES_CHARS, true)
                })
                .transpose(),
        );
        let routing_zone = errors.check(
            self.routing_zone
                .map(|v| {
                    fields::optional_text(
                        "routing_zone",
                        v.as_deref(),
                        MAX_ROUTING_ZONE_CHARS,
                        false,
                    )
                })
                .transpose(),
        );
        let (
            Some(name),
            Some(address),
            Some(city),
            Some(postal_code),
            Some(country),
            Some(timezone),
            Some(internal_notes),
            Some(routing_zone),
        ) = (
            name,
            address,
            city,
            postal_code,
            country,
            timezone,
            internal_notes,
            routing_zone,
        )
        else {
            return Err(errors.into_error());
        };
        Ok(LocationChanges {
            name,
            address,
            city,
            postal_code,
            country,
            timezone,
            internal_notes,
            routing_zone,
        })
    }
}

impl LocationChanges {
    /// The fields after this edit, and the names of those that actually change.
    fn apply(self, old: &LocationFields) -> (LocationFields, Vec<&'static str>) {
        let new = LocationFields {
            name: self.name.unwrap_or_else(|| old.name.clone()),
            address: self.address.unwrap_or_else(|| old.address.clone()),
            city: self.city.unwrap_or_else(|| old.city.clone()),
            postal_code: self.postal_code.unwrap_or_else(|| old.postal_code.clone()),
            country: self.country.unwrap_or_else(|| old.country.clone()),
            timezone: self.timezone.unwrap_or_else(|| old.timezone.clone()),
            internal_notes: self
                .internal_notes
                .unwrap_or_else(|| old.internal_notes.clone()),
            routing_zone: self
                .routing_zone
                .unwrap_or_else(|| old.routing_zone.clone()),
        };
        let changed = [
            ("name", old.name != new.name),
            ("address", old.address != new.address),
            ("city", old.city != new.city),
            ("postal_code", old.postal_code != new.postal_code),
            ("country", old.country != new.country),
            ("timezone", old.timezone != new.timezone),
            ("internal_notes", old.internal_notes != new.internal_notes),
            ("routing_zone", old.routing_zone != new.routing_zone),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        (new, changed)
    }
}

/// Filter and page of `GET /locations`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LocationQuery {
    /// Only this customer's locations (an unknown customer simply has none).
    pub customer_id: Option<Uuid>,
    /// The `next_cursor` of the previous page; omit (or leave empty) for the first page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// List locations, by name; optionally of one customer.
#[utoipa::path(
    get,
    path = "/locations",
    tag = "locations",
    params(LocationQuery),
    responses(
        (status = 200, description = "One page of locations, sorted by name", body = PageDto<LocationDto>),
        (status = 400, description = "Invalid query or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/locations")]
#[tracing::instrument(skip_all)]
pub async fn list_locations(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<LocationQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let customer_id = query.customer_id.map(CustomerId::from_uuid);
    let page = locations::list(state.db.exec(), customer_id, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, LocationDto::from)))
}

/// Create a location of a customer.
#[utoipa::path(
    post,
    path = "/locations",
    tag = "locations",
    request_body = CreateLocation,
    responses(
        (status = 201, description = "Created", body = LocationDto),
        (status = 400, description = "Malformed body, unknown field, invalid fields (all named in `errors`), or `unknown_reference`: no such customer", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/locations")]
#[tracing::instrument(skip_all)]
pub async fn create_location(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<CreateLocation>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let (customer_id, fields) = body.into_inner().validate()?;
    let mut tx = state.db.begin().await?;
    customers::ensure_exists(&mut tx, customer_id).await?;
    let location = locations::insert(tx.exec(), customer_id, &fields).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.location.created")
        .subject("location", location.id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({
            "customer_id": customer_id,
            "name": location.fields.name,
        }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Created().json(LocationDto::from(location)))
}

/// Read one location.
#[utoipa::path(
    get,
    path = "/locations/{id}",
    tag = "locations",
    params(("id" = Uuid, Path, description = "The location's id")),
    responses(
        (status = 200, description = "The location", body = LocationDto),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below dispatcher", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/locations/{id}")]
#[tracing::instrument(skip_all, fields(location_id = %id))]
pub async fn get_location(
    caller: StaffCaller,
    state: web::Data<AppState>,
    id: web::Path<LocationId>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Dispatcher)?;
    let location = locations::get(state.db.exec(), id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(LocationDto::from(location)))
}

/// Edit a location (partial update based on `version`).
#[utoipa::path(
    patch,
    path = "/locations/{id}",
    tag = "locations",
    params(("id" = Uuid, Path, description = "The location's id")),
    request_body = PatchLocation,
    responses(
        (status = 200, description = "The location after the edit", body = LocationDto),
        (status = 400, description = "Malformed body, unknown field, or invalid fields (all named in `errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role below manager", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such location", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`stale_version`: changed since `version`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/locations/{id}")]
#[tracing::instrument(skip_all, fields(location_id = %id))]
pub async fn patch_location(
    caller: StaffCaller,
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<LocationId>,
    body: web::Json<PatchLocation>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = id.into_inner();
    let body = body.into_inner();
    let version = body.version;
    let changes = body.validate()?;
    let mut tx = state.db.begin().await?;
    let current = locations::get(tx.exec(), id).await?;
    if current.version != version {
        return Err(StoreError::StaleVersion.into());
    }
    let (fields, changed) = changes.apply(&current.fields);
    if changed.is_empty() {
        return Ok(HttpResponse::Ok().json(LocationDto::from(current)));
    }
    let location = locations::update(tx.exec(), id, version, &fields).await?;
    let (actor_kind, actor_id) = caller.audit_actor();
    let entry = AuditEntry::new(actor_kind, actor_id, "staff.location.updated")
        .subject("location", id.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "changed": changed, "version": location.version }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(LocationDto::from(location)))
}
