//! Preferred time windows a customer gives with a request, as input for dispatch.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::error::{ValidationError, codes};

/// One preferred window. Invariant: `start < end`.
///
/// Deserializing (e.g. from the stored `preferred_windows` JSON) re-checks that invariant
/// only; the "not in the past" rules apply when the customer submits, not forever after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawWindow")]
pub struct PreferredWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl PreferredWindow {
    /// Inclusive start.
    pub const fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Exclusive end.
    pub const fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

#[derive(Deserialize)]
struct RawWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TryFrom<RawWindow> for PreferredWindow {
    type Error = ValidationError;

    fn try_from(raw: RawWindow) -> Result<Self, Self::Error> {
        if raw.start < raw.end {
            Ok(Self {
                start: raw.start,
                end: raw.end,
            })
        } else {
            Err(order_error("preferred_window".to_owned()))
        }
    }
}

fn order_error(field: String) -> ValidationError {
    ValidationError::new(field, codes::WINDOW_ORDER, "start must be before end")
}

/// The preferred windows of a request, in the order given: at most
/// [`PreferredWindows::MAX`], possibly none (they are optional).
///
/// Serializes as a JSON array of `{start, end}`; deserializing checks the timeless invariants
/// (count, `start < end`) but not the submit-time ones, see [`PreferredWindow`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PreferredWindows(Vec<PreferredWindow>);

impl PreferredWindows {
    /// Most windows a request may carry.
    pub const MAX: usize = 5;

    /// How far ahead a window may end, in days from submission.
    pub const HORIZON_DAYS: i64 = 365;

    /// Checks windows submitted at `now`: at most [`Self::MAX`]; each with `start < end`,
    /// `start >= now` (starting right now is fine) and `end <= now + 365 days` (exactly 365
    /// days is fine). The first failure is returned; a window's error names it by index,
    /// e.g. field `preferred_windows[2]`, the count error uses `preferred_windows`.
    pub fn parse(
        windows: &[(DateTime<Utc>, DateTime<Utc>)],
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        if windows.len() > Self::MAX {
            return Err(ValidationError::new(
                "preferred_windows",
                codes::TOO_MANY_WINDOWS,
                format!("at most {} preferred windows are allowed", Self::MAX),
            ));
        }
        // `None` only if `now` is at the end of chrono's range: then nothing is too far.
        let horizon = now.checked_add_signed(TimeDelta::days(Self::HORIZON_DAYS));
        let mut parsed = Vec::with_capacity(windows.len());
        for (index, &(start, end)) in windows.iter().enumerate() {
            let field = || format!("preferred_windows[{index}]");
            if start >= end {
                return Err(order_error(field()));
            }
            if start < now {
                return Err(ValidationError::new(
                    field(),
                    codes::WINDOW_IN_PAST,
                    "must not start in the past",
                ));
            }
            if horizon.is_some_and(|horizon| end > horizon) {
                return Err(ValidationError::new(
                    field(),
                    codes::WINDOW_TOO_FAR,
                    format!("must end within {} days", Self::HORIZON_DAYS),
                ));
            }
            parsed.push(PreferredWindow { start, end });
        }
        Ok(Self(parsed))
    }

    /// The windows, in the order given.
    pub fn as_slice(&self) -> &[PreferredWindow] {
        &self.0
    }

    /// The windows, by value.
    pub fn into_vec(self) -> Vec<PreferredWindow> {
        self.0
    }

    /// `true` when the customer gave no window.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of windows.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl<'de> Deserialize<'de> for PreferredWindows {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let windows = Vec::<PreferredWindow>::deserialize(deserializer)?;
        if windows.len() > Self::MAX {
            return Err(serde::de::Error::invalid_length(
                windows.len(),
                &"at most 5 preferred windows",
            ));
        }
        Ok(Self(windows))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use chrono::TimeZone;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, MapDeserializer, SeqDeserializer};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0).single().unwrap()
    }

    fn hours(h: i64) -> TimeDelta {
        TimeDelta::hours(h)
    }

    fn window(from_hours: i64, to_hours: i64) -> (DateTime<Utc>, DateTime<Utc>) {
        (now() + hours(from_hours), now() + hours(to_hours))
    }

    fn error_of(windows: &[(DateTime<Utc>, DateTime<Utc>)]) -> (String, &'static str) {
        let err = PreferredWindows::parse(windows, now()).unwrap_err();
        (err.field, err.code)
    }

    #[test]
    fn no_preferred_windows_is_fine() {
        assert!(PreferredWindows::parse(&[], now()).unwrap().is_empty());
    }

    #[test]
    fn five_windows_are_accepted_and_six_are_too_many() {
        let five: Vec<_> = (0..5).map(|i| window(24 * i + 1, 24 * i + 3)).collect();
        let parsed = PreferredWindows::parse(&five, now()).unwrap();
        assert_eq!(parsed.len(), 5);
        assert_eq!(parsed.as_slice()[4].start(), five[4].0);
        let six: Vec<_> = (0..6).map(|i| window(24 * i + 1, 24 * i + 3)).collect();
        assert_eq!(
            error_of(&six),
            ("preferred_windows".to_owned(), "too_many_windows")
        );
    }

    #[test]
    fn window_starting_exactly_now_is_accepted_and_one_second_earlier_is_in_the_past() {
        assert!(PreferredWindows::parse(&[(now(), now() + hours(2))], now()).is_ok());
        let past = (now() - TimeDelta::seconds(1), now() + hours(2));
        assert_eq!(
            error_of(&[past]),
            ("preferred_windows[0]".to_owned(), "window_in_past")
        );
    }

    #[test]
    fn window_ending_exactly_365_days_ahead_is_accepted_and_one_second_more_is_too_far() {
        let limit = now() + TimeDelta::days(365);
        assert!(PreferredWindows::parse(&[(limit - hours(2), limit)], now()).is_ok());
        let beyond = limit + TimeDelta::seconds(1);
        let err = error_of(&[window(1, 2), (limit - hours(2), beyond)]);
        assert_eq!(err, ("preferred_windows[1]".to_owned(), "window_too_far"));
    }

    #[test]
    fn window_whose_start_equals_its_end_is_refused() {
        let empty = (now() + hours(3), now() + hours(3));
        let err = error_of(&[window(1, 2), window(4, 5), empty]);
        assert_eq!(err, ("preferred_windows[2]".to_owned(), "window_order"));
    }

    #[test]
    fn window_ending_before_it_starts_is_refused() {
        assert_eq!(error_of(&[window(5, 4)]).1, "window_order");
    }

    #[test]
    fn stored_windows_deserialize_even_when_in_the_past_but_not_when_reversed() {
        let stored = |start: &'static str, end: &'static str| {
            let fields = vec![("start", start), ("end", end)];
            let map: MapDeserializer<'_, _, ValueError> = MapDeserializer::new(fields.into_iter());
            PreferredWindow::deserialize(map)
        };
        let old = stored("2020-01-01T08:00:00Z", "2020-01-01T10:00:00Z").unwrap();
        assert_eq!(old.end() - old.start(), hours(2));
        assert!(stored("2020-01-01T10:00:00Z", "2020-01-01T08:00:00Z").is_err());
    }

    #[test]
    fn stored_window_list_longer_than_five_is_refused() {
        let w = PreferredWindows::parse(&[window(1, 2)], now())
            .unwrap()
            .as_slice()[0];
        let stored = |count: usize| {
            let seq: SeqDeserializer<_, ValueError> =
                SeqDeserializer::new(std::iter::repeat_n(Tokens(w), count));
            PreferredWindows::deserialize(seq)
        };
        assert_eq!(stored(5).unwrap().len(), 5);
        assert!(stored(6).is_err());
    }

    /// Feeds an already-valid window back through `Deserialize` (via its string fields).
    #[derive(Clone, Copy)]
    struct Tokens(PreferredWindow);

    impl<'de> IntoDeserializer<'de, ValueError> for Tokens {
        type Deserializer =
            MapDeserializer<'de, std::vec::IntoIter<(&'static str, String)>, ValueError>;

        fn into_deserializer(self) -> Self::Deserializer {
            let fields = vec![
                ("start", self.0.start().to_rfc3339()),
                ("end", self.0.end().to_rfc3339()),
            ];
            MapDeserializer::new(fields.into_iter())
        }
    }
}
