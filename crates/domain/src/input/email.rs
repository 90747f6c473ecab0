//! Email addresses as used for portal logins, invitations and contacts.

use std::fmt;

use serde::Serialize;

use super::error::{ValidationError, codes};

/// A normalised email address: trimmed, lowercased, at most [`Email::MAX_CHARS`] characters,
/// exactly one `@` with a non-empty local part and a domain that has a dot and no empty
/// label, no whitespace or control characters.
///
/// Lowercasing the whole address (local part included) is deliberate: logins and the unique
/// index on `portal_users.email` must not depend on how a user typed their address. This is a
/// plausibility check, not RFC 5322: deliverability is proven by the invitation mail.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Longest accepted address (the SMTP path limit), in characters.
    pub const MAX_CHARS: usize = 254;

    const FIELD: &'static str = "email";

    /// Normalises and checks `input`; errors use the field name `email`
    /// (see [`ValidationError::with_field`]).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let invalid =
            |message: &str| ValidationError::new(Self::FIELD, codes::INVALID_EMAIL, message);
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(ValidationError::new(
                Self::FIELD,
                codes::REQUIRED,
                "must not be empty",
            ));
        }
        if email.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                Self::FIELD,
                codes::TOO_LONG,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("must not contain spaces or control characters"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("must contain an @"));
        };
        if domain.contains('@') {
            return Err(invalid("must contain exactly one @"));
        }
        if local.is_empty() {
            return Err(invalid("must have a name before the @"));
        }
        if !domain.contains('.') || domain.split('.').any(str::is_empty) {
            return Err(invalid("must have a domain like example.com after the @"));
        }
        Ok(Self(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised address, by value.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn code_of(input: &str) -> &'static str {
        Email::parse(input).unwrap_err().code
    }

    #[test]
    fn email_is_trimmed_and_lowercased() {
        let email = Email::parse("  Marie.Dupont@Example.FR \n").unwrap();
        assert_eq!(email.as_str(), "marie.dupont@example.fr");
        assert_eq!(email.domain(), "example.fr");
    }

    #[test]
    fn empty_email_is_required() {
        assert_eq!(code_of("   "), "required");
        assert_eq!(Email::parse("").unwrap_err().field, "email");
    }

    #[test]
    fn email_of_254_characters_is_accepted_and_255_is_too_long() {
        let domain = "@example.com";
        let fits = format!("{}{domain}", "a".repeat(254 - domain.len()));
        let too_long = format!("{}{domain}", "a".repeat(255 - domain.len()));
        assert_eq!(fits.len(), 254);
        assert!(Email::parse(&fits).is_ok());
        assert_eq!(code_of(&too_long), "too_long");
    }

    #[test]
    fn email_length_counts_characters_not_bytes() {
        let domain = "@example.com";
        let fits = format!("{}{domain}", "é".repeat(254 - domain.len()));
        assert!(fits.len() > 254);
        assert!(Email::parse(&fits).is_ok());
    }

    #[test]
    fn email_needs_exactly_one_at_sign() {
        assert_eq!(code_of("marie.example.com"), "invalid_email");
        assert_eq!(code_of("marie@dupont@example.com"), "invalid_email");
    }

    #[test]
    fn email_needs_a_local_part_and_a_dotted_domain() {
        assert_eq!(code_of("@example.com"), "invalid_email");
        assert_eq!(code_of("marie@"), "invalid_email");
        assert_eq!(code_of("marie@localhost"), "invalid_email");
        assert_eq!(code_of("marie@example."), "invalid_email");
        assert_eq!(code_of("marie@.example.com"), "invalid_email");
        assert_eq!(code_of("marie@example..com"), "invalid_email");
    }

    #[test]
    fn email_with_inner_whitespace_or_control_characters_is_rejected() {
        assert_eq!(code_of("marie dupont@example.com"), "invalid_email");
        assert_eq!(code_of("marie\u{7}@example.com"), "invalid_email");
        assert_eq!(code_of("marie@exa\tmple.com"), "invalid_email");
    }
}
