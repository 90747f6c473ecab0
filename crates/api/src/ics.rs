//! A small RFC 5545 (iCalendar) writer for the private calendar feed: content lines ending in
//! CRLF, folded at 75 octets (on UTF-8 character boundaries, continuation lines starting with
//! one space), TEXT values escaped (`\\`, `\;`, `\,`, `\n`), date-times in UTC (`…Z`).

use chrono::{DateTime, Utc};

/// Longest content line, in octets, not counting the CRLF (RFC 5545 §3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// One event of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Globally unique and stable across refreshes (so calendars update instead of duplicating).
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub status: EventStatus,
}

/// `STATUS` of a `VEVENT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    Cancelled,
}

impl EventStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "CONFIRMED",
            Self::Cancelled => "CANCELLED",
        }
    }
}

/// A whole `VCALENDAR` with `events`, stamped `now`.
pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Ordinavo//Customer Portal//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    line(&mut out, "X-PUBLISHED-TTL:PT1H");
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", escape(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", utc(now)));
        line(&mut out, &format!("DTSTART:{}", utc(e.starts_at)));
        line(&mut out, &format!("DTEND:{}", utc(e.ends_at)));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        line(&mut out, &format!("LOCATION:{}", escape(&e.location)));
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        line(&mut out, &format!("STATUS:{}", e.status.as_str()));
        line(&mut out, "TRANSP:OPAQUE");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// A UTC DATE-TIME value, `YYYYMMDDTHHMMSSZ`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks; other control characters
/// are dropped (they have no place in a calendar line).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at [`MAX_LINE_OCTETS`], with CRLF.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if used + len > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// Unfolds and splits a calendar back into content lines (for tests and checks).
pub fn unfold(text: &str) -> Vec<String> {
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;

    fn event(summary: &str) -> Event {
        Event {
            uid: "a@ordinavo".into(),
            starts_at: Utc.with_ymd_and_hms(2030, 3, 1, 7, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2030, 3, 1, 9, 0, 0).unwrap(),
            summary: summary.into(),
            location: "Acme Lyon, 1 Main Street, 69001 Lyon".into(),
            description: "Status: Scheduled".into(),
            status: EventStatus::Confirmed,
        }
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        assert_eq!(escape("bell\u{7}"), "bell");
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits_75_octets_even_with_accents() {
        let long = "Réparation de la chaîne du froid — vitrine réfrigérée ".repeat(4);
        let now = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let text = calendar("Rendez-vous", &[event(&long)], now);
        assert!(text.ends_with("\r\n"));
        for physical in text.split_terminator("\r\n") {
            assert!(physical.len() <= MAX_LINE_OCTETS, "{physical:?}");
            assert!(!physical.contains('\n') && !physical.contains('\r'));
        }
        let lines = unfold(&text);
        assert!(lines.contains(&format!("SUMMARY:{}", escape(&long))));
        assert!(lines.contains(&"DTSTART:20300301T070000Z".to_string()));
        assert!(lines.contains(&"DTSTAMP:20300101T000000Z".to_string()));
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    }
}
