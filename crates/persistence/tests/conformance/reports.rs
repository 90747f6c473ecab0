//! The release rules in SQL against their reference in the domain crate: `report_visible_sql!`
//! (through `reports::portal_get`) agrees with `report_is_portal_visible` for every status and
//! publication history, and `attachments::portal_downloadable` with `attachment_is_downloadable`
//! for all sixteen combinations of its four facts — on both backends.

use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::{AttachmentId, PortalUserId, ReportId, TargetId};
use ordinavo_domain::report::ReportStatus;
use ordinavo_domain::visibility::{
    AttachmentAccess, AttachmentOwnerKind, attachment_is_downloadable, report_is_portal_visible,
};
use ordinavo_persistence::attachments::{self, NewAttachment, UploaderKind};
use ordinavo_persistence::reports::{self, NewReport};
use ordinavo_persistence::targets::{self, NewTarget, Priority};
use ordinavo_persistence::{Db, grants, locations, portal_users, run, time};

use crate::support::{a_customer, fresh, location_fields, new_grant, new_portal_user};

struct Arranged {
    user: PortalUserId,
    report: ReportId,
    customer: ordinavo_domain::ids::CustomerId,
    location: ordinavo_domain::ids::LocationId,
}

async fn arrange(db: &Db, can_download: bool) -> Arranged {
    let customer = a_customer(db, "Acme").await.id;
    let location = locations::insert(db.exec(), customer, &location_fields("Lyon"))
        .await
        .unwrap()
        .id;
    let user = portal_users::insert(db.exec(), &new_portal_user("p@acme.example"))
        .await
        .unwrap();
    let mut grant = new_grant(user, customer);
    grant.all_locations = true;
    grant.can_view_reports = true;
    grant.can_download_attachments = can_download;
    grants::insert(db.exec(), &grant).await.unwrap();
    let target: TargetId = targets::insert(
        db.exec(),
        &NewTarget {
            customer_id: customer,
            location_id: location,
            contact_id: None,
            request_id: None,
            title: "Work".into(),
            priority: Priority::Normal,
            internal_notes: None,
        },
    )
    .await
    .unwrap()
    .id;
    let report = reports::insert(
        db.exec(),
        &NewReport {
            target_id: target,
            appointment_id: None,
            body: "internal".into(),
        },
    )
    .await
    .unwrap()
    .id;
    Arranged {
        user,
        report,
        customer,
        location,
    }
}

async fn set_publication(
    db: &Db,
    report: ReportId,
    status: ReportStatus,
    published: Option<DateTime<Utc>>,
    unpublished: Option<DateTime<Utc>>,
) {
    run!(db.exec(), |c| sqlx::query(
        "UPDATE visit_reports SET internal_status = $2, published_at = $3, unpublished_at = $4, \
         portal_title = 'Title' WHERE id = $1"
    )
    .bind(report.into_uuid())
    .bind(status.as_str())
    .bind(published)
    .bind(unpublished)
    .execute(c)
    .await
    .map(|_| ()))
    .unwrap();
}

#[tokio::test]
async fn the_sql_report_visibility_matches_the_domain_rule_exactly() {
    let db = fresh().await;
    let a = arrange(&db, true).await;
    let t0 = time::now() - Duration::hours(3);
    let later = t0 + Duration::hours(1);
    let histories = [
        (None, None),
        (Some(t0), None),
        (Some(t0), Some(later)),
        (Some(later), Some(t0)),
        (Some(t0), Some(t0)),
        (None, Some(t0)),
    ];
    for status in ReportStatus::ALL.iter().copied() {
        for (published, unpublished) in histories {
            set_publication(&db, a.report, status, published, unpublished).await;
            let expected = report_is_portal_visible(status, published, unpublished);
            let got = reports::portal_get(db.exec(), a.user, a.report)
                .await
                .is_ok();
            assert_eq!(got, expected, "{status} {published:?} {unpublished:?}");
            let listed = reports::portal_list(db.exec(), a.user, None, None, Default::default())
                .await
                .unwrap()
                .items
                .len();
            assert_eq!(listed == 1, expected, "list: {status} {published:?}");
        }
    }
}

#[tokio::test]
async fn the_sql_download_rule_matches_the_domain_rule_for_all_sixteen_cases() {
    for can_download in [false, true] {
        let db = fresh().await;
        let a = arrange(&db, can_download).await;
        let file = AttachmentId::new();
        attachments::insert(
            db.exec(),
            &NewAttachment {
                id: file,
                owner_kind: AttachmentOwnerKind::Report,
                owner_id: a.report.into_uuid(),
                customer_id: a.customer,
                location_id: a.location,
                filename: "a.png".into(),
                content_type: "image/png".into(),
                size: 1,
                sha256: "0".repeat(64),
                storage_key: format!("attachments/report/{}/{file}", a.report),
                uploaded_by_kind: UploaderKind::Staff,
                uploaded_by: uuid::Uuid::new_v4(),
            },
        )
        .await
        .unwrap();
        for released in [false, true] {
            for owner_visible in [false, true] {
                for enabled in [false, true] {
                    let published = owner_visible.then(|| time::now() - Duration::minutes(5));
                    set_publication(&db, a.report, ReportStatus::Approved, published, None).await;
                    let released_at = released.then(time::now);
                    run!(db.exec(), |c| sqlx::query(
                        "UPDATE attachments SET portal_released_at = $2 WHERE id = $1"
                    )
                    .bind(file.into_uuid())
                    .bind(released_at)
                    .execute(c)
                    .await
                    .map(|_| ()))
                    .unwrap();
                    run!(db.exec(), |c| sqlx::query(
                        "UPDATE customers SET attachments_enabled = $2 WHERE id = $1"
                    )
                    .bind(a.customer.into_uuid())
                    .bind(enabled)
                    .execute(c)
                    .await
                    .map(|_| ()))
                    .unwrap();
                    let access = AttachmentAccess {
                        released,
                        owner_visible,
                        grant_can_download: can_download,
                        customer_attachments_enabled: enabled,
                    };
                    let got = attachments::portal_downloadable(db.exec(), a.user, file)
                        .await
                        .is_ok();
                    assert_eq!(got, attachment_is_downloadable(access), "{access:?}");
                }
            }
        }
    }
}
