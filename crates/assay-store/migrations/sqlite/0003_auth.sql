-- Accounts, MFA, sessions, API tokens and login throttling for `assay serve`.
-- No secret is stored in the clear: passwords, recovery codes, session ids
-- and API tokens are stored as hashes computed by the caller. The TOTP
-- secret is the one value that must be recoverable; the server may encrypt
-- it before handing it to the store.

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    -- Matched without regard to (ASCII) case; usernames are ASCII only.
    username            TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL
        CHECK (role IN ('provider_admin', 'technician', 'auditor', 'client_admin', 'client_viewer')),
    password_hash       TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    mfa_secret          TEXT,
    mfa_enabled         INTEGER NOT NULL DEFAULT 0 CHECK (mfa_enabled IN (0, 1)),
    -- The last TOTP time step accepted, so a code is never accepted twice.
    mfa_last_step       INTEGER,
    disabled_at         TEXT,
    created_at          TEXT NOT NULL,
    CHECK (mfa_enabled = 0 OR mfa_secret IS NOT NULL)
);

-- The organisations a user is limited to (see assay_core::access).
CREATE TABLE user_orgs (
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id  TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX user_orgs_org ON user_orgs(org_id);

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    -- SHA-256 of the session secret the browser holds; never the secret.
    id_hash             TEXT PRIMARY KEY,
    -- A public handle for listing, revoking and the audit log.
    id                  TEXT NOT NULL UNIQUE,
    user_id             TEXT NOT NULL REFERENCES users(id),
    created_at          TEXT NOT NULL,
    last_seen_at        TEXT NOT NULL,
    idle_timeout_secs   INTEGER NOT NULL CHECK (idle_timeout_secs > 0),
    idle_expires_at     TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    mfa_verified        INTEGER NOT NULL CHECK (mfa_verified IN (0, 1)),
    revoked_at          TEXT,
    ip                  TEXT,
    user_agent          TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL
        CHECK (role IN ('provider_admin', 'technician', 'auditor', 'client_admin', 'client_viewer')),
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE api_token_orgs (
    token_id TEXT NOT NULL REFERENCES api_tokens(id),
    org_id   TEXT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (token_id, org_id)
);

-- Every login attempt, successful or not; `username` is lower-cased so that
-- the throttle counts per account whatever case was typed.
CREATE TABLE login_attempts (
    username TEXT NOT NULL,
    at       TEXT NOT NULL,
    success  INTEGER NOT NULL CHECK (success IN (0, 1)),
    ip       TEXT
);
-- The throttling query: failures for one account since a time.
CREATE INDEX login_attempts_throttle ON login_attempts(username, success, at);
CREATE INDEX login_attempts_at ON login_attempts(at);

-- Which roles must use MFA; a role without a row uses its default
-- (assay_core::access::Role::requires_mfa_by_default).
CREATE TABLE mfa_policy (
    role     TEXT PRIMARY KEY
        CHECK (role IN ('provider_admin', 'technician', 'auditor', 'client_admin', 'client_viewer')),
    required INTEGER NOT NULL CHECK (required IN (0, 1))
);
