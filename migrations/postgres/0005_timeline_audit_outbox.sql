-- 0005_timeline_audit_outbox.sql (PostgreSQL)
--
-- Side effects of state changes, each written in the SAME transaction as the change it
-- describes: the customer-safe timeline, the audit log, and the mail outbox. Plus the internal
-- integration tables (webhook deliveries, mapping warnings).
--
-- Outbox workers claim due rows with a lease: UPDATE ... SET claimed_until = now + lease WHERE
-- id IN (due rows whose claimed_until IS NULL OR claimed_until < now), using
-- FOR UPDATE SKIP LOCKED on PostgreSQL; so several api processes never send one mail twice.


-- Customer-safe milestones shown by GET /timeline (newest first). public_payload holds only
-- portal-safe values (e.g. public status, dates, report title), never internal columns.
CREATE TABLE timeline_events (
    id             uuid        NOT NULL PRIMARY KEY,
    customer_id    uuid        NOT NULL,
    location_id    uuid        NOT NULL,
    kind           text        NOT NULL
        CONSTRAINT ck_timeline_events_kind
        CHECK (kind IN ('request_submitted', 'request_accepted', 'request_rejected',
                        'request_cancelled', 'appointment_scheduled', 'appointment_rescheduled',
                        'appointment_cancelled', 'visit_completed', 'report_shared',
                        'follow_up_required', 'follow_up_planned')),
    subject_kind   text        NOT NULL   -- what subject_id points at
        CONSTRAINT ck_timeline_events_subject_kind
        CHECK (subject_kind IN ('request', 'appointment', 'report', 'follow_up')),
    subject_id     uuid        NOT NULL,  -- polymorphic, no foreign key
    occurred_at    timestamptz NOT NULL,
    public_payload jsonb       NOT NULL,  -- JSON object; {} when there is nothing to add
    CONSTRAINT fk_timeline_events_location_id_customer_id
        FOREIGN KEY (location_id, customer_id) REFERENCES locations (id, customer_id) ON DELETE RESTRICT
);

CREATE INDEX ix_timeline_events_location_id_occurred_at_id
    ON timeline_events (location_id, occurred_at, id);
CREATE INDEX ix_timeline_events_customer_id_occurred_at_id
    ON timeline_events (customer_id, occurred_at, id);


-- Who did what: every login (success and failure), invitation, grant change, publish/release
-- and download. Append-only; no foreign keys, so entries outlive what they mention.
-- internal only: never portal-visible (the whole table).
CREATE TABLE audit_log (
    id           uuid        NOT NULL PRIMARY KEY,
    actor_kind   text        NOT NULL
        CONSTRAINT ck_audit_log_actor_kind
        CHECK (actor_kind IN ('staff', 'api_key', 'portal', 'system', 'anonymous')),
    actor_id     uuid        NULL,      -- staff_users / api_keys / portal_users id; NULL for
                                        -- system and anonymous
    action       text        NOT NULL,  -- dotted verb, e.g. 'portal.login.failed'
    subject_kind text        NULL,      -- free text ('portal_user', 'report', ...)
    subject_id   uuid        NULL,
    ip           text        NULL,
    at           timestamptz NOT NULL,
    details      jsonb       NOT NULL   -- JSON object; {} when empty; never secrets/tokens
);

CREATE INDEX ix_audit_log_at_id ON audit_log (at, id);
CREATE INDEX ix_audit_log_subject_kind_subject_id ON audit_log (subject_kind, subject_id);


-- Mails to send (invitations, resets, notifications). Rendered by the worker from template +
-- locale + payload; retried with backoff (next_attempt_at) until sent_at is set. The payload of
-- an invitation/reset mail contains the raw token (the link): the worker should blank it once
-- the mail is sent, and sent rows may be purged.
-- internal only: never portal-visible (the whole table).
CREATE TABLE mail_outbox (
    id              uuid        NOT NULL PRIMARY KEY,
    to_address      text        NOT NULL,
    template        text        NOT NULL,  -- template name, e.g. 'portal_invitation'
    locale          text        NOT NULL
        CONSTRAINT ck_mail_outbox_locale CHECK (locale IN ('en', 'fr', 'de')),
    payload         jsonb       NOT NULL,  -- JSON object of template variables
    attempts        bigint      NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,  -- due time; set to created_at on insert
    claimed_until   timestamptz NULL,      -- lease of the worker currently sending it
    sent_at         timestamptz NULL,      -- NULL = still to send
    last_error      text        NULL,
    created_at      timestamptz NOT NULL
);

-- partial: only unsent mail is indexed, so the claim query stays cheap as sent rows pile up
-- (the claim query must say "sent_at IS NULL" for the planner to use it)
CREATE INDEX ix_mail_outbox_next_attempt_at
    ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;


-- Webhook traffic with external systems (ERP/CRM/dispatch tools): inbound events received and
-- outbound notifications sent, with retry state for outbound ones.
-- internal only: never portal-visible (the whole table).
CREATE TABLE webhook_deliveries (
    id               uuid        NOT NULL PRIMARY KEY,
    direction        text        NOT NULL
        CONSTRAINT ck_webhook_deliveries_direction CHECK (direction IN ('inbound', 'outbound')),
    endpoint         text        NOT NULL,  -- integration name (inbound) or target URL (outbound)
    event_type       text        NOT NULL,
    external_id      text        NULL,      -- sender's delivery id, for deduplication
    payload          jsonb       NOT NULL,
    status           text        NOT NULL
        CONSTRAINT ck_webhook_deliveries_status
        CHECK (status IN ('pending', 'delivered', 'failed', 'discarded')),
    attempts         bigint      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NULL,      -- NULL = nothing scheduled
    claimed_until    timestamptz NULL,      -- lease of the worker currently delivering it
    response_status  bigint      NULL,      -- last HTTP status received (outbound)
    last_error       text        NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CONSTRAINT uq_webhook_deliveries_direction_endpoint_external_id
        UNIQUE (direction, endpoint, external_id)
);

CREATE INDEX ix_webhook_deliveries_created_at_id ON webhook_deliveries (created_at, id);
-- partial: only deliveries still to do
CREATE INDEX ix_webhook_deliveries_next_attempt_at
    ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';


-- Data from an integration that could not be mapped (unknown external_ref, unknown status...),
-- kept for staff to resolve.
-- internal only: never portal-visible (the whole table).
CREATE TABLE mapping_warnings (
    id           uuid        NOT NULL PRIMARY KEY,
    source       text        NOT NULL,  -- integration name
    delivery_id  uuid        NULL REFERENCES webhook_deliveries (id) ON DELETE RESTRICT,
    entity_kind  text        NOT NULL,  -- free text ('customer', 'location', 'appointment', ...)
    external_ref text        NULL,      -- the id in the external system that failed to map
    message      text        NOT NULL,
    details      jsonb       NOT NULL,  -- JSON object; {} when empty
    resolved_at  timestamptz NULL,      -- NULL = open
    resolved_by  uuid        NULL REFERENCES staff_users (id) ON DELETE RESTRICT,
    created_at   timestamptz NOT NULL
);

CREATE INDEX ix_mapping_warnings_created_at_id ON mapping_warnings (created_at, id);
CREATE INDEX ix_mapping_warnings_delivery_id ON mapping_warnings (delivery_id);
