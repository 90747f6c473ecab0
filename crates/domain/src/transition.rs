//! The error every status transition returns when a move is not allowed.
//!
//! The API layer turns [`TransitionError`] into `409 Conflict` and shows `allowed`, so a caller
//! learns what it *can* do next instead of only what it cannot.

use crate::string_enum::StringEnum;

/// A status change that the aggregate's transition graph does not allow.
///
/// All fields are wire values (`snake_case`), ready to be put into a problem+json body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot move {entity} from {from} to {to}; allowed: {}", list_or_none(.allowed))]
pub struct TransitionError {
    /// The aggregate, e.g. `"service_request"`, `"appointment"`.
    pub entity: &'static str,
    /// The current status.
    pub from: &'static str,
    /// The requested status.
    pub to: &'static str,
    /// Every status reachable from `from` in one step; empty when `from` is terminal.
    pub allowed: Vec<&'static str>,
}

fn list_or_none(allowed: &[&str]) -> String {
    if allowed.is_empty() {
        "none".to_owned()
    } else {
        allowed.join(", ")
    }
}

/// Shared body of every `transition` function: `to` is accepted iff it is in `allowed`.
///
/// The `allowed` slice always comes from the aggregate's hand-written, exhaustive
/// `allowed_next` match; this helper only avoids repeating the error construction.
pub(crate) fn check<S: StringEnum>(
    entity: &'static str,
    from: S,
    to: S,
    allowed: &'static [S],
) -> Result<S, TransitionError> {
    if allowed.contains(&to) {
        Ok(to)
    } else {
        Err(TransitionError {
            entity,
            from: from.as_str(),
            to: to.as_str(),
            allowed: allowed.iter().map(|s| s.as_str()).collect(),
        })
    }
}

/// Test helper shared by the aggregates' exhaustive transition tests.
#[cfg(test)]
pub(crate) mod testing {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::TransitionError;
    use crate::string_enum::StringEnum;

    /// Checks `transition` and `allowed_next` against a literal expected table.
    ///
    /// The table must list every status exactly once; for every `(from, to)` in `ALL x ALL`,
    /// `transition` must succeed iff `to` is in the table row of `from`, and `allowed_next`
    /// must be exactly that row (same order, so error messages are stable).
    pub(crate) fn assert_transition_table<S: StringEnum>(
        entity: &str,
        expected: &[(S, &[S])],
        allowed_next: fn(S) -> &'static [S],
        transition: fn(S, S) -> Result<S, TransitionError>,
    ) {
        assert_eq!(
            expected.len(),
            S::ALL.len(),
            "table must list every status once"
        );
        for from in S::ALL.iter().copied() {
            let rows: Vec<_> = expected.iter().filter(|(f, _)| *f == from).collect();
            assert_eq!(
                rows.len(),
                1,
                "{from} must appear exactly once in the table"
            );
            let row = rows[0].1;
            assert_eq!(allowed_next(from), row, "allowed_next({from})");
            for to in S::ALL.iter().copied() {
                match transition(from, to) {
                    Ok(next) => {
                        assert!(row.contains(&to), "{from} -> {to} must be refused");
                        assert_eq!(next, to);
                    }
                    Err(err) => {
                        assert!(!row.contains(&to), "{from} -> {to} must be allowed");
                        assert_eq!(err.entity, entity);
                        assert_eq!(err.from, from.as_str());
                        assert_eq!(err.to, to.as_str());
                        let names: Vec<&str> = row.iter().map(|s| s.as_str()).collect();
                        assert_eq!(err.allowed, names);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_error_message_names_the_allowed_transitions() {
        let err = TransitionError {
            entity: "service_request",
            from: "accepted",
            to: "cancelled",
            allowed: vec!["planned"],
        };
        assert_eq!(
            err.to_string(),
            "cannot move service_request from accepted to cancelled; allowed: planned"
        );
    }

    #[test]
    fn transition_error_from_a_terminal_status_says_none_are_allowed() {
        let err = TransitionError {
            entity: "service_request",
            from: "rejected",
            to: "accepted",
            allowed: vec![],
        };
        assert_eq!(
            err.to_string(),
            "cannot move service_request from rejected to accepted; allowed: none"
        );
    }
}
