-- 0002_portal_identity.sql (SQLite)
--
-- Portal identities and everything that decides what a portal user may see and do: users,
-- invitations, grants (customer + optional location list + capabilities), refresh-token
-- sessions, password-reset tokens, and the login throttle shared by all api processes.
--
-- Security model encoded here (see ARCHITECTURE.md, "Two surfaces"):
--   * Secrets are never stored: invitation/reset/refresh/calendar tokens are stored as hashes
--     (*_hash columns, unique so a lookup by hash is an index probe).
--   * Every portal request re-reads portal_users.status, token_version, the session row and the
--     CURRENT portal_grants, so revocation is effective on the next request.
--   * Rows belonging to a portal user (invitations, grants, grant locations, sessions, reset
--     tokens) go away with the user (ON DELETE CASCADE); users are normally disabled, not deleted.


-- People of a customer/partner who use the portal.
CREATE TABLE portal_users (
    id                     BLOB    NOT NULL PRIMARY KEY,
    email                  TEXT    NOT NULL,            -- login name; stored lowercased by the app
    display_name           TEXT    NOT NULL,
    locale                 TEXT    NOT NULL             -- UI and mail language
        CONSTRAINT ck_portal_users_locale CHECK (locale IN ('en', 'fr', 'de')),
    -- invited: no password yet; active; disabled: every session and token is refused
    status                 TEXT    NOT NULL
        CONSTRAINT ck_portal_users_status CHECK (status IN ('invited', 'active', 'disabled')),
    -- argon2id PHC string; NULL until the invitation is accepted
    password_hash          TEXT    NULL,                -- internal only: never portal-visible
    -- consecutive failed logins; reset on success; drives locked_until
    failed_logins          INTEGER NOT NULL DEFAULT 0,  -- internal only: never portal-visible
    locked_until           TEXT    NULL,                -- internal only: never portal-visible
    -- copied into access tokens and compared on every request; bumped on password change,
    -- disable and "log out everywhere" so that older tokens fail
    token_version          INTEGER NOT NULL DEFAULT 0,  -- internal only: never portal-visible
    contact_id             BLOB    NULL REFERENCES contacts (id) ON DELETE RESTRICT,
    -- mail notification preferences
    notify_request_updates BOOLEAN NOT NULL DEFAULT TRUE,
    notify_appointments    BOOLEAN NOT NULL DEFAULT TRUE,
    notify_reports         BOOLEAN NOT NULL DEFAULT TRUE,
    -- hash of the private .ics feed token; NULL = no feed; replaced to revoke the old feed URL
    calendar_token_hash    TEXT    NULL,                -- internal only: never portal-visible
    last_login_at          TEXT    NULL,
    password_changed_at    TEXT    NULL,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    CONSTRAINT uq_portal_users_email UNIQUE (email),
    CONSTRAINT uq_portal_users_calendar_token_hash UNIQUE (calendar_token_hash)
);

CREATE INDEX ix_portal_users_created_at_id ON portal_users (created_at, id);


-- Invitation links (32 random bytes, only the hash stored, single use, expiring). Resending
-- replaces token_hash and expires_at on the same row.
CREATE TABLE portal_invitations (
    id             BLOB    NOT NULL PRIMARY KEY,
    portal_user_id BLOB    NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    token_hash     TEXT    NOT NULL,  -- internal only: never portal-visible
    expires_at     TEXT    NOT NULL,
    accepted_at    TEXT    NULL,      -- set once; a used invitation answers 410
    revoked_at     TEXT    NULL,
    invited_by     BLOB    NULL       -- internal only: never portal-visible (NULL = CLI / system)
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CONSTRAINT uq_portal_invitations_token_hash UNIQUE (token_hash)
);

CREATE INDEX ix_portal_invitations_portal_user_id ON portal_invitations (portal_user_id);


-- What a portal user may see: one grant per (user, customer). all_locations = TRUE covers every
-- location of the customer, present and future; otherwise portal_grant_locations lists them.
-- Capabilities default to FALSE (least privilege); the app always writes them explicitly.
-- A grant is ignored when expires_at <= now or the customer has portal_enabled = FALSE.
CREATE TABLE portal_grants (
    id                       BLOB    NOT NULL PRIMARY KEY,
    portal_user_id           BLOB    NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    customer_id              BLOB    NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    all_locations            BOOLEAN NOT NULL DEFAULT FALSE,
    can_submit_requests      BOOLEAN NOT NULL DEFAULT FALSE,
    can_view_reports         BOOLEAN NOT NULL DEFAULT FALSE,
    can_download_attachments BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at               TEXT    NULL,  -- NULL = no expiry
    created_by               BLOB    NULL   -- internal only: never portal-visible (NULL = CLI / system)
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    -- also the index for "grants of a user" (leading column portal_user_id)
    CONSTRAINT uq_portal_grants_user_customer UNIQUE (portal_user_id, customer_id)
);

CREATE INDEX ix_portal_grants_customer_id ON portal_grants (customer_id);


-- Location list of a grant with all_locations = FALSE (rows are ignored when all_locations is
-- TRUE). Deleted with the grant; a location with grant rows cannot be deleted (RESTRICT).
-- The app must only insert locations of the grant's customer (check it in the same
-- transaction: the schema cannot express it without duplicating customer_id here).
CREATE TABLE portal_grant_locations (
    grant_id    BLOB    NOT NULL REFERENCES portal_grants (id) ON DELETE CASCADE,
    location_id BLOB    NOT NULL REFERENCES locations (id) ON DELETE RESTRICT,
    CONSTRAINT pk_portal_grant_locations PRIMARY KEY (grant_id, location_id)
);

CREATE INDEX ix_portal_grant_locations_location_id ON portal_grant_locations (location_id);


-- Refresh-token sessions. A refresh token is opaque and random; only its hash is stored.
-- Rotation inserts a new row in the same family and sets rotated_at on the old one; presenting
-- a rotated token again (reuse) revokes the whole family (UPDATE ... WHERE family_id = $1).
-- Access tokens carry the session id, and every request checks the row is neither revoked nor
-- expired. GET /me/sessions shows id, user_agent, created_ip, created_at, last_seen_at.
CREATE TABLE portal_sessions (
    id             BLOB    NOT NULL PRIMARY KEY,
    portal_user_id BLOB    NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    refresh_hash   TEXT    NOT NULL,  -- internal only: never portal-visible
    family_id      BLOB    NOT NULL,  -- internal only: never portal-visible; id of the
                                      -- first session of the rotation chain
    expires_at     TEXT    NOT NULL,
    revoked_at     TEXT    NULL,      -- logout, reuse detection, disable, password change
    rotated_at     TEXT    NULL,      -- internal only: never portal-visible; set when
                                      -- this token was exchanged for its successor
    user_agent     TEXT    NULL,
    created_ip     TEXT    NULL,
    last_seen_at   TEXT    NULL,
    created_at     TEXT    NOT NULL,
    CONSTRAINT uq_portal_sessions_refresh_hash UNIQUE (refresh_hash)
);

CREATE INDEX ix_portal_sessions_portal_user_id ON portal_sessions (portal_user_id);
CREATE INDEX ix_portal_sessions_family_id ON portal_sessions (family_id);


-- Password-reset tokens (32 random bytes, only the hash stored, single use, expiring).
-- internal only: never portal-visible (the whole table).
CREATE TABLE password_reset_tokens (
    id             BLOB    NOT NULL PRIMARY KEY,
    portal_user_id BLOB    NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    token_hash     TEXT    NOT NULL,
    expires_at     TEXT    NOT NULL,
    used_at        TEXT    NULL,  -- set once, in the transaction that changes the password
    created_at     TEXT    NOT NULL,
    CONSTRAINT uq_password_reset_tokens_token_hash UNIQUE (token_hash)
);

CREATE INDEX ix_password_reset_tokens_portal_user_id ON password_reset_tokens (portal_user_id);


-- Login throttling state shared by every api process (per-process governor limits sit in front).
-- One row per throttled key, e.g. 'email:<lowercased email>' or 'ip:<address>'; rows whose
-- window has passed may be deleted by a periodic sweep.
-- internal only: never portal-visible (the whole table).
CREATE TABLE login_throttle (
    key               TEXT    NOT NULL PRIMARY KEY,
    failures          INTEGER NOT NULL DEFAULT 0,  -- failures counted since window_started_at
    window_started_at TEXT    NOT NULL,
    locked_until      TEXT    NULL                 -- NULL = not locked
);

CREATE INDEX ix_login_throttle_window_started_at ON login_throttle (window_started_at);
