//! `ordinavo demo seed`: a believable demo company — three customers and a partner, ten sites
//! in several cities and time zones, contacts, staff of each role, and one portal user per
//! kind of grant. Passwords are random and printed once.

use anyhow::Context;
use ordinavo_domain::ids::{CustomerId, LocationId};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::{CustomerKind, PortalUserStatus, StaffRole};
use ordinavo_persistence::contacts::{self, ContactFields};
use ordinavo_persistence::customers::{self, CustomerFields};
use ordinavo_persistence::grants::{self, NewGrant};
use ordinavo_persistence::locations::{self, LocationFields};
use ordinavo_persistence::portal_users::{self, NewPortalUser};
use ordinavo_persistence::staff_users::{self, NewStaffUser};
use ordinavo_persistence::{Db, Tx};
use secrecy::{ExposeSecret, SecretString};

use crate::passwords;

/// One sign-in created by the seed, with its password in clear (shown once, never stored).
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub surface: &'static str,
    pub email: String,
    pub role: String,
    pub password: SecretString,
}

struct DemoCustomer {
    name: &'static str,
    kind: CustomerKind,
    external_ref: &'static str,
    billing_account: &'static str,
    internal_notes: &'static str,
    locations: &'static [DemoSite],
    contacts: &'static [(&'static str, &'static str, &'static str, &'static str)],
}

struct DemoSite {
    name: &'static str,
    address: &'static str,
    city: &'static str,
    postal_code: &'static str,
    country: &'static str,
    timezone: &'static str,
    routing_zone: &'static str,
}

const fn site(
    name: &'static str,
    address: &'static str,
    city: &'static str,
    postal_code: &'static str,
    country: &'static str,
    timezone: &'static str,
    routing_zone: &'static str,
) -> DemoSite {
    DemoSite {
        name,
        address,
        city,
        postal_code,
        country,
        timezone,
        routing_zone,
    }
}

const CUSTOMERS: &[DemoCustomer] = &[
    DemoCustomer {
        name: "Boulangeries Moreau SA",
        kind: CustomerKind::Customer,
        external_ref: "CRM-1001",
        billing_account: "FR-ACC-88213",
        internal_notes: "Pays late in August; always confirm by phone before the visit.",
        locations: &[
            site(
                "Moreau Lyon Part-Dieu",
                "12 rue de Bonnel",
                "Lyon",
                "69003",
                "FR",
                "Europe/Paris",
                "FR-LYON-3",
            ),
            site(
                "Moreau Paris Bastille",
                "4 rue de la Roquette",
                "Paris",
                "75011",
                "FR",
                "Europe/Paris",
                "FR-PARIS-11",
            ),
            site(
                "Moreau Bordeaux Chartrons",
                "38 quai des Chartrons",
                "Bordeaux",
                "33000",
                "FR",
                "Europe/Paris",
                "FR-BDX-1",
            ),
        ],
        contacts: &[
            (
                "Claire Moreau",
                "claire.moreau@moreau.example",
                "+33 4 72 00 11 22",
                "Operations director",
            ),
            (
                "Luc Bernard",
                "luc.bernard@moreau.example",
                "+33 1 43 00 55 66",
                "Store manager, Bastille",
            ),
        ],
    },
    DemoCustomer {
        name: "Alpenblick Facility GmbH",
        kind: CustomerKind::Customer,
        external_ref: "CRM-1002",
        billing_account: "DE-ACC-44120",
        internal_notes: "Framework contract renews in March; upsell HVAC maintenance.",
        locations: &[
            site(
                "Alpenblick München Zentrale",
                "Leopoldstraße 120",
                "München",
                "80804",
                "DE",
                "Europe/Berlin",
                "DE-MUC-N",
            ),
            site(
                "Alpenblick Zürich Oerlikon",
                "Thurgauerstrasse 40",
                "Zürich",
                "8050",
                "CH",
                "Europe/Zurich",
                "CH-ZRH-11",
            ),
            site(
                "Alpenblick Wien Donaustadt",
                "Wagramer Straße 17",
                "Wien",
                "1220",
                "AT",
                "Europe/Vienna",
                "AT-VIE-22",
            ),
        ],
        contacts: &[
            (
                "Jonas Weber",
                "jonas.weber@alpenblick.example",
                "+49 89 1234 5678",
                "Facility manager",
            ),
            (
                "Petra Huber",
                "petra.huber@alpenblick.example",
                "+43 1 234 5678",
                "Site contact, Wien",
            ),
        ],
    },
    DemoCustomer {
        name: "Harbor & Pine Retail Inc.",
        kind: CustomerKind::Customer,
        external_ref: "CRM-1003",
        billing_account: "US-ACC-10077",
        internal_notes: "Escalate anything at Seattle to the regional lead.",
        locations: &[
            site(
                "Harbor & Pine Boston Seaport",
                "88 Seaport Blvd",
                "Boston",
                "02210",
                "US",
                "America/New_York",
                "US-BOS-1",
            ),
            site(
                "Harbor & Pine Denver LoDo",
                "1701 Wynkoop St",
                "Denver",
                "80202",
                "US",
                "America/Denver",
                "US-DEN-1",
            ),
            site(
                "Harbor & Pine Seattle Pike Place",
                "1912 Pike Pl",
                "Seattle",
                "98101",
                "US",
                "America/Los_Angeles",
                "US-SEA-1",
            ),
        ],
        contacts: &[(
            "Sam Porter",
            "sam.porter@harborpine.example",
            "+1 617 555 0142",
            "Regional store manager",
        )],
    },
    DemoCustomer {
        name: "Northwind Service Partners Ltd.",
        kind: CustomerKind::Partner,
        external_ref: "PRT-2001",
        billing_account: "UK-ACC-30551",
        internal_notes: "Subcontractor for UK and Ireland; margin agreement v3.",
        locations: &[site(
            "Northwind London Depot",
            "5 Canal Reach",
            "London",
            "N1C 4AB",
            "GB",
            "Europe/London",
            "UK-LON-N",
        )],
        contacts: &[(
            "Aoife Kelly",
            "aoife.kelly@northwind.example",
            "+44 20 7946 0321",
            "Partner coordinator",
        )],
    },
];

const STAFF: &[(&str, &str, StaffRole)] = &[
    ("admin@ordinavo.example", "Ada Admin", StaffRole::Admin),
    (
        "manager@ordinavo.example",
        "Marc Manager",
        StaffRole::Manager,
    ),
    (
        "dispatcher@ordinavo.example",
        "Dana Dispatcher",
        StaffRole::Dispatcher,
    ),
];

/// Seeds the demo company unless `if_empty` is set and customers already exist; prints the
/// sign-ins of a fresh seed once.
pub async fn seed_and_print(db: &Db, if_empty: bool) -> anyhow::Result<()> {
    if if_empty && customers::count(db.exec()).await? > 0 {
        println!(
            "Demo data is already present; its sign-ins were printed when it was seeded. \
             To start over, stop the server and delete the data directory."
        );
        return Ok(());
    }
    let logins = seed(db).await?;
    println!("\nDemo company seeded. These passwords are shown once and stored only as hashes:\n");
    for l in &logins {
        println!(
            "  {:<8} {:<34} {:<44} {}",
            l.surface,
            l.email,
            l.role,
            l.password.expose_secret()
        );
    }
    println!();
    Ok(())
}

/// Seeds the demo company in one transaction and returns its sign-ins.
pub async fn seed(db: &Db) -> anyhow::Result<Vec<DemoLogin>> {
    let mut plan = Vec::new();
    for (email, _, role) in STAFF {
        plan.push(("staff", email.to_string(), role.as_str().to_string()));
    }
    for p in PORTAL_USERS {
        plan.push(("portal", p.email.to_string(), p.describes.to_string()));
    }
    // Hash before opening the transaction: argon2 is slow and must not hold a connection.
    let hashed = tokio::task::spawn_blocking(move || {
        plan.into_iter()
            .map(|(surface, email, role)| {
                let password = passwords::generate();
                let hash = passwords::hash(&password)?;
                Ok((
                    DemoLogin {
                        surface,
                        email,
                        role,
                        password,
                    },
                    hash,
                ))
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })
    .await
    .context("hashing demo passwords was interrupted")??;

    let mut tx = db.begin().await?;
    let mut sites: Vec<(CustomerId, Vec<LocationId>)> = Vec::new();
    for c in CUSTOMERS {
        sites.push(insert_customer(&mut tx, c).await?);
    }
    let mut hashes = hashed.iter().map(|(_, h)| h.clone());
    for (email, name, role) in STAFF {
        staff_users::insert(
            tx.exec(),
            &NewStaffUser {
                email: email.to_string(),
                name: name.to_string(),
                role: *role,
                password_hash: hashes.next(),
            },
        )
        .await?;
    }
    for p in PORTAL_USERS {
        let (customer_id, locations) = &sites[p.customer];
        let user = portal_users::insert(
            tx.exec(),
            &NewPortalUser {
                email: p.email.to_string(),
                display_name: p.display_name.to_string(),
                locale: p.locale,
                status: PortalUserStatus::Active,
                password_hash: hashes.next(),
                contact_id: None,
            },
        )
        .await?;
        let grant = grants::insert(
            tx.exec(),
            &NewGrant {
                portal_user_id: user,
                customer_id: *customer_id,
                all_locations: p.locations.is_empty(),
                can_submit_requests: true,
                can_view_reports: true,
                can_download_attachments: p.can_download_attachments,
                expires_at: None,
                created_by: None,
            },
        )
        .await?;
        for &i in p.locations {
            grants::add_location(tx.exec(), grant, locations[i]).await?;
        }
    }
    tx.commit().await?;
    Ok(hashed.into_iter().map(|(login, _)| login).collect())
}

async fn insert_customer(
    tx: &mut Tx,
    c: &DemoCustomer,
) -> anyhow::Result<(CustomerId, Vec<LocationId>)> {
    let customer = customers::insert(
        tx.exec(),
        &CustomerFields {
            name: c.name.into(),
            kind: c.kind,
            external_ref: Some(c.external_ref.into()),
            portal_enabled: true,
            attachments_enabled: true,
            internal_notes: Some(c.internal_notes.into()),
            billing_account: Some(c.billing_account.into()),
        },
    )
    .await?;
    let mut ids = Vec::new();
    for s in c.locations {
        let location = locations::insert(
            tx.exec(),
            customer.id,
            &LocationFields {
                name: s.name.into(),
                address: s.address.into(),
                city: s.city.into(),
                postal_code: s.postal_code.into(),
                country: s.country.into(),
                timezone: s.timezone.into(),
                internal_notes: Some(format!("Key safe code with the site manager of {}", s.city)),
                routing_zone: Some(s.routing_zone.into()),
            },
        )
        .await?;
        ids.push(location.id);
    }
    for (name, email, phone, role) in c.contacts {
        contacts::insert(
            tx.exec(),
            customer.id,
            &ContactFields {
                name: name.to_string(),
                email: Some(email.to_string()),
                phone: Some(phone.to_string()),
                role: Some(role.to_string()),
            },
        )
        .await?;
    }
    Ok((customer.id, ids))
}

/// One demo portal user per kind of grant.
struct DemoPortalUser {
    email: &'static str,
    display_name: &'static str,
    locale: Locale,
    /// Index into `CUSTOMERS`.
    customer: usize,
    /// Indexes into that customer's locations; empty = the whole customer.
    locations: &'static [usize],
    can_download_attachments: bool,
    describes: &'static str,
}

const PORTAL_USERS: &[DemoPortalUser] = &[
    DemoPortalUser {
        email: "claire.moreau@moreau.example",
        display_name: "Claire Moreau",
        locale: Locale::Fr,
        customer: 0,
        locations: &[],
        can_download_attachments: true,
        describes: "whole customer (Boulangeries Moreau)",
    },
    DemoPortalUser {
        email: "jonas.weber@alpenblick.example",
        display_name: "Jonas Weber",
        locale: Locale::De,
        customer: 1,
        locations: &[0, 1],
        can_download_attachments: true,
        describes: "two locations (München, Zürich)",
    },
    DemoPortalUser {
        email: "sam.porter@harborpine.example",
        display_name: "Sam Porter",
        locale: Locale::En,
        customer: 2,
        locations: &[],
        can_download_attachments: false,
        describes: "whole customer, no attachment downloads",
    },
];
