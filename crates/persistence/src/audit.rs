//! The audit log (internal only): who did what to which subject, from where, when. Written in
//! the same transaction as the change it records; never carries secrets or tokens.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
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
    /// Every kind, in the order of the `ck_audit_log_actor_kind` check.
    pub const ALL: &'static [ActorKind] = &[
        ActorKind::Staff,
        ActorKind::ApiKey,
        ActorKind::Portal,
        ActorKind::System,
        ActorKind::Anonymous,
    ];

    /// The kind stored as `value` (the inverse of [`ActorKind::as_str`]).
    pub fn parse(value: &str) -> Option<ActorKind> {
        Self::ALL.iter().copied().find(|k| k.as_str() == value)
    }

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

/// One audit row as staff read it back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub id: Uuid,
    pub actor_kind: ActorKind,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<Uuid>,
    pub ip: Option<String>,
    pub at: DateTime<Utc>,
    pub details: serde_json::Value,
}

/// Which audit rows to list; `None` matches everything. `from` is inclusive, `to` exclusive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_kind: Option<ActorKind>,
    pub subject_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    actor_kind: String,
    actor_id: Option<Uuid>,
    action: String,
    subject_kind: Option<String>,
    subject_id: Option<Uuid>,
    ip: Option<String>,
    at: DateTime<Utc>,
    details: Json<serde_json::Value>,
}

impl TryFrom<Row> for AuditRecord {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let actor_kind = ActorKind::parse(&r.actor_kind).ok_or_else(|| {
            StoreError::Other(format!(
                "unexpected actor kind in database: {}",
                r.actor_kind
            ))
        })?;
        Ok(AuditRecord {
            id: r.id,
            actor_kind,
            actor_id: r.actor_id,
            action: r.action,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            ip: r.ip,
            at: r.at,
            details: r.details.0,
        })
    }
}

/// Audit rows matching `filter`, newest first, keyset by (at, id) after `after`.
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    filter: &AuditFilter,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<AuditRecord>, StoreError> {
    let (at, id) = after.map_or((time::far_future(), Uuid::max()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(
            "SELECT id, actor_kind, actor_id, action, subject_kind, subject_id, ip, at, details \
             FROM audit_log \
             WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR actor_kind = $2) \
             AND ($3 IS NULL OR subject_id = $3) AND ($4 IS NULL OR at >= $4) \
             AND ($5 IS NULL OR at < $5) AND (at, id) < ($6, $7) \
             ORDER BY at DESC, id DESC LIMIT $8",
        )
        .bind(filter.action.as_deref())
        .bind(filter.actor_kind.map(ActorKind::as_str))
        .bind(filter.subject_id)
        .bind(filter.from.map(time::stored))
        .bind(filter.to.map(time::stored))
        .bind(time::stored(at))
        .bind(id)
        .bind(limit.fetch())
        .fetch_all(c)
        .await
    })?;
    let items = rows
        .into_iter()
        .map(AuditRecord::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |r: &AuditRecord| {
        Cursor::new(r.at, r.id)
    }))
}
