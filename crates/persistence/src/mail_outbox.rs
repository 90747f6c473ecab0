//! The mail outbox (internal only): mails are enqueued in the transaction of the change that
//! causes them, so a crash or an SMTP outage loses none; a worker sends them with retries.

use ordinavo_domain::ids::OutboxId;
use ordinavo_domain::locale::Locale;
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

/// A mail to send: a template name, the recipient's locale and the template's variables.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to_address: String,
    /// e.g. `portal_invitation`, `portal_password_reset`.
    pub template: &'static str,
    pub locale: Locale,
    /// The template's variables (may hold a one-time link until the mail is sent).
    pub payload: serde_json::Value,
}

/// Enqueues a mail, due now.
#[tracing::instrument(skip_all, fields(template = mail.template))]
pub async fn enqueue(ex: Exec<'_>, mail: &NewMail) -> Result<OutboxId, StoreError> {
    let id = Uuid::new_v4();
    let now = time::now();
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO mail_outbox (id, to_address, template, locale, payload, attempts, \
             next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
        )
        .bind(id)
        .bind(&mail.to_address)
        .bind(mail.template)
        .bind(mail.locale.as_str())
        .bind(Json(&mail.payload))
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(OutboxId::from_uuid(id))
}
