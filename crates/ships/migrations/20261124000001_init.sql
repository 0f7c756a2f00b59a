-- Runs unchanged on PostgreSQL and SQLite: BIGINT, DOUBLE PRECISION, TEXT,
-- times as epoch milliseconds. Later changes are expand-then-contract, so
-- the previous release keeps working against the new schema.

CREATE TABLE IF NOT EXISTS vessels (
    mmsi BIGINT PRIMARY KEY,
    first_seen_ms BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS latest_positions (
    mmsi BIGINT PRIMARY KEY,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    sog_knots DOUBLE PRECISION,
    cog_deg DOUBLE PRECISION,
    heading_deg BIGINT,
    nav_status BIGINT,
    observed_at_ms BIGINT NOT NULL
);

-- One row per vessel and instant: a replayed event lands on its own row.
CREATE TABLE IF NOT EXISTS track_points (
    mmsi BIGINT NOT NULL,
    observed_at_ms BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    sog_knots DOUBLE PRECISION,
    cog_deg DOUBLE PRECISION,
    heading_deg BIGINT,
    nav_status BIGINT,
    PRIMARY KEY (mmsi, observed_at_ms)
);

CREATE TABLE IF NOT EXISTS static_data (
    mmsi BIGINT PRIMARY KEY,
    name TEXT,
    callsign TEXT,
    imo BIGINT,
    ship_type BIGINT,
    to_bow BIGINT,
    to_stern BIGINT,
    to_port BIGINT,
    to_starboard BIGINT,
    destination TEXT,
    draught_m DOUBLE PRECISION,
    eta TEXT,
    updated_at_ms BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS registry (
    mmsi BIGINT PRIMARY KEY,
    operator TEXT NOT NULL,
    flag TEXT NOT NULL,
    notes TEXT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS static_data_name ON static_data (name);
