//! Mail: the outbox worker that turns `mail_outbox` rows into sent mail.
//!
//! A guided tour:
//! - Enqueueing is not here: the code that changes state builds a template payload from
//!   [`templates`] (e.g. [`templates::InvitationMail`]), turns it into a
//!   `ordinavo_persistence::mail_outbox::NewMail` with its `to_mail(to, locale)`, and calls
//!   `mail_outbox::enqueue(tx.exec(), &mail)` in the SAME transaction as the change, so a crash
//!   or an SMTP outage loses nothing. After the commit it may call
//!   `state.mail_wakeup.notify_one()` so the worker sends at once instead of at its next poll.
//! - [`templates`]: the template names, their payload structs and their texts in English,
//!   French and German (subject, plain text, escaped HTML alternative).
//! - [`transport`]: SMTP through lettre (`ORDINAVO_SMTP_URL`) or `.eml` files under
//!   `<data dir>/mail` by default.
//! - [`worker`]: one pass ([`send_due`]) claims due rows with a lease, renders and sends them,
//!   and records the outcome (sent with the payload blanked, retry with exponential backoff,
//!   or failed for good); [`spawn`] runs passes in the background of `ordinavo serve`.

pub mod templates;
pub mod transport;
pub mod worker;

pub use templates::{
    InvitationMail, PasswordResetMail, RenderedMail, ReportSharedMail, RequestStatusChangedMail,
    portal_link,
};
pub use transport::MailTransport;
pub use worker::{MailWorker, Mailer, PassReport, WorkerOptions, run_pass, send_due, spawn};
