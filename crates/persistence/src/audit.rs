//! The audit log (internal only): who did what to which subject, from where, when. Written in
//! the same transaction as the change it records; never carries secrets or tokens.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::{Exec, run, time};

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Staff,
    ApiKey,
    Portal,
    System,
    Anonymous,
}

impl ActorKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ActorKind::Staff => "staff",
            ActorKind::ApiKey => "api_key",
            ActorKind::Portal => "portal",
            ActorKind::System => "system",
            ActorKind::Anonymous => "anonymous",
        }
    }
}

/// One audit row to write.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    /// A dotted verb, e.g. `portal.login.failed`, `staff.api_key.created`.
    pub action: &'static str,
    pub subject_kind: Option<&'static str>,
    pub subject_id: Option<Uuid>,
    pub ip: Option<String>,
    /// A JSON object of non-secret context; `{}` when empty.
    pub details: serde_json::Value,
}

impl AuditEntry {
    pub fn new(actor_kind: ActorKind, actor_id: Option<Uuid>, action: &'static str) -> Self {
        Self {
            actor_kind,
            actor_id,
            action,
            subject_kind: None,
            subject_id: None,
            ip: None,
            details: serde_json::json!({}),
        }
    }

    pub fn subject(mut self, kind: &'static str, id: Uuid) -> Self {
        self.subject_kind = Some(kind);
        self.subject_id = Some(id);
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Appends one audit row.
#[tracing::instrument(skip_all, fields(action = entry.action))]
pub async fn record(ex: Exec<'_>, entry: &AuditEntry) -> Result<(), StoreError> {
    let at: DateTime<Utc> = time::now();
    run!(ex, |c| {
        sqlx::query(
            "INSERT INTO audit_log (id, actor_kind, actor_id, action, subject_kind, subject_id, \
             ip, at, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(Uuid::new_v4())
        .bind(entry.actor_kind.as_str())
        .bind(entry.actor_id)
        .bind(entry.action)
        .bind(entry.subject_kind)
        .bind(entry.subject_id)
        .bind(&entry.ip)
        .bind(at)
        .bind(Json(&entry.details))
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}
