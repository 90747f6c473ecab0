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

use chrono::{DateTime, TimeDelta, Utc};

use crate::input::{ValidationError, codes};
use crate::string_enum::string_enum;
use crate::timeline::TimelineKind;
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

    /// The statuses an appointment may be created in: pencilled in (`tentative`) or confirmed
    /// (`scheduled`). Dispatching and the field steps come later, through transitions.
    pub const fn is_initial(self) -> bool {
        match self {
            Self::Tentative | Self::Scheduled => true,
            Self::Dispatched
            | Self::EnRoute
            | Self::OnSite
            | Self::Completed
            | Self::Cancelled
            | Self::NoAccess => false,
        }
    }

    /// The customer-timeline milestone a move `from -> to` writes, if any.
    ///
    /// * becoming visible (from `tentative`, or created directly) and scheduled-like:
    ///   `appointment_scheduled`;
    /// * a visible appointment cancelled: `appointment_cancelled` (a tentative one the
    ///   customer never saw disappears silently);
    /// * `completed`: `visit_completed`;
    /// * everything else (dispatching, on the way, on site, no access) is internal detail or
    ///   shows only as the appointment's public status: no milestone.
    ///
    /// `from = None` means the appointment is being created in `to`.
    pub const fn timeline_kind(from: Option<Self>, to: Self) -> Option<TimelineKind> {
        let was_visible = match from {
            Some(from) => from.public_status().is_visible(),
            None => false,
        };
        match to {
            Self::Completed => Some(TimelineKind::VisitCompleted),
            Self::Cancelled if was_visible => Some(TimelineKind::AppointmentCancelled),
            Self::Cancelled => None,
            Self::Scheduled | Self::Dispatched | Self::EnRoute | Self::OnSite | Self::NoAccess
                if !was_visible =>
            {
                Some(TimelineKind::AppointmentScheduled)
            }
            Self::Scheduled
            | Self::Dispatched
            | Self::EnRoute
            | Self::OnSite
            | Self::NoAccess
            | Self::Tentative => None,
        }
    }

    /// Still ahead or under way for the customer: visible and not terminal. The portal's
    /// "next appointment" of a work item and its calendar feed's live entries are these.
    pub const fn is_live(self) -> bool {
        self.public_status().is_visible() && !self.is_terminal()
    }
}

/// The time window of an appointment. Invariant: `start < end` and the visit lasts at most
/// [`AppointmentWindow::MAX_HOURS`] hours.
///
/// The bound is a business rule (a technician visit is booked within one day; longer work is
/// several appointments) that the portal's "upcoming" list relies on: an appointment that has
/// not ended yet started at most `MAX_HOURS` ago, so the list can start its index scan there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AppointmentWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl AppointmentWindow {
    /// Longest appointment, in hours.
    pub const MAX_HOURS: i64 = 24;

    /// Checks `start < end` and the maximum length; errors name the field `ends_at`.
    pub fn parse(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, ValidationError> {
        if start >= end {
            return Err(ValidationError::new(
                "ends_at",
                codes::WINDOW_ORDER,
                "must be after starts_at",
            ));
        }
        if end - start > Self::max_duration() {
            return Err(ValidationError::new(
                "ends_at",
                codes::WINDOW_TOO_LONG,
                format!(
                    "an appointment lasts at most {} hours; book longer work as several appointments",
                    Self::MAX_HOURS
                ),
            ));
        }
        Ok(Self { start, end })
    }

    /// The longest allowed window as a duration.
    pub fn max_duration() -> TimeDelta {
        TimeDelta::hours(Self::MAX_HOURS)
    }

    /// Inclusive start.
    pub const fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Exclusive end.
    pub const fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::AppointmentStatus::{self, *};
    use super::AppointmentWindow;
    use crate::timeline::TimelineKind;
    use crate::transition::testing::assert_transition_table;
    use chrono::{DateTime, TimeDelta, TimeZone, Utc};

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

    #[test]
    fn appointments_are_created_tentative_or_scheduled_only() {
        let initial: Vec<_> = AppointmentStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_initial())
            .collect();
        assert_eq!(initial, [Tentative, Scheduled]);
    }

    #[test]
    fn every_status_move_writes_the_expected_customer_milestone() {
        use TimelineKind::{AppointmentCancelled, AppointmentScheduled, VisitCompleted};
        // Created directly in a status.
        assert_eq!(AppointmentStatus::timeline_kind(None, Tentative), None);
        assert_eq!(
            AppointmentStatus::timeline_kind(None, Scheduled),
            Some(AppointmentScheduled)
        );
        // Every allowed transition, exhaustively.
        for from in AppointmentStatus::ALL.iter().copied() {
            for to in from.allowed_next().iter().copied() {
                let expected = match (from, to) {
                    (_, Completed) => Some(VisitCompleted),
                    (Tentative, Cancelled) => None,
                    (_, Cancelled) => Some(AppointmentCancelled),
                    (Tentative, _) => Some(AppointmentScheduled),
                    _ => None,
                };
                assert_eq!(
                    AppointmentStatus::timeline_kind(Some(from), to),
                    expected,
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn live_appointments_are_visible_and_not_over() {
        let live: Vec<_> = AppointmentStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_live())
            .collect();
        assert_eq!(live, [Scheduled, Dispatched, EnRoute, OnSite]);
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 3, 1, hour, 0, 0)
            .single()
            .unwrap()
    }

    #[test]
    fn an_appointment_window_must_be_ordered_and_at_most_a_day_long() {
        let w = AppointmentWindow::parse(at(8), at(10)).unwrap();
        assert_eq!((w.start(), w.end()), (at(8), at(10)));
        assert_eq!(
            AppointmentWindow::parse(at(10), at(8)).unwrap_err().code,
            "window_order"
        );
        assert_eq!(
            AppointmentWindow::parse(at(8), at(8)).unwrap_err().code,
            "window_order"
        );
        let day = at(8) + TimeDelta::hours(24);
        assert!(AppointmentWindow::parse(at(8), day).is_ok());
        let err = AppointmentWindow::parse(at(8), day + TimeDelta::seconds(1)).unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.code),
            ("ends_at", "window_too_long")
        );
    }
}
