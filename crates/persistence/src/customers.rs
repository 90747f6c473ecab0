//! Customers and partners: the companies whose contacts use the portal. `internal_notes` and
//! `billing_account` are internal-only; portal read models never select them.

use chrono::{DateTime, Utc};
use ordinavo_domain::ids::CustomerId;
use ordinavo_domain::roles::CustomerKind;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::{Exec, parse_enum, run, time};

/// A customer as staff see it (every column).
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub kind: CustomerKind,
    pub external_ref: Option<String>,
    pub portal_enabled: bool,
    pub attachments_enabled: bool,
    pub internal_notes: Option<String>,
    pub billing_account: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// The fields staff set when creating or editing a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFields {
    pub name: String,
    pub kind: CustomerKind,
    pub external_ref: Option<String>,
    pub portal_enabled: bool,
    pub attachments_enabled: bool,
    pub internal_notes: Option<String>,
    pub billing_account: Option<String>,
}

/// The unique constraint on `external_ref` (one customer per external system reference).
pub const UQ_EXTERNAL_REF: &str = "uq_customers_external_ref";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    kind: String,
    external_ref: Option<String>,
    portal_enabled: bool,
    attachments_enabled: bool,
    internal_notes: Option<String>,
    billing_account: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl TryFrom<Row> for Customer {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Customer {
            id: CustomerId::from_uuid(r.id),
            name: r.name,
            kind: parse_enum(&r.kind)?,
            external_ref: r.external_ref,
            portal_enabled: r.portal_enabled,
            attachments_enabled: r.attachments_enabled,
            internal_notes: r.internal_notes,
            billing_account: r.billing_account,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }
}

/// The selected columns, shared by every query of this module so rows decode alike.
macro_rules! columns {
    () => {
        "id, name, kind, external_ref, portal_enabled, attachments_enabled, internal_notes, \
         billing_account, created_at, updated_at, version"
    };
}

/// Inserts a new customer at version 1.
#[tracing::instrument(skip_all)]
pub async fn insert(ex: Exec<'_>, f: &CustomerFields) -> Result<Customer, StoreError> {
    let now = time::now();
    let id = Uuid::new_v4();
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "INSERT INTO customers (id, name, kind, external_ref, portal_enabled, \
             attachments_enabled, internal_notes, billing_account, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, 1) \
             RETURNING ",
            columns!()
        ))
        .bind(id)
        .bind(&f.name)
        .bind(f.kind.as_str())
        .bind(&f.external_ref)
        .bind(f.portal_enabled)
        .bind(f.attachments_enabled)
        .bind(&f.internal_notes)
        .bind(&f.billing_account)
        .bind(now)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

#[tracing::instrument(skip_all, fields(customer_id = %id))]
pub async fn get(ex: Exec<'_>, id: CustomerId) -> Result<Customer, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM customers WHERE id = $1"
        ))
        .bind(id.into_uuid())
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

/// Customers ordered by name then id, after `after` (keyset).
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    after: Option<&Cursor<String>>,
    limit: Limit,
) -> Result<Page<Customer>, StoreError> {
    let (name, id) = after.map_or((String::new(), Uuid::nil()), |c| (c.key.clone(), c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "SELECT ",
            columns!(),
            " FROM customers WHERE (name, id) > ($1, $2) ORDER BY name, id LIMIT $3"
        ))
        .bind(name)
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(Customer::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |c| {
        Cursor::new(c.name.clone(), c.id.into_uuid())
    }))
}

/// Writes `f` over the customer if it is still at `expected_version`; bumps the version.
/// Returns `StaleVersion` when the row moved on (or vanished) since it was read.
#[tracing::instrument(skip_all, fields(customer_id = %id))]
pub async fn update(
    ex: Exec<'_>,
    id: CustomerId,
    expected_version: i64,
    f: &CustomerFields,
) -> Result<Customer, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            "UPDATE customers SET name = $3, kind = $4, external_ref = $5, portal_enabled = $6, \
             attachments_enabled = $7, internal_notes = $8, billing_account = $9, \
             updated_at = $10, version = version + 1 \
             WHERE id = $1 AND version = $2 \
             RETURNING ",
            columns!()
        ))
        .bind(id.into_uuid())
        .bind(expected_version)
        .bind(&f.name)
        .bind(f.kind.as_str())
        .bind(&f.external_ref)
        .bind(f.portal_enabled)
        .bind(f.attachments_enabled)
        .bind(&f.internal_notes)
        .bind(&f.billing_account)
        .bind(time::now())
        .fetch_optional(c)
        .await
    })?;
    row.ok_or(StoreError::StaleVersion)?.try_into()
}

/// How many customers exist (the demo seeder seeds only an empty database).
#[tracing::instrument(skip_all)]
pub async fn count(ex: Exec<'_>) -> Result<i64, StoreError> {
    Ok(run!(ex, |c| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM customers")
            .fetch_one(c)
            .await
    })?)
}

impl Customer {
    /// The editable fields of this customer, as a starting point for a patch.
    pub fn fields(&self) -> CustomerFields {
        CustomerFields {
            name: self.name.clone(),
            kind: self.kind,
            external_ref: self.external_ref.clone(),
            portal_enabled: self.portal_enabled,
            attachments_enabled: self.attachments_enabled,
            internal_notes: self.internal_notes.clone(),
            billing_account: self.billing_account.clone(),
        }
    }
}
