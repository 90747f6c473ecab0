//! Free-text fields: request titles and descriptions, display names.
//!
//! All are trimmed, must not be empty, and are limited in *characters* (Unicode scalar
//! values), not bytes, so "é" or "ß" count as one. Single-line fields reject every control
//! character (a line break in a title could end up in a mail subject); descriptions may
//! contain line breaks and tabs.

use std::fmt;

use serde::Serialize;

use super::error::{ValidationError, codes};

/// Shared rules; `multiline` allows `\n`, `\r` and `\t`.
fn parse_text(
    input: &str,
    field: &'static str,
    max_chars: usize,
    multiline: bool,
) -> Result<String, ValidationError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(ValidationError::new(
            field,
            codes::REQUIRED,
            "must not be empty",
        ));
    }
    if text.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            codes::TOO_LONG,
            format!("must be at most {max_chars} characters"),
        ));
    }
    let forbidden = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if text.chars().any(forbidden) {
        let message = if multiline {
            "must not contain control characters"
        } else {
            "must be a single line without control characters"
        };
        return Err(ValidationError::new(
            field,
            codes::INVALID_CHARACTERS,
            message,
        ));
    }
    Ok(text.to_owned())
}

macro_rules! text_newtype {
    ($(
        $(#[$meta:meta])*
        $name:ident { field: $field:literal, max_chars: $max:literal, multiline: $multiline:literal }
    )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Maximum length in characters.
            pub const MAX_CHARS: usize = $max;

            /// Trims and checks `input`; errors use the field name given in the type docs
            /// (see [`ValidationError::with_field`] to rename).
            pub fn parse(input: &str) -> Result<Self, ValidationError> {
                parse_text(input, $field, $max, $multiline).map(Self)
            }

            /// The trimmed text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The trimmed text, by value.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

text_newtype! {
    /// A request title: one line, 1..=120 characters after trimming. Field name `title`.
    Title { field: "title", max_chars: 120, multiline: false }
    /// A request description: 1..=5,000 characters after trimming, line breaks allowed.
    /// Required because staff cannot review an empty request. Field name `description`.
    Description { field: "description", max_chars: 5000, multiline: true }
    /// A person's display name: one line, 1..=100 characters after trimming.
    /// Field name `display_name`.
    DisplayName { field: "display_name", max_chars: 100, multiline: false }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn title_is_trimmed() {
        assert_eq!(
            Title::parse("  Leaking pipe \t").unwrap().as_str(),
            "Leaking pipe"
        );
    }

    #[test]
    fn title_of_120_characters_is_accepted_and_121_is_too_long() {
        assert!(Title::parse(&"a".repeat(120)).is_ok());
        let err = Title::parse(&"a".repeat(121)).unwrap_err();
        assert_eq!((err.field.as_str(), err.code), ("title", "too_long"));
    }

    #[test]
    fn title_length_counts_multibyte_characters_once() {
        let accented = "é".repeat(120);
        assert_eq!(accented.len(), 240);
        assert!(Title::parse(&accented).is_ok());
        assert_eq!(Title::parse(&"ü".repeat(121)).unwrap_err().code, "too_long");
        assert!(Title::parse(&"🔧".repeat(120)).is_ok());
    }

    #[test]
    fn blank_title_is_required() {
        assert_eq!(Title::parse(" \n ").unwrap_err().code, "required");
    }

    #[test]
    fn title_with_a_line_break_is_rejected() {
        assert_eq!(
            Title::parse("Leaking\npipe").unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn description_keeps_inner_line_breaks() {
        let text = "Water on the floor.\r\n\tSince Monday.";
        assert_eq!(Description::parse(text).unwrap().as_str(), text);
    }

    #[test]
    fn description_of_5000_characters_is_accepted_and_5001_is_too_long() {
        assert!(Description::parse(&"ß".repeat(5000)).is_ok());
        assert_eq!(
            Description::parse(&"ß".repeat(5001)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn blank_description_is_required() {
        let err = Description::parse("   ").unwrap_err();
        assert_eq!((err.field.as_str(), err.code), ("description", "required"));
    }

    #[test]
    fn description_with_other_control_characters_is_rejected() {
        assert_eq!(
            Description::parse("a\u{0}b").unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn display_name_of_100_characters_is_accepted_and_101_is_too_long() {
        assert!(DisplayName::parse(&"Ö".repeat(100)).is_ok());
        let err = DisplayName::parse(&"Ö".repeat(101)).unwrap_err();
        assert_eq!((err.field.as_str(), err.code), ("display_name", "too_long"));
    }

    #[test]
    fn blank_display_name_is_required() {
        assert_eq!(DisplayName::parse("").unwrap_err().code, "required");
    }
}
