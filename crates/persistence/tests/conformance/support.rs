//! Shared arrangement for the conformance story: a fresh migrated database per test, field
//! builders with sensible defaults, and a keyset-pagination walker.

use ordinavo_domain::ids::{CustomerId, PortalUserId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::{CustomerKind, PortalUserStatus, StaffRole};
use ordinavo_persistence::contacts::ContactFields;
use ordinavo_persistence::customers::{self, Customer, CustomerFields};
use ordinavo_persistence::grants::NewGrant;
use ordinavo_persistence::locations::LocationFields;
use ordinavo_persistence::page::{Cursor, Page};
use ordinavo_persistence::portal_users::NewPortalUser;
use ordinavo_persistence::staff_users::NewStaffUser;
use ordinavo_persistence::{Backend, Db, testing};
use tempfile::TempDir;

/// A fresh, migrated database and the temp directory that holds it (a SQLite file lives there;
/// on PostgreSQL the directory is unused). Keep the value alive for the whole test.
pub struct TestDb {
    pub db: Db,
    _dir: TempDir,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

pub async fn fresh() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = testing::fresh_db(dir.path())
        .await
        .expect("fresh migrated test database");
    TestDb { db, _dir: dir }
}

/// The backend this run is meant to exercise, as chosen by `TEST_DATABASE_URL`.
pub fn expected_backend() -> Backend {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

pub fn customer_fields(name: &str) -> CustomerFields {
    CustomerFields {
        name: name.to_owned(),
        kind: CustomerKind::Customer,
        external_ref: None,
        portal_enabled: true,
        attachments_enabled: true,
        internal_notes: None,
        billing_account: None,
    }
}

pub async fn a_customer(db: &Db, name: &str) -> Customer {
    customers::insert(db.exec(), &customer_fields(name))
        .await
        .expect("insert customer")
}

pub fn location_fields(name: &str) -> LocationFields {
    LocationFields {
        name: name.to_owned(),
        address: "1 Rue de la Paix".to_owned(),
        city: "Paris".to_owned(),
        postal_code: "75002".to_owned(),
        country: "FR".to_owned(),
        timezone: "Europe/Paris".to_owned(),
        internal_notes: None,
        routing_zone: None,
    }
}

pub fn contact_fields(name: &str) -> ContactFields {
    ContactFields {
        name: name.to_owned(),
        email: None,
        phone: None,
        role: None,
    }
}

pub fn new_staff_user(email: &str) -> NewStaffUser {
    NewStaffUser {
        email: email.to_owned(),
        name: "Dana Dispatcher".to_owned(),
        role: StaffRole::Dispatcher,
        password_hash: None,
    }
}

pub fn new_portal_user(email: &str) -> NewPortalUser {
    NewPortalUser {
        email: email.to_owned(),
        display_name: "Pat Portal".to_owned(),
        locale: Locale::Fr,
        status: PortalUserStatus::Active,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        contact_id: None,
    }
}

pub fn new_grant(portal_user_id: PortalUserId, customer_id: CustomerId) -> NewGrant {
    NewGrant {
        portal_user_id,
        customer_id,
        all_locations: false,
        can_submit_requests: true,
        can_view_reports: false,
        can_download_attachments: true,
        expires_at: None,
        created_by: None,
    }
}

/// Follows `next_cursor` from the first page until a page says there is no next one, and
/// returns every page served. Panics if the walk does not end within `max_pages`.
pub async fn walk_pages<T>(
    max_pages: usize,
    mut fetch: impl AsyncFnMut(Option<Cursor<String>>) -> Page<T>,
) -> Vec<Page<T>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        assert!(
            pages.len() < max_pages,
            "pagination did not end within {max_pages} pages"
        );
        let page = fetch(after).await;
        after = page
            .next_cursor
            .as_deref()
            .map(|text| Cursor::<String>::decode(text).expect("a served cursor decodes"));
        let done = after.is_none();
        pages.push(page);
        if done {
            return pages;
        }
    }
}

/// Asserts the shape every keyset walk must have: full pages with a cursor, then one last
/// non-empty page (possibly full) without one.
pub fn assert_page_shape<T>(pages: &[Page<T>], limit: usize, total: usize) {
    assert_eq!(pages.len(), total.div_ceil(limit).max(1), "page count");
    let (last, full) = pages.split_last().expect("at least one page");
    for page in full {
        assert_eq!(page.items.len(), limit, "every page but the last is full");
        assert!(
            page.next_cursor.is_some(),
            "a full page with more rows has a cursor"
        );
    }
    assert_eq!(last.next_cursor, None, "the last page has no next cursor");
    if total > 0 {
        assert!(
            (1..=limit).contains(&last.items.len()),
            "the last page is not empty"
        );
    }
}
