//! The two release rules: when a report is visible in the portal, and when an attachment may
//! be downloaded. Both are deliberately opt-in: approval does not publish, upload does not
//! release. Portal queries must apply the same rules in SQL; these functions are the
//! reference the SQL is tested against.

use chrono::{DateTime, Utc};

use crate::report::ReportStatus;
use crate::string_enum::string_enum;

/// A report is portal-visible iff it is approved AND published AND not unpublished since.
///
/// Publication history is two timestamps: `published_at` (the last publish) and
/// `unpublished_at` (the last unpublish). The report is hidden when it was never published,
/// or when the last unpublish is at or after the last publish; publishing again after an
/// unpublish sets a newer `published_at` and makes it visible again. Equal timestamps count
/// as unpublished: when the order is unknown, fail closed.
pub fn report_is_portal_visible(
    status: ReportStatus,
    published_at: Option<DateTime<Utc>>,
    unpublished_at: Option<DateTime<Utc>>,
) -> bool {
    let approved = match status {
        ReportStatus::Approved => true,
        ReportStatus::Draft | ReportStatus::Submitted | ReportStatus::Rejected => false,
    };
    let published = match (published_at, unpublished_at) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(published), Some(unpublished)) => unpublished < published,
    };
    approved && published
}

string_enum! {
    /// What an attachment belongs to (`attachments.owner_kind`). An attachment is only as
    /// visible as its owner.
    pub enum AttachmentOwnerKind: "attachment owner kind" {
        /// A service request (customer uploads).
        Request = "request",
        /// A target / work item.
        Target = "target",
        /// A visit report.
        Report = "report",
    }
}

/// The four facts that decide whether a portal caller may download an attachment.
///
/// Each is computed by the caller from the database: `released` from `portal_released_at`,
/// `owner_visible` from the owner's own visibility for this caller (e.g. the report is
/// portal-visible and within the caller's grants), `grant_can_download` from the caller's
/// grant (`can_download_attachments`), `customer_attachments_enabled` from the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttachmentAccess {
    /// Staff released this file to the portal (and did not withdraw it).
    pub released: bool,
    /// The owning request / target / report is visible to this caller.
    pub owner_visible: bool,
    /// The caller's grant for this customer has `can_download_attachments`.
    pub grant_can_download: bool,
    /// The customer has `attachments_enabled`.
    pub customer_attachments_enabled: bool,
}

/// An attachment is downloadable iff released AND its owner is visible to the caller AND the
/// caller's grant allows downloads AND the customer has attachments enabled. Anything else is
/// answered `404`, like a file that does not exist.
pub const fn attachment_is_downloadable(access: AttachmentAccess) -> bool {
    let AttachmentAccess {
        released,
        owner_visible,
        grant_can_download,
        customer_attachments_enabled,
    } = access;
    released && owner_visible && grant_can_download && customer_attachments_enabled
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> Option<DateTime<Utc>> {
        Utc.with_ymd_and_hms(2025, 3, 1, hour, 0, 0).single()
    }

    #[test]
    fn attachment_is_downloadable_only_when_all_four_conditions_hold() {
        // Arrange: the full truth table, written out so a changed rule fails loudly.
        // (released, owner_visible, grant_can_download, attachments_enabled) -> downloadable
        let table = [
            ((false, false, false, false), false),
            ((false, false, false, true), false),
            ((false, false, true, false), false),
            ((false, false, true, true), false),
            ((false, true, false, false), false),
            ((false, true, false, true), false),
            ((false, true, true, false), false),
            ((false, true, true, true), false),
            ((true, false, false, false), false),
            ((true, false, false, true), false),
            ((true, false, true, false), false),
            ((true, false, true, true), false),
            ((true, true, false, false), false),
            ((true, true, false, true), false),
            ((true, true, true, false), false),
            ((true, true, true, true), true),
        ];
        for ((released, owner_visible, grant_can_download, enabled), expected) in table {
            // Act
            let access = AttachmentAccess {
                released,
                owner_visible,
                grant_can_download,
                customer_attachments_enabled: enabled,
            };
            // Assert
            assert_eq!(attachment_is_downloadable(access), expected, "{access:?}");
        }
    }

    #[test]
    fn approved_and_published_report_is_visible() {
        assert!(report_is_portal_visible(
            ReportStatus::Approved,
            at(9),
            None
        ));
    }

    #[test]
    fn approved_but_unpublished_report_is_not_visible() {
        assert!(!report_is_portal_visible(
            ReportStatus::Approved,
            None,
            None
        ));
    }

    #[test]
    fn report_unpublished_after_publishing_is_hidden() {
        assert!(!report_is_portal_visible(
            ReportStatus::Approved,
            at(9),
            at(10)
        ));
    }

    #[test]
    fn report_republished_after_an_unpublish_is_visible_again() {
        assert!(report_is_portal_visible(
            ReportStatus::Approved,
            at(11),
            at(10)
        ));
    }

    #[test]
    fn report_published_and_unpublished_at_the_same_instant_is_hidden() {
        assert!(!report_is_portal_visible(
            ReportStatus::Approved,
            at(9),
            at(9)
        ));
    }

    #[test]
    fn report_that_is_not_approved_is_never_visible_even_if_published() {
        for status in [
            ReportStatus::Draft,
            ReportStatus::Submitted,
            ReportStatus::Rejected,
        ] {
            for (published, unpublished) in [(None, None), (at(9), None), (at(11), at(10))] {
                assert!(
                    !report_is_portal_visible(status, published, unpublished),
                    "{status}"
                );
            }
        }
    }

    #[test]
    fn unpublish_without_any_publish_keeps_the_report_hidden() {
        assert!(!report_is_portal_visible(
            ReportStatus::Approved,
            None,
            at(10)
        ));
    }
}
