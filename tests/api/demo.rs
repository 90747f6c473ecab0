//! `demo seed`: a believable company with one portal user per kind of grant.

use std::collections::BTreeSet;

use ordinavo_api::demo;
use ordinavo_persistence::page::Limit;
use ordinavo_persistence::{customers, grants, locations, portal_users, staff_users};
use ordinavo_tests::TestApp;

#[tokio::test]
async fn the_demo_company_has_customers_sites_staff_and_one_portal_user_per_grant_kind() {
    let app = TestApp::spawn().await;

    let logins = demo::seed(&app.db).await.unwrap();

    let all = Limit::new(Some(100));
    let customers = customers::list(app.db.exec(), None, all)
        .await
        .unwrap()
        .items;
    assert_eq!(customers.len(), 4);
    assert_eq!(
        customers
            .iter()
            .filter(|c| c.kind.as_str() == "partner")
            .count(),
        1
    );
    let sites = locations::list(app.db.exec(), None, None, all)
        .await
        .unwrap()
        .items;
    assert_eq!(sites.len(), 10);
    let zones: BTreeSet<_> = sites.iter().map(|l| l.fields.timezone.as_str()).collect();
    assert!(zones.len() >= 5, "several time zones: {zones:?}");
    let roles: BTreeSet<_> = staff_users::list(app.db.exec(), None, all)
        .await
        .unwrap()
        .items
        .iter()
        .map(|u| u.role.as_str())
        .collect();
    assert_eq!(roles, BTreeSet::from(["admin", "dispatcher", "manager"]));

    let mut kinds = Vec::new();
    for login in logins.iter().filter(|l| l.surface == "portal") {
        let user = portal_users::find_by_email(app.db.exec(), &login.email)
            .await
            .unwrap();
        let grants = grants::for_user(app.db.exec(), user.id).await.unwrap();
        assert_eq!(grants.len(), 1);
        let g = &grants[0];
        kinds.push((
            g.all_locations,
            g.location_ids.len(),
            g.can_download_attachments,
        ));
    }
    kinds.sort();
    assert_eq!(
        kinds,
        vec![(false, 2, true), (true, 0, false), (true, 0, true)]
    );
}

#[tokio::test]
async fn demo_passwords_are_stored_only_as_argon2id_hashes_and_verify() {
    let app = TestApp::spawn().await;

    let logins = demo::seed(&app.db).await.unwrap();

    let admin = logins.iter().find(|l| l.role == "admin").unwrap();
    let stored = staff_users::find_by_email(app.db.exec(), &admin.email)
        .await
        .unwrap();
    let hash = stored.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(ordinavo_api::passwords::verify(&admin.password, &hash));
}

#[tokio::test]
async fn seeding_if_empty_twice_leaves_one_company() {
    let app = TestApp::spawn().await;

    demo::seed_and_print(&app.db, true).await.unwrap();
    demo::seed_and_print(&app.db, true).await.unwrap();

    assert_eq!(customers::count(app.db.exec()).await.unwrap(), 4);
}
