-- Runs unchanged on PostgreSQL and SQLite: BIGINT, TEXT, times as epoch
-- milliseconds, coordinates as JSON text. Later changes are
-- expand-then-contract (add nullable columns and new tables first, drop
-- only once no running release reads them), so the previous release keeps
-- working against the new schema.

CREATE TABLE IF NOT EXISTS zones (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- [{"lon":..,"lat":..}, ...], the outer ring without its closing point.
    ring_json TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS zones_kind ON zones (kind, id);

CREATE TABLE IF NOT EXISTS port_calls (
    id TEXT PRIMARY KEY,
    mmsi BIGINT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    berth_id TEXT,
    eta_ms BIGINT NOT NULL,
    etd_ms BIGINT,
    ata_ms BIGINT,
    atd_ms BIGINT,
    state TEXT NOT NULL,
    waypoints_json TEXT NOT NULL,
    -- Derived from positions; changing it does not bump the version.
    estimated_arrival_ms BIGINT,
    -- Optimistic concurrency: every change is `WHERE version = <read>`.
    version BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS port_calls_mmsi ON port_calls (mmsi, state);
CREATE INDEX IF NOT EXISTS port_calls_eta ON port_calls (state, eta_ms);

-- The newest position applied per vessel: older ones (replays, stragglers)
-- are ignored, so zone events are never emitted twice.
CREATE TABLE IF NOT EXISTS vessels (
    mmsi BIGINT PRIMARY KEY,
    observed_at_ms BIGINT NOT NULL
);

-- The zones each vessel is in now.
CREATE TABLE IF NOT EXISTS vessel_zones (
    mmsi BIGINT NOT NULL,
    zone_id TEXT NOT NULL,
    entered_at_ms BIGINT NOT NULL,
    PRIMARY KEY (mmsi, zone_id)
);

CREATE INDEX IF NOT EXISTS vessel_zones_zone ON vessel_zones (zone_id);

-- A create's idempotency key and what it created: a retry finds the row
-- and gets the original back. The fingerprint tells a retry from a reuse
-- of the key for a different request.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);

-- Events written in the same transaction as the change they announce; the
-- relay publishes them in order and deletes them once the broker has them.
-- Ids are UUIDv7, so (created_at_ms, id) is commit order within a writer.
-- Payloads are hex so the column is TEXT on both databases.
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    event_key TEXT NOT NULL,
    payload_hex TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS outbox_order ON outbox (created_at_ms, id);
