//! Follow-ups: further work a visit revealed, visible to the customer until it is done.
//!
//! ```text
//! required -> planned | done | cancelled
//! planned  -> required | done | cancelled
//! done, cancelled: terminal
//! ```
//! * `planned -> required`: the planned appointment fell through; it needs planning again.
//! * `required -> done` is allowed: some follow-ups are settled without a visit.

use crate::string_enum::string_enum;
use crate::transition::{self, TransitionError};

string_enum! {
    /// Status of a follow-up. Stored in `follow_ups.status`.
    pub enum FollowUpStatus: "follow-up status" {
        /// Further work is needed; nothing is planned yet.
        Required = "required",
        /// An appointment is planned for it (`planned_appointment_id`).
        Planned = "planned",
        /// Settled. Terminal.
        Done = "done",
        /// No longer needed. Terminal.
        Cancelled = "cancelled",
    }
}

impl FollowUpStatus {
    /// Aggregate name used in [`TransitionError::entity`].
    pub const ENTITY: &'static str = "follow_up";

    /// Every status reachable in one step (see the module graph); empty when terminal.
    pub const fn allowed_next(self) -> &'static [Self] {
        match self {
            Self::Required => &[Self::Planned, Self::Done, Self::Cancelled],
            Self::Planned => &[Self::Required, Self::Done, Self::Cancelled],
            Self::Done => &[],
            Self::Cancelled => &[],
        }
    }

    /// Moves to `to` if [`Self::allowed_next`] allows it; staying put is refused.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        transition::check(Self::ENTITY, self, to, self.allowed_next())
    }

    /// Staff plan it (`required -> planned`).
    pub fn plan(self) -> Result<Self, TransitionError> {
        self.transition(Self::Planned)
    }

    /// Staff complete it (`required | planned -> done`).
    pub fn complete(self) -> Result<Self, TransitionError> {
        self.transition(Self::Done)
    }

    /// No further transition exists (`done`, `cancelled`).
    pub const fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::FollowUpStatus::{self, *};
    use crate::transition::testing::assert_transition_table;

    #[test]
    fn follow_up_transitions_follow_the_documented_graph_exactly() {
        let expected: &[(FollowUpStatus, &[FollowUpStatus])] = &[
            (Required, &[Planned, Done, Cancelled]),
            (Planned, &[Required, Done, Cancelled]),
            (Done, &[]),
            (Cancelled, &[]),
        ];
        assert_transition_table(
            "follow_up",
            expected,
            FollowUpStatus::allowed_next,
            FollowUpStatus::transition,
        );
    }

    #[test]
    fn done_follow_up_cannot_be_planned_again() {
        let err = Done.plan().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move follow_up from done to planned; allowed: none"
        );
    }

    #[test]
    fn planned_follow_up_can_be_completed() {
        assert_eq!(Required.plan().unwrap().complete().unwrap(), Done);
    }
}
