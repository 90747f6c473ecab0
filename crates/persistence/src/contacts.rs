//! Contacts of a customer: the people a work item can name and a portal user can be linked to.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::{ContactId, CustomerId};
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, run, time};

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub customer_id: CustomerId,
    pub fields: ContactFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The editable fields of a contact; `email` is stored lowercased by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    customer_id: Uuid,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    role: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<Row> for Contact {
    fn from(r: Row) -> Self {
        Contact {
            id: ContactId::from_uuid(r.id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            fields: ContactFields {
                name: r.name,
                email: r.email,
                phone: r.phone,
                role: r.role,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

macro_rules! columns {
    () => {
        "id, customer_id, name, email, phone, role, created_at, updated_at, version"
    };
}

/// Inserts a contact of `customer_id`; `MissingReference` when the customer does not exist.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn insert(
    ex: Exec<'_>,
    customer_id: CustomerId,
    f: &ContactFields,
) -> Result<Contact, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO contacts (id, customer_id, name, email, phone, role, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1) RETURNING ",
            columns!()
        ))
        .bind(Uuid::new_v4())
        .bind(customer_id.into_uuid())
        .bind(&f.name)
        .bind(&f.email)
        .bind(&f.phone)
        .bind(&f.role)
        .bind(time::now())
        .fetch_one(c)
        .await
    })?;
    Ok(row.into())
}

#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn get(ex: Exec<'_>, id: ContactId) -> Result<Contact, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM contacts WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    Ok(row.into())
}

/// Contacts ordered by name then id, optionally of one customer, after `after` (keyset).
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    customer_id: Option<CustomerId>,
    after: Option<&Cursor<String>>,
    limit: Limit,
) -> Result<Page<Contact>, StoreError> {
    let (name, id) = after.map_or((String::new(), Uuid::nil()), |c| (c.key.clone(), c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM contacts WHERE ($1 IS NULL OR customer_id = $1) AND (name, id) > ($2, $3) \
             ORDER BY name, id LIMIT $4"
        ))
        .bind(customer_id.map(CustomerId::into_uuid))
        .bind(name)
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows.into_iter().map(Contact::from).collect();
    Ok(Page::from_rows(items, limit, |x: &Contact| {
        Cursor::new(x.fields.name.clone(), x.id.into_uuid())
    }))
}

/// Writes `f` if the contact is still at `expected_version`; otherwise `StaleVersion`.
#[tracing::instrument(skip_all, fields(contact_id = %id))]
pub async fn update(
    ex: Exec<'_>,
    id: ContactId,
    expected_version: i64,
    f: &ContactFields,
) -> Result<Contact, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE contacts SET name = $3, email = $4, phone = $5, role = $6, updated_at = $7, \
             version = version + 1 WHERE id = $1 AND version = $2 RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(expected_version)
        .bind(&f.name)
        .bind(&f.email)
        .bind(&f.phone)
        .bind(&f.role)
        .bind(time::now())
        .fetch_optional(c)
        .await
    })?;
    Ok(row.ok_or(StoreError::StaleVersion)?.into())
}
