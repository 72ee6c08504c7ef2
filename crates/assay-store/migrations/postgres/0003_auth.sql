-- Accounts, MFA, sessions, API tokens and login throttling for `assay serve`.
-- No secret is stored in the clear: passwords, recovery codes, session ids
-- and API tokens are stored as hashes computed by the caller. The TOTP
-- secret is the one value that must be recoverable; the server may encrypt
-- it before handing it to the store.
--
-- PostgreSQL twin of ../sqlite/0003_auth.sql: the same tables, columns
-- (in the same order), keys, constraints and indexes. INTEGER is BIGINT,
-- REAL is DOUBLE PRECISION, and every TEXT column has the "C" collation so
-- that comparisons and ORDER BY are byte order, as in SQLite.
--
-- users.username is citext (the citext extension, part of PostgreSQL) in
-- the "C" collation: like SQLite's NOCASE, equality, UNIQUE and ORDER BY
-- fold ASCII letters only and otherwise compare bytes. It reads as text, but
-- compare it with an untyped parameter or a literal: against a value typed
-- as text (`username = $1::text`) it is cast to text and compares
-- case-sensitively.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE users (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    -- Matched without regard to (ASCII) case; usernames are ASCII only.
    username            citext COLLATE "C" NOT NULL UNIQUE,
    display_name        TEXT COLLATE "C" NOT NULL,
    role                TEXT COLLATE "C" NOT NULL
        CHECK (role IN ('provider_admin', 'technician', 'auditor', 'client_admin', 'client_viewer')),
    password_hash       TEXT COLLATE "C" NOT NULL,
    password_changed_at TEXT COLLATE "C" NOT NULL,
    mfa_secret          TEXT COLLATE "C",
    mfa_enabled         BIGINT NOT NULL DEFAULT 0 CHECK (mfa_enabled IN (0, 1)),
    -- The last TOTP time step accepted, so a code is never accepted twice.
    mfa_last_step       BIGINT,
    disabled_at         TEXT COLLATE "C",
    created_at          TEXT COLLATE "C" NOT NULL,
    CHECK (mfa_enabled = 0 OR mfa_secret IS NOT NULL)
);

-- The organisations a user is limited to (see assay_core::access).
CREATE TABLE user_orgs (
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    org_id  TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX user_orgs_org ON user_orgs(org_id);

CREATE TABLE recovery_codes (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    code_hash  TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    used_at    TEXT COLLATE "C",
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    -- SHA-256 of the session secret the browser holds; never the secret.
    id_hash             TEXT COLLATE "C" PRIMARY KEY,
    -- A public handle for listing, revoking and the audit log.
    id                  TEXT COLLATE "C" NOT NULL UNIQUE,
    user_id             TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    created_at          TEXT COLLATE "C" NOT NULL,
    last_seen_at        TEXT COLLATE "C" NOT NULL,
    idle_timeout_secs   BIGINT NOT NULL CHECK (idle_timeout_secs > 0),
    idle_expires_at     TEXT COLLATE "C" NOT NULL,
    absolute_expires_at TEXT COLLATE "C" NOT NULL,
    mfa_verified        BIGINT NOT NULL CHECK (mfa_verified IN (0, 1)),
    revoked_at          TEXT COLLATE "C",
    ip                  TEXT COLLATE "C",
    user_agent          TEXT COLLATE "C"
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT COLLATE "C" PRIMARY KEY,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users(id),
    name         TEXT COLLATE "C" NOT NULL,
    token_hash   TEXT COLLATE "C" NOT NULL UNIQUE,
    role         TEXT COLLATE "C" NOT NULL
        CHECK (role IN ('provider_admin', 'technician', 'auditor', 'client_admin', 'client_viewer')),
    expires_at   TEXT COLLATE "C",
    last_used_at TEXT COLLATE "C",
    revoked_at   TEXT COLLATE "C",
    created_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE api_token_orgs (
    token_id TEXT COLLATE "C" NOT NULL REFERENCES api_tokens(id),
    org_id   TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (token_id, org_id)
);

-- Every login attempt, successful or not; `username` is lower-cased so that
-- the throttle counts per account whatever case was typed.
CREATE TABLE login_attempts (
    username TEXT COLLATE "C" NOT NULL,
    at       TEXT COLLATE "C" NOT NULL,
    success  BIGINT NOT NULL CHECK (success IN (0, 1)),
    ip       TEXT COLLATE "C"
);
-- The throttling query: failures for one account since a time.
CREATE INDEX login_attempts_throttle ON login_attempts(username, success, at);
CREATE INDEX login_attempts_at ON login_attempts(at);

-- Which roles must use MFA; a role without a row uses its default
-- (assay_core::access::Role::requires_mfa_by_default).
CREATE TABLE mfa_policy (
    role     TEXT COLLATE "C" PRIMARY KEY
        CHECK (role IN ('provider_admin', 'technician', 'auditor', 'client_admin', 'client_viewer')),
    required BIGINT NOT NULL CHECK (required IN (0, 1))
);
