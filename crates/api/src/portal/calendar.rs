//! The private calendar feed: `GET /calendar/{feed_token}.ics` serves the upcoming appointments
//! on its owner's CURRENT granted locations as RFC 5545 iCalendar, for calendar apps that
//! subscribe to a URL (they cannot send a bearer token, so the URL is the secret).
//!
//! The token is 32 random bytes shown once by `POST /me/calendar-feed`; only its SHA-256 is
//! stored. Regenerating replaces it (the old URL answers 404 from then on), `DELETE
//! /me/calendar-feed` revokes it, and it dies with the user's access: a disabled user's feed is
//! cleared, and the events are re-scoped by the grants on every fetch. An unknown, replaced or
//! revoked token answers 404 like any unknown URL. The request logger redacts the token.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use ordinavo_domain::ids::PortalUserId;
use ordinavo_domain::locale::Locale;
use ordinavo_domain::public_status::PublicStatus;
use ordinavo_persistence::appointments::{self, ListCaller, PortalAppointment, PortalFilter};
use ordinavo_persistence::audit::{self, AuditEntry};
use ordinavo_persistence::calendar_feeds;
use ordinavo_persistence::page::{Cursor, Limit};
use ordinavo_persistence::portal_scope::{self, PortalLocation};
use ordinavo_persistence::time;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use crate::auth::client_ip;
use crate::auth::portal::PortalCaller;
use crate::auth::tokens::{self, OpaqueToken};
use crate::error::{ApiError, Problem};
use crate::ics::{self, Event, EventStatus};
use crate::mail::portal_link;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(calendar_feed, create_feed, revoke_feed),
    components(schemas(CalendarFeed)),
    tags((name = "calendar", description = "A private calendar feed of your appointments"))
)]
pub struct Doc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(calendar_feed)
        .service(create_feed)
        .service(revoke_feed);
}

/// Most events one feed carries (the earliest upcoming ones).
pub const MAX_FEED_EVENTS: usize = 500;

/// A feed URL, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// Subscribe to this URL in a calendar app. It is shown only now; keep it private (anyone
    /// with it sees your upcoming appointments). Creating a new one ends this one.
    pub url: String,
}

/// The feed's display name in `locale`.
const fn calendar_name(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "Ordinavo appointments",
        Locale::Fr => "Rendez-vous Ordinavo",
        Locale::De => "Ordinavo-Termine",
    }
}

/// "Status" in `locale`, for the event description.
const fn status_word(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "Status",
        Locale::Fr => "Statut",
        Locale::De => "Status",
    }
}

/// The event of one visible appointment at `place` (its location, if still granted); `None`
/// for a status customers do not see.
fn event(a: &PortalAppointment, place: Option<&PortalLocation>, locale: Locale) -> Option<Event> {
    let public = a.status.public_status().public_status()?;
    let status = match public {
        PublicStatus::Cancelled => EventStatus::Cancelled,
        _ => EventStatus::Confirmed,
    };
    let mut parts = vec![a.location_name.as_str()];
    let city;
    if let Some(l) = place {
        parts.extend(l.address.lines().map(str::trim).filter(|l| !l.is_empty()));
        city = format!("{} {}", l.postal_code, l.city);
        parts.push(city.trim());
        parts.push(&l.country);
    }
    Some(Event {
        uid: format!("{}@ordinavo", a.id),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        summary: format!("{} – {}", a.title, a.location_name),
        location: parts.join(", "),
        description: format!("{}: {}", status_word(locale), public.label(locale)),
        status,
    })
}

/// The addresses of every location `user` is currently granted.
async fn granted_places(
    state: &AppState,
    user: PortalUserId,
) -> Result<HashMap<Uuid, PortalLocation>, ApiError> {
    let mut places = HashMap::new();
    let mut after: Option<Cursor<String>> = None;
    loop {
        let page =
            portal_scope::locations(state.db.exec(), user, after.as_ref(), Limit::new(Some(100)))
                .await?;
        places.extend(page.items.into_iter().map(|l| (l.id, l)));
        after = match page.next_cursor {
            Some(next) => Some(Cursor::decode(&next).map_err(|e| ApiError::Internal(e.into()))?),
            None => break,
        };
    }
    Ok(places)
}

/// The feed of a calendar app's subscription.
///
/// Upcoming appointments (not ended yet, at most 500) on the owner's current locations, as
/// `text/calendar`. Times are UTC; calendar apps show them in the reader's zone.
#[utoipa::path(
    get,
    path = "/calendar/{feed_token}.ics",
    tag = "calendar",
    params(("feed_token" = String, Path, description = "The secret part of the feed URL")),
    responses(
        (status = 200, description = "The calendar (RFC 5545)", body = String, content_type = "text/calendar"),
        (status = 404, description = "Unknown, replaced or revoked feed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/{feed_token}.ics")]
#[tracing::instrument(skip_all)]
pub async fn calendar_feed(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let token = token.into_inner();
    if !tokens::looks_like_token(&token) {
        return Err(ApiError::NotFound);
    }
    let owner = calendar_feeds::owner(state.db.exec(), &tokens::hash(&token))
        .await?
        .ok_or(ApiError::NotFound)?;
    let places = granted_places(&state, owner.user_id).await?;
    let mut events = Vec::new();
    let mut after: Option<Cursor<chrono::DateTime<chrono::Utc>>> = None;
    loop {
        let page = appointments::portal_list(
            state.db.exec(),
            ListCaller::FeedOwner(owner.user_id),
            &PortalFilter::default(),
            after.as_ref(),
            Limit::new(Some(100)),
        )
        .await?
        .ok_or(ApiError::NotFound)?
        .page;
        events.extend(
            page.items
                .iter()
                .filter_map(|a| event(a, places.get(&a.location_id.into_uuid()), owner.locale)),
        );
        after = match page.next_cursor {
            Some(next) if events.len() < MAX_FEED_EVENTS => {
                Some(Cursor::decode(&next).map_err(|e| ApiError::Internal(e.into()))?)
            }
            _ => break,
        };
    }
    events.truncate(MAX_FEED_EVENTS);
    let body = ics::calendar(calendar_name(owner.locale), &events, time::now());
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"ordinavo.ics\"",
        ))
        .body(body))
}

/// Create (or replace) your private calendar feed URL.
///
/// The URL is shown only in this answer. Calling this again makes a new URL and ends the
/// previous one.
#[utoipa::path(
    post,
    path = "/me/calendar-feed",
    tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new feed URL, shown once", body = CalendarFeed),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/calendar-feed")]
#[tracing::instrument(skip_all)]
pub async fn create_feed(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = OpaqueToken::generate();
    let mut tx = state.db.begin().await?;
    calendar_feeds::set(tx.exec(), caller.user_id(), &token.hash).await?;
    let (kind, actor) = caller.audit_actor();
    let entry = AuditEntry::new(kind, actor, "portal.calendar_feed.created")
        .subject("portal_user", caller.user_id().into_uuid())
        .ip(client_ip(&req));
    audit::record(tx.exec(), &entry).await?;
    tx.commit().await?;
    let url = portal_link(
        &state.settings.public_url,
        &format!("api/portal/v1/calendar/{}.ics", token.raw),
    );
    Ok(HttpResponse::Created().json(CalendarFeed { url }))
}

/// Revoke your calendar feed: its URL stops working at once.
#[utoipa::path(
    delete,
    path = "/me/calendar-feed",
    tag = "calendar",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked (or there was none)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/me/calendar-feed")]
#[tracing::instrument(skip_all)]
pub async fn revoke_feed(
    state: web::Data<AppState>,
    caller: PortalCaller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut tx = state.db.begin().await?;
    if calendar_feeds::clear(tx.exec(), caller.user_id()).await? {
        let (kind, actor) = caller.audit_actor();
        let entry = AuditEntry::new(kind, actor, "portal.calendar_feed.revoked")
            .subject("portal_user", caller.user_id().into_uuid())
            .ip(client_ip(&req));
        audit::record(tx.exec(), &entry).await?;
    }
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
