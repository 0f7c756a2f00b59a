-- What the next release's first migration looks like: an expansion only.
-- A nullable column the previous release never writes (its inserts name
-- their columns, so they keep working) and a table it never reads. The
-- contraction (dropping what the next release no longer uses) waits one
-- more release, when no instance of this one can come back.
ALTER TABLE track_points ADD COLUMN IF NOT EXISTS receiver TEXT;
CREATE TABLE IF NOT EXISTS port_areas (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    polygon TEXT NOT NULL
);
