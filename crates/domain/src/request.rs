//! Service requests: what a customer asks for, and the life cycle staff move it through.
//!
//! ```text
//! submitted ──> in_review ──> accepted ──> planned
//!     │             │
//!     ├─────────────┴──> rejected   (staff, with a public reason)
//!     └─────────────┴──> cancelled  (customer or staff)
//! ```
//! A request's own life cycle ends at `planned`: from then on the customer follows the work
//! through its appointments, reports and follow-ups. Request statuses are customer-facing as
//! they are (see [`crate::public_status`]).

use serde::Serialize;

use crate::string_enum::string_enum;
use crate::transition::{self, TransitionError};

string_enum! {
    /// Status of a service request. Stored in `service_requests.status`.
    pub enum RequestStatus: "request status" {
        /// Sent by the customer; nobody has looked at it yet.
        Submitted = "submitted",
        /// A staff member is reviewing it.
        InReview = "in_review",
        /// Accepted; a target (internal work item) exists for it.
        Accepted = "accepted",
        /// An appointment has been scheduled for its work item.
        Planned = "planned",
        /// Refused by staff; `public_reason` tells the customer why. Terminal.
        Rejected = "rejected",
        /// Withdrawn by the customer or cancelled by staff before acceptance. Terminal.
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// What kind of help the customer asks for. Stored in `service_requests.kind`.
    pub enum RequestKind: "request kind" {
        /// Repair or intervention.
        Service = "service",
        /// Preventive or recurring maintenance.
        Maintenance = "maintenance",
        /// "Please come on this date": an appointment request.
        Appointment = "appointment",
        /// A question or support need.
        Support = "support",
    }
}

/// One step of the customer-facing progress bar of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProgressStep {
    /// The step (always one of [`RequestStatus::PROGRESS`]).
    pub status: RequestStatus,
    /// The request has reached (or passed) this step.
    pub reached: bool,
    /// The request is currently at this step.
    pub current: bool,
}

impl RequestStatus {
    /// Aggregate name used in [`TransitionError::entity`].
    pub const ENTITY: &'static str = "service_request";

    /// The ordered steps of the customer progress bar (the happy path).
    pub const PROGRESS: [Self; 4] = [
        Self::Submitted,
        Self::InReview,
        Self::Accepted,
        Self::Planned,
    ];

    /// Every status reachable in one step. Empty for terminal statuses (`planned`,
    /// `rejected`, `cancelled`).
    pub const fn allowed_next(self) -> &'static [Self] {
        match self {
            Self::Submitted => &[Self::InReview, Self::Rejected, Self::Cancelled],
            Self::InReview => &[Self::Accepted, Self::Rejected, Self::Cancelled],
            Self::Accepted => &[Self::Planned],
            Self::Planned => &[],
            Self::Rejected => &[],
            Self::Cancelled => &[],
        }
    }

    /// Moves to `to` if [`Self::allowed_next`] allows it. Staying in the same status is a
    /// transition like any other and is refused (use [`Self::mark_planned`] for the one
    /// idempotent case).
    pub fn transition(self, to: Self) -> Result<Self, TransitionError> {
        transition::check(Self::ENTITY, self, to, self.allowed_next())
    }

    /// Staff start reviewing: `submitted -> in_review`.
    pub fn review(self) -> Result<Self, TransitionError> {
        self.transition(Self::InReview)
    }

    /// Staff accept (and create the target): `in_review -> accepted`. A request must be
    /// reviewed first, so `submitted -> accepted` is refused.
    pub fn accept(self) -> Result<Self, TransitionError> {
        self.transition(Self::Accepted)
    }

    /// Staff reject with a public reason: `submitted | in_review -> rejected`.
    pub fn reject(self) -> Result<Self, TransitionError> {
        self.transition(Self::Rejected)
    }

    /// Customer or staff cancel: `submitted | in_review -> cancelled`. Once accepted, the
    /// work is cancelled through its target/appointments, not through the request.
    pub fn cancel(self) -> Result<Self, TransitionError> {
        self.transition(Self::Cancelled)
    }

    /// The domain function that moves a request to `planned` when an appointment is
    /// scheduled for its work item (see
    /// [`AppointmentStatus::is_scheduled_like`](crate::AppointmentStatus::is_scheduled_like)).
    ///
    /// `accepted -> planned`; `planned` stays `planned` (idempotent: a second appointment for
    /// the same work item changes nothing); any other status is a [`TransitionError`].
    pub fn mark_planned(self) -> Result<Self, TransitionError> {
        match self {
            Self::Planned => Ok(Self::Planned),
            Self::Submitted
            | Self::InReview
            | Self::Accepted
            | Self::Rejected
            | Self::Cancelled => self.transition(Self::Planned),
        }
    }

    /// "Open" means still alive for the customer: `submitted`, `in_review`, `accepted` and
    /// `planned` (the work is still ahead). `rejected` and `cancelled` are closed.
    pub const fn is_open(self) -> bool {
        match self {
            Self::Submitted | Self::InReview | Self::Accepted | Self::Planned => true,
            Self::Rejected | Self::Cancelled => false,
        }
    }

    /// No further request transition exists. Note `planned` is terminal for the request but
    /// still [open](Self::is_open): the work continues on appointments.
    pub const fn is_terminal(self) -> bool {
        self.allowed_next().is_empty()
    }

    /// The portal may offer a "cancel request" action (`submitted` or `in_review`).
    pub fn is_cancellable(self) -> bool {
        self.allowed_next().contains(&Self::Cancelled)
    }

    /// The customer progress bar: the four [`Self::PROGRESS`] steps in order, with which ones
    /// are reached and which one is current.
    ///
    /// A `rejected` request has reached `submitted` and `in_review` (a rejection is the outcome
    /// of a staff review); a `cancelled` one only `submitted` (it may have been withdrawn before
    /// anyone looked at it). Neither has a current step: the closing status is shown on its own.
    pub fn progress(self) -> [ProgressStep; 4] {
        let reached_steps = match self {
            Self::Submitted => 1,
            Self::InReview => 2,
            Self::Accepted => 3,
            Self::Planned => 4,
            Self::Rejected => 2,
            Self::Cancelled => 1,
        };
        std::array::from_fn(|index| ProgressStep {
            status: Self::PROGRESS[index],
            reached: index < reached_steps,
            current: Self::PROGRESS[index] == self,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::RequestStatus::{self, *};
    use crate::transition::testing::assert_transition_table;

    #[test]
    fn request_transitions_follow_the_documented_graph_exactly() {
        let expected: &[(RequestStatus, &[RequestStatus])] = &[
            (Submitted, &[InReview, Rejected, Cancelled]),
            (InReview, &[Accepted, Rejected, Cancelled]),
            (Accepted, &[Planned]),
            (Planned, &[]),
            (Rejected, &[]),
            (Cancelled, &[]),
        ];
        assert_transition_table(
            "service_request",
            expected,
            RequestStatus::allowed_next,
            RequestStatus::transition,
        );
    }

    #[test]
    fn cancelled_request_cannot_be_accepted() {
        let err = Cancelled.accept().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move service_request from cancelled to accepted; allowed: none"
        );
    }

    #[test]
    fn accepted_request_cannot_be_cancelled_and_the_error_names_planned() {
        let err = Accepted.cancel().unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot move service_request from accepted to cancelled; allowed: planned"
        );
    }

    #[test]
    fn submitted_request_must_be_reviewed_before_it_is_accepted() {
        assert!(Submitted.accept().is_err());
        let reviewed = Submitted.review().unwrap();
        assert_eq!(reviewed.accept().unwrap(), Accepted);
    }

    #[test]
    fn request_can_be_rejected_or_cancelled_while_submitted_or_in_review() {
        for status in [Submitted, InReview] {
            assert_eq!(status.reject().unwrap(), Rejected);
            assert_eq!(status.cancel().unwrap(), Cancelled);
            assert!(status.is_cancellable());
        }
    }

    #[test]
    fn scheduling_an_appointment_plans_an_accepted_request() {
        assert_eq!(Accepted.mark_planned().unwrap(), Planned);
    }

    #[test]
    fn scheduling_a_second_appointment_keeps_a_planned_request_planned() {
        assert_eq!(Planned.mark_planned().unwrap(), Planned);
    }

    #[test]
    fn only_accepted_or_planned_requests_can_be_marked_planned() {
        for status in RequestStatus::ALL.iter().copied() {
            let expected_ok = [Accepted, Planned].contains(&status);
            assert_eq!(status.mark_planned().is_ok(), expected_ok, "{status}");
        }
        let err = InReview.mark_planned().unwrap_err();
        assert_eq!(err.allowed, ["accepted", "rejected", "cancelled"]);
    }

    #[test]
    fn rejected_and_cancelled_requests_are_closed_and_all_others_open() {
        let open: Vec<_> = RequestStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, [Submitted, InReview, Accepted, Planned]);
    }

    #[test]
    fn only_submitted_and_in_review_requests_are_cancellable() {
        let cancellable: Vec<_> = RequestStatus::ALL
            .iter()
            .copied()
            .filter(|s| s.is_cancellable())
            .collect();
        assert_eq!(cancellable, [Submitted, InReview]);
    }

    #[test]
    fn progress_marks_the_steps_reached_and_the_current_one() {
        let reached = |s: RequestStatus| s.progress().map(|step| step.reached);
        let current = |s: RequestStatus| s.progress().map(|step| step.current);
        assert_eq!(reached(Submitted), [true, false, false, false]);
        assert_eq!(reached(InReview), [true, true, false, false]);
        assert_eq!(reached(Accepted), [true, true, true, false]);
        assert_eq!(reached(Planned), [true, true, true, true]);
        assert_eq!(reached(Rejected), [true, true, false, false]);
        assert_eq!(reached(Cancelled), [true, false, false, false]);
        assert_eq!(current(Accepted), [false, false, true, false]);
        assert_eq!(current(Rejected), [false; 4]);
        assert_eq!(current(Cancelled), [false; 4]);
    }

    #[test]
    fn progress_steps_are_in_happy_path_order() {
        let steps = Rejected.progress().map(|step| step.status);
        assert_eq!(steps, [Submitted, InReview, Accepted, Planned]);
    }
}
