//! Work items (the `targets` table): the internal work a request becomes once accepted, or that
//! staff create directly. Customers only ever see a reduced status (see
//! [`crate::public_status`]), never priority, routing or billing fields.
//!
//! ```text
//! open        -> planned | on_hold | cancelled
//! planned     -> open | in_progress | on_hold | completed | cancelled
//! in_progress -> planned | on_hold | completed | cancelled
//! on_hold     -> open | planned | in_progress | cancelled
//! completed, cancelled: terminal
//! ```
//! * `planned -> open`: every appointment fell through; the work needs planning again.
//! * `in_progress -> planned`: the visit ended with work left; a further visit is scheduled.
//! * `completed` and `cancelled` are terminal: further work is a follow-up, not a reopen.
//! * `planned -> completed`: the visit happened without anyone recording "in progress"
//!   (field reality); `open -> completed` is refused because nothing was ever planned.

use crate::string_enum::string_enum;
use crate::transition::{self, TransitionError};

string_enum! {
    /// Internal status of a work item. Stored in `targets.internal_status`.
    pub enum WorkItemStatus: "work item status" {
        /// Created, not yet planned.
        Open = "open",
        /// At least one appointment is scheduled.
        Planned = "planned",
        /// A technician is working on it.
        InProgress = "in_progress",
        /// Paused (waiting for parts, customer, access...).
        OnHold = "on_hold",
        /// Done. Terminal.
        Completed = "completed",
        /// Will not be done. Terminal.
        Cancelled = "cancelled",
    }
}

impl WorkItemStatus {
    /// Aggregate name used in [`TransitionError::entity`].
    pub const ENTITY: &'static str = "work_item";

    /// Every status reachable in one step (see the module graph); empty when terminal.
    pub const fn allowed_next(self) -> &'static [Self] {
        match self {
            Self::Open => &[Self::Planned, Self::OnHold, Self::Cancelled],
            Self::Planned => &[
                Self::Open,
                Self::InProgress,
                Self::OnHold,
                Self::Completed,
                Self::Cancelled,
            ],
            Self::InProgress => &[
                Self::Planned,
                Self::OnHold,
                Self::Completed,
                Self::Cancelled,
            ],
            Self::OnHold => &[Self::Open, Self::Planned, Self::InProgress, Self::Cancelled],
            Self::Completed => &[],
            Self::Cancelled => &[],
        }
    }

    /// Moves to `to` if [`Self::allowed_next`] allows it; staying put is refused.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        transition::check(Self::ENTITY, self, to, self.allowed_next())
    }

    /// No further transition exists (`completed`, `cancelled`).
    pub const fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// What confirming an appointment does to the work item: an `open` one becomes `planned`
    /// (the documented meaning of `planned`: at least one appointment is scheduled); any other
    /// status is left as staff set it (`None`).
    pub const fn on_appointment_scheduled(self) -> Option<Self> {
        match self {
            Self::Open => Some(Self::Planned),
            Self::Planned | Self::InProgress | Self::OnHold | Self::Completed | Self::Cancelled => {
                None
            }
        }
    }

    /// Shown in the portal's reduced "open work" overview: everything not terminal.
    pub const fn is_open(self) -> bool {
        match self {
            Self::Open | Self::Planned | Self::InProgress | Self::OnHold => true,
            Self::Completed | Self::Cancelled => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::WorkItemStatus::{self, *};
    use crate::transition::testing::assert_transition_table;

    #[test]
    fn work_item_transitions_follow_the_documented_graph_exactly() {
        let expected: &[(WorkItemStatus, &[WorkItemStatus])] = &[
            (Open, &[Planned, OnHold, Cancelled]),
            (Planned, &[Open, InProgress, OnHold, Completed, Cancelled]),
            (InProgress, &[Planned, OnHold, Completed, Cancelled]),
            (OnHold, &[Open, Planned, InProgress, Cancelled]),
            (Completed, &[]),
            (Cancelled, &[]),
        ];
        assert_transition_table(
            "work_item",
            expected,
            WorkItemStatus::allowed_next,
            WorkItemStatus::transition,
        );
    }

    #[test]
    fn completed_work_item_cannot_be_reopened() {
        let err = Completed.transition(Open).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move work_item from completed to open; allowed: none"
        );
    }

    #[test]
    fn work_item_cannot_be_completed_before_it_was_planned() {
        assert!(Open.transition(Completed).is_err());
        assert!(OnHold.transition(Completed).is_err());
        assert_eq!(Planned.transition(Completed).unwrap(), Completed);
        assert_eq!(InProgress.transition(Completed).unwrap(), Completed);
    }

    #[test]
    fn only_completed_and_cancelled_work_items_are_closed() {
        for status in WorkItemStatus::ALL.iter().copied() {
            assert_eq!(status.is_open(), !status.is_terminal(), "{status}");
        }
    }

    #[test]
    fn confirming_an_appointment_plans_only_an_open_work_item() {
        for status in WorkItemStatus::ALL.iter().copied() {
            let expected = (status == Open).then_some(Planned);
            assert_eq!(status.on_appointment_scheduled(), expected, "{status}");
            if let Some(next) = status.on_appointment_scheduled() {
                assert_eq!(status.transition(next).unwrap(), next);
            }
        }
    }
}
