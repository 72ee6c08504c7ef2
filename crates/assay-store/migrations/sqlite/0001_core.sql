-- Organisations, tiers, exceptions, evaluation runs and the audit log.

CREATE TABLE tiers (
    name  TEXT PRIMARY KEY,
    about TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tier_params (
    tier  TEXT NOT NULL REFERENCES tiers(name),
    param TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (tier, param)
);

CREATE TABLE organisations (
    id                   TEXT PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL CHECK (kind IN ('provider', 'client')),
    tier                 TEXT REFERENCES tiers(name),
    contracted_endpoints INTEGER,
    created_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_one_provider ON organisations(kind) WHERE kind = 'provider';

CREATE TABLE org_overrides (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    param  TEXT NOT NULL,
    value  INTEGER NOT NULL,
    PRIMARY KEY (org_id, param)
);

CREATE TABLE exceptions (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    check_id      TEXT NOT NULL,
    resource      TEXT,
    justification TEXT NOT NULL,
    approver      TEXT NOT NULL,
    expires       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT
);
CREATE INDEX exceptions_org ON exceptions(org_id);

CREATE TABLE eval_runs (
    id           TEXT PRIMARY KEY,
    evaluated_at TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    actor        TEXT NOT NULL
);
CREATE INDEX eval_runs_evaluated_at ON eval_runs(evaluated_at);

CREATE TABLE eval_results (
    run_id         TEXT NOT NULL REFERENCES eval_runs(id),
    org_id         TEXT NOT NULL REFERENCES organisations(id),
    framework      TEXT NOT NULL,
    evaluated_at   TEXT NOT NULL,
    verdict_status TEXT,
    result         TEXT NOT NULL,
    PRIMARY KEY (run_id, org_id, framework)
);
CREATE INDEX eval_results_org_time ON eval_results(org_id, evaluated_at);

-- Runs and results are append-only.
CREATE TRIGGER eval_runs_no_update BEFORE UPDATE ON eval_runs BEGIN SELECT RAISE(ABORT, 'evaluation runs are append-only'); END;
CREATE TRIGGER eval_runs_no_delete BEFORE DELETE ON eval_runs BEGIN SELECT RAISE(ABORT, 'evaluation runs are append-only'); END;
CREATE TRIGGER eval_results_no_update BEFORE UPDATE ON eval_results BEGIN SELECT RAISE(ABORT, 'evaluation results are append-only'); END;
CREATE TRIGGER eval_results_no_delete BEFORE DELETE ON eval_results BEGIN SELECT RAISE(ABORT, 'evaluation results are append-only'); END;

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    source    TEXT NOT NULL,
    action    TEXT NOT NULL,
    org_id    TEXT,
    target    TEXT NOT NULL,
    before    TEXT NOT NULL,
    after     TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The newest entry, so that deleting the tail of the log is detected too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
