//! Pieces shared by the appointment, work and follow-up routes of both surfaces: how a time
//! window reads at its location (the customer's wall clock), the status schemas, and the 409 a
//! refused status change becomes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ordinavo_domain::appointment::AppointmentStatus;
use ordinavo_domain::follow_up::FollowUpStatus;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::public_status::PublicStatus;
use ordinavo_domain::transition::TransitionError;
use ordinavo_domain::work_item::WorkItemStatus;
use serde::Serialize;
use utoipa::ToSchema;

use crate::clock_text;
use crate::error::ApiError;
use crate::fields;

/// A time window as read on the wall clock of its location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LocalWindow {
    /// The location's IANA time zone, e.g. `Europe/Paris`.
    pub timezone: String,
    /// Local date of the start, `YYYY-MM-DD`.
    #[schema(example = "2030-03-01")]
    pub date: String,
    /// Local start time, `HH:MM` (24 h).
    #[schema(example = "08:00")]
    pub start_time: String,
    /// Local end time, `HH:MM` (24 h).
    #[schema(example = "10:00")]
    pub end_time: String,
    /// Local date of the end (differs from `date` when the window crosses midnight).
    #[schema(example = "2030-03-01")]
    pub end_date: String,
    /// The start with the location's UTC offset, RFC 3339.
    #[schema(example = "2030-03-01T08:00:00+01:00")]
    pub starts_at: String,
    /// The end with the location's UTC offset, RFC 3339.
    #[schema(example = "2030-03-01T10:00:00+01:00")]
    pub ends_at: String,
}

impl LocalWindow {
    /// `starts_at`..`ends_at` in `timezone`. Zones are validated when a location is saved; an
    /// unknown one (never expected) reads as UTC rather than failing the whole page.
    pub fn new(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, timezone: &str) -> Self {
        let tz: Tz = timezone.parse().unwrap_or(Tz::UTC);
        let start = starts_at.with_timezone(&tz);
        let end = ends_at.with_timezone(&tz);
        Self {
            timezone: tz.name().to_owned(),
            date: clock_text::date(&start),
            start_time: clock_text::hour_minute(&start),
            end_time: clock_text::hour_minute(&end),
            end_date: clock_text::date(&end),
            starts_at: clock_text::rfc3339_seconds(&start),
            ends_at: clock_text::rfc3339_seconds(&end),
        }
    }
}

/// OpenAPI: a customer-facing status code.
pub fn public_status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<PublicStatus>()
}

/// OpenAPI: an internal appointment status.
pub fn appointment_status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<AppointmentStatus>()
}

/// OpenAPI: an internal work-item status.
pub fn work_item_status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<WorkItemStatus>()
}

/// OpenAPI: a follow-up status.
pub fn follow_up_status_schema() -> utoipa::openapi::Object {
    fields::enum_schema::<FollowUpStatus>()
}

/// A public status as the portal shows it: the code and the label in the caller's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub code: &'static str,
    pub label: &'static str,
}

impl Shown {
    pub fn new(status: PublicStatus, locale: Locale) -> Self {
        Self {
            code: status.code(),
            label: status.label(locale),
        }
    }
}

/// A refused status change: 409 `invalid_transition`, naming the statuses allowed instead.
pub fn transition_conflict(e: &TransitionError) -> ApiError {
    let what = e.entity.replace('_', " ");
    ApiError::Conflict {
        code: "invalid_transition",
        detail: format!(
            "This {what} is {}; it cannot become {}.",
            e.from.replace('_', " "),
            e.to.replace('_', " ")
        ),
        allowed: Some(e.allowed.iter().map(|s| (*s).to_owned()).collect()),
    }
}

/// Parses an RFC 3339 date-time from a query or body field. A space where a `+` was meant (an
/// unencoded `+` in a query string decodes to a space) is read as `+`.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().replace(' ', "+");
    DateTime::parse_from_rfc3339(&text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use actix_web::ResponseError;
    use chrono::TimeZone;

    #[test]
    fn an_eight_oclock_visit_in_paris_reads_eight_oclock_in_paris_summer_and_winter() {
        let winter = Utc.with_ymd_and_hms(2030, 1, 15, 7, 0, 0).unwrap();
        let w = LocalWindow::new(winter, winter + chrono::Duration::hours(2), "Europe/Paris");
        assert_eq!(
            (w.date.as_str(), w.start_time.as_str()),
            ("2030-01-15", "08:00")
        );
        assert_eq!(w.end_time, "10:00");
        assert_eq!(w.starts_at, "2030-01-15T08:00:00+01:00");
        let summer = Utc.with_ymd_and_hms(2030, 7, 15, 6, 0, 0).unwrap();
        let s = LocalWindow::new(summer, summer + chrono::Duration::hours(1), "Europe/Paris");
        assert_eq!(s.start_time, "08:00");
        assert_eq!(s.ends_at, "2030-07-15T09:00:00+02:00");
    }

    #[test]
    fn a_window_across_midnight_names_both_dates() {
        let start = Utc.with_ymd_and_hms(2030, 3, 1, 3, 0, 0).unwrap();
        let w = LocalWindow::new(
            start,
            start + chrono::Duration::hours(3),
            "America/New_York",
        );
        assert_eq!(
            (w.date.as_str(), w.start_time.as_str()),
            ("2030-02-28", "22:00")
        );
        assert_eq!(
            (w.end_date.as_str(), w.end_time.as_str()),
            ("2030-03-01", "01:00")
        );
    }

    #[test]
    fn a_refused_appointment_move_names_the_allowed_ones() {
        let e = AppointmentStatus::Completed
            .transition(AppointmentStatus::Scheduled)
            .unwrap_err();
        let api = transition_conflict(&e);
        assert_eq!(api.status_code().as_u16(), 409);
        let p = api.problem();
        assert_eq!(p.allowed, Some(vec![]));
        assert!(
            p.detail
                .unwrap()
                .starts_with("This appointment is completed")
        );
    }

    #[test]
    fn instants_parse_with_an_offset_or_a_mangled_plus() {
        let t = parse_instant("2030-03-01T08:00:00 01:00").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2030, 3, 1, 7, 0, 0).unwrap());
        assert!(parse_instant("2030-03-01").is_none());
    }
}
