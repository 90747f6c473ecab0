//! Appointments: planned visits for a work item, from a tentative slot to the visit outcome.
//!
//! ```text
//! tentative  -> scheduled | cancelled
//! scheduled  -> dispatched | en_route | on_site | completed | no_access | cancelled
//! dispatched -> scheduled | en_route | on_site | completed | no_access | cancelled
//! en_route   -> scheduled | on_site | completed | no_access | cancelled
//! on_site    -> completed | no_access
//! completed, cancelled, no_access: terminal
//! ```
//! * `tentative` is internal pencilling-in: invisible to the customer and it does not plan
//!   the request. Confirming it (`-> scheduled`) is what the customer sees.
//! * Once scheduled there is no way back to `tentative`: the customer has seen it. A new time
//!   is a reschedule (times change, status stays), dropping it is `cancelled`.
//! * Technicians often skip intermediate steps, so every field step may jump forward to the
//!   outcome; `dispatched`/`en_route -> scheduled` un-dispatches (technician reassigned).
//! * On site the visit ends either `completed` or `no_access`; it is too late to cancel.

use crate::string_enum::string_enum;
use crate::transition::{self, TransitionError};

string_enum! {
    /// Internal status of an appointment. Stored in `appointments.internal_status`.
    pub enum AppointmentStatus: "appointment status" {
        /// Pencilled in internally; not shown to the customer.
        Tentative = "tentative",
        /// Confirmed date and time.
        Scheduled = "scheduled",
        /// Assigned to a technician (internal detail; customers see "scheduled").
        Dispatched = "dispatched",
        /// Technician on the way.
        EnRoute = "en_route",
        /// Technician on site.
        OnSite = "on_site",
        /// Visit done. Terminal.
        Completed = "completed",
        /// Will not take place. Terminal.
        Cancelled = "cancelled",
        /// Technician came but could not access the site or equipment. Terminal.
        NoAccess = "no_access",
    }
}

impl AppointmentStatus {
    /// Aggregate name used in [`TransitionError::entity`].
    pub const ENTITY: &'static str = "appointment";

    /// Every status reachable in one step (see the module graph); empty when terminal.
    pub const fn allowed_next(self) -> &'static [Self] {
        match self {
            Self::Tentative => &[Self::Scheduled, Self::Cancelled],
            Self::Scheduled => &[
                Self::Dispatched,
                Self::EnRoute,
                Self::OnSite,
                Self::Completed,
                Self::NoAccess,
                Self::Cancelled,
            ],
            Self::Dispatched => &[
                Self::Scheduled,
                Self::EnRoute,
                Self::OnSite,
                Self::Completed,
                Self::NoAccess,
                Self::Cancelled,
            ],
            Self::EnRoute => &[
                Self::Scheduled,
                Self::OnSite,
                Self::Completed,
                Self::NoAccess,
                Self::Cancelled,
            ],
            Self::OnSite => &[Self::Completed, Self::NoAccess],
            Self::Completed => &[],
            Self::Cancelled => &[],
            Self::NoAccess => &[],
        }
    }

    /// Moves to `to` if [`Self::allowed_next`] allows it; staying put is refused.
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        transition::check(Self::ENTITY, self, to, self.allowed_next())
    }

    /// No further transition exists (`completed`, `cancelled`, `no_access`).
    pub const fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// Neither tentative nor cancelled: the appointment is (or was) really on the calendar.
    ///
    /// Creating an appointment in, or moving it into, such a status is what moves its
    /// request to `planned` ([`RequestStatus::mark_planned`](crate::RequestStatus::mark_planned)).
    pub const fn is_scheduled_like(self) -> bool {
        match self {
            Self::Scheduled
            | Self::Dispatched
            | Self::EnRoute
            | Self::OnSite
            | Self::Completed
            | Self::NoAccess => true,
            Self::Tentative | Self::Cancelled => false,
        }
    }

    /// Date and time may still change (a reschedule): before anyone is on the way.
    pub const fn is_reschedulable(self) -> bool {
        match self {
            Self::Tentative | Self::Scheduled | Self::Dispatched => true,
            Self::EnRoute | Self::OnSite | Self::Completed | Self::Cancelled | Self::NoAccess => {
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::AppointmentStatus::{self, *};
    use crate::transition::testing::assert_transition_table;

    #[test]
    fn appointment_transitions_follow_the_documented_graph_exactly() {
        let expected: &[(AppointmentStatus, &[AppointmentStatus])] = &[
            (Tentative, &[Scheduled, Cancelled]),
            (
                Scheduled,
                &[Dispatched, EnRoute, OnSite, Completed, NoAccess, Cancelled],
            ),
            (
                Dispatched,
                &[Scheduled, EnRoute, OnSite, Completed, NoAccess, Cancelled],
            ),
            (
                EnRoute,
                &[Scheduled, OnSite, Completed, NoAccess, Cancelled],
            ),
            (OnSite, &[Completed, NoAccess]),
            (Completed, &[]),
            (Cancelled, &[]),
            (NoAccess, &[]),
        ];
        assert_transition_table(
            "appointment",
            expected,
            AppointmentStatus::allowed_next,
            AppointmentStatus::transition,
        );
    }

    #[test]
    fn scheduled_appointment_cannot_go_back_to_tentative() {
        let err = Scheduled.transition(Tentative).unwrap_err();
        assert_eq!(err.from, "scheduled");
        assert!(
            err.to_string()
                .contains("allowed: dispatched, en_route, on_site")
        );
    }

    #[test]
    fn only_tentative_and_cancelled_appointments_are_not_scheduled_like() {
        let not_scheduled: Vec<_> = AppointmentStatus::ALL
            .iter()
            .copied()
            .filter(|s| !s.is_scheduled_like())
            .collect();
        assert_eq!(not_scheduled, [Tentative, Cancelled]);
    }

    #[test]
    fn appointment_can_be_rescheduled_only_before_the_technician_is_on_the_way() {
        let reschedulable: Vec<_> = AppointmentStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_reschedulable())
            .collect();
        assert_eq!(reschedulable, [Tentative, Scheduled, Dispatched]);
    }

    #[test]
    fn terminal_appointment_statuses_are_completed_cancelled_and_no_access() {
        let terminal: Vec<_> = AppointmentStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(terminal, [Completed, Cancelled, NoAccess]);
    }
}
