-- 0007_download_tickets.sql (PostgreSQL)
--
-- One-time download links for browsers. The portal API authenticates with a bearer token,
-- which a plain <a href> cannot send; so a signed-in portal user may ask for a ticket for ONE
-- file it may download now (POST /attachments/{id}/download-link) and open
-- GET /attachments/{id}/download?ticket=... without a header. A ticket:
--   * is 32 random bytes; only its SHA-256 is stored (token_hash);
--   * is bound to the user, the session that asked for it (and its token version) and the file;
--   * expires 60 seconds after it was issued and is spent by its first use (used_at);
--   * is redeemed only if the session is still alive and the user still active, and the
--     download rule (released, owner visible, grant with downloads, customer with attachments
--     enabled) is checked AGAIN against the CURRENT grants at that moment.
-- Spent and expired rows carry nothing usable; they are purged when the user asks for a new one.
-- internal only: never portal-visible (the whole table).

CREATE TABLE download_tickets (
    id             uuid        NOT NULL PRIMARY KEY,
    token_hash     text        NOT NULL,  -- lowercase hex SHA-256 of the raw ticket
    portal_user_id uuid        NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
    session_id     uuid        NOT NULL REFERENCES portal_sessions (id) ON DELETE CASCADE,
    token_version  bigint      NOT NULL,  -- the user's token version when it was issued
    attachment_id  uuid        NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz NULL,      -- NULL = not spent yet
    created_at     timestamptz NOT NULL,
    CONSTRAINT uq_download_tickets_token_hash UNIQUE (token_hash)
);

CREATE INDEX ix_download_tickets_portal_user_id_expires_at
    ON download_tickets (portal_user_id, expires_at);
