//! Customer locations (sites). `internal_notes` and `routing_zone` are internal-only.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{CustomerId, LocationId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, run, time};

/// A location as staff see it (every column).
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub id: LocationId,
    pub customer_id: CustomerId,
    pub fields: LocationFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The editable fields of a location. `timezone` is an IANA name, `country` ISO 3166 alpha-2.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationFields {
    pub name: String,
    pub address: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub timezone: String,
    pub internal_notes: Option<String>,
    pub routing_zone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    customer_id: Uuid,
    name: String,
    address: String,
    city: String,
    postal_code: String,
    country: String,
    timezone: String,
    internal_notes: Option<String>,
    routing_zone: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<Row> for Location {
    fn from(r: Row) -> Self {
        Location {
            id: LocationId::from_uuid(r.id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            fields: LocationFields {
                name: r.name,
                address: r.address,
                city: r.city,
                postal_code: r.postal_code,
                country: r.country,
                timezone: r.timezone,
                internal_notes: r.internal_notes,
                routing_zone: r.routing_zone,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

macro_rules! columns {
    () => {
        "id, customer_id, name, address, city, postal_code, country, timezone, internal_notes, \
         routing_zone, created_at, updated_at, version"
    };
}

/// Inserts a location of `customer_id`; `MissingReference` when the customer does not exist.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn insert(
    ex: Exec<'_>,
    customer_id: CustomerId,
    f: &LocationFields,
) -> Result<Location, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO locations (id, customer_id, name, address, city, postal_code, country, \
             timezone, internal_notes, routing_zone, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, 1) RETURNING ",
            columns!()
        ))
        .bind(Uuid::new_v4())
        .bind(customer_id.into_uuid())
        .bind(&f.name)
        .bind(&f.address)
        .bind(&f.city)
        .bind(&f.postal_code)
        .bind(&f.country)
        .bind(&f.timezone)
        .bind(&f.internal_notes)
        .bind(&f.routing_zone)
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    Ok(row.into())
}

#[tracing::instrument(skip_all, fields(location_id = %id))]
pub async fn get(ex: Exec<'_>, id: LocationId) -> Result<Location, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM locations WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    Ok(row.into())
}

/// Locations ordered by name then id, optionally of one customer, after `after` (keyset).
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    customer_id: Option<CustomerId>,
    after: Option<&Cursor<String>>,
    limit: Limit,
) -> Result<Page<Location>, StoreError> {
    let (name, id) = after.map_or((String::new(), Uuid::nil()), |c| (c.key.clone(), c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM locations WHERE ($1 IS NULL OR customer_id = $1) AND (name, id) > ($2, $3) \
             ORDER BY name, id LIMIT $4"
        ))
        .bind(customer_id.map(CustomerId::into_uuid))
        .bind(name)
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows.into_iter().map(Location::from).collect();
    Ok(Page::from_rows(items, limit, |l: &Location| {
        Cursor::new(l.fields.name.clone(), l.id.into_uuid())
    }))
}

/// Writes `f` if the location is still at `expected_version`; otherwise `StaleVersion`.
#[tracing::instrument(skip_all, fields(location_id = %id))]
pub async fn update(
    ex: Exec<'_>,
    id: LocationId,
    expected_version: i64,
    f: &LocationFields,
) -> Result<Location, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE locations SET name = $3, address = $4, city = $5, postal_code = $6, \
             country = $7, timezone = $8, internal_notes = $9, routing_zone = $10, \
             updated_at = $11, version = version + 1 WHERE id = $1 AND version = $2 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(expected_version)
        .bind(&f.name)
        .bind(&f.address)
        .bind(&f.city)
        .bind(&f.postal_code)
        .bind(&f.country)
        .bind(&f.timezone)
        .bind(&f.internal_notes)
        .bind(&f.routing_zone)
        .bind(time::now())
        .fetch_optional(c)
        .await
    })?;
    Ok(row.ok_or(StoreError::StaleVersion)?.into())
}
