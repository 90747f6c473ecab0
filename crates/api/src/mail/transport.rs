//! Where rendered mails go: an SMTP server through lettre (`ORDINAVO_SMTP_URL`), or `.eml`
//! files under `<data dir>/mail` when no SMTP server is configured (the embedded run).
//!
//! SMTP URLs:
//! - `smtp://host:port` — plain SMTP, no TLS: for a local sink (MailHog, Mailpit, a test).
//! - `smtp://user:pass@host:587?tls=starttls` (or lettre's own `tls=required`) — STARTTLS,
//!   required; `?tls=opportunistic` upgrades only when the server offers it.
//! - `smtps://user:pass@host` — implicit TLS (port 465 unless given).
//!
//! User and password are percent-decoded; the URL is never logged.
//!
//! Files are named `<outbox id>.eml` and written atomically (temporary file, then rename), so a
//! resend after a crash replaces the file instead of adding a second copy, and a reader never
//! sees half a mail. They are created readable by the owner only: they hold one-time links.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use ordinavo_domain::ids::OutboxId;

/// How long one SMTP command may take before the attempt counts as failed.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A mail transport. Cheap to clone (the SMTP variant shares one connection pool).
#[derive(Clone)]
pub enum MailTransport {
    /// lettre's pooled asynchronous SMTP client.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per mail in this directory.
    Files(PathBuf),
}

/// The SMTP variant may hold credentials: `Debug` names the kind only.
impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MailTransport::Smtp(_) => f.write_str("MailTransport::Smtp(..)"),
            MailTransport::Files(dir) => f.debug_tuple("MailTransport::Files").field(dir).finish(),
        }
    }
}

/// An SMTP URL lettre cannot use. Never contains the URL (it may carry a password).
#[derive(Debug, thiserror::Error)]
#[error("unusable SMTP URL: {0}")]
pub struct SmtpUrlError(String);

/// A failed delivery attempt. Every such failure is retried with backoff: an unreachable server,
/// a 4xx and even a 5xx answer (often a misconfiguration that staff fix, e.g. a rejected login)
/// must not lose an invitation.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(String);

impl MailTransport {
    /// An SMTP transport for `url` (see the module docs for the accepted forms). Must be called
    /// inside the Tokio runtime: the connection pool starts a task.
    pub fn smtp(url: &str) -> Result<Self, SmtpUrlError> {
        let url = normalise_smtp_url(url)?;
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| SmtpUrlError(e.to_string()))?;
        Ok(MailTransport::Smtp(
            builder.timeout(Some(SMTP_TIMEOUT)).build(),
        ))
    }

    /// A transport that writes `<outbox id>.eml` files into `dir` (created when needed).
    pub fn files(dir: impl Into<PathBuf>) -> Self {
        MailTransport::Files(dir.into())
    }

    /// `smtp` or `files`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            MailTransport::Smtp(_) => "smtp",
            MailTransport::Files(_) => "files",
        }
    }

    /// Delivers one message (`id` names the file of the file transport).
    #[tracing::instrument(skip_all, fields(transport = self.kind()))]
    pub async fn send(&self, id: OutboxId, message: Message) -> Result<(), SendError> {
        match self {
            MailTransport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError(format!("SMTP: {e}"))),
            MailTransport::Files(dir) => write_eml(dir, id, &message.formatted())
                .await
                .map_err(|e| SendError(format!("cannot write the mail file: {e}"))),
        }
    }
}

/// Accepts `tls=starttls` as a friendlier spelling of lettre's `tls=required`, and checks the
/// scheme; everything else is lettre's URL syntax.
fn normalise_smtp_url(raw: &str) -> Result<String, SmtpUrlError> {
    let mut url = url::Url::parse(raw.trim())
        .map_err(|_| SmtpUrlError("not a URL (expected smtp://host:port)".into()))?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(SmtpUrlError("the scheme must be smtp or smtps".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(SmtpUrlError("no host".into()));
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "tls" && v.eq_ignore_ascii_case("starttls") {
                "required".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Ok(url.to_string())
}

/// True when `url` sends mail (and any password) in clear text: `smtp://` without a `tls`
/// parameter. Fine for a local sink, worth a warning in production.
pub fn is_plaintext_smtp_url(url: &str) -> bool {
    url::Url::parse(url.trim())
        .map(|u| u.scheme() == "smtp" && !u.query_pairs().any(|(k, _)| k == "tls"))
        .unwrap_or(false)
}

async fn write_eml(dir: &Path, id: OutboxId, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;

    tokio::fs::create_dir_all(dir).await?;
    let target = dir.join(format!("{id}.eml"));
    let partial = dir.join(format!(".{id}.eml.partial"));
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(&partial).await?;
    file.write_all(bytes).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&partial, &target).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn starttls_is_lettres_required_tls() {
        assert_eq!(
            normalise_smtp_url("smtp://u:p@mail.example.com:587?tls=starttls").unwrap(),
            "smtp://u:p@mail.example.com:587?tls=required"
        );
        assert_eq!(
            normalise_smtp_url("smtp://127.0.0.1:1025").unwrap(),
            "smtp://127.0.0.1:1025"
        );
    }

    #[test]
    fn a_bad_smtp_url_is_refused_without_echoing_it() {
        for bad in [
            "http://u:s3cret@x",
            "smtp://",
            "not a url s3cret",
            "smtp://u:s3cret@host?tls=bogus",
        ] {
            let err = match bad {
                "smtp://u:s3cret@host?tls=bogus" => {
                    // lettre rejects unknown tls modes when building.
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    rt.block_on(async { MailTransport::smtp(bad).unwrap_err() })
                }
                _ => normalise_smtp_url(bad).unwrap_err(),
            };
            assert!(!err.to_string().contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn plaintext_smtp_is_recognised() {
        assert!(is_plaintext_smtp_url("smtp://127.0.0.1:1025"));
        assert!(!is_plaintext_smtp_url("smtp://h:587?tls=required"));
        assert!(!is_plaintext_smtp_url("smtps://u:p@h"));
    }

    #[tokio::test]
    async fn debug_never_shows_smtp_credentials() {
        let t = MailTransport::smtp("smtps://user:s3cret@mail.example.com").unwrap();
        assert!(!format!("{t:?}").contains("s3cret"));
    }
}
