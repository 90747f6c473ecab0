-- 0001_staff_and_customers.sql (SQLite)
--
-- Staff identities, internal API keys, and the customer master data: customers, their locations
-- (sites) and their contacts. Everything a portal user may ever see hangs off a customer and a
-- location, so these are the roots of portal scoping.
--
-- Conventions for every migration in migrations/postgres and migrations/sqlite (same files, same
-- table/column/constraint/index names; only the column types differ per dialect):
--   * Ids are UUIDs chosen by the application (PostgreSQL uuid; SQLite BLOB holding the 16 raw
--     bytes sqlx binds for uuid::Uuid). No database-generated ids or timestamps anywhere: the
--     application binds id, created_at and updated_at on every insert/update.
--   * Timestamps: PostgreSQL timestamptz; SQLite TEXT holding the RFC 3339 UTC text sqlx writes for
--     chrono::DateTime<Utc>. On SQLite, comparisons and ORDER BY on timestamps are text
--     comparisons: always bind DateTime<Utc>, never a hand-formatted string or datetime('now').
--   * Booleans boolean/BOOLEAN (0/1); JSON jsonb/TEXT (bind sqlx::types::Json); integers
--     bigint/INTEGER (i64); floats double precision/REAL (f64); strings text/TEXT.
--   * Status/kind/role columns are text with a named CHECK (ck_<table>_<column>) listing exactly
--     the values of the matching domain enum. No defaults on them: the domain picks the
--     initial state.
--   * Unique constraints are named uq_<table>_<columns>, indexes ix_<table>_<columns>, composite
--     foreign keys fk_<table>_<columns>; the Rust code maps these names to field errors.
--   * version: optimistic-concurrency counter, starts at 1;
--     UPDATE ... SET version = version + 1 ... WHERE id = $1 AND version = $2.
--   * Every list is keyset-paginated; the ix_* indexes end in (..., sort key, id) for that.
--   * "-- internal only: never portal-visible" marks columns no Portal* read model may select.
--   * Foreign keys are enforced on SQLite too (sqlx's SqliteConnectOptions sets foreign_keys=ON
--     by default; keep it).
--   * ON DELETE: CASCADE only for what belongs to a portal user (grants, grant locations,
--     sessions, invitations, reset tokens); RESTRICT everywhere else (business rows are never
--     deleted implicitly; users/customers are disabled, not deleted).


-- Internal staff (admin, manager, dispatcher): users of the internal API and the staff console.
-- internal only: never portal-visible (the whole table).
CREATE TABLE staff_users (
    id            BLOB    NOT NULL PRIMARY KEY,
    email         TEXT    NOT NULL,               -- login name; stored lowercased by the app
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL
        CONSTRAINT ck_staff_users_role CHECK (role IN ('admin', 'manager', 'dispatcher')),
    password_hash TEXT    NULL,                   -- argon2id PHC string; NULL = no password login
    active        BOOLEAN NOT NULL DEFAULT TRUE,  -- FALSE = disabled; staff rows are never deleted
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT uq_staff_users_email UNIQUE (email)
);

CREATE INDEX ix_staff_users_created_at_id ON staff_users (created_at, id);


-- Machine credentials for the internal API (integrations, scripts). The key is shown once at
-- creation; only its hash is stored.
-- internal only: never portal-visible (the whole table).
CREATE TABLE api_keys (
    id           BLOB    NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,  -- human label ("ERP sync")
    prefix       TEXT    NOT NULL,  -- leading characters of the key, not secret:
                                    -- shown in lists and used to find the row
    key_hash     TEXT    NOT NULL,  -- hash (hex) of the whole key; compare in constant time
    scopes       TEXT    NOT NULL,  -- JSON array of scope strings, e.g. ["requests:read"]
    created_by   BLOB    NOT NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
    last_used_at TEXT    NULL,
    revoked_at   TEXT    NULL,      -- NULL = usable; revoked keys stay for the audit trail
    created_at   TEXT    NOT NULL,
    CONSTRAINT uq_api_keys_prefix UNIQUE (prefix),
    CONSTRAINT uq_api_keys_key_hash UNIQUE (key_hash)
);

CREATE INDEX ix_api_keys_created_at_id ON api_keys (created_at, id);


-- Customers and partners (a partner is e.g. a property manager acting for several sites).
CREATE TABLE customers (
    id                  BLOB    NOT NULL PRIMARY KEY,
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL
        CONSTRAINT ck_customers_kind CHECK (kind IN ('customer', 'partner')),
    external_ref        TEXT    NULL,                   -- id in the ERP/CRM; unique when present
    portal_enabled      BOOLEAN NOT NULL DEFAULT TRUE,  -- FALSE = no portal access for any grant
    attachments_enabled BOOLEAN NOT NULL DEFAULT TRUE,  -- FALSE = no attachment download in the portal
    internal_notes      TEXT    NULL,                   -- internal only: never portal-visible
    billing_account     TEXT    NULL,                   -- internal only: never portal-visible
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    -- several NULLs are allowed (both dialects treat NULLs as distinct)
    CONSTRAINT uq_customers_external_ref UNIQUE (external_ref)
);

CREATE INDEX ix_customers_created_at_id ON customers (created_at, id);
CREATE INDEX ix_customers_name_id ON customers (name, id);


-- Sites of a customer. The unit of portal scoping: a grant gives access to all locations of a
-- customer or to a list of them, and every portal-visible row carries (or joins to) a location.
CREATE TABLE locations (
    id             BLOB    NOT NULL PRIMARY KEY,
    customer_id    BLOB    NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    name           TEXT    NOT NULL,
    address        TEXT    NOT NULL,  -- street lines, newline-separated
    city           TEXT    NOT NULL,
    postal_code    TEXT    NOT NULL,
    country        TEXT    NOT NULL   -- ISO 3166-1 alpha-2, uppercase ("FR", "DE", "CH")
        CONSTRAINT ck_locations_country CHECK (length(country) = 2 AND country = upper(country)),
    timezone       TEXT    NOT NULL,  -- IANA zone name ("Europe/Paris"); validated by the app
    internal_notes TEXT    NULL,      -- internal only: never portal-visible
    routing_zone   TEXT    NULL,      -- internal only: never portal-visible
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    -- Target of the composite foreign keys (location_id, customer_id) on the tables that carry
    -- both for scoping (service_requests, targets, attachments, release_ledger, timeline_events):
    -- the database guarantees their customer_id is the location's customer. Consequence: a
    -- location cannot be moved to another customer once such rows exist.
    CONSTRAINT uq_locations_id_customer_id UNIQUE (id, customer_id)
);

CREATE INDEX ix_locations_customer_id_name_id ON locations (customer_id, name, id);
CREATE INDEX ix_locations_created_at_id ON locations (created_at, id);


-- People at a customer (site contact, property manager...). A portal user may be linked to one.
CREATE TABLE contacts (
    id          BLOB    NOT NULL PRIMARY KEY,
    customer_id BLOB    NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    name        TEXT    NOT NULL,
    email       TEXT    NULL,  -- lowercased by the app; not unique
    phone       TEXT    NULL,
    role        TEXT    NULL,  -- free text job title ("store manager"), not an enum
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX ix_contacts_customer_id_name_id ON contacts (customer_id, name, id);
