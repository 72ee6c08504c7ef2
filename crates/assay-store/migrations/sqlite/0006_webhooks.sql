-- Webhooks: where notifications of changed results are sent, and each
-- (run, webhook) delivery's state. The signing secret is kept as given: it
-- signs every delivery, so it cannot be stored as a hash.

CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    -- NULL: changes of every organisation.
    org_id     TEXT REFERENCES organisations(id),
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    -- The secret's first characters, to tell secrets apart in lists.
    hint       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX webhooks_org ON webhooks(org_id);

CREATE TABLE webhook_deliveries (
    run_id       TEXT NOT NULL REFERENCES eval_runs(id),
    webhook_id   TEXT NOT NULL REFERENCES webhooks(id),
    attempts     INTEGER NOT NULL,
    first_at     TEXT NOT NULL,
    last_at      TEXT NOT NULL,
    -- Set once the receiver answered 2xx; never sent again after that.
    delivered_at TEXT,
    -- The receiver's last HTTP status, or NULL when there was no answer.
    last_status  INTEGER,
    last_error   TEXT,
    PRIMARY KEY (run_id, webhook_id)
);

-- Nodes look for recently finished runs to notify about.
CREATE INDEX eval_runs_finished_at ON eval_runs(finished_at);
