-- 0004_reports_attachments_followups.sql (SQLite)
--
-- What comes out of the work: visit reports (internal body + a separately written portal
-- version), attachments (bytes live in object storage, never in the database), the release
-- ledger (who published/released/withdrew and which portal user viewed/downloaded what), and
-- follow-ups.
--
-- Visibility rules (crates/domain) these columns serve:
--   * a report is portal-visible iff internal_status = 'approved' AND published_at IS NOT NULL
--     AND unpublished_at IS NULL (republishing sets published_at again and clears unpublished_at);
--   * an attachment is downloadable iff portal_released_at IS NOT NULL AND its owner is visible
--     to the caller AND the grant has can_download_attachments AND the customer has
--     attachments_enabled.


-- Technician visit reports for a target (usually for one appointment).
CREATE TABLE visit_reports (
    id              BLOB    NOT NULL PRIMARY KEY,
    target_id       BLOB    NOT NULL REFERENCES targets (id) ON DELETE RESTRICT,
    appointment_id  BLOB    NULL REFERENCES appointments (id) ON DELETE RESTRICT,
    body            TEXT    NOT NULL,  -- internal only: never portal-visible (technician's
                                       -- raw report; the portal gets portal_* below)
    internal_status TEXT    NOT NULL
        CONSTRAINT ck_visit_reports_internal_status
        CHECK (internal_status IN ('draft', 'submitted', 'approved', 'rejected')),
    approved_by     BLOB    NULL       -- internal only: never portal-visible
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    approved_at     TEXT    NULL,
    portal_title    TEXT    NULL,      -- customer-facing text, written at publish time
    portal_summary  TEXT    NULL,
    portal_message  TEXT    NULL,
    published_at    TEXT    NULL,
    published_by    BLOB    NULL       -- internal only: never portal-visible
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    unpublished_at  TEXT    NULL,      -- set by unpublish; NULL while published
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

CREATE INDEX ix_visit_reports_target_id ON visit_reports (target_id);
CREATE INDEX ix_visit_reports_created_at_id ON visit_reports (created_at, id);


-- File metadata. owner_kind/owner_id point at a service request, a target or a visit report
-- (polymorphic, so no foreign key on owner_id: the app checks the owner exists in the insert
-- transaction). customer_id/location_id are copied from the owner for scoping; when a target
-- moves to another location the app updates its attachments in the same transaction.
CREATE TABLE attachments (
    id                 BLOB    NOT NULL PRIMARY KEY,
    owner_kind         TEXT    NOT NULL
        CONSTRAINT ck_attachments_owner_kind CHECK (owner_kind IN ('request', 'target', 'report')),
    owner_id           BLOB    NOT NULL,
    customer_id        BLOB    NOT NULL,  -- denormalized from the owner for scoping
    location_id        BLOB    NOT NULL,  -- denormalized from the owner for scoping
    filename           TEXT    NOT NULL,  -- sanitized original name (Content-Disposition)
    content_type       TEXT    NOT NULL,
    size               INTEGER NOT NULL   -- bytes
        CONSTRAINT ck_attachments_size CHECK (size >= 0),
    sha256             TEXT    NOT NULL   -- lowercase hex digest of the bytes
        CONSTRAINT ck_attachments_sha256 CHECK (length(sha256) = 64),
    storage_key        TEXT    NOT NULL,  -- internal only: never portal-visible (object key)
    uploaded_by_kind   TEXT    NOT NULL
        CONSTRAINT ck_attachments_uploaded_by_kind CHECK (uploaded_by_kind IN ('staff', 'portal')),
    uploaded_by        BLOB    NOT NULL,  -- staff_users.id or portal_users.id per
                                          -- uploaded_by_kind (no foreign key: polymorphic)
    portal_released_at TEXT    NULL,      -- NULL = not released to the portal
    released_by        BLOB    NULL       -- internal only: never portal-visible
        REFERENCES staff_users (id) ON DELETE RESTRICT,
    created_at         TEXT    NOT NULL,
    CONSTRAINT fk_attachments_location_id_customer_id
        FOREIGN KEY (location_id, customer_id) REFERENCES locations (id, customer_id) ON DELETE RESTRICT,
    CONSTRAINT uq_attachments_storage_key UNIQUE (storage_key)
);

CREATE INDEX ix_attachments_owner_kind_owner_id ON attachments (owner_kind, owner_id);


-- Append-only ledger of publication and access: staff publish/unpublish reports and
-- release/withdraw attachments; portal users view reports and download attachments.
-- customer_id/location_id are copied from the subject so GET /access-log ("which of the
-- customer's own users viewed/downloaded what") is one scoped, indexed query.
-- Staff read the whole ledger; the portal access log reads only actor_kind = 'portal' rows
-- within the caller's grants.
CREATE TABLE release_ledger (
    id           BLOB    NOT NULL PRIMARY KEY,
    subject_kind TEXT    NOT NULL
        CONSTRAINT ck_release_ledger_subject_kind CHECK (subject_kind IN ('report', 'attachment')),
    subject_id   BLOB    NOT NULL,  -- visit_reports.id or attachments.id (polymorphic)
    customer_id  BLOB    NOT NULL,  -- denormalized from the subject for scoping
    location_id  BLOB    NOT NULL,  -- denormalized from the subject for scoping
    action       TEXT    NOT NULL
        CONSTRAINT ck_release_ledger_action
        CHECK (action IN ('published', 'unpublished', 'released', 'withdrawn', 'downloaded', 'viewed')),
    actor_kind   TEXT    NOT NULL
        CONSTRAINT ck_release_ledger_actor_kind CHECK (actor_kind IN ('staff', 'portal')),
    actor_id     BLOB    NOT NULL,  -- staff_users.id or portal_users.id per actor_kind
    at           TEXT    NOT NULL,
    CONSTRAINT fk_release_ledger_location_id_customer_id
        FOREIGN KEY (location_id, customer_id) REFERENCES locations (id, customer_id) ON DELETE RESTRICT
);

CREATE INDEX ix_release_ledger_subject_kind_subject_id_at_id
    ON release_ledger (subject_kind, subject_id, at, id);
CREATE INDEX ix_release_ledger_location_id_at_id ON release_ledger (location_id, at, id);


-- Further work a visit showed to be needed; public_note is what the customer reads.
CREATE TABLE follow_ups (
    id                     BLOB    NOT NULL PRIMARY KEY,
    target_id              BLOB    NOT NULL REFERENCES targets (id) ON DELETE RESTRICT,
    report_id              BLOB    NULL REFERENCES visit_reports (id) ON DELETE RESTRICT,
    status                 TEXT    NOT NULL
        CONSTRAINT ck_follow_ups_status CHECK (status IN ('required', 'planned', 'done', 'cancelled')),
    public_note            TEXT    NULL,
    planned_appointment_id BLOB    NULL REFERENCES appointments (id) ON DELETE RESTRICT,
    internal_notes         TEXT    NULL,  -- internal only: never portal-visible
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL
);

CREATE INDEX ix_follow_ups_target_id ON follow_ups (target_id);
CREATE INDEX ix_follow_ups_created_at_id ON follow_ups (created_at, id);
