//! Portal invitations (manager and above): create the invited user with their grants, a
//! single-use link (only its hash stored, 7 days) and the invitation mail — one transaction;
//! resend (a new link, the old one dies) and revoke.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Duration, Utc};
use ordinavo_domain::ids::{InvitationId, PortalUserId};
use ordinavo_domain::input::{DisplayName, Email};
use ordinavo_domain::locale::Locale;
use ordinavo_domain::roles::{PortalUserStatus, StaffRole};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::invitations::{self, Invitation};
use ordinavo_persistence::mail_outbox;
use ordinavo_persistence::portal_users::{self, NewPortalUser};
use ordinavo_persistence::{OptionalExt, StoreError, Tx, customers, grants};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::staff::StaffCaller;
use crate::auth::tokens::OpaqueToken;
use crate::error::{ApiError, FieldError, Problem};
use crate::internal::grant_input::{self, GrantInput};
use crate::mail::{InvitationMail, portal_link};
use crate::state::AppState;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

#[derive(OpenApi)]
#[openapi(
    paths(create, resend, revoke),
    components(schemas(InvitationRequest, GrantInput, InvitationResponse))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create).service(resend).service(revoke);
}

/// Whom to invite and what they may see.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    pub email: String,
    pub display_name: String,
    /// `en`, `fr` or `de`: the language of the mail and of the portal.
    pub locale: String,
    /// At least one grant, one per customer.
    pub grants: Vec<GrantInput>,
}

/// An invitation as staff see it. The link itself is only ever in the mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationResponse {
    pub id: Uuid,
    pub portal_user_id: Uuid,
    pub email: String,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub state: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl InvitationResponse {
    fn new(inv: &Invitation, email: String) -> Self {
        Self {
            id: inv.id,
            portal_user_id: inv.portal_user_id,
            email,
            state: inv.state(Utc::now()).as_str().to_string(),
            expires_at: inv.expires_at,
            created_at: inv.created_at,
        }
    }
}

fn field(field: &str, code: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message,
    }
}

/// Invite a portal user.
#[utoipa::path(
    post,
    path = "/portal-invitations",
    tag = "portal access",
    request_body = InvitationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Invited; the mail is queued", body = InvitationResponse),
        (status = 400, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Manager role required", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A portal user with this email exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/portal-invitations")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    caller: StaffCaller,
    req: HttpRequest,
    body: web::Json<InvitationRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let body = body.into_inner();
    let now = Utc::now();
    let mut errors = Vec::new();
    let email = Email::parse(&body.email)
        .map_err(|e| errors.push(field("email", e.code, e.message)))
        .ok();
    let name = DisplayName::parse(&body.display_name)
        .map_err(|e| errors.push(field("display_name", e.code, e.message)))
        .ok();
    let locale = body
        .locale
        .parse::<Locale>()
        .map_err(|e| errors.push(field("locale", "invalid", e.to_string())))
        .ok();
    if body.grants.is_empty() {
        errors.push(field(
            "grants",
            "required",
            "Give at least one grant.".into(),
        ));
    }
    let mut customers_seen = std::collections::HashSet::new();
    for (i, g) in body.grants.iter().enumerate() {
        errors.extend(grant_input::check_shape(&format!("grants[{i}]"), g, now));
        if !customers_seen.insert(g.customer_id) {
            errors.push(field(
                &format!("grants[{i}].customer_id"),
                "duplicate",
                "One grant per customer.".into(),
            ));
        }
    }
    let (Some(email), Some(name), Some(locale), true) = (email, name, locale, errors.is_empty())
    else {
        return Err(ApiError::invalid_fields(errors));
    };

    let mut tx = state.db.begin().await?;
    let user = match portal_users::insert(
        tx.exec(),
        &NewPortalUser {
            email: email.as_str().to_string(),
            display_name: name.as_str().to_string(),
            locale,
            status: PortalUserStatus::Invited,
            password_hash: None,
            contact_id: None,
        },
    )
    .await
    {
        Ok(id) => id,
        Err(e) if e.is_conflict_on(portal_users::UQ_EMAIL) => {
            return Err(ApiError::Conflict {
                code: "portal_user_exists",
                detail: "A portal user with this email already exists; resend their invitation \
                         or edit their grants instead."
                    .into(),
                allowed: None,
            });
        }
        Err(e) => return Err(e.into()),
    };
    for (i, g) in body.grants.iter().enumerate() {
        let prefix = format!("grants[{i}]");
        if let Err(errors) =
            grant_input::insert(&mut tx, &prefix, user, g, Some(caller.staff_user_id())).await?
        {
            return Err(ApiError::invalid_fields(errors));
        }
    }
    let token = OpaqueToken::generate();
    let invitation = invitations::insert(
        tx.exec(),
        user,
        &token.hash,
        now + Duration::days(INVITATION_DAYS),
        Some(caller.staff_user_id()),
    )
    .await?;
    enqueue_mail(&mut tx, &state, user, &token.raw, &invitation).await?;
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "portal.invitation.created")
        .subject("portal_user", user.into_uuid())
        .ip(client_ip(&req))
        .details(serde_json::json!({ "grants": body.grants.len() }));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(HttpResponse::Created().json(InvitationResponse::new(&invitation, email.into_string())))
}

/// Queues the invitation mail in the user's language, with the link under the public URL.
async fn enqueue_mail(
    tx: &mut Tx,
    state: &AppState,
    user: PortalUserId,
    raw_token: &str,
    invitation: &Invitation,
) -> Result<(), ApiError> {
    let u = portal_users::get(tx.exec(), user).await?;
    let mut companies = Vec::new();
    for g in grants::for_user(tx.exec(), user).await? {
        if let Some(c) = customers::get(tx.exec(), g.customer_id).await.optional()? {
            companies.push(c.name);
        }
    }
    let link = portal_link(&state.settings.public_url, &format!("invite/{raw_token}"));
    let mail = InvitationMail {
        display_name: u.display_name,
        inviter_name: None,
        company_name: (!companies.is_empty()).then(|| companies.join(", ")),
        link,
        expires_at: invitation.expires_at,
    }
    .to_mail(u.email, u.locale);
    mail_outbox::enqueue(tx.exec(), &mail).await?;
    Ok(())
}

fn closed() -> ApiError {
    ApiError::Conflict {
        code: "invitation_closed",
        detail: "This invitation was already accepted or revoked.".into(),
        allowed: None,
    }
}

/// Send the invitation again with a new link; the previous link stops working.
#[utoipa::path(
    post,
    path = "/portal-invitations/{id}/resend",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "Invitation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Resent with a new link", body = InvitationResponse),
        (status = 403, description = "Manager role required", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already accepted or revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/portal-invitations/{id}/resend")]
#[tracing::instrument(skip_all)]
pub async fn resend(
    state: web::Data<AppState>,
    caller: StaffCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = InvitationId::from_uuid(id.into_inner());
    let mut tx = state.db.begin().await?;
    let current = invitations::get(tx.exec(), id).await?;
    let user = portal_users::get(tx.exec(), current.portal_user()).await?;
    if user.status != PortalUserStatus::Invited {
        return Err(closed());
    }
    let token = OpaqueToken::generate();
    let invitation = match invitations::replace_token(
        tx.exec(),
        id,
        &token.hash,
        Utc::now() + Duration::days(INVITATION_DAYS),
    )
    .await
    {
        Ok(inv) => inv,
        Err(StoreError::NotFound) => return Err(closed()),
        Err(e) => return Err(e.into()),
    };
    enqueue_mail(&mut tx, &state, user.id, &token.raw, &invitation).await?;
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "portal.invitation.resent")
        .subject("portal_user", user.id.into_uuid())
        .ip(client_ip(&req));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(HttpResponse::Ok().json(InvitationResponse::new(&invitation, user.email)))
}

/// Revoke an open invitation: its link stops working at once.
#[utoipa::path(
    post,
    path = "/portal-invitations/{id}/revoke",
    tag = "portal access",
    params(("id" = Uuid, Path, description = "Invitation id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked", body = InvitationResponse),
        (status = 403, description = "Manager role required", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already accepted or revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/portal-invitations/{id}/revoke")]
#[tracing::instrument(skip_all)]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: StaffCaller,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    caller.require(StaffRole::Manager)?;
    let id = InvitationId::from_uuid(id.into_inner());
    let mut tx = state.db.begin().await?;
    let current = invitations::get(tx.exec(), id).await?;
    let invitation = match invitations::revoke(tx.exec(), id).await {
        Ok(inv) => inv,
        Err(StoreError::NotFound) => return Err(closed()),
        Err(e) => return Err(e.into()),
    };
    let user = portal_users::get(tx.exec(), current.portal_user()).await?;
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "portal.invitation.revoked")
        .subject("portal_user", user.id.into_uuid())
        .ip(client_ip(&req));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(InvitationResponse::new(&invitation, user.email)))
}
