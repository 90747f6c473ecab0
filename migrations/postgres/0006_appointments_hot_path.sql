-- 0006_appointments_hot_path.sql (PostgreSQL)
--
-- The portal's hot path, GET /appointments ("my upcoming appointments", keyset on
-- (starts_at, id) per granted location), reads its rows from one index range per granted
-- location. The plain (location_id, starts_at, id) index of 0003 made every row a heap fetch
-- for the filters and columns the list needs (ends_at for "not over yet", internal_status for
-- "never tentative", target_id for the work item). This index carries them, so the per-location
-- scans are index-only scans (with the visibility map kept by autovacuum). Measured on 1M
-- appointments: about 1.5x the queries per second of the plain index (bench/RESULTS.md).
--
-- It replaces ix_appointments_location_id_starts_at_id: same key, so every query that used
-- that index uses this one; keeping both would only double the write cost.

CREATE INDEX ix_appointments_location_id_starts_at_id_covering
    ON appointments (location_id, starts_at, id) INCLUDE (ends_at, internal_status, target_id);

DROP INDEX ix_appointments_location_id_starts_at_id;
