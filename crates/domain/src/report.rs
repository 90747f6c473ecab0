//! Visit reports: the internal approval life cycle of what a technician wrote.
//!
//! ```text
//! draft -> submitted -> approved
//!              │
//!              └──> rejected -> draft   (rework)
//! ```
//! `approved` is terminal for the approval cycle. Approval alone never shows a report to a
//! customer: publishing is a separate, explicit act recorded in `published_at` /
//! `unpublished_at`, and [`crate::visibility::report_is_portal_visible`] combines the two.

use crate::string_enum::string_enum;
use crate::transition::{self, TransitionError};

string_enum! {
    /// Internal approval status of a visit report. Stored in `visit_reports.internal_status`.
    pub enum ReportStatus: "report status" {
        /// Being written.
        Draft = "draft",
        /// Waiting for approval.
        Submitted = "submitted",
        /// Approved; may now be published to the portal. Terminal.
        Approved = "approved",
        /// Sent back for rework.
        Rejected = "rejected",
    }
}

impl ReportStatus {
    /// Aggregate name used in [`TransitionError::entity`].
    pub const ENTITY: &'static str = "visit_report";

    /// Every status reachable in one step (see the module graph); empty when terminal.
    pub const fn allowed_next(self) -> &'static [Self] {
        match self {
            Self::Draft => &[Self::Submitted],
            Self::Submitted => &[Self::Approved, Self::Rejected],
            Self::Approved => &[],
            Self::Rejected => &[Self::Draft],
        }
    }

    /// Moves to `to` if [`Self::allowed_next`] allows it; staying put is refused.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        transition::check(Self::ENTITY, self, to, self.allowed_next())
    }

    /// Only approved reports may be published to the portal ("Approved does not
    /// automatically mean portal-visible", but nothing else may ever be visible).
    pub const fn is_publishable(self) -> bool {
        match self {
            Self::Approved => true,
            Self::Draft | Self::Submitted | Self::Rejected => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::ReportStatus::{self, *};
    use crate::transition::testing::assert_transition_table;

    #[test]
    fn report_transitions_follow_the_documented_graph_exactly() {
        let expected: &[(ReportStatus, &[ReportStatus])] = &[
            (Draft, &[Submitted]),
            (Submitted, &[Approved, Rejected]),
            (Approved, &[]),
            (Rejected, &[Draft]),
        ];
        assert_transition_table(
            "visit_report",
            expected,
            ReportStatus::allowed_next,
            ReportStatus::transition,
        );
    }

    #[test]
    fn draft_report_cannot_be_approved_without_being_submitted() {
        let err = Draft.transition(Approved).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move visit_report from draft to approved; allowed: submitted"
        );
    }

    #[test]
    fn rejected_report_goes_back_to_draft_for_rework() {
        assert_eq!(Rejected.transition(Draft).unwrap(), Draft);
    }

    #[test]
    fn only_approved_reports_are_publishable() {
        let publishable: Vec<_> = ReportStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_publishable())
            .collect();
        assert_eq!(publishable, [Approved]);
    }
}
