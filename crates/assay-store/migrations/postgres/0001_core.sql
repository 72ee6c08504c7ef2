-- Organisations, tiers, exceptions, evaluation runs and the audit log.
--
-- PostgreSQL twin of ../sqlite/0001_core.sql: the same tables, columns
-- (in the same order), keys, constraints and indexes. INTEGER is BIGINT,
-- REAL is DOUBLE PRECISION, and every TEXT column has the "C" collation so
-- that comparisons and ORDER BY are byte order, as in SQLite.

CREATE TABLE tiers (
    name  TEXT COLLATE "C" PRIMARY KEY,
    about TEXT COLLATE "C" NOT NULL DEFAULT ''
);

CREATE TABLE tier_params (
    tier  TEXT COLLATE "C" NOT NULL REFERENCES tiers(name),
    param TEXT COLLATE "C" NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (tier, param)
);

CREATE TABLE organisations (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    slug                 TEXT COLLATE "C" NOT NULL UNIQUE,
    name                 TEXT COLLATE "C" NOT NULL,
    kind                 TEXT COLLATE "C" NOT NULL CHECK (kind IN ('provider', 'client')),
    tier                 TEXT COLLATE "C" REFERENCES tiers(name),
    contracted_endpoints BIGINT,
    created_at           TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX organisations_one_provider ON organisations(kind) WHERE kind = 'provider';

CREATE TABLE org_overrides (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    param  TEXT COLLATE "C" NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (org_id, param)
);

CREATE TABLE exceptions (
    id            TEXT COLLATE "C" PRIMARY KEY,
    org_id        TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    check_id      TEXT COLLATE "C" NOT NULL,
    resource      TEXT COLLATE "C",
    justification TEXT COLLATE "C" NOT NULL,
    approver      TEXT COLLATE "C" NOT NULL,
    expires       TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    revoked_at    TEXT COLLATE "C"
);
CREATE INDEX exceptions_org ON exceptions(org_id);

CREATE TABLE eval_runs (
    id           TEXT COLLATE "C" PRIMARY KEY,
    evaluated_at TEXT COLLATE "C" NOT NULL,
    started_at   TEXT COLLATE "C" NOT NULL,
    finished_at  TEXT COLLATE "C" NOT NULL,
    actor        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX eval_runs_evaluated_at ON eval_runs(evaluated_at);

CREATE TABLE eval_results (
    run_id         TEXT COLLATE "C" NOT NULL REFERENCES eval_runs(id),
    org_id         TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    framework      TEXT COLLATE "C" NOT NULL,
    evaluated_at   TEXT COLLATE "C" NOT NULL,
    verdict_status TEXT COLLATE "C",
    result         TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (run_id, org_id, framework)
);
CREATE INDEX eval_results_org_time ON eval_results(org_id, evaluated_at);

-- Runs and results are append-only. SQLite's BEFORE UPDATE / BEFORE DELETE
-- triggers RAISE(ABORT, msg); here they call one function that raises its
-- argument. TRUNCATE, which SQLite lacks and which skips row triggers, is
-- refused as well.
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;

CREATE TRIGGER eval_runs_no_update BEFORE UPDATE ON eval_runs
    FOR EACH ROW EXECUTE FUNCTION append_only('evaluation runs are append-only');
CREATE TRIGGER eval_runs_no_delete BEFORE DELETE ON eval_runs
    FOR EACH ROW EXECUTE FUNCTION append_only('evaluation runs are append-only');
CREATE TRIGGER eval_runs_no_truncate BEFORE TRUNCATE ON eval_runs
    FOR EACH STATEMENT EXECUTE FUNCTION append_only('evaluation runs are append-only');
CREATE TRIGGER eval_results_no_update BEFORE UPDATE ON eval_results
    FOR EACH ROW EXECUTE FUNCTION append_only('evaluation results are append-only');
CREATE TRIGGER eval_results_no_delete BEFORE DELETE ON eval_results
    FOR EACH ROW EXECUTE FUNCTION append_only('evaluation results are append-only');
CREATE TRIGGER eval_results_no_truncate BEFORE TRUNCATE ON eval_results
    FOR EACH STATEMENT EXECUTE FUNCTION append_only('evaluation results are append-only');

-- seq is assigned by the store (SQLite's INTEGER PRIMARY KEY would number a
-- row given no seq; no insert relies on that).
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT COLLATE "C" NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    source    TEXT COLLATE "C" NOT NULL,
    action    TEXT COLLATE "C" NOT NULL,
    org_id    TEXT COLLATE "C",
    target    TEXT COLLATE "C" NOT NULL,
    before    TEXT COLLATE "C" NOT NULL,
    after     TEXT COLLATE "C" NOT NULL,
    prev_hash TEXT COLLATE "C" NOT NULL,
    hash      TEXT COLLATE "C" NOT NULL
);

-- The newest entry, so that deleting the tail of the log is detected too.
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT COLLATE "C" NOT NULL
);

-- The head exists from the start, at the genesis hash (audit::GENESIS) and
-- seq 0, which is what an empty log verifies to. Writers serialise by
-- locking this row (SELECT ... FOR UPDATE); were it absent, the first
-- writers on several nodes would lock nothing, all take seq 1, and all but
-- one fail on audit_log's primary key. (SQLite needs no seed: its writers
-- are serialised by the database lock.)
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
