//! Edge validation shared by both surfaces: request bodies are parsed field by field into
//! typed values, and EVERY invalid field is reported at once as a 400 `validation_failed`
//! problem whose `errors` name the fields (`ordinavo_domain::input` holds the newtypes; this
//! module adds the few rules that are about the wire: choices, free text of a given length,
//! country codes, time zones, and "absent vs null" in partial updates).

use std::str::FromStr;

use ordinavo_domain::input::{ValidationError, codes};
use ordinavo_domain::string_enum::StringEnum;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::error::{ApiError, FieldError};

/// Stable codes of the field errors this module adds to [`ordinavo_domain::input::codes`].
pub mod extra_codes {
    /// The value is not one of the allowed choices (the message lists them).
    pub const INVALID_CHOICE: &str = "invalid_choice";
    /// Not an ISO 3166-1 alpha-2 country code.
    pub const INVALID_COUNTRY: &str = "invalid_country";
    /// Not an IANA time zone name.
    pub const INVALID_TIMEZONE: &str = "invalid_timezone";
    /// Not a plausible phone number.
    pub const INVALID_PHONE: &str = "invalid_phone";
    /// A field that may be omitted but not set to `null`.
    pub const NOT_NULLABLE: &str = "not_nullable";
}

impl From<ValidationError> for FieldError {
    fn from(e: ValidationError) -> Self {
        FieldError {
            field: e.field,
            code: e.code.to_string(),
            message: e.message,
        }
    }
}

/// Collects every invalid field of one request.
///
/// Typical use: `let name = errors.check(Title::parse(&dto.name));` for each field, then
/// `let (Some(name), …) = (name, …) else { return Err(errors.into_error()) };`.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the error of `result`, if any, and returns its value otherwise.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e.into());
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The 400 `validation_failed` problem naming every recorded field.
    pub fn into_error(self) -> ApiError {
        ApiError::invalid_fields(self.0)
    }

    /// `Ok(())` when nothing was recorded, else the problem naming every field.
    pub fn into_result(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

/// Free text under `field`: trimmed, not empty, at most `max_chars` characters (not bytes),
/// no control characters (line breaks and tabs allowed when `multiline`).
pub fn text(
    field: &str,
    input: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<String, ValidationError> {
    let value = input.trim();
    if value.is_empty() {
        return Err(ValidationError::new(
            field,
            codes::REQUIRED,
            "must not be empty",
        ));
    }
    if value.chars().count() > max_chars {
        return Err(ValidationError::new(
            field,
            codes::TOO_LONG,
            format!("must be at most {max_chars} characters"),
        ));
    }
    let forbidden = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if value.chars().any(forbidden) {
        return Err(ValidationError::new(
            field,
            codes::INVALID_CHARACTERS,
            if multiline {
                "must not contain control characters"
            } else {
                "must be a single line without control characters"
            },
        ));
    }
    Ok(value.to_owned())
}

/// Optional free text: `None`, empty or blank all mean "no value"; otherwise as [`text`].
pub fn optional_text(
    field: &str,
    input: Option<&str>,
    max_chars: usize,
    multiline: bool,
) -> Result<Option<String>, ValidationError> {
    match input.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(value) => text(field, value, max_chars, multiline).map(Some),
    }
}

/// One of a string-coded domain enum's wire values (exact, case-sensitive).
pub fn choice<E: StringEnum>(field: &str, input: &str) -> Result<E, ValidationError> {
    E::from_str(input).map_err(|_| {
        ValidationError::new(
            field,
            extra_codes::INVALID_CHOICE,
            format!("must be one of: {}", E::VALUES.join(", ")),
        )
    })
}

/// An ISO 3166-1 alpha-2 country code, normalised to uppercase (`fr` → `FR`).
pub fn country(field: &str, input: &str) -> Result<String, ValidationError> {
    let code = input.trim().to_ascii_uppercase();
    if ISO_3166_ALPHA_2.binary_search(&code.as_str()).is_ok() {
        Ok(code)
    } else {
        Err(ValidationError::new(
            field,
            extra_codes::INVALID_COUNTRY,
            "must be an ISO 3166-1 alpha-2 country code such as FR, DE or CH",
        ))
    }
}

/// An IANA time zone name (`Europe/Paris`), exactly as the tz database spells it.
pub fn timezone(field: &str, input: &str) -> Result<String, ValidationError> {
    chrono_tz::Tz::from_str(input.trim())
        .map(|tz| tz.name().to_owned())
        .map_err(|_| {
            ValidationError::new(
                field,
                extra_codes::INVALID_TIMEZONE,
                "must be an IANA time zone name such as Europe/Paris",
            )
        })
}

/// An optional phone number: digits with an optional leading `+` and the usual separators
/// (spaces, `-`, `.`, `/`, parentheses); 3 to 20 digits, at most 40 characters.
pub fn optional_phone(field: &str, input: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(value) = optional_text(field, input, 40, false)? else {
        return Ok(None);
    };
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = |(i, c): (usize, char)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')') || (i == 0 && c == '+')
    };
    if (3..=20).contains(&digits) && value.chars().enumerate().all(allowed) {
        Ok(Some(value))
    } else {
        Err(ValidationError::new(
            field,
            extra_codes::INVALID_PHONE,
            "must be a phone number such as +33 1 23 45 67 89",
        ))
    }
}

/// A `NOT_NULLABLE` error: the field may be omitted (to keep it) but not set to `null`.
pub fn not_nullable(field: &str) -> ValidationError {
    ValidationError::new(
        field,
        extra_codes::NOT_NULLABLE,
        "must not be null; omit the field to keep its value",
    )
}

/// A partial-update field that cannot be cleared: absent → `Ok(None)` (keep), `null` → a
/// [`extra_codes::NOT_NULLABLE`] error, a value → `Ok(Some(v))`.
pub fn non_null<T>(field: &str, value: Option<Option<T>>) -> Result<Option<T>, ValidationError> {
    match value {
        None => Ok(None),
        Some(None) => Err(not_nullable(field)),
        Some(Some(v)) => Ok(Some(v)),
    }
}

/// Deserializes a field of a partial update that may be cleared: absent → `None` (keep),
/// `null` → `Some(None)` (clear), a value → `Some(Some(v))`. Use with `#[serde(default)]`;
/// for fields that cannot be cleared, pass the result through [`non_null`].
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The OpenAPI schema of a string-coded domain enum: a string restricted to its wire values.
pub fn enum_schema<E: StringEnum>() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(E::VALUES.iter().copied()))
        .build()
}

/// ISO 3166-1 alpha-2 codes (as in the tz database's `iso3166.tab`), sorted for binary search.
const ISO_3166_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use ordinavo_domain::roles::StaffRole;

    #[test]
    fn the_country_list_is_sorted_and_complete() {
        assert!(ISO_3166_ALPHA_2.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(ISO_3166_ALPHA_2.len(), 249);
    }

    #[test]
    fn countries_are_normalised_to_uppercase_and_checked_against_iso() {
        assert_eq!(country("country", " fr ").unwrap(), "FR");
        assert_eq!(country("country", "CH").unwrap(), "CH");
        assert_eq!(
            country("country", "ZZ").unwrap_err().code,
            "invalid_country"
        );
        assert_eq!(
            country("country", "FRA").unwrap_err().code,
            "invalid_country"
        );
    }

    #[test]
    fn time_zones_must_be_iana_names() {
        assert_eq!(
            timezone("timezone", "Europe/Paris").unwrap(),
            "Europe/Paris"
        );
        assert_eq!(
            timezone("timezone", "Europe/Atlantis").unwrap_err().code,
            "invalid_timezone"
        );
        assert!(timezone("timezone", "CET+1").is_err());
    }

    #[test]
    fn a_choice_names_the_allowed_values() {
        let err = choice::<StaffRole>("role", "owner").unwrap_err();
        assert_eq!((err.field.as_str(), err.code), ("role", "invalid_choice"));
        assert!(err.message.contains("admin, manager, dispatcher"));
        assert_eq!(
            choice::<StaffRole>("role", "manager").unwrap(),
            StaffRole::Manager
        );
    }

    #[test]
    fn blank_optional_text_is_no_value_and_long_text_is_refused() {
        assert_eq!(optional_text("x", Some("  "), 5, false).unwrap(), None);
        assert_eq!(
            optional_text("x", Some("abcdef"), 5, false)
                .unwrap_err()
                .code,
            "too_long"
        );
        assert_eq!(
            text("x", "a\nb", 5, false).unwrap_err().code,
            "invalid_characters"
        );
        assert_eq!(text("x", "a\nb", 5, true).unwrap(), "a\nb");
    }

    #[test]
    fn phones_are_plausible_numbers() {
        assert!(optional_phone("phone", Some("+33 1 23 45 67 89")).is_ok());
        assert!(optional_phone("phone", Some("(030) 123-456")).is_ok());
        assert_eq!(optional_phone("phone", None).unwrap(), None);
        assert!(optional_phone("phone", Some("call me")).is_err());
        assert!(optional_phone("phone", Some("12+34")).is_err());
    }

    #[test]
    fn absent_null_and_value_are_three_different_patches() {
        #[derive(Deserialize)]
        struct P {
            #[serde(default, deserialize_with = "nullable")]
            notes: Option<Option<String>>,
        }
        let absent: P = serde_json::from_str("{}").unwrap();
        let null: P = serde_json::from_str(r#"{"notes": null}"#).unwrap();
        let value: P = serde_json::from_str(r#"{"notes": "x"}"#).unwrap();
        assert_eq!(absent.notes, None);
        assert_eq!(null.notes, Some(None));
        assert_eq!(value.notes, Some(Some("x".into())));
    }
}
