//! The customer languages the portal speaks (English, French, German) and the small [`Labels`]
//! table type every translated label in this crate is written with.

use crate::string_enum::string_enum;

string_enum! {
    /// A supported customer language. Stored on the portal user and used for every label and
    /// mail; English is the fallback when nothing better is known.
    #[derive(Default)]
    pub enum Locale: "locale" {
        /// English (fallback).
        #[default]
        En = "en",
        /// French.
        Fr = "fr",
        /// German.
        De = "de",
    }
}

impl Locale {
    /// Maps a BCP 47 language tag to a supported locale by its primary subtag,
    /// ASCII-case-insensitively: `"fr-CH"`, `"FR"`, `"de_AT"` all match; `None` otherwise.
    pub fn from_language_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Some(Self::En)
        } else if primary.eq_ignore_ascii_case("fr") {
            Some(Self::Fr)
        } else if primary.eq_ignore_ascii_case("de") {
            Some(Self::De)
        } else {
            None
        }
    }

    /// Picks the best supported locale from an HTTP `Accept-Language` header.
    ///
    /// The entry with the highest q-value that maps to a supported language wins; on a tie the
    /// earlier entry wins (the header order is the user's order). Entries with `q=0` (explicitly
    /// "not acceptable"), malformed q-values, `*` and unsupported languages are skipped.
    /// Falls back to [`Locale::En`], so this never fails.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(Self, u16)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default();
            let quality = parts
                .map(str::trim)
                .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .map_or(Some(1000), parse_quality);
            let (Some(locale), Some(quality)) = (Self::from_language_tag(tag), quality) else {
                continue;
            };
            if quality > 0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((locale, quality));
            }
        }
        best.map(|(locale, _)| locale).unwrap_or_default()
    }
}

/// Parses an RFC 9110 q-value into thousandths (`"0.8"` -> 800); `None` if out of range.
fn parse_quality(text: &str) -> Option<u16> {
    let value: f64 = text.trim().parse().ok()?;
    if (0.0..=1.0).contains(&value) {
        // In range 0..=1000 by the check above, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some((value * 1000.0).round() as u16)
    } else {
        None
    }
}

/// One label in every supported language.
///
/// Written as a struct literal so adding a [`Locale`] fails to compile until every label of
/// the crate has the new translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    /// English.
    pub en: &'static str,
    /// French (with accents).
    pub fr: &'static str,
    /// German (with umlauts).
    pub de: &'static str,
}

impl Labels {
    /// The label in `locale`.
    pub const fn get(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.en,
            Locale::Fr => self.fr,
            Locale::De => self.de,
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::{Labels, Locale};
    use std::collections::HashSet;

    /// Checks a complete label table: every label non-empty and trimmed, French and German
    /// differ from English, and no two items share a label within one language (a customer
    /// could not tell them apart).
    pub(crate) fn assert_label_table<T: std::fmt::Debug>(items: &[(T, Labels)]) {
        for (item, labels) in items {
            for locale in Locale::ALL.iter().copied() {
                let label = labels.get(locale);
                assert!(!label.is_empty(), "{item:?} has no {locale} label");
                assert_eq!(
                    label,
                    label.trim(),
                    "{item:?} {locale} label has stray spaces"
                );
            }
            assert_ne!(
                labels.fr, labels.en,
                "{item:?}: French label is untranslated"
            );
            assert_ne!(
                labels.de, labels.en,
                "{item:?}: German label is untranslated"
            );
        }
        for locale in Locale::ALL.iter().copied() {
            let distinct: HashSet<&str> = items.iter().map(|(_, l)| l.get(locale)).collect();
            assert_eq!(distinct.len(), items.len(), "duplicate {locale} labels");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_locale_is_english() {
        assert_eq!(Locale::default(), Locale::En);
    }

    #[test]
    fn language_tag_matches_on_primary_subtag_ignoring_case() {
        assert_eq!(Locale::from_language_tag("fr-CH"), Some(Locale::Fr));
        assert_eq!(Locale::from_language_tag("DE_at"), Some(Locale::De));
        assert_eq!(Locale::from_language_tag(" en "), Some(Locale::En));
        assert_eq!(Locale::from_language_tag("it"), None);
        assert_eq!(Locale::from_language_tag("*"), None);
        assert_eq!(Locale::from_language_tag(""), None);
    }

    #[test]
    fn accept_language_picks_the_highest_quality_supported_language() {
        assert_eq!(
            Locale::from_accept_language("it-IT, de;q=0.7, fr;q=0.9, en;q=0.8"),
            Locale::Fr
        );
    }

    #[test]
    fn accept_language_prefers_the_earlier_entry_on_equal_quality() {
        assert_eq!(Locale::from_accept_language("de-CH, fr"), Locale::De);
        assert_eq!(
            Locale::from_accept_language("fr;q=0.5, de;q=0.5"),
            Locale::Fr
        );
    }

    #[test]
    fn accept_language_skips_unacceptable_malformed_and_wildcard_entries() {
        assert_eq!(Locale::from_accept_language("fr;q=0, de;q=0.1"), Locale::De);
        assert_eq!(
            Locale::from_accept_language("fr;q=abc, de;q=0.2"),
            Locale::De
        );
        assert_eq!(
            Locale::from_accept_language("fr;q=1.5, de;q=0.2"),
            Locale::De
        );
        assert_eq!(Locale::from_accept_language("*, de;q=0.2"), Locale::De);
    }

    #[test]
    fn accept_language_falls_back_to_english() {
        assert_eq!(Locale::from_accept_language(""), Locale::En);
        assert_eq!(Locale::from_accept_language("es, it;q=0.8"), Locale::En);
        assert_eq!(Locale::from_accept_language("fr;q=0"), Locale::En);
    }

    #[test]
    fn labels_return_the_requested_language() {
        let labels = Labels {
            en: "Planned",
            fr: "Planifié",
            de: "Geplant",
        };
        assert_eq!(labels.get(Locale::En), "Planned");
        assert_eq!(labels.get(Locale::Fr), "Planifié");
        assert_eq!(labels.get(Locale::De), "Geplant");
    }
}
