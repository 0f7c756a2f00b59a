-- Runs unchanged on PostgreSQL and SQLite: BIGINT, TEXT, times as epoch
-- milliseconds. Later changes are expand-then-contract (add nullable
-- columns and new tables first, drop only once no running release reads
-- them), so the previous release keeps working against the new schema.

CREATE TABLE IF NOT EXISTS manifests (
    id TEXT PRIMARY KEY,
    port_call_id TEXT NOT NULL,
    mmsi BIGINT NOT NULL,
    eta_ms BIGINT NOT NULL,
    declared_at_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    -- Optimistic concurrency: every change is `WHERE version = <read>`.
    version BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- One manifest per port call.
CREATE UNIQUE INDEX IF NOT EXISTS manifests_port_call ON manifests (port_call_id);
CREATE INDEX IF NOT EXISTS manifests_mmsi ON manifests (mmsi, id);

CREATE TABLE IF NOT EXISTS cargo_items (
    id TEXT PRIMARY KEY,
    manifest_id TEXT NOT NULL REFERENCES manifests (id),
    kind TEXT NOT NULL,
    container_number TEXT,
    description TEXT NOT NULL,
    weight_kg BIGINT NOT NULL,
    status TEXT NOT NULL,
    hold BIGINT,
    un_number BIGINT,
    imdg_class TEXT,
    declared_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS cargo_items_manifest ON cargo_items (manifest_id, id);
CREATE INDEX IF NOT EXISTS cargo_items_container ON cargo_items (container_number);

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
-- Payloads are hex so the column is TEXT on both databases.
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    event_key TEXT NOT NULL,
    payload_hex TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS outbox_order ON outbox (created_at_ms, id);
