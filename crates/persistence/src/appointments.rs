//! Appointments (`appointments`): technician visits for a work item, and the portal's hot path.
//!
//! Two read models:
//! - [`Appointment`] is the staff view: every column (technician, routing score, internal
//!   notes, version) plus the work item's customer and title.
//! - [`PortalAppointment`] selects only what a customer may see (times, status, the work item's
//!   title and originating request, the location's name and time zone) and every query over it
//!   is scoped by [`granted_locations_sql!`] and by the domain's visibility rule (a `tentative`
//!   appointment does not exist for the portal).
//!
//! # The hot path: `GET /appointments` ([`portal_list`])
//! "My upcoming appointments" is a keyset page on `(starts_at, id)` over every granted
//! location. What both databases need is one short range per granted location on
//! `ix_appointments_location_id_starts_at_id_covering` (migration 0006: the key
//! `(location_id, starts_at, id)` plus the filtered and returned columns, so the ranges are
//! read from the index alone) and a merge of those ranges. The two planners get there from
//! different SQL, so this is the one query with a named dialect fragment chosen by [`Backend`]
//! (measured with `EXPLAIN`/`EXPLAIN QUERY PLAN` and pgbench/sqlite3 on 1M appointments, 10
//! granted locations; see `bench/RESULTS.md`):
//! - PostgreSQL ([`PORTAL_LIST_POSTGRES`]): `CROSS JOIN LATERAL` over the granted locations,
//!   each taking its first n rows by `(starts_at, id)` (an index-only scan that stops after n
//!   rows), then a top-n sort of at most n x locations rows. A plain
//!   `location_id IN (granted) ORDER BY starts_at, id LIMIT n` reads and sorts every future
//!   appointment of every granted location: 3.7x slower.
//! - SQLite ([`PORTAL_LIST_SQLITE`]) has no `LATERAL`. Its nested loop over the granted
//!   locations, one covering-index range each, into a bounded top-n sorter was the fastest
//!   shape measured: a `UNION ALL` of per-location subqueries (which also needs one SQL text per
//!   number of locations) was 5x slower, a correlated `rowid IN (… LIMIT n)` per location 4x.
//! - The one shape both accept — a correlated "n-th row of this location" cut-off bounding each
//!   range — costs PostgreSQL 10 % more than `LATERAL`, and SQLite evaluates it per row instead
//!   of using it as a range bound: 25x slower. Hence two texts.
//!
//! Everything else (the range filter, the grant rule, the joins after the limit) is the same
//! SQL text on both backends, assembled at compile time from the same fragments.
//!
//! The statement also re-checks its caller ([`ListCaller`]): for a signed-in request, the
//! session rule of [`live_caller_sql!`] sits beside the page (`caller LEFT JOIN page`), so one
//! round trip both authorizes and answers — no row means "refused" (401), one row of NULLs an
//! empty page. Rows are decoded by position and stay narrow (no address: the calendar feed
//! reads addresses from the caller's locations). Together with the SQLite build options in
//! `.cargo/config.toml`, this took the route from 1,398 to ~2,200 requests/s on PostgreSQL
//! and from 826 to ~3,300 on SQLite (bench/RESULTS.md).
//!
//! "Upcoming" means not over yet (`ends_at > now`). Appointments last at most
//! [`AppointmentWindow::MAX_HOURS`], so such an appointment started at most that long ago and
//! the index range starts there instead of at the beginning of the location's history.

use chrono::{DateTime, Utc};
use ordinavo_domain::appointment::{AppointmentStatus, AppointmentWindow};
use ordinavo_domain::ids::{
    AppointmentId, CustomerId, LocationId, PortalUserId, RequestId, StaffUserId, TargetId,
};
use ordinavo_domain::locale::Locale;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

use crate::error::StoreError;
use crate::page::{Cursor, Limit, Page};
use crate::portal_scope::SessionKey;
use crate::{Backend, Exec, granted_locations_sql, live_caller_sql, parse_enum, run, time};

/// Number of status slots of an appointment status filter: one per [`AppointmentStatus`].
pub(crate) const STATUS_SLOTS: usize = 8;
const _: () = assert!(AppointmentStatus::ALL.len() == STATUS_SLOTS);

/// The `internal_status IN ($a, …)` slots of the statuses that satisfy a domain predicate;
/// unused slots are NULL, which matches nothing.
pub(crate) fn status_slots(
    keep: impl Fn(AppointmentStatus) -> bool,
) -> [Option<&'static str>; STATUS_SLOTS] {
    let mut slots = [None; STATUS_SLOTS];
    for (slot, status) in slots.iter_mut().zip(AppointmentStatus::ALL) {
        if keep(*status) {
            *slot = Some(status.as_str());
        }
    }
    slots
}

/// The slots of the statuses a customer may see (the domain's
/// [`AppointmentStatus::public_status`]): every status but `tentative`.
pub(crate) fn visible_slots() -> [Option<&'static str>; STATUS_SLOTS] {
    status_slots(|s| s.public_status().is_visible())
}

// ---------------------------------------------------------------------------------------------
// Staff side
// ---------------------------------------------------------------------------------------------

/// An appointment as staff see it: every column, plus its work item's customer and title.
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub id: AppointmentId,
    pub target_id: TargetId,
    pub customer_id: CustomerId,
    pub location_id: LocationId,
    /// The work item's title (what the visit is for).
    pub title: String,
    /// The request the work item was accepted from, if any.
    pub request_id: Option<RequestId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: AppointmentStatus,
    pub technician_id: Option<StaffUserId>,
    pub routing_score: Option<f64>,
    pub internal_notes: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    target_id: Uuid,
    customer_id: Uuid,
    location_id: Uuid,
    title: String,
    request_id: Option<Uuid>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    internal_status: String,
    technician_id: Option<Uuid>,
    routing_score: Option<f64>,
    internal_notes: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<Row> for Appointment {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Self {
            id: AppointmentId::from_uuid(r.id),
            target_id: TargetId::from_uuid(r.target_id),
            customer_id: CustomerId::from_uuid(r.customer_id),
            location_id: LocationId::from_uuid(r.location_id),
            title: r.title,
            request_id: r.request_id.map(RequestId::from_uuid),
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            status: parse_enum(&r.internal_status)?,
            technician_id: r.technician_id.map(StaffUserId::from_uuid),
            routing_score: r.routing_score,
            internal_notes: r.internal_notes,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

macro_rules! staff_select {
    () => {
        "SELECT a.id, a.target_id, t.customer_id, a.location_id, t.title, t.request_id, \
         a.starts_at, a.ends_at, a.internal_status, a.technician_id, a.routing_score, \
         a.internal_notes, a.version, a.created_at, a.updated_at \
         FROM appointments a JOIN targets t ON t.id = a.target_id "
    };
}

/// What creating an appointment needs; the location is the work item's.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAppointment {
    pub target_id: TargetId,
    pub window: AppointmentWindow,
    /// Must be an initial status ([`AppointmentStatus::is_initial`]).
    pub status: AppointmentStatus,
    pub technician_id: Option<StaffUserId>,
    pub routing_score: Option<f64>,
    pub internal_notes: Option<String>,
}

/// Inserts an appointment at its work item's location (version 1). `NotFound` when the work
/// item does not exist; `MissingReference` when the technician does not.
#[tracing::instrument(skip_all, fields(target_id = %a.target_id))]
pub async fn insert(mut ex: Exec<'_>, a: &NewAppointment) -> Result<Appointment, StoreError> {
    let id = AppointmentId::new();
    let now = time::now();
    let inserted = run!(ex.reborrow(), |c| {
        sqlx::query(
            "INSERT INTO appointments (id, target_id, location_id, starts_at, ends_at, \
             internal_status, technician_id, routing_score, internal_notes, version, \
             created_at, updated_at) \
             SELECT $1, t.id, t.location_id, $3, $4, $5, $6, $7, $8, 1, $9, $9 \
             FROM targets t WHERE t.id = $2",
        )
        .bind(id.into_uuid())
        .bind(a.target_id.into_uuid())
        .bind(time::stored(a.window.start()))
        .bind(time::stored(a.window.end()))
        .bind(a.status.as_str())
        .bind(a.technician_id.map(StaffUserId::into_uuid))
        .bind(a.routing_score)
        .bind(&a.internal_notes)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if inserted == 0 {
        return Err(StoreError::NotFound);
    }
    get(ex, id).await
}

/// One appointment (staff view).
#[tracing::instrument(skip_all, fields(appointment_id = %id))]
pub async fn get(ex: Exec<'_>, id: AppointmentId) -> Result<Appointment, StoreError> {
    let row = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(staff_select!(), "WHERE a.id = $1"))
            .bind(id.into_uuid())
            .fetch_one(c)
            .await
    })?;
    row.try_into()
}

/// Filters of the staff list; `None` matches everything. `from` inclusive, `to` exclusive, on
/// `starts_at`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StaffFilter {
    pub target_id: Option<TargetId>,
    pub location_id: Option<LocationId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Appointments by start, keyset on `(starts_at, id)` (staff view, every status).
#[tracing::instrument(skip_all)]
pub async fn list(
    ex: Exec<'_>,
    filter: &StaffFilter,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Page<Appointment>, StoreError> {
    let (at, id) = after.map_or((time::far_past(), Uuid::nil()), |c| (c.key, c.id));
    let rows = run!(ex, |c| {
        sqlx::query_as::<_, Row>(concat!(
            staff_select!(),
            "WHERE ($1 IS NULL OR a.target_id = $1) AND ($2 IS NULL OR a.location_id = $2) \
             AND ($3 IS NULL OR a.starts_at >= $3) AND ($4 IS NULL OR a.starts_at < $4) \
             AND (a.starts_at, a.id) > ($5, $6) ORDER BY a.starts_at, a.id LIMIT $7"
        ))
        .bind(filter.target_id.map(TargetId::into_uuid))
        .bind(filter.location_id.map(LocationId::into_uuid))
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
        .map(Appointment::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, limit, |a: &Appointment| {
        Cursor::new(a.starts_at, a.id.into_uuid())
    }))
}

/// The editable fields of an appointment, as they are to be after an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct AppointmentFields {
    pub window: AppointmentWindow,
    pub technician_id: Option<StaffUserId>,
    pub routing_score: Option<f64>,
    pub internal_notes: Option<String>,
}

/// Overwrites the editable fields if the appointment is still at `expected_version` (every
/// change, status changes included, bumps it); `StaleVersion` otherwise, `MissingReference`
/// for an unknown technician. The caller checked the domain rules (reschedulable status).
#[tracing::instrument(skip_all, fields(appointment_id = %id))]
pub async fn update(
    mut ex: Exec<'_>,
    id: AppointmentId,
    expected_version: i64,
    f: &AppointmentFields,
) -> Result<Appointment, StoreError> {
    let n = run!(ex.reborrow(), |c| {
        sqlx::query(
            "UPDATE appointments SET starts_at = $3, ends_at = $4, technician_id = $5, \
             routing_score = $6, internal_notes = $7, updated_at = $8, version = version + 1 \
             WHERE id = $1 AND version = $2",
        )
        .bind(id.into_uuid())
        .bind(expected_version)
        .bind(time::stored(f.window.start()))
        .bind(time::stored(f.window.end()))
        .bind(f.technician_id.map(StaffUserId::into_uuid))
        .bind(f.routing_score)
        .bind(&f.internal_notes)
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    get(ex, id).await
}

/// Moves `from -> to` if the appointment is still in `from` (and bumps the version);
/// `StaleVersion` when it is not: re-read to explain. The caller checked the transition
/// against the domain graph.
#[tracing::instrument(skip_all, fields(appointment_id = %id, to = to.as_str()))]
pub async fn change_status(
    mut ex: Exec<'_>,
    id: AppointmentId,
    from: AppointmentStatus,
    to: AppointmentStatus,
) -> Result<Appointment, StoreError> {
    let n = run!(ex.reborrow(), |c| {
        sqlx::query(
            "UPDATE appointments SET internal_status = $3, updated_at = $4, \
             version = version + 1 WHERE id = $1 AND internal_status = $2",
        )
        .bind(id.into_uuid())
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(time::now())
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::StaleVersion);
    }
    get(ex, id).await
}

// ---------------------------------------------------------------------------------------------
// Portal side
// ---------------------------------------------------------------------------------------------

/// An appointment as a portal user sees it: times, status (mapped to the public language by
/// the API), the work item's title and originating request, the location's name and time zone.
/// Never the technician, routing score, internal notes or version.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalAppointment {
    pub id: AppointmentId,
    pub location_id: LocationId,
    pub location_name: String,
    /// IANA zone of the location: the customer reads times in it.
    pub location_timezone: String,
    pub title: String,
    pub request_id: Option<RequestId>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Always a visible status (the queries never return a tentative one).
    pub status: AppointmentStatus,
}

#[derive(sqlx::FromRow)]
struct PortalRow {
    id: Uuid,
    location_id: Uuid,
    location_name: String,
    location_timezone: String,
    title: String,
    request_id: Option<Uuid>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    internal_status: String,
}

impl TryFrom<PortalRow> for PortalAppointment {
    type Error = StoreError;
    fn try_from(r: PortalRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: AppointmentId::from_uuid(r.id),
            location_id: LocationId::from_uuid(r.location_id),
            location_name: r.location_name,
            location_timezone: r.location_timezone,
            title: r.title,
            request_id: r.request_id.map(RequestId::from_uuid),
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            status: parse_enum(&r.internal_status)?,
        })
    }
}

/// The per-location range of the hot path on `ap`, one granted location `gr` at a time:
/// after the keyset position `($3, $4)`, starting before `$5`, ending after `$6`, not in the
/// one status customers never see (`$8`, [`HIDDEN_STATUS`]). A range of
/// `ix_appointments_location_id_starts_at_id_covering` (an index-only scan on PostgreSQL).
macro_rules! portal_range {
    () => {
        "ap.location_id = gr.location_id AND (ap.starts_at, ap.id) > ($3, $4) \
         AND ap.starts_at < $5 AND ap.ends_at > $6 AND ap.internal_status <> $8"
    };
}

/// The page of the hot path, given how each granted location `gr` is joined to its range of
/// appointments `ap` (the dialect fragment): the first `$9` rows by `(starts_at, id)`, cut
/// from narrow rows (the index columns and the granted location's name and zone, which the
/// grant rule already read), then joined to their work item. `$7` narrows to one location.
macro_rules! page_sql {
    ($per_location:expr) => {
        concat!(
            "SELECT a.id, a.location_id, a.location_name, a.location_timezone, t.title, \
             t.request_id, a.starts_at, a.ends_at, a.internal_status \
             FROM (SELECT ap.id, ap.target_id, ap.location_id, ap.starts_at, ap.ends_at, \
             ap.internal_status, gr.location_name, gr.location_timezone FROM (",
            granted_locations_sql!(),
            ") gr ",
            $per_location,
            " WHERE ($7 IS NULL OR gr.location_id = $7) \
             ORDER BY ap.starts_at, ap.id LIMIT $9) a JOIN targets t ON t.id = a.target_id"
        )
    };
}

/// PostgreSQL's per-location fragment: each granted location takes its first `$9` rows through
/// `LATERAL` (an index-only scan that stops there); the page is a top-`$9` sort of those.
macro_rules! per_location_postgres {
    () => {
        concat!(
            "CROSS JOIN LATERAL (SELECT ap.id, ap.target_id, ap.location_id, ap.starts_at, \
             ap.ends_at, ap.internal_status FROM appointments ap WHERE ",
            portal_range!(),
            " ORDER BY ap.starts_at, ap.id LIMIT $9) ap"
        )
    };
}

/// SQLite's per-location fragment: a nested loop over the granted locations, one
/// covering-index range each, into a bounded top-`$9` sorter.
macro_rules! per_location_sqlite {
    () => {
        concat!("JOIN appointments ap ON ", portal_range!())
    };
}

/// The whole statement: the caller check `$me` (one row with the caller's `locale`, or none)
/// beside the page. One row per appointment, each carrying the locale; one row of NULLs
/// when the caller may act but the page is empty; no row when the caller may not act.
macro_rules! checked_page_sql {
    ($me:expr, $per_location:expr) => {
        concat!(
            "SELECT me.locale AS caller_locale, p.id, p.location_id, p.location_name, \
             p.location_timezone, p.title, p.request_id, p.starts_at, p.ends_at, \
             p.internal_status FROM (",
            $me,
            ") me LEFT JOIN (",
            page_sql!($per_location),
            ") p ON TRUE ORDER BY p.starts_at, p.id"
        )
    };
}

/// The caller check of a signed-in request (`$10` session, `$11` token version): the session
/// rule of [`live_caller_sql!`].
macro_rules! session_caller {
    () => {
        live_caller_sql!("$1", "$2", "$10", "$11")
    };
}

/// The caller check of a calendar feed, whose owner was just found by the feed's secret: the
/// user is still active.
macro_rules! owner_caller {
    () => {
        "SELECT u.locale FROM portal_users u WHERE u.id = $1 AND u.status = 'active'"
    };
}

/// The single appointment status customers never see. The hot path filters it out with one
/// `<>` rather than an `IN` list of the seven visible ones (measured about 6 % faster on
/// PostgreSQL, which builds the `IN` array per row); this assertion keeps that honest if the
/// domain ever hides a second status.
pub const HIDDEN_STATUS: AppointmentStatus = AppointmentStatus::Tentative;
const _: () = {
    let all = AppointmentStatus::ALL;
    let mut i = 0;
    while i < all.len() {
        let visible = all[i].public_status().is_visible();
        let hidden = all[i] as u8 == HIDDEN_STATUS as u8;
        assert!(
            visible != hidden,
            "exactly one appointment status may be hidden"
        );
        i += 1;
    }
};

/// PostgreSQL, signed-in caller (`$10` session, `$11` token version). See the module docs.
pub const PORTAL_LIST_POSTGRES: &str =
    checked_page_sql!(session_caller!(), per_location_postgres!());
/// SQLite, signed-in caller. See the module docs.
pub const PORTAL_LIST_SQLITE: &str = checked_page_sql!(session_caller!(), per_location_sqlite!());
/// PostgreSQL, calendar-feed owner.
const FEED_LIST_POSTGRES: &str = checked_page_sql!(owner_caller!(), per_location_postgres!());
/// SQLite, calendar-feed owner.
const FEED_LIST_SQLITE: &str = checked_page_sql!(owner_caller!(), per_location_sqlite!());

/// Who the hot path serves. The statement re-checks the caller itself, so that one round
/// trip both authorizes and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListCaller {
    /// A signed-in portal user: the session rule of [`live_caller_sql!`].
    Session(SessionKey),
    /// The owner of a calendar feed (found by the feed's secret): still active.
    FeedOwner(PortalUserId),
}

impl ListCaller {
    fn user(&self) -> PortalUserId {
        match self {
            Self::Session(key) => key.user,
            Self::FeedOwner(user) => *user,
        }
    }
}

/// The hot-path SQL text for `backend` and `caller` (the named dialect fragment of this
/// module).
pub const fn portal_list_sql(backend: Backend, caller: &ListCaller) -> &'static str {
    match (backend, caller) {
        (Backend::Postgres, ListCaller::Session(_)) => PORTAL_LIST_POSTGRES,
        (Backend::Sqlite, ListCaller::Session(_)) => PORTAL_LIST_SQLITE,
        (Backend::Postgres, ListCaller::FeedOwner(_)) => FEED_LIST_POSTGRES,
        (Backend::Sqlite, ListCaller::FeedOwner(_)) => FEED_LIST_SQLITE,
    }
}

/// Filters of the portal list. `from` is inclusive, `to` exclusive, both on `starts_at`.
/// Without `from` the list is "upcoming": appointments that have not ended yet.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PortalFilter {
    pub location_id: Option<LocationId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The bound values of one hot-path query, in placeholder order (`$1`…`$11`).
struct ListParams {
    user: Uuid,
    now: DateTime<Utc>,
    after_at: DateTime<Utc>,
    after_id: Uuid,
    to: DateTime<Utc>,
    ends_after: DateTime<Utc>,
    location: Option<Uuid>,
    fetch: i64,
    session: Option<SessionKey>,
}

impl ListParams {
    fn new(
        caller: &ListCaller,
        filter: &PortalFilter,
        after: Option<&Cursor<DateTime<Utc>>>,
        limit: Limit,
    ) -> Self {
        let now = time::now();
        // Upcoming: not over yet, hence started at most the longest appointment ago.
        let (lower, ends_after) = match filter.from {
            Some(from) => (time::stored(from), time::far_past()),
            None => (now - AppointmentWindow::max_duration(), now),
        };
        let (at, id) = after.map_or((lower, Uuid::nil()), |c| (c.key.max(lower), c.id));
        Self {
            user: caller.user().into_uuid(),
            now,
            after_at: time::stored(at),
            after_id: id,
            to: filter.to.map_or_else(time::far_future, time::stored),
            ends_after,
            location: filter.location_id.map(LocationId::into_uuid),
            fetch: limit.fetch(),
            session: match caller {
                ListCaller::Session(key) => Some(*key),
                ListCaller::FeedOwner(_) => None,
            },
        }
    }
}

/// Binds [`ListParams`] to a hot-path query, in placeholder order (`$10`, `$11` only for a
/// signed-in caller, whose text has them).
macro_rules! bind_list {
    ($query:expr, $p:expr) => {{
        let p = $p;
        let query = $query
            .bind(p.user)
            .bind(p.now)
            .bind(p.after_at)
            .bind(p.after_id)
            .bind(p.to)
            .bind(p.ends_after)
            .bind(p.location)
            .bind(HIDDEN_STATUS.as_str())
            .bind(p.fetch);
        match p.session {
            Some(key) => query.bind(key.session).bind(key.token_version),
            None => query,
        }
    }};
}

/// A row of the hot path as the driver decodes it: by position (a tuple), not by column name,
/// which saves a name lookup per column per row. Order as selected by [`checked_page_sql!`]:
/// the caller's locale, then the appointment's columns (all `None` in the empty page's row).
type CheckedTuple = (
    String,
    Option<Uuid>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Uuid>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The appointment of a hot-path row; `None` for the empty page's row.
fn checked_appointment(row: CheckedTuple) -> Result<Option<PortalAppointment>, StoreError> {
    let (
        _caller_locale,
        Some(id),
        Some(location_id),
        Some(location_name),
        Some(location_timezone),
        Some(title),
        request_id,
        Some(starts_at),
        Some(ends_at),
        Some(internal_status),
    ) = row
    else {
        return Ok(None);
    };
    PortalAppointment::try_from(PortalRow {
        id,
        location_id,
        location_name,
        location_timezone,
        title,
        request_id,
        starts_at,
        ends_at,
        internal_status,
    })
    .map(Some)
}

/// A page of the hot path with the caller's locale, as re-read by the same statement.
#[derive(Debug, Clone, PartialEq)]
pub struct CallerPage {
    pub locale: Locale,
    pub page: Page<PortalAppointment>,
}

/// The appointments on every location the caller is CURRENTLY granted, ordered by start
/// (keyset on `starts_at, id`), never a tentative one — and, in the same statement, the check
/// that the caller may still act (`None` when not: revoked or expired session, token version
/// moved on, user no longer active). The hot path: see the module docs.
#[tracing::instrument(skip_all, fields(portal_user_id = %caller.user()))]
pub async fn portal_list(
    ex: Exec<'_>,
    caller: ListCaller,
    filter: &PortalFilter,
    after: Option<&Cursor<DateTime<Utc>>>,
    limit: Limit,
) -> Result<Option<CallerPage>, StoreError> {
    let params = ListParams::new(&caller, filter, after, limit);
    let sql = portal_list_sql(ex.backend(), &caller);
    let rows = run!(ex, |c| {
        bind_list!(sqlx::query_as::<_, CheckedTuple>(sql), &params)
            .fetch_all(c)
            .await
    })?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let locale = parse_enum(&first.0)?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.extend(checked_appointment(row)?);
    }
    Ok(Some(CallerPage {
        locale,
        page: Page::from_rows(items, limit, |a: &PortalAppointment| {
            Cursor::new(a.starts_at, a.id.into_uuid())
        }),
    }))
}

/// The plan the database chooses for the first page of [`portal_list`] for `caller` (an
/// operations and benchmark aid, never called by a request): PostgreSQL's `EXPLAIN` (with
/// `ANALYZE, BUFFERS` when `analyze`, which runs the query), SQLite's `EXPLAIN QUERY PLAN`.
/// One line per plan node.
pub async fn explain_portal_list(
    ex: Exec<'_>,
    caller: ListCaller,
    limit: Limit,
    analyze: bool,
) -> Result<Vec<String>, StoreError> {
    let params = ListParams::new(&caller, &PortalFilter::default(), None, limit);
    let text = portal_list_sql(ex.backend(), &caller);
    let head = match (ex.backend(), analyze) {
        (Backend::Postgres, true) => "EXPLAIN (ANALYZE, BUFFERS) ",
        (Backend::Postgres, false) => "EXPLAIN ",
        (Backend::Sqlite, _) => "EXPLAIN QUERY PLAN ",
    };
    let sql = format!("{head}{text}");
    Ok(match ex {
        Exec::PgPool(c) => {
            bind_list!(sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)), &params)
                .fetch_all(c)
                .await?
        }
        Exec::Pg(c) => {
            bind_list!(sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)), &params)
                .fetch_all(c)
                .await?
        }
        Exec::SqlitePool(_) | Exec::Sqlite(_) => {
            let rows = run!(ex, |c| {
                bind_list!(
                    sqlx::query_as::<_, (i64, i64, i64, String)>(AssertSqlSafe(sql.clone())),
                    &params
                )
                .fetch_all(c)
                .await
            })?;
            rows.into_iter()
                .map(|(id, parent, _, detail)| format!("{id:>3} <- {parent:>3}  {detail}"))
                .collect()
        }
    })
}

/// One appointment within the caller's CURRENT grants and visible to customers; `NotFound`
/// otherwise (outside the grants, tentative, or unknown look the same).
#[tracing::instrument(skip_all, fields(portal_user_id = %user, appointment_id = %id))]
pub async fn portal_get(
    ex: Exec<'_>,
    user: PortalUserId,
    id: AppointmentId,
) -> Result<PortalAppointment, StoreError> {
    let [s1, s2, s3, s4, s5, s6, s7, s8] = visible_slots();
    let row = run!(ex, |c| {
        sqlx::query_as::<_, PortalRow>(concat!(
            "SELECT a.id, a.location_id, gr.location_name, gr.location_timezone, t.title, \
             t.request_id, a.starts_at, a.ends_at, a.internal_status \
             FROM appointments a JOIN (",
            granted_locations_sql!(),
            ") gr ON gr.location_id = a.location_id \
             JOIN targets t ON t.id = a.target_id \
             WHERE a.id = $3 AND a.internal_status IN ($4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(user.into_uuid())
        .bind(time::now())
        .bind(id.into_uuid())
        .bind(s1)
        .bind(s2)
        .bind(s3)
        .bind(s4)
        .bind(s5)
        .bind(s6)
        .bind(s7)
        .bind(s8)
        .fetch_one(c)
        .await
    })?;
    row.try_into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visibility_filter_lists_every_status_but_tentative() {
        let slots = visible_slots();
        assert_eq!(slots[0], None);
        assert_eq!(slots.iter().flatten().count(), 7);
        assert!(!slots.contains(&Some("tentative")));
    }

    #[test]
    fn the_two_hot_path_texts_differ_only_in_the_per_location_fragment() {
        for sql in [PORTAL_LIST_POSTGRES, PORTAL_LIST_SQLITE] {
            assert!(sql.contains("appointments ap "));
            assert!(sql.contains("(ap.starts_at, ap.id) > ($3, $4)"));
            assert!(!sql.contains("technician_id"));
            assert!(!sql.contains("internal_notes"));
            assert!(!sql.contains("routing_score"));
        }
        assert!(PORTAL_LIST_POSTGRES.contains("CROSS JOIN LATERAL"));
        assert!(!PORTAL_LIST_SQLITE.contains("LATERAL"));
    }
}
