-- osquery agents: vendor releases to compare inventories with, per-client
-- enroll secrets, enrolled nodes and live (distributed) queries. Secrets
-- and node keys are stored as SHA-256 hashes computed by the caller.
--
-- PostgreSQL twin of ../sqlite/0004_osquery.sql: the same tables, columns
-- (in the same order), keys, constraints and indexes. INTEGER is BIGINT,
-- REAL is DOUBLE PRECISION, and every TEXT column has the "C" collation so
-- that comparisons and ORDER BY are byte order, as in SQLite.

CREATE TABLE releases (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    product TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    reference TEXT COLLATE "C" NOT NULL,
    fixed_version TEXT COLLATE "C",
    severity TEXT COLLATE "C" NOT NULL,
    cvss DOUBLE PRECISION,
    cves TEXT COLLATE "C",
    released TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE osquery_enroll_secrets (
    id          TEXT COLLATE "C" PRIMARY KEY,
    org_id      TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    secret_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    -- The first characters of the secret, to tell secrets apart in lists.
    hint        TEXT COLLATE "C" NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    revoked_at  TEXT COLLATE "C"
);
CREATE INDEX osquery_enroll_secrets_org ON osquery_enroll_secrets(org_id);

CREATE TABLE osquery_nodes (
    id              TEXT COLLATE "C" PRIMARY KEY,
    org_id          TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    node_key_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
    -- The asset record (same organisation) this host reports as.
    asset           TEXT COLLATE "C" NOT NULL,
    host_identifier TEXT COLLATE "C" NOT NULL,
    platform        TEXT COLLATE "C" NOT NULL,
    osquery_version TEXT COLLATE "C",
    enrolled_at     TEXT COLLATE "C" NOT NULL,
    last_seen_at    TEXT COLLATE "C" NOT NULL,
    -- The newest status log line of severity warning or worse.
    last_status     TEXT COLLATE "C",
    revoked_at      TEXT COLLATE "C"
);
CREATE INDEX osquery_nodes_org ON osquery_nodes(org_id, asset);

CREATE TABLE osquery_live_queries (
    id         TEXT COLLATE "C" PRIMARY KEY,
    org_id     TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    sql        TEXT COLLATE "C" NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    -- Nodes stop being offered the query after this time.
    expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX osquery_live_queries_org ON osquery_live_queries(org_id, created_at);

-- One row per targeted node; answered once the node writes its result.
CREATE TABLE osquery_live_targets (
    query_id    TEXT COLLATE "C" NOT NULL REFERENCES osquery_live_queries(id),
    node_id     TEXT COLLATE "C" NOT NULL REFERENCES osquery_nodes(id),
    sent_at     TEXT COLLATE "C",
    answered_at TEXT COLLATE "C",
    status      BIGINT,
    rows        TEXT COLLATE "C",
    error       TEXT COLLATE "C",
    PRIMARY KEY (query_id, node_id)
);
CREATE INDEX osquery_live_targets_node ON osquery_live_targets(node_id, answered_at);
