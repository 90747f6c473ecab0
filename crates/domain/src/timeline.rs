//! The customer-safe timeline: the only milestones a portal user's history ever shows.
//!
//! A timeline row is written in the same transaction as the change it describes. There is no
//! kind for anything internal (dispatching, report approval, webhooks, billing...): if it is not
//! listed here, it does not reach the customer's history.

use crate::locale::{Labels, Locale};
use crate::string_enum::string_enum;

string_enum! {
    /// What happened. Stored in `timeline_events.kind`.
    pub enum TimelineKind: "timeline kind" {
        /// A customer submitted a request.
        RequestSubmitted = "request_submitted",
        /// Staff accepted the request.
        RequestAccepted = "request_accepted",
        /// Staff rejected the request (the public reason goes in the payload).
        RequestRejected = "request_rejected",
        /// The request was cancelled.
        RequestCancelled = "request_cancelled",
        /// An appointment became visible (scheduled).
        AppointmentScheduled = "appointment_scheduled",
        /// A visible appointment got a new time.
        AppointmentRescheduled = "appointment_rescheduled",
        /// A visible appointment was cancelled.
        AppointmentCancelled = "appointment_cancelled",
        /// The visit took place.
        VisitCompleted = "visit_completed",
        /// A visit report was published to the portal.
        ReportShared = "report_shared",
        /// A follow-up is needed.
        FollowUpRequired = "follow_up_required",
        /// A follow-up was planned.
        FollowUpPlanned = "follow_up_planned",
    }
}

string_enum! {
    /// What a timeline event is about (`timeline_events.subject_kind`); the portal links the
    /// event to that object, which must itself be visible to the caller.
    pub enum TimelineSubjectKind: "timeline subject kind" {
        /// A service request.
        Request = "request",
        /// An appointment.
        Appointment = "appointment",
        /// A visit report.
        Report = "report",
        /// A follow-up.
        FollowUp = "follow_up",
    }
}

impl TimelineKind {
    /// The kind of object every event of this kind is about.
    pub const fn subject_kind(self) -> TimelineSubjectKind {
        match self {
            Self::RequestSubmitted
            | Self::RequestAccepted
            | Self::RequestRejected
            | Self::RequestCancelled => TimelineSubjectKind::Request,
            Self::AppointmentScheduled
            | Self::AppointmentRescheduled
            | Self::AppointmentCancelled
            | Self::VisitCompleted => TimelineSubjectKind::Appointment,
            Self::ReportShared => TimelineSubjectKind::Report,
            Self::FollowUpRequired | Self::FollowUpPlanned => TimelineSubjectKind::FollowUp,
        }
    }

    /// The label in every language.
    pub const fn labels(self) -> Labels {
        match self {
            Self::RequestSubmitted => Labels {
                en: "Request submitted",
                fr: "Demande envoyée",
                de: "Anfrage eingereicht",
            },
            Self::RequestAccepted => Labels {
                en: "Request accepted",
                fr: "Demande acceptée",
                de: "Anfrage angenommen",
            },
            Self::RequestRejected => Labels {
                en: "Request rejected",
                fr: "Demande refusée",
                de: "Anfrage abgelehnt",
            },
            Self::RequestCancelled => Labels {
                en: "Request cancelled",
                fr: "Demande annulée",
                de: "Anfrage storniert",
            },
            Self::AppointmentScheduled => Labels {
                en: "Appointment scheduled",
                fr: "Rendez-vous planifié",
                de: "Termin vereinbart",
            },
            Self::AppointmentRescheduled => Labels {
                en: "Appointment rescheduled",
                fr: "Rendez-vous reprogrammé",
                de: "Termin verschoben",
            },
            Self::AppointmentCancelled => Labels {
                en: "Appointment cancelled",
                fr: "Rendez-vous annulé",
                de: "Termin abgesagt",
            },
            Self::VisitCompleted => Labels {
                en: "Visit completed",
                fr: "Intervention terminée",
                de: "Einsatz abgeschlossen",
            },
            Self::ReportShared => Labels {
                en: "Report shared",
                fr: "Rapport partagé",
                de: "Bericht bereitgestellt",
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
        }
    }

    /// The label in `locale`.
    pub const fn label(self, locale: Locale) -> &'static str {
        self.labels().get(locale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::testing::assert_label_table;

    #[test]
    fn timeline_kinds_are_exactly_the_documented_customer_milestones() {
        assert_eq!(
            TimelineKind::VALUES,
            [
                "request_submitted",
                "request_accepted",
                "request_rejected",
                "request_cancelled",
                "appointment_scheduled",
                "appointment_rescheduled",
                "appointment_cancelled",
                "visit_completed",
                "report_shared",
                "follow_up_required",
                "follow_up_planned",
            ]
        );
    }

    #[test]
    fn every_timeline_kind_has_distinct_translated_labels_in_each_language() {
        let table: Vec<_> = TimelineKind::ALL.iter().map(|k| (*k, k.labels())).collect();
        assert_label_table(&table);
    }

    #[test]
    fn timeline_kind_names_the_object_it_is_about() {
        for kind in TimelineKind::ALL.iter().copied() {
            let prefix = match kind.subject_kind() {
                TimelineSubjectKind::Request => "request_",
                TimelineSubjectKind::Appointment => "appointment_",
                TimelineSubjectKind::Report => "report_",
                TimelineSubjectKind::FollowUp => "follow_up_",
            };
            let visit = kind == TimelineKind::VisitCompleted;
            assert!(kind.as_str().starts_with(prefix) || visit, "{kind}");
        }
        assert_eq!(
            TimelineKind::VisitCompleted.subject_kind(),
            TimelineSubjectKind::Appointment
        );
    }

    #[test]
    fn timeline_labels_read_naturally_in_french_and_german() {
        assert_eq!(
            TimelineKind::ReportShared.label(Locale::Fr),
            "Rapport partagé"
        );
        assert_eq!(
            TimelineKind::AppointmentScheduled.label(Locale::De),
            "Termin vereinbart"
        );
    }
}
