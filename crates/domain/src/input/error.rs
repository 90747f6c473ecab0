//! Validation failures: one per field, with a stable machine code.

use std::fmt;

/// Stable machine codes of [`ValidationError::code`]. Clients may rely on these strings.
pub mod codes {
    /// The value is missing or empty after trimming.
    pub const REQUIRED: &str = "required";
    /// The value is longer than allowed (counted in characters, not bytes).
    pub const TOO_LONG: &str = "too_long";
    /// The value contains control characters (or line breaks where one line is expected).
    pub const INVALID_CHARACTERS: &str = "invalid_characters";
    /// The value is not a usable email address.
    pub const INVALID_EMAIL: &str = "invalid_email";
    /// More preferred windows than allowed.
    pub const TOO_MANY_WINDOWS: &str = "too_many_windows";
    /// A window does not start strictly before it ends.
    pub const WINDOW_ORDER: &str = "window_order";
    /// A window starts in the past.
    pub const WINDOW_IN_PAST: &str = "window_in_past";
    /// A window ends too far in the future.
    pub const WINDOW_TOO_FAR: &str = "window_too_far";
    /// A window lasts longer than allowed (e.g. an appointment over 24 hours).
    pub const WINDOW_TOO_LONG: &str = "window_too_long";
}

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// Path of the offending field as the client sent it, e.g. `title` or
    /// `preferred_windows[2]`.
    pub field: String,
    /// Stable machine code, one of [`codes`].
    pub code: &'static str,
    /// Human-readable English explanation, for developers and logs.
    pub message: String,
}

impl ValidationError {
    /// Builds an error.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The same error reported under another field name, for DTOs whose field is not named
    /// like the type's default (e.g. an [`Email`](super::Email) in `contact_email`).
    #[must_use]
    pub fn with_field(self, field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            ..self
        }
    }
}

/// Every invalid field of one input, so a form can show them all at once.
///
/// Typical use: `let title = errors.check(Title::parse(&dto.title));` for each field, then
/// `errors.into_result()?` before using the `Option`s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one error.
    pub fn push(&mut self, error: ValidationError) {
        self.0.push(error);
    }

    /// Records the error of `result`, if any, and returns its value otherwise.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// `true` when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The recorded errors, in the order recorded.
    pub fn as_slice(&self) -> &[ValidationError] {
        &self.0
    }

    /// The recorded errors, by value.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }

    /// `Ok(())` when empty, otherwise `Err(self)`.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<ValidationError> for ValidationErrors {
    fn from(error: ValidationError) -> Self {
        Self(vec![error])
    }
}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl std::error::Error for ValidationErrors {}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            fmt::Display::fmt(error, f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn validation_error_displays_field_and_message() {
        let err = ValidationError::new("title", codes::REQUIRED, "must not be empty");
        assert_eq!(err.to_string(), "title: must not be empty");
    }

    #[test]
    fn validation_error_can_be_moved_to_another_field_keeping_its_code() {
        let err =
            ValidationError::new("email", codes::INVALID_EMAIL, "x").with_field("contact_email");
        assert_eq!(err.field, "contact_email");
        assert_eq!(err.code, "invalid_email");
    }

    #[test]
    fn validation_errors_collect_every_failing_field() {
        let mut errors = ValidationErrors::new();
        let ok: Option<u8> = errors.check(Ok(1));
        let failed: Option<u8> =
            errors.check(Err(ValidationError::new("a", codes::REQUIRED, "missing")));
        errors.push(ValidationError::new("b", codes::TOO_LONG, "too long"));
        assert_eq!(ok, Some(1));
        assert_eq!(failed, None);
        assert_eq!(errors.to_string(), "a: missing; b: too long");
        let fields: Vec<_> = errors
            .into_result()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["a", "b"]);
    }

    #[test]
    fn empty_validation_errors_are_ok() {
        assert!(ValidationErrors::new().into_result().is_ok());
    }
}
