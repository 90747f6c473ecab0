//! Pure domain rules of the Ordinavo Customer Portal: the place to read to know **what a portal
//! user may see and do**. No I/O, no async, no database: persistence and the HTTP surfaces call
//! these functions and must not re-decide anything written here.
//!
//! # What a portal user may see
//! * Only objects of the customers/locations their grants cover (enforced in SQL by the
//!   persistence crate); outside that, everything is `404`.
//! * Statuses only in the public status language ([`public_status`]): every internal status of
//!   requests, work items, appointments, reports and follow-ups maps, by an exhaustive match,
//!   to a [`PublicStatus`] with en/fr/de labels, or to [`Visibility::NotVisible`]. Tentative
//!   appointments and unpublished reports are not visible at all.
//! * A visit report iff approved AND published AND not unpublished since
//!   ([`report_is_portal_visible`]).
//! * An attachment's bytes iff released AND its owner is visible AND the grant allows downloads
//!   AND the customer has attachments enabled ([`attachment_is_downloadable`]).
//! * A timeline made only of the customer-safe milestones in [`TimelineKind`].
//! * Never internal notes, priorities, routing scores, billing, technicians, API keys, audit
//!   or integration noise: those fields have no place in any type of this crate's public
//!   vocabulary.
//!
//! # What a portal user may do
//! * Submit a request ([`RequestKind`], [`Title`], [`Description`], up to five
//!   [`PreferredWindows`]), parsed by the `input` types ("parse, don't validate").
//! * Cancel their request while it is `submitted` or `in_review`
//!   ([`RequestStatus::cancel`], [`RequestStatus::is_cancellable`]).
//! * Only while their account is active ([`PortalUserStatus::can_sign_in`]).
//!
//! Everything else (review, accept, reject, schedule, approve, publish, release) is staff work,
//! constrained by the transition graphs in [`request`], [`work_item`], [`appointment`],
//! [`report`] and [`follow_up`]. A refused move is a [`TransitionError`] naming the allowed
//! next statuses (the API answers `409 Conflict`).
//!
//! # Tour
//! [`ids`] typed ids · [`string_enum`] the string-coded enum macro · [`transition`] ·
//! one module per aggregate · [`public_status`] + [`locale`] · [`visibility`] · [`timeline`] ·
//! [`roles`] · [`input`].

pub mod string_enum;

pub mod appointment;
pub mod follow_up;
pub mod ids;
pub mod input;
pub mod locale;
pub mod public_status;
pub mod report;
pub mod request;
pub mod roles;
pub mod timeline;
pub mod transition;
pub mod visibility;
pub mod work_item;

pub use appointment::{AppointmentStatus, AppointmentWindow};
pub use follow_up::FollowUpStatus;
pub use ids::*;
pub use input::{
    Description, DisplayName, Email, PreferredWindow, PreferredWindows, Title, ValidationError,
    ValidationErrors,
};
pub use locale::{Labels, Locale};
pub use public_status::{PublicStatus, Visibility};
pub use report::ReportStatus;
pub use request::{ProgressStep, RequestKind, RequestStatus};
pub use roles::{CustomerKind, PortalUserStatus, StaffRole};
pub use string_enum::{ParseEnumError, StringEnum};
pub use timeline::{TimelineKind, TimelineSubjectKind};
pub use transition::TransitionError;
pub use visibility::{
    AttachmentAccess, AttachmentOwnerKind, attachment_is_downloadable, report_is_portal_visible,
};
pub use work_item::WorkItemStatus;
