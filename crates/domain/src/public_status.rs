//! The public status language: what a customer is told about each internal status.
//!
//! Every internal status of every aggregate maps, through an exhaustive `match`, to a
//! [`Visibility`]: either a customer-facing [`PublicStatus`] (with labels in en/fr/de) or
//! [`Visibility::NotVisible`]. The portal must never show an internal status string; it shows
//! `PublicStatus::code()` and `PublicStatus::label(locale)`.
//!
//! | aggregate   | internal                               | public                         |
//! |-------------|----------------------------------------|--------------------------------|
//! | request     | each status                            | the same word                  |
//! | work item   | open, planned, in_progress, on_hold, completed, cancelled | the same word |
//! | appointment | tentative                              | *not visible*                  |
//! |             | scheduled, dispatched                  | scheduled                      |
//! |             | en_route                               | on_the_way                     |
//! |             | on_site                                | in_progress                    |
//! |             | completed / cancelled / no_access      | completed / cancelled / could_not_access |
//! | report      | approved AND published AND not unpublished | shared                     |
//! |             | anything else                          | *not visible*                  |
//! | follow-up   | required / planned / done / cancelled  | follow_up_required / follow_up_planned / done / cancelled |
//!
//! French labels use the masculine form: they read as the value of "Statut : …".

use chrono::{DateTime, Utc};

use crate::appointment::AppointmentStatus;
use crate::follow_up::FollowUpStatus;
use crate::locale::{Labels, Locale};
use crate::report::ReportStatus;
use crate::request::RequestStatus;
use crate::string_enum::string_enum;
use crate::visibility::report_is_portal_visible;
use crate::work_item::WorkItemStatus;

string_enum! {
    /// A customer-facing status. The only status vocabulary the portal surface may use.
    pub enum PublicStatus: "public status" {
        /// Request sent.
        Submitted = "submitted",
        /// Request being reviewed.
        InReview = "in_review",
        /// Request accepted.
        Accepted = "accepted",
        /// Request or work planned.
        Planned = "planned",
        /// Request refused.
        Rejected = "rejected",
        /// Request, work, appointment or follow-up cancelled.
        Cancelled = "cancelled",
        /// Work not yet planned.
        Open = "open",
        /// Appointment confirmed.
        Scheduled = "scheduled",
        /// Technician on the way.
        OnTheWay = "on_the_way",
        /// Work or visit under way.
        InProgress = "in_progress",
        /// Work paused.
        OnHold = "on_hold",
        /// Work or visit finished.
        Completed = "completed",
        /// Visit failed for lack of access.
        CouldNotAccess = "could_not_access",
        /// Report published to the portal.
        Shared = "shared",
        /// Follow-up needed.
        FollowUpRequired = "follow_up_required",
        /// Follow-up planned.
        FollowUpPlanned = "follow_up_planned",
        /// Follow-up settled.
        Done = "done",
    }
}

impl PublicStatus {
    /// The stable wire code (same as `as_str`), for DTOs and the SPA's own i18n keys.
    pub const fn code(self) -> &'static str {
        self.as_str()
    }

    /// The label in every language.
    pub const fn labels(self) -> Labels {
        match self {
            Self::Submitted => Labels {
                en: "Submitted",
                fr: "Envoyé",
                de: "Eingereicht",
            },
            Self::InReview => Labels {
                en: "In review",
                fr: "En cours de revue",
                de: "In Prüfung",
            },
            Self::Accepted => Labels {
                en: "Accepted",
                fr: "Accepté",
                de: "Angenommen",
            },
            Self::Planned => Labels {
                en: "Planned",
                fr: "Planifié",
                de: "Geplant",
            },
            Self::Rejected => Labels {
                en: "Rejected",
                fr: "Refusé",
                de: "Abgelehnt",
            },
            Self::Cancelled => Labels {
                en: "Cancelled",
                fr: "Annulé",
                de: "Storniert",
            },
            Self::Open => Labels {
                en: "Open",
                fr: "Ouvert",
                de: "Offen",
            },
            Self::Scheduled => Labels {
                en: "Scheduled",
                fr: "Programmé",
                de: "Terminiert",
            },
            Self::OnTheWay => Labels {
                en: "On the way",
                fr: "En route",
                de: "Unterwegs",
            },
            Self::InProgress => Labels {
                en: "In progress",
                fr: "En cours",
                de: "In Bearbeitung",
            },
            Self::OnHold => Labels {
                en: "On hold",
                fr: "En attente",
                de: "Zurückgestellt",
            },
            Self::Completed => Labels {
                en: "Completed",
                fr: "Terminé",
                de: "Abgeschlossen",
            },
            Self::CouldNotAccess => Labels {
                en: "Could not access",
                fr: "Accès impossible",
                de: "Kein Zugang",
            },
            Self::Shared => Labels {
                en: "Shared",
                fr: "Partagé",
                de: "Freigegeben",
            },
            Self::FollowUpRequired => Labels {
                en: "Follow-up required",
                fr: "Suivi requis",
                de: "Folgeeinsatz erforderlich",
            },
            Self::FollowUpPlanned => Labels {
                en: "Follow-up planned",
                fr: "Suivi planifié",
                de: "Folgeeinsatz geplant",
            },
            Self::Done => Labels {
                en: "Done",
                fr: "Réalisé",
                de: "Erledigt",
            },
        }
    }

    /// The label in `locale`.
    pub const fn label(self, locale: Locale) -> &'static str {
        self.labels().get(locale)
    }
}

/// Whether (and as what) an internal status may be shown to a portal user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Shown, as this public status.
    Visible(PublicStatus),
    /// Not shown at all: the portal must behave as if the object did not exist (`404`).
    NotVisible,
}

impl Visibility {
    /// `true` for [`Visibility::Visible`].
    pub const fn is_visible(self) -> bool {
        match self {
            Self::Visible(_) => true,
            Self::NotVisible => false,
        }
    }

    /// The public status, if visible.
    pub const fn public_status(self) -> Option<PublicStatus> {
        match self {
            Self::Visible(status) => Some(status),
            Self::NotVisible => None,
        }
    }
}

impl RequestStatus {
    /// Customer view of a request status: every status is visible under the same word
    /// (the customer wrote the request; hiding its fate would be worse than any detail).
    pub const fn public_status(self) -> Visibility {
        Visibility::Visible(match self {
            Self::Submitted => PublicStatus::Submitted,
            Self::InReview => PublicStatus::InReview,
            Self::Accepted => PublicStatus::Accepted,
            Self::Planned => PublicStatus::Planned,
            Self::Rejected => PublicStatus::Rejected,
            Self::Cancelled => PublicStatus::Cancelled,
        })
    }
}

impl WorkItemStatus {
    /// Customer view of a work item (the reduced "open work" overview): the status word
    /// only, never priority, routing or billing.
    pub const fn public_status(self) -> Visibility {
        Visibility::Visible(match self {
            Self::Open => PublicStatus::Open,
            Self::Planned => PublicStatus::Planned,
            Self::InProgress => PublicStatus::InProgress,
            Self::OnHold => PublicStatus::OnHold,
            Self::Completed => PublicStatus::Completed,
            Self::Cancelled => PublicStatus::Cancelled,
        })
    }
}

impl AppointmentStatus {
    /// Customer view of an appointment. `tentative` is internal pencilling-in and not
    /// visible; `dispatched` (technician assignment) is internal planning and reads as
    /// `scheduled`; `on_site` reads as `in_progress`.
    pub const fn public_status(self) -> Visibility {
        match self {
            Self::Tentative => Visibility::NotVisible,
            Self::Scheduled => Visibility::Visible(PublicStatus::Scheduled),
            Self::Dispatched => Visibility::Visible(PublicStatus::Scheduled),
            Self::EnRoute => Visibility::Visible(PublicStatus::OnTheWay),
            Self::OnSite => Visibility::Visible(PublicStatus::InProgress),
            Self::Completed => Visibility::Visible(PublicStatus::Completed),
            Self::Cancelled => Visibility::Visible(PublicStatus::Cancelled),
            Self::NoAccess => Visibility::Visible(PublicStatus::CouldNotAccess),
        }
    }
}

impl ReportStatus {
    /// Customer view of a report. There is deliberately no status-only mapping: a report is
    /// visible (as [`PublicStatus::Shared`]) only when
    /// [`report_is_portal_visible`] holds for its status and publication timestamps.
    pub fn public_status(
        self,
        published_at: Option<DateTime<Utc>>,
        unpublished_at: Option<DateTime<Utc>>,
    ) -> Visibility {
        if report_is_portal_visible(self, published_at, unpublished_at) {
            Visibility::Visible(PublicStatus::Shared)
        } else {
            Visibility::NotVisible
        }
    }
}

impl FollowUpStatus {
    /// Customer view of a follow-up: every status is visible ("follow-up status" is a
    /// promised portal feature).
    pub const fn public_status(self) -> Visibility {
        Visibility::Visible(match self {
            Self::Required => PublicStatus::FollowUpRequired,
            Self::Planned => PublicStatus::FollowUpPlanned,
            Self::Done => PublicStatus::Done,
            Self::Cancelled => PublicStatus::Cancelled,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::testing::assert_label_table;
    use Visibility::{NotVisible, Visible};
    use chrono::TimeZone;
    use std::collections::HashSet;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    /// Every public status any mapping can produce, over every internal status.
    fn produced() -> HashSet<PublicStatus> {
        let publications = [
            (None, None),
            (Some(at(9)), None),
            (Some(at(9)), Some(at(10))),
        ];
        let mut all = Vec::new();
        all.extend(RequestStatus::ALL.iter().map(|s| s.public_status()));
        all.extend(WorkItemStatus::ALL.iter().map(|s| s.public_status()));
        all.extend(AppointmentStatus::ALL.iter().map(|s| s.public_status()));
        all.extend(FollowUpStatus::ALL.iter().map(|s| s.public_status()));
        for status in ReportStatus::ALL {
            all.extend(
                publications
                    .iter()
                    .map(|(p, u)| status.public_status(*p, *u)),
            );
        }
        all.into_iter()
            .filter_map(Visibility::public_status)
            .collect()
    }

    #[test]
    fn every_request_status_maps_to_the_expected_public_status() {
        let expected = [
            (RequestStatus::Submitted, Visible(PublicStatus::Submitted)),
            (RequestStatus::InReview, Visible(PublicStatus::InReview)),
            (RequestStatus::Accepted, Visible(PublicStatus::Accepted)),
            (RequestStatus::Planned, Visible(PublicStatus::Planned)),
            (RequestStatus::Rejected, Visible(PublicStatus::Rejected)),
            (RequestStatus::Cancelled, Visible(PublicStatus::Cancelled)),
        ];
        assert_eq!(expected.len(), RequestStatus::ALL.len());
        for (status, visibility) in expected {
            assert_eq!(status.public_status(), visibility, "{status}");
        }
    }

    #[test]
    fn every_work_item_status_maps_to_the_expected_public_status() {
        let expected = [
            (WorkItemStatus::Open, Visible(PublicStatus::Open)),
            (WorkItemStatus::Planned, Visible(PublicStatus::Planned)),
            (
                WorkItemStatus::InProgress,
                Visible(PublicStatus::InProgress),
            ),
            (WorkItemStatus::OnHold, Visible(PublicStatus::OnHold)),
            (WorkItemStatus::Completed, Visible(PublicStatus::Completed)),
            (WorkItemStatus::Cancelled, Visible(PublicStatus::Cancelled)),
        ];
        assert_eq!(expected.len(), WorkItemStatus::ALL.len());
        for (status, visibility) in expected {
            assert_eq!(status.public_status(), visibility, "{status}");
        }
    }

    #[test]
    fn every_appointment_status_maps_to_the_expected_public_status() {
        let expected = [
            (AppointmentStatus::Tentative, NotVisible),
            (
                AppointmentStatus::Scheduled,
                Visible(PublicStatus::Scheduled),
            ),
            (
                AppointmentStatus::Dispatched,
                Visible(PublicStatus::Scheduled),
            ),
            (AppointmentStatus::EnRoute, Visible(PublicStatus::OnTheWay)),
            (AppointmentStatus::OnSite, Visible(PublicStatus::InProgress)),
            (
                AppointmentStatus::Completed,
                Visible(PublicStatus::Completed),
            ),
            (
                AppointmentStatus::Cancelled,
                Visible(PublicStatus::Cancelled),
            ),
            (
                AppointmentStatus::NoAccess,
                Visible(PublicStatus::CouldNotAccess),
            ),
        ];
        assert_eq!(expected.len(), AppointmentStatus::ALL.len());
        for (status, visibility) in expected {
            assert_eq!(status.public_status(), visibility, "{status}");
        }
    }

    #[test]
    fn every_follow_up_status_maps_to_the_expected_public_status() {
        let expected = [
            (
                FollowUpStatus::Required,
                Visible(PublicStatus::FollowUpRequired),
            ),
            (
                FollowUpStatus::Planned,
                Visible(PublicStatus::FollowUpPlanned),
            ),
            (FollowUpStatus::Done, Visible(PublicStatus::Done)),
            (FollowUpStatus::Cancelled, Visible(PublicStatus::Cancelled)),
        ];
        assert_eq!(expected.len(), FollowUpStatus::ALL.len());
        for (status, visibility) in expected {
            assert_eq!(status.public_status(), visibility, "{status}");
        }
    }

    #[test]
    fn only_an_approved_and_currently_published_report_is_shared() {
        for status in ReportStatus::ALL.iter().copied() {
            let published = status.public_status(Some(at(9)), None);
            let expected = match status {
                ReportStatus::Approved => Visible(PublicStatus::Shared),
                ReportStatus::Draft | ReportStatus::Submitted | ReportStatus::Rejected => {
                    NotVisible
                }
            };
            assert_eq!(published, expected, "{status}");
            assert_eq!(status.public_status(None, None), NotVisible, "{status}");
            assert_eq!(status.public_status(Some(at(9)), Some(at(10))), NotVisible);
        }
    }

    #[test]
    fn tentative_appointment_is_not_visible_to_customers() {
        assert!(!AppointmentStatus::Tentative.public_status().is_visible());
    }

    #[test]
    fn every_public_status_is_produced_by_some_internal_status() {
        let produced = produced();
        for status in PublicStatus::ALL {
            assert!(produced.contains(status), "{status} is never used");
        }
    }

    #[test]
    fn every_public_status_has_distinct_translated_labels_in_each_language() {
        let table: Vec<_> = PublicStatus::ALL.iter().map(|s| (*s, s.labels())).collect();
        assert_label_table(&table);
    }

    #[test]
    fn public_status_labels_use_proper_accents_and_umlauts() {
        assert_eq!(PublicStatus::Planned.label(Locale::Fr), "Planifié");
        assert_eq!(PublicStatus::Rejected.label(Locale::Fr), "Refusé");
        assert_eq!(
            PublicStatus::InReview.label(Locale::Fr),
            "En cours de revue"
        );
        assert_eq!(PublicStatus::Planned.label(Locale::De), "Geplant");
        assert_eq!(PublicStatus::Rejected.label(Locale::De), "Abgelehnt");
        assert_eq!(PublicStatus::InReview.label(Locale::De), "In Prüfung");
        assert_eq!(
            PublicStatus::CouldNotAccess.label(Locale::En),
            "Could not access"
        );
    }

    #[test]
    fn public_status_code_is_the_wire_value() {
        for status in PublicStatus::ALL.iter().copied() {
            assert_eq!(status.code(), status.as_str());
        }
    }
}
