//! `ordinavo demo seed --scale N`: the data set of the hot-path benchmark (`bench/run.sh`).
//!
//! 100 customers with 10 locations each (1,000 locations, in several time zones), N/10 work
//! items (at least one per location), N appointments spread uniformly over the locations and
//! over two years around today (so about half are upcoming), lasting 1 to 4 hours, in realistic
//! statuses (past: mostly completed; future: mostly scheduled or dispatched, some tentative and
//! cancelled). One portal user is granted 10 locations — 5 listed locations at each of two
//! customers — and their email and password are printed once for the benchmark to sign in.
//! Beside it, 1,000 other portal users (10 per customer, each granted its whole customer, with
//! three sessions each, one revoked) give the caller check and the grant rule tables, and
//! planner statistics, of a realistic size.
//!
//! Rows are loaded with multi-row INSERTs ([`ordinavo_persistence::bulk`]) in transactions of
//! [`ROWS_PER_TRANSACTION`] rows, then the planner's statistics are refreshed.

use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, DurationRound};
use ordinavo_domain::appointment::AppointmentStatus;
use ordinavo_domain::ids::{AppointmentId, CustomerId, LocationId, TargetId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::{CustomerKind, PortalUserStatus};
use ordinavo_domain::work_item::WorkItemStatus;
use ordinavo_persistence::bulk::{self, BulkAppointment, BulkTarget};
use ordinavo_persistence::customers::{self, CustomerFields};
use ordinavo_persistence::grants::{self, NewGrant};
use ordinavo_persistence::locations::{self, LocationFields};
use ordinavo_persistence::portal_users::{self, NewPortalUser};
use ordinavo_persistence::sessions::{self, NewSession};
use ordinavo_persistence::targets::Priority;
use ordinavo_persistence::{Db, time};
use rand::RngExt;
use secrecy::ExposeSecret;

use crate::auth::tokens;
use crate::passwords;

/// Customers of the data set.
pub const CUSTOMERS: usize = 100;
/// Locations per customer.
pub const LOCATIONS_PER_CUSTOMER: usize = 10;
/// Locations the benchmark user is granted, listed at each of the first two customers.
pub const GRANTED_PER_CUSTOMER: usize = 5;
/// Other portal users per customer (each granted its whole customer).
pub const OTHER_USERS_PER_CUSTOMER: usize = 10;
/// Sessions of each other portal user.
pub const SESSIONS_PER_OTHER_USER: usize = 3;
/// Rows loaded per transaction.
pub const ROWS_PER_TRANSACTION: usize = 50_000;
/// The benchmark portal user.
pub const BENCH_EMAIL: &str = "bench@ordinavo.example";

/// Time zones the locations cycle through.
const ZONES: &[(&str, &str, &str)] = &[
    ("Europe/Paris", "FR", "Lyon"),
    ("Europe/Berlin", "DE", "München"),
    ("Europe/Zurich", "CH", "Zürich"),
    ("Europe/London", "GB", "London"),
    ("America/New_York", "US", "Boston"),
];

/// What a scale seed created, and how to sign in as the benchmark user.
#[derive(Debug, Clone)]
pub struct ScaleSeed {
    pub locations: usize,
    pub targets: usize,
    pub appointments: usize,
    pub email: String,
    pub password: secrecy::SecretString,
    pub seconds: f64,
}

/// Seeds the benchmark data set with `appointments` appointments (see the module docs).
pub async fn seed(db: &Db, appointments: usize) -> anyhow::Result<ScaleSeed> {
    let started = Instant::now();
    let password = passwords::generate();
    let to_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&to_hash))
        .await
        .context("hashing the benchmark password was interrupted")??;

    // Customers, locations and the portal user: small, one transaction.
    let mut tx = db.begin().await?;
    let mut sites: Vec<(CustomerId, LocationId)> = Vec::new();
    for c in 0..CUSTOMERS {
        let customer = customers::insert(
            tx.exec(),
            &CustomerFields {
                name: format!("Bench Customer {c:03}"),
                kind: CustomerKind::Customer,
                external_ref: None,
                portal_enabled: true,
                attachments_enabled: true,
                internal_notes: Some("INTERNAL-NOTE bench customer".into()),
                billing_account: None,
            },
        )
        .await?;
        for l in 0..LOCATIONS_PER_CUSTOMER {
            let (timezone, country, city) = ZONES[(c * LOCATIONS_PER_CUSTOMER + l) % ZONES.len()];
            let location = locations::insert(
                tx.exec(),
                customer.id,
                &LocationFields {
                    name: format!("Bench {c:03} site {l}"),
                    address: format!("{} Bench Street", l + 1),
                    city: city.into(),
                    postal_code: format!("{:05}", 10_000 + c * 10 + l),
                    country: country.into(),
                    timezone: timezone.into(),
                    internal_notes: None,
                    routing_zone: None,
                },
            )
            .await?;
            sites.push((customer.id, location.id));
        }
    }
    let user = portal_users::insert(
        tx.exec(),
        &NewPortalUser {
            email: BENCH_EMAIL.into(),
            display_name: "Bench User".into(),
            locale: Locale::En,
            status: PortalUserStatus::Active,
            password_hash: Some(hash),
            contact_id: None,
        },
    )
    .await
    .context("the benchmark data set is already seeded in this database")?;
    for customer in 0..2 {
        let first = customer * LOCATIONS_PER_CUSTOMER;
        let grant = grants::insert(
            tx.exec(),
            &NewGrant {
                portal_user_id: user,
                customer_id: sites[first].0,
                all_locations: false,
                can_submit_requests: true,
                can_view_reports: true,
                can_download_attachments: true,
                expires_at: None,
                created_by: None,
            },
        )
        .await?;
        for (_, location) in &sites[first..first + GRANTED_PER_CUSTOMER] {
            grants::add_location(tx.exec(), grant, *location).await?;
        }
    }
    others(&mut tx, &sites, HASH_OF_NOTHING).await?;
    tx.commit().await?;

    // Work items: at least one per location, about one per ten appointments.
    let per_location = (appointments / 10 / sites.len()).max(1);
    let mut work: Vec<Vec<TargetId>> = vec![Vec::with_capacity(per_location); sites.len()];
    let mut batch = Vec::with_capacity(ROWS_PER_TRANSACTION);
    let mut targets = 0;
    for (i, (customer, location)) in sites.iter().enumerate() {
        for k in 0..per_location {
            let id = TargetId::new();
            work[i].push(id);
            batch.push(BulkTarget {
                id,
                customer_id: *customer,
                location_id: *location,
                title: format!("Maintenance visit {k} at site {i}"),
                status: WorkItemStatus::Planned,
                priority: Priority::Normal,
            });
            if batch.len() == ROWS_PER_TRANSACTION {
                targets += flush_targets(db, &mut batch).await?;
            }
        }
    }
    targets += flush_targets(db, &mut batch).await?;

    // Appointments, uniformly over locations and over [now - 365 d, now + 365 d).
    let now = time::now();
    let origin = (now - Duration::days(365))
        .duration_trunc(Duration::minutes(15))
        .unwrap_or(now);
    let slots = 2 * 365 * 24 * 4; // quarter hours in two years
    let mut rng = rand::rng();
    let mut batch = Vec::with_capacity(ROWS_PER_TRANSACTION);
    let mut loaded = 0;
    for _ in 0..appointments {
        let site = rng.random_range(0..sites.len());
        let target = work[site][rng.random_range(0..work[site].len())];
        let starts_at = origin + Duration::minutes(15 * rng.random_range(0..slots));
        let ends_at = starts_at + Duration::minutes(60 * rng.random_range(1..=4));
        let roll: u8 = rng.random_range(0..100);
        let status = if ends_at <= now {
            match roll {
                0..5 => AppointmentStatus::Cancelled,
                5..10 => AppointmentStatus::NoAccess,
                _ => AppointmentStatus::Completed,
            }
        } else {
            match roll {
                0..10 => AppointmentStatus::Tentative,
                10..15 => AppointmentStatus::Cancelled,
                15..30 => AppointmentStatus::Dispatched,
                _ => AppointmentStatus::Scheduled,
            }
        };
        batch.push(BulkAppointment {
            id: AppointmentId::new(),
            target_id: target,
            location_id: sites[site].1,
            starts_at,
            ends_at,
            status,
        });
        if batch.len() == ROWS_PER_TRANSACTION {
            loaded += flush_appointments(db, &mut batch).await?;
            if loaded % 200_000 == 0 {
                tracing::info!(loaded, "appointments loaded");
            }
        }
    }
    loaded += flush_appointments(db, &mut batch).await?;
    bulk::analyze(db).await?;

    Ok(ScaleSeed {
        locations: sites.len(),
        targets,
        appointments: loaded,
        email: BENCH_EMAIL.into(),
        password,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A password hash no password matches: the other users of the data set never sign in.
const HASH_OF_NOTHING: &str = "$argon2id$v=19$m=19456,t=2,p=1$bm90aGluZw$bm90IGEgcmVhbCBoYXNo";

/// The other portal users, so that the caller check and the grant rule run against tables of
/// a realistic size (and their statistics): [`OTHER_USERS_PER_CUSTOMER`] per customer, each
/// granted its whole customer, each with [`SESSIONS_PER_OTHER_USER`] sessions (the first one
/// revoked).
async fn others(
    tx: &mut ordinavo_persistence::Tx,
    sites: &[(CustomerId, LocationId)],
    hash: &str,
) -> anyhow::Result<()> {
    let expires_at = time::now() + Duration::days(14);
    for c in 0..CUSTOMERS {
        let customer = sites[c * LOCATIONS_PER_CUSTOMER].0;
        for u in 0..OTHER_USERS_PER_CUSTOMER {
            let user = portal_users::insert(
                tx.exec(),
                &NewPortalUser {
                    email: format!("user{u}@customer{c:03}.bench.example"),
                    display_name: format!("Customer {c:03} user {u}"),
                    locale: Locale::Fr,
                    status: PortalUserStatus::Active,
                    password_hash: Some(hash.to_owned()),
                    contact_id: None,
                },
            )
            .await?;
            grants::insert(
                tx.exec(),
                &NewGrant {
                    portal_user_id: user,
                    customer_id: customer,
                    all_locations: true,
                    can_submit_requests: true,
                    can_view_reports: true,
                    can_download_attachments: false,
                    expires_at: None,
                    created_by: None,
                },
            )
            .await?;
            for k in 0..SESSIONS_PER_OTHER_USER {
                let session = sessions::insert(
                    tx.exec(),
                    &NewSession {
                        portal_user_id: user,
                        family_id: None,
                        refresh_hash: &tokens::hash(&format!(
                            "bench-{c}-{u}-{k}-{}",
                            uuid::Uuid::new_v4()
                        )),
                        expires_at,
                        user_agent: Some("bench"),
                        created_ip: None,
                    },
                )
                .await?;
                if k == 0 {
                    sessions::revoke_family(tx.exec(), session.family_id).await?;
                }
            }
        }
    }
    Ok(())
}

async fn flush_targets(db: &Db, batch: &mut Vec<BulkTarget>) -> anyhow::Result<usize> {
    let n = batch.len();
    if n > 0 {
        let mut tx = db.begin().await?;
        bulk::insert_targets(tx.exec(), batch).await?;
        tx.commit().await?;
        batch.clear();
    }
    Ok(n)
}

async fn flush_appointments(db: &Db, batch: &mut Vec<BulkAppointment>) -> anyhow::Result<usize> {
    let n = batch.len();
    if n > 0 {
        let mut tx = db.begin().await?;
        bulk::insert_appointments(tx.exec(), batch).await?;
        tx.commit().await?;
        batch.clear();
    }
    Ok(n)
}

/// Seeds and prints the summary and the benchmark sign-in (in `KEY=value` lines a script can
/// read). The password is shown once and stored only as a hash.
pub async fn seed_and_print(db: &Db, appointments: usize) -> anyhow::Result<()> {
    let s = seed(db, appointments).await?;
    println!(
        "\nBenchmark data seeded in {:.1} s: {CUSTOMERS} customers, {} locations, {} work items, \
         {} appointments.",
        s.seconds, s.locations, s.targets, s.appointments
    );
    println!(
        "One portal user is granted {} locations; sign in with POST /api/portal/v1/auth/login.",
        2 * GRANTED_PER_CUSTOMER
    );
    println!("This password is shown once and stored only as a hash:\n");
    println!("BENCH_PORTAL_EMAIL={}", s.email);
    println!("BENCH_PORTAL_PASSWORD={}", s.password.expose_secret());
    println!();
    Ok(())
}
