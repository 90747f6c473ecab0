-- 0003_requests_and_work.sql (SQLite)
--
-- The work pipeline: a portal user submits a service request; staff review it and, on accept,
-- create a target (internal work item) that gets appointments (technician visits).
--
-- Scoping columns are denormalized onto the rows the portal lists (customer_id/location_id on
-- requests and targets, location_id on appointments) so every portal query is one indexed
-- "location_id IN (granted locations)" probe. Composite foreign keys keep them honest:
--   * (location_id, customer_id) -> locations (id, customer_id): the customer is the location's;
--   * appointments (target_id, location_id) -> targets (id, location_id): an appointment is at its
--     target's location; ON UPDATE CASCADE moves the appointments when a target's location changes.
--
-- service_requests.target_id and targets.request_id point at each other (one request -> at most
-- one target). The app sets both in the accept transaction.
-- SQLite: the service_requests -> targets foreign key is declared inline before targets exists;
-- SQLite resolves foreign keys when rows are written (PostgreSQL adds it by ALTER TABLE).


-- Requests submitted by portal users (or entered by staff for a customer).
CREATE TABLE service_requests (
    id                BLOB    NOT NULL PRIMARY KEY,
    customer_id       BLOB    NOT NULL,
    location_id       BLOB    NOT NULL,
    submitted_by      BLOB    NULL       -- NULL = entered by staff or an integration
        REFERENCES portal_users (id) ON DELETE RESTRICT,
    kind              TEXT    NOT NULL
        CONSTRAINT ck_service_requests_kind
        CHECK (kind IN ('service', 'maintenance', 'appointment', 'support')),
    title             TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    preferred_windows TEXT    NOT NULL,  -- JSON array of {"from": RFC 3339, "to": RFC 3339};
                                         -- [] when none
    site_access_notes TEXT    NULL,      -- customer-written (keys, codes, opening hours)
    contact_phone     TEXT    NULL,
    status            TEXT    NOT NULL
        CONSTRAINT ck_service_requests_status
        CHECK (status IN ('submitted', 'in_review', 'accepted', 'planned', 'rejected', 'cancelled')),
    public_reason     TEXT    NULL,      -- shown to the customer when rejected
    cancel_reason     TEXT    NULL,      -- given by whoever cancelled (customer or staff)
    target_id         BLOB    NULL,      -- the work item created on accept
    idempotency_key   TEXT    NULL,      -- Idempotency-Key header of the submitting POST
    idempotency_hash  TEXT    NULL,      -- internal only: never portal-visible; hash of the
                                         -- request body (same key, other body: rejected)
    internal_notes    TEXT    NULL,      -- internal only: never portal-visible
    reviewed_by       BLOB    NULL       -- internal only: never portal-visible
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    reviewed_at       TEXT    NULL,      -- internal only: never portal-visible
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    CONSTRAINT fk_service_requests_location_id_customer_id
        FOREIGN KEY (location_id, customer_id) REFERENCES locations (id, customer_id) ON DELETE RESTRICT,
    CONSTRAINT fk_service_requests_target_id
        FOREIGN KEY (target_id) REFERENCES targets (id) ON DELETE RESTRICT,
    -- A retried POST with the same key by the same user finds the first request (NULL
    -- submitted_by or NULL key: no idempotency, both dialects treat NULLs as distinct).
    CONSTRAINT uq_service_requests_idempotency UNIQUE (submitted_by, idempotency_key),
    CONSTRAINT uq_service_requests_target_id UNIQUE (target_id)
);

-- portal lists (scoped by granted locations / by customer for all-locations grants)
CREATE INDEX ix_service_requests_location_id_created_at_id
    ON service_requests (location_id, created_at, id);
CREATE INDEX ix_service_requests_customer_id_created_at_id
    ON service_requests (customer_id, created_at, id);
-- staff lists (GET /requests?status, unfiltered)
CREATE INDEX ix_service_requests_status_created_at_id
    ON service_requests (status, created_at, id);
CREATE INDEX ix_service_requests_created_at_id ON service_requests (created_at, id);


-- Internal work items. Portal users see a reduced view (GET /work: title, public status mapped
-- from internal_status, location) and never the internal columns.
CREATE TABLE targets (
    id              BLOB    NOT NULL PRIMARY KEY,
    customer_id     BLOB    NOT NULL,
    location_id     BLOB    NOT NULL,
    contact_id      BLOB    NULL REFERENCES contacts (id) ON DELETE RESTRICT,
    request_id      BLOB    NULL      -- NULL = created by staff without a portal request
        REFERENCES service_requests (id) ON DELETE RESTRICT,
    title           TEXT    NOT NULL,
    internal_status TEXT    NOT NULL  -- mapped to a public status by the domain crate
        CONSTRAINT ck_targets_internal_status
        CHECK (internal_status IN ('open', 'planned', 'in_progress', 'on_hold', 'completed', 'cancelled')),
    priority        TEXT    NOT NULL  -- internal only: never portal-visible
        CONSTRAINT ck_targets_priority CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    internal_notes  TEXT    NULL,     -- internal only: never portal-visible
    billing_trigger TEXT    NULL,     -- internal only: never portal-visible (free text for
                                      -- the billing export)
    routing_score   REAL    NULL,     -- internal only: never portal-visible
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CONSTRAINT fk_targets_location_id_customer_id
        FOREIGN KEY (location_id, customer_id) REFERENCES locations (id, customer_id) ON DELETE RESTRICT,
    CONSTRAINT uq_targets_request_id UNIQUE (request_id),
    -- target of fk_appointments_target_id_location_id
    CONSTRAINT uq_targets_id_location_id UNIQUE (id, location_id)
);

CREATE INDEX ix_targets_location_id_created_at_id ON targets (location_id, created_at, id);
CREATE INDEX ix_targets_internal_status_created_at_id
    ON targets (internal_status, created_at, id);
CREATE INDEX ix_targets_created_at_id ON targets (created_at, id);


-- Technician visits for a target. Portal users see upcoming appointments of their granted
-- locations (the hot path: ix_appointments_location_id_starts_at_id); "tentative" maps to
-- "not visible" in the domain's public status mapping.
CREATE TABLE appointments (
    id              BLOB    NOT NULL PRIMARY KEY,
    target_id       BLOB    NOT NULL,
    location_id     BLOB    NOT NULL,  -- denormalized from the target for the hot path
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL,
    internal_status TEXT    NOT NULL
        CONSTRAINT ck_appointments_internal_status
        CHECK (internal_status IN ('tentative', 'scheduled', 'dispatched', 'en_route', 'on_site',
                                   'completed', 'cancelled', 'no_access')),
    technician_id   BLOB    NULL       -- internal only: never portal-visible
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    routing_score   REAL    NULL,      -- internal only: never portal-visible
    internal_notes  TEXT    NULL,      -- internal only: never portal-visible
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    CONSTRAINT ck_appointments_starts_at_ends_at CHECK (starts_at < ends_at),
    CONSTRAINT fk_appointments_target_id_location_id
        FOREIGN KEY (target_id, location_id) REFERENCES targets (id, location_id)
        ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX ix_appointments_location_id_starts_at_id
    ON appointments (location_id, starts_at, id);
CREATE INDEX ix_appointments_target_id ON appointments (target_id);
CREATE INDEX ix_appointments_starts_at_id ON appointments (starts_at, id);
CREATE INDEX ix_appointments_technician_id_starts_at ON appointments (technician_id, starts_at);
