//! The outbox worker: claim due mails with a lease, render, send, record the outcome.
//!
//! [`send_due`] is one pass and is what tests call, with the clock they want. [`spawn`] runs
//! passes in the background of a serving process: every [`WorkerOptions::poll_interval`]
//! (jittered), at once when woken through the [`Notify`] in `AppState`, and back to back while
//! full batches keep coming.
//!
//! Guarantees:
//! - No mail is lost: a row leaves the outbox's to-do set only when a transport accepted it
//!   (`sent_at`) or it failed for good (`attempts = max_attempts`, `last_error`). A crash while
//!   sending leaves the lease to run out, after which any worker sends the mail again.
//! - No mail is sent twice by two workers: a row is sent only by the worker whose lease
//!   (`claimed_until`) the claim set, see `ordinavo_persistence::mail_outbox`. (A crash between
//!   the SMTP server's "250" and `mark_sent` means one resend; the `Message-ID` is the outbox id,
//!   the same on every attempt, so receiving systems can tell.)
//! - A failed attempt is retried after `30 s × 2^attempts`, capped at one hour, jittered
//!   downwards by up to a fifth so a backlog does not retry in lockstep.
//! - An unknown template, an unusable payload or recipient address fails the row at once, and
//!   so does the last allowed attempt; either way the payload is blanked like a sent one.
//!
//! Logs name the template, the outbox id and the recipient's domain, never the address, the
//! payload or the body (they hold one-time links).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use ordinavo_persistence::mail_outbox::{self, ClaimedMail};
use ordinavo_persistence::{Db, time};
use rand::RngExt;
use secrecy::ExposeSecret;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::templates::{self, RenderedMail};
use super::transport::{self, MailTransport};
use crate::config::Settings;

/// Tuning of the worker; the defaults suit production.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Mails claimed per pass.
    pub batch_size: i64,
    /// How long a claim holds its rows. Longer than a batch can take to send: a lease that runs
    /// out mid-batch lets another worker take the rest, so the worker hands back whatever it
    /// has not started when less than [`WorkerOptions::lease_margin`] is left.
    pub lease: Duration,
    /// Hand unsent claimed mails back when the lease has less than this left.
    pub lease_margin: Duration,
    /// Attempts before a mail is given up (with the default backoff, about 14 hours).
    pub max_attempts: i64,
    /// Delay before the first retry; doubled for each further attempt.
    pub retry_base: Duration,
    /// The longest delay between two attempts.
    pub retry_cap: Duration,
    /// Pause between two passes when there is nothing (more) to send.
    pub poll_interval: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            batch_size: 20,
            lease: Duration::from_secs(10 * 60),
            lease_margin: transport::SMTP_TIMEOUT * 8,
            max_attempts: 20,
            retry_base: Duration::from_secs(30),
            retry_cap: Duration::from_secs(60 * 60),
            poll_interval: Duration::from_millis(1500),
        }
    }
}

/// What a pass needs besides the database: where mail goes, who sends it, how to retry.
#[derive(Debug, Clone)]
pub struct Mailer {
    pub transport: MailTransport,
    /// The `From` of every mail (`ORDINAVO_MAIL_FROM`).
    pub from: Mailbox,
    pub options: WorkerOptions,
}

impl Mailer {
    pub fn new(transport: MailTransport, from: Mailbox, options: WorkerOptions) -> Self {
        Self {
            transport,
            from,
            options,
        }
    }

    /// SMTP when `ORDINAVO_SMTP_URL` is set, otherwise `.eml` files under `<data dir>/mail`;
    /// sender `ORDINAVO_MAIL_FROM`. Call inside the Tokio runtime (the SMTP pool starts a task).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings.mail_from.parse().context(
            "ORDINAVO_MAIL_FROM is not a valid address such as Portal <portal@example.com>",
        )?;
        let transport = match &settings.smtp_url {
            Some(url) => {
                let url = url.expose_secret();
                if settings.production && transport::is_plaintext_smtp_url(url) {
                    tracing::warn!(
                        "ORDINAVO_SMTP_URL uses plain smtp:// without TLS; add ?tls=starttls or \
                         use smtps:// unless the server is local"
                    );
                }
                MailTransport::smtp(url).context("ORDINAVO_SMTP_URL")?
            }
            None => MailTransport::files(settings.data_dir.join("mail")),
        };
        Ok(Self::new(transport, from, WorkerOptions::default()))
    }
}

/// How a pass went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Rows this pass leased.
    pub claimed: usize,
    /// Accepted by the transport and marked sent.
    pub sent: usize,
    /// Failed, to be retried later.
    pub retried: usize,
    /// Failed for good.
    pub failed: usize,
    /// Handed back unsent (lease nearly over).
    pub released: usize,
}

/// One pass at time `now`: claims the mails due then and sends them. Returns how many were sent.
///
/// Several passes may run at once, in one process or many: each mail is sent by one of them.
#[tracing::instrument(skip_all)]
pub async fn send_due(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> anyhow::Result<usize> {
    Ok(run_pass(db, mailer, now).await?.sent)
}

/// [`send_due`] with the whole report.
#[tracing::instrument(skip_all, fields(claimed, sent, retried, failed))]
pub async fn run_pass(db: &Db, mailer: &Mailer, now: DateTime<Utc>) -> anyhow::Result<PassReport> {
    let opts = &mailer.options;
    let now = time::stored(now);
    let lease_until = time::stored(now + chrono_duration(opts.lease));
    let claimed = mail_outbox::claim_due(
        db.exec(),
        now,
        lease_until,
        opts.max_attempts,
        opts.batch_size,
    )
    .await
    .context("cannot claim due mails")?;
    let mut report = PassReport {
        claimed: claimed.len(),
        ..PassReport::default()
    };
    // The pass's clock: `now` plus the time the pass has taken so far (tests pass any `now`).
    let started = Instant::now();
    let clock = || time::stored(now + chrono_duration(started.elapsed()));
    let margin = chrono_duration(opts.lease_margin);

    for mail in &claimed {
        if time::now() + margin >= mail.lease_until || clock() + margin >= mail.lease_until {
            mail_outbox::release(db.exec(), mail).await?;
            report.released += 1;
            continue;
        }
        let domain = recipient_domain(&mail.to_address);
        let message = match compose(mailer, mail) {
            Ok(message) => message,
            Err(reason) => {
                tracing::warn!(
                    outbox_id = %mail.id, template = %mail.template, %domain, %reason,
                    "mail cannot be sent; giving up on it"
                );
                mail_outbox::mark_failed(db.exec(), mail, opts.max_attempts, &reason).await?;
                report.failed += 1;
                continue;
            }
        };
        match mailer.transport.send(mail.id, message).await {
            Ok(()) => {
                if mail_outbox::mark_sent(db.exec(), mail, clock()).await? {
                    tracing::info!(
                        outbox_id = %mail.id, template = %mail.template, %domain,
                        attempt = mail.attempts + 1, "mail sent"
                    );
                } else {
                    tracing::warn!(
                        outbox_id = %mail.id, template = %mail.template,
                        "mail sent after its lease ran out; another worker may send it again"
                    );
                }
                report.sent += 1;
            }
            Err(e) => {
                let error = truncate(&e.to_string(), 500);
                let attempt = mail.attempts + 1;
                if attempt >= opts.max_attempts {
                    tracing::error!(
                        outbox_id = %mail.id, template = %mail.template, %domain, attempt,
                        error = %error, "mail could not be delivered; giving up"
                    );
                    let error = format!("gave up after {attempt} attempts: {error}");
                    mail_outbox::mark_failed(db.exec(), mail, opts.max_attempts, &error).await?;
                    report.failed += 1;
                } else {
                    let next = clock() + retry_delay(mail.attempts, opts);
                    tracing::warn!(
                        outbox_id = %mail.id, template = %mail.template, %domain, attempt,
                        error = %error, next_attempt_at = %next, "mail delivery failed; will retry"
                    );
                    mail_outbox::mark_retry(db.exec(), mail, next, &error).await?;
                    report.retried += 1;
                }
            }
        }
    }
    let span = tracing::Span::current();
    span.record("claimed", report.claimed);
    span.record("sent", report.sent);
    span.record("retried", report.retried);
    span.record("failed", report.failed);
    Ok(report)
}

/// Renders the row and builds the message; `Err` is a permanent reason (never quoting the
/// payload or the address).
fn compose(mailer: &Mailer, mail: &ClaimedMail) -> Result<Message, String> {
    let RenderedMail {
        subject,
        text,
        html,
    } = templates::render(&mail.template, mail.locale, &mail.payload).map_err(|e| e.to_string())?;
    let to: Mailbox = mail
        .to_address
        .parse()
        .map_err(|_| "the recipient address is not valid".to_string())?;
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!(
            "<{}@{}>",
            mail.id,
            mailer.from.email.domain()
        )))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Content-Language"),
            mail.locale.as_str().to_string(),
        ))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_string(),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// The delay before the next attempt after `attempts_before` earlier attempts and this failed
/// one: `retry_base × 2^attempts_before`, at most `retry_cap`, minus up to 20 % of jitter.
pub fn retry_delay(attempts_before: i64, opts: &WorkerOptions) -> chrono::Duration {
    let exponent = u32::try_from(attempts_before.clamp(0, 30)).unwrap_or(30);
    let base = opts
        .retry_base
        .checked_mul(2u32.saturating_pow(exponent))
        .unwrap_or(opts.retry_cap)
        .min(opts.retry_cap);
    let factor: f64 = rand::rng().random_range(0.8..=1.0);
    chrono_duration(base.mul_f64(factor))
}

/// The part after the last `@`, lowercased: the most of an address that may be logged.
fn recipient_domain(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim().trim_end_matches('>').to_ascii_lowercase())
        .unwrap_or_default()
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The background worker of a serving process; stop it with [`MailWorker::stop`].
#[derive(Debug)]
pub struct MailWorker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// Starts the background worker on the current Tokio runtime. `wakeup` lets code that just
/// committed a mail ask for a pass now (`state.mail_wakeup.notify_one()`).
pub fn spawn(db: Db, mailer: Mailer, wakeup: Arc<Notify>) -> MailWorker {
    let (stop, mut stopped) = watch::channel(false);
    tracing::info!(
        transport = mailer.transport.kind(),
        "mail outbox worker started"
    );
    let task = tokio::spawn(async move {
        loop {
            let more = match run_pass(&db, &mailer, time::now()).await {
                Ok(report) => {
                    i64::try_from(report.claimed).unwrap_or(i64::MAX) >= mailer.options.batch_size
                        && report.released == 0
                }
                Err(e) => {
                    tracing::error!(error = format!("{e:#}"), "mail outbox pass failed");
                    false
                }
            };
            if *stopped.borrow() {
                break;
            }
            if more {
                continue;
            }
            let pause = mailer
                .options
                .poll_interval
                .mul_f64(rand::rng().random_range(0.75..=1.25));
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = wakeup.notified() => {}
                _ = stopped.changed() => break,
            }
        }
        tracing::info!("mail outbox worker stopped");
    });
    MailWorker { stop, task }
}

impl MailWorker {
    /// Asks the worker to stop after its current pass and waits for it (at most a minute:
    /// whatever it still holds is released by its lease running out).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(60), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour_with_jitter() {
        let opts = WorkerOptions::default();
        for (attempts, full) in [(0, 30), (1, 60), (2, 120), (6, 1920), (7, 3600), (40, 3600)] {
            for _ in 0..50 {
                let d = retry_delay(attempts, &opts).num_milliseconds();
                assert!(d <= full * 1000, "{attempts}: {d}");
                assert!(d >= full * 800, "{attempts}: {d}");
            }
        }
    }

    #[test]
    fn only_the_recipients_domain_is_kept_for_logs() {
        assert_eq!(recipient_domain("Jeanne.Dupont@Example.COM"), "example.com");
        assert_eq!(recipient_domain("no-at-sign"), "");
    }

    #[test]
    fn the_default_lease_outlasts_a_batch_margin() {
        let opts = WorkerOptions::default();
        assert!(opts.lease > opts.lease_margin * 2);
        assert!(opts.retry_cap >= opts.retry_base);
    }
}
