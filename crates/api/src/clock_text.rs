//! Dates and times as text, written digit by digit: exactly the strings chrono's formatting
//! gives, without its formatting machinery. A page of appointments renders hundreds of them;
//! chrono's `format!`/`Display` path was about a fifth of the hot path's server time
//! (bench/RESULTS.md). Anything outside the plain case (years outside 0–9999, offsets with
//! seconds, fractional seconds for instants) falls back to chrono itself.

use chrono::{DateTime, Datelike, Offset, SecondsFormat, TimeZone, Timelike, Utc};
use serde::Serializer;

/// Appends `n` (0–99) as two digits.
fn push2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// Appends `YYYY-MM-DD`; `false` (nothing appended) for a year outside 0–9999.
fn push_date(out: &mut String, t: &impl Datelike) -> bool {
    let Ok(year) = u32::try_from(t.year()) else {
        return false;
    };
    if year > 9999 {
        return false;
    }
    push2(out, year / 100);
    push2(out, year % 100);
    out.push('-');
    push2(out, t.month());
    out.push('-');
    push2(out, t.day());
    true
}

/// Appends `HH:MM:SS`.
fn push_time(out: &mut String, t: &impl Timelike) {
    push2(out, t.hour());
    out.push(':');
    push2(out, t.minute());
    out.push(':');
    push2(out, t.second());
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d`.
pub fn date<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let mut out = String::with_capacity(10);
    if push_date(&mut out, t) {
        out
    } else {
        t.format("%Y-%m-%d").to_string()
    }
}

/// `HH:MM` (24 h), as chrono's `%H:%M`.
pub fn hour_minute(t: &impl Timelike) -> String {
    let mut out = String::with_capacity(5);
    push2(&mut out, t.hour());
    out.push(':');
    push2(&mut out, t.minute());
    out
}

/// The instant with its own offset, whole seconds: chrono's
/// `to_rfc3339_opts(SecondsFormat::Secs, false)` (`2030-03-01T08:00:00+01:00`).
pub fn rfc3339_seconds<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let offset = t.offset().fix().local_minus_utc();
    let mut out = String::with_capacity(25);
    if offset % 60 != 0 || !push_date(&mut out, t) {
        return t.to_rfc3339_opts(SecondsFormat::Secs, false);
    }
    out.push('T');
    push_time(&mut out, t);
    out.push(if offset < 0 { '-' } else { '+' });
    let minutes = offset.unsigned_abs() / 60;
    push2(&mut out, minutes / 60);
    out.push(':');
    push2(&mut out, minutes % 60);
    out
}

/// Serializes a UTC instant exactly as chrono's serde support does
/// (`2030-03-01T07:00:00Z`, with fractional seconds only when it has them).
pub fn serialize_instant<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    let mut out = String::with_capacity(20);
    if t.nanosecond() != 0 || !push_date(&mut out, t) {
        return serde::Serialize::serialize(t, s);
    }
    out.push('T');
    push_time(&mut out, t);
    out.push('Z');
    s.serialize_str(&out)
}

/// [`serialize_instant`] for an optional instant.
pub fn serialize_optional_instant<S: Serializer>(
    t: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => serialize_instant(t, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::Duration;
    use chrono_tz::Tz;

    use super::*;

    /// Instants every 7 h 13 min 17 s over 40 years, plus DST edges, in zones with negative,
    /// half-hour and quarter-hour offsets.
    fn samples() -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut t = Utc.with_ymd_and_hms(1995, 1, 1, 0, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2035, 1, 1, 0, 0, 0).unwrap();
        while t < end {
            out.push(t);
            t += Duration::seconds(7 * 3600 + 13 * 60 + 17);
        }
        out.push(Utc.with_ymd_and_hms(2030, 3, 31, 1, 0, 0).unwrap());
        out.push(Utc.with_ymd_and_hms(2030, 10, 27, 0, 59, 59).unwrap());
        out.push(Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap());
        out.push(Utc.with_ymd_and_hms(2, 1, 1, 0, 0, 0).unwrap());
        out
    }

    const ZONES: [Tz; 6] = [
        Tz::Europe__Paris,
        Tz::America__New_York,
        Tz::Asia__Kolkata,
        Tz::Asia__Kathmandu,
        Tz::Pacific__Chatham,
        Tz::UTC,
    ];

    #[test]
    fn wall_clock_text_matches_chronos_formatting_in_every_zone() {
        for utc in samples() {
            for zone in ZONES {
                let t = utc.with_timezone(&zone);
                assert_eq!(date(&t), t.format("%Y-%m-%d").to_string(), "{t}");
                assert_eq!(hour_minute(&t), t.format("%H:%M").to_string(), "{t}");
                assert_eq!(
                    rfc3339_seconds(&t),
                    t.to_rfc3339_opts(SecondsFormat::Secs, false),
                    "{t}"
                );
            }
        }
    }

    #[test]
    fn instants_serialize_exactly_as_chronos_serde_does() {
        let mut with_fractions = samples();
        with_fractions
            .push(Utc.with_ymd_and_hms(2030, 1, 1, 8, 0, 0).unwrap() + Duration::milliseconds(250));
        with_fractions
            .push(Utc.with_ymd_and_hms(2030, 1, 1, 8, 0, 0).unwrap() + Duration::nanoseconds(7));
        for t in with_fractions {
            let mut fast = serde_json::Serializer::new(Vec::new());
            serialize_instant(&t, &mut fast).unwrap();
            assert_eq!(
                String::from_utf8(fast.into_inner()).unwrap(),
                serde_json::to_string(&t).unwrap()
            );
        }
        let mut none = serde_json::Serializer::new(Vec::new());
        serialize_optional_instant(&None, &mut none).unwrap();
        assert_eq!(none.into_inner(), b"null");
    }
}
