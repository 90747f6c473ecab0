//! Validated customer and staff input: "parse, don't validate".
//!
//! Each type here can only be built through its `parse` constructor, so holding one is proof
//! the value passed the rules; handlers parse once at the edge and pass the typed value on.
//! Failures are [`ValidationError`]s with a field path and a stable [`codes`] value the API
//! turns into a `422` field error (the SPA translates the code, not the English message).

mod email;
mod error;
mod text;
mod windows;

pub use email::Email;
pub use error::{ValidationError, ValidationErrors, codes};
pub use text::{Description, DisplayName, Title};
pub use windows::{PreferredWindow, PreferredWindows};
