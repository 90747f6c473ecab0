//! The audit log (admin only): `GET /audit-log`, newest first, filterable by action, actor
//! kind, subject and time range. Read-only: rows are written by the changes they record.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use ordinavo_domain::roles::StaffRole;
use ordinavo_persistence::audit::{self, ActorKind, AuditFilter, AuditRecord};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::staff::StaffCaller;
use crate::error::{ApiError, FieldError, Problem};
use crate::fields::extra_codes;
use crate::pagination::{PageDto, page_request};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(list_audit_log),
    components(schemas(AuditRecordDto, PageDto<AuditRecordDto>)),
    tags((name = "audit-log", description = "Who did what, when (admin only)"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_audit_log);
}

fn actor_kind_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ActorKind::ALL.iter().map(|k| k.as_str())))
        .build()
}

/// One audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRecordDto {
    pub id: Uuid,
    #[schema(schema_with = actor_kind_schema)]
    pub actor_kind: &'static str,
    /// The staff user, API key or portal user who acted; absent for system and anonymous.
    pub actor_id: Option<Uuid>,
    /// A dotted verb, e.g. `staff.customer.updated`, `portal.login.failed`.
    pub action: String,
    /// What was acted on, e.g. `customer`, `api_key`.
    pub subject_kind: Option<String>,
    pub subject_id: Option<Uuid>,
    pub ip: Option<String>,
    pub at: DateTime<Utc>,
    /// Non-secret context of the action (a JSON object).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<AuditRecord> for AuditRecordDto {
    fn from(r: AuditRecord) -> Self {
        Self {
            id: r.id,
            actor_kind: r.actor_kind.as_str(),
            actor_id: r.actor_id,
            action: r.action,
            subject_kind: r.subject_kind,
            subject_id: r.subject_id,
            ip: r.ip,
            at: r.at,
            details: r.details,
        }
    }
}

/// Filters and page of `GET /audit-log`. Unknown parameters are refused.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action (exact), e.g. `staff.api_key.created`.
    pub action: Option<String>,
    /// Only actors of this kind: staff, api_key, portal, system, anonymous.
    pub actor_kind: Option<String>,
    /// Only rows about this subject.
    pub subject_id: Option<Uuid>,
    /// Only rows at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Only rows before this instant (RFC 3339, exclusive).
    pub to: Option<DateTime<Utc>>,
    /// The `next_cursor` of the previous page; omit (or leave empty) for the first page.
    pub cursor: Option<String>,
    /// Items per page: 1 to 100 (values outside are clamped), 50 when omitted.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, ApiError> {
        let actor_kind = match self.actor_kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(kind) => Some(ActorKind::parse(kind).ok_or_else(|| {
                let allowed: Vec<&str> = ActorKind::ALL.iter().map(|k| k.as_str()).collect();
                ApiError::BadRequest {
                    code: "invalid_query",
                    detail: "The query string is invalid.".into(),
                    errors: vec![FieldError {
                        field: "actor_kind".into(),
                        code: extra_codes::INVALID_CHOICE.into(),
                        message: format!("must be one of: {}", allowed.join(", ")),
                    }],
                }
            })?),
        };
        Ok(AuditFilter {
            action: self.action.clone().filter(|a| !a.is_empty()),
            actor_kind,
            subject_id: self.subject_id,
            from: self.from,
            to: self.to,
        })
    }
}

/// Read the audit log, newest first.
#[utoipa::path(
    get,
    path = "/audit-log",
    tag = "audit-log",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of audit rows, newest first", body = PageDto<AuditRecordDto>),
        (status = 400, description = "Invalid query, filter or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid staff token or API key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-log")]
#[tracing::instrument(skip_all)]
pub async fn list_audit_log(
    caller: StaffCaller,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Admin)?;
    let filter = query.filter()?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = audit::list(state.db.exec(), &filter, after.as_ref(), limit).await?;
    Ok(HttpResponse::Ok().json(PageDto::from_page(page, AuditRecordDto::from)))
}
