-- osquery agents: vendor releases to compare inventories with, per-client
-- enroll secrets, enrolled nodes and live (distributed) queries. Secrets
-- and node keys are stored as SHA-256 hashes computed by the caller.

CREATE TABLE releases (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    product TEXT NOT NULL,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    fixed_version TEXT,
    severity TEXT NOT NULL,
    cvss REAL,
    cves TEXT,
    released TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE osquery_enroll_secrets (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organisations(id),
    secret_hash TEXT NOT NULL UNIQUE,
    -- The first characters of the secret, to tell secrets apart in lists.
    hint        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX osquery_enroll_secrets_org ON osquery_enroll_secrets(org_id);

CREATE TABLE osquery_nodes (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organisations(id),
    node_key_hash   TEXT NOT NULL UNIQUE,
    -- The asset record (same organisation) this host reports as.
    asset           TEXT NOT NULL,
    host_identifier TEXT NOT NULL,
    platform        TEXT NOT NULL,
    osquery_version TEXT,
    enrolled_at     TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    -- The newest status log line of severity warning or worse.
    last_status     TEXT,
    revoked_at      TEXT
);
CREATE INDEX osquery_nodes_org ON osquery_nodes(org_id, asset);

CREATE TABLE osquery_live_queries (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisations(id),
    sql        TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Nodes stop being offered the query after this time.
    expires_at TEXT NOT NULL
);
CREATE INDEX osquery_live_queries_org ON osquery_live_queries(org_id, created_at);

-- One row per targeted node; answered once the node writes its result.
CREATE TABLE osquery_live_targets (
    query_id    TEXT NOT NULL REFERENCES osquery_live_queries(id),
    node_id     TEXT NOT NULL REFERENCES osquery_nodes(id),
    sent_at     TEXT,
    answered_at TEXT,
    status      INTEGER,
    rows        TEXT,
    error       TEXT,
    PRIMARY KEY (query_id, node_id)
);
CREATE INDEX osquery_live_targets_node ON osquery_live_targets(node_id, answered_at);
