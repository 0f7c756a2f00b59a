-- Runs unchanged on PostgreSQL and SQLite: BIGINT, TEXT, times as epoch
-- milliseconds. Later changes are expand-then-contract (add nullable
-- columns and new tables first, drop only once no running release reads
-- them), so the previous release keeps working against the new schema.

CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- Role names, sorted, comma-separated: "pilot,stevedore".
    roles TEXT NOT NULL,
    -- Optimistic concurrency: every change is `WHERE version = <read>`.
    version BIGINT NOT NULL,
    -- Bumped first by every assignment and shift change of the person, so
    -- those transactions take the person's row lock and run one at a time
    -- (two concurrent assignments cannot both pass the double-booking
    -- check). Not part of the person's version.
    schedule_seq BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- One certification of each kind per person: renewing replaces it.
CREATE TABLE IF NOT EXISTS certifications (
    person_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (person_id, kind)
);

CREATE TABLE IF NOT EXISTS shifts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS shifts_person ON shifts (person_id, start_ms);

CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    port_call_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    status TEXT NOT NULL,
    person_id TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

-- A port call needs each kind of task once: a replayed event opens nothing.
CREATE UNIQUE INDEX IF NOT EXISTS tasks_port_call_kind ON tasks (port_call_id, kind);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks (status, id);

CREATE TABLE IF NOT EXISTS assignments (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    port_call_id TEXT NOT NULL,
    task_kind TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- One person per task.
CREATE UNIQUE INDEX IF NOT EXISTS assignments_task ON assignments (task_id);
CREATE INDEX IF NOT EXISTS assignments_person ON assignments (person_id, start_ms);

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
