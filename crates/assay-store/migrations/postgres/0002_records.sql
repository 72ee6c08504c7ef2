-- Record tables: one per record kind, columns in field order. In SQLite,
-- WITHOUT ROWID clusters each organisation's rows together; PostgreSQL has
-- no such table layout, so reading one organisation is a range scan of the
-- (org_id, id) primary key index instead.
--
-- PostgreSQL twin of ../sqlite/0002_records.sql: the same tables, columns
-- (in the same order), keys, constraints and indexes. INTEGER is BIGINT,
-- REAL is DOUBLE PRECISION, and every TEXT column has the "C" collation so
-- that comparisons and ORDER BY are byte order, as in SQLite.
--
-- `left` (people) is a reserved word in PostgreSQL and is quoted.

CREATE TABLE sites (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    address TEXT COLLATE "C",
    country TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE contacts (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C",
    phone TEXT COLLATE "C",
    role TEXT COLLATE "C",
    primary_contact BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE people (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    email TEXT COLLATE "C",
    kind TEXT COLLATE "C" NOT NULL,
    job_title TEXT COLLATE "C",
    joined TEXT COLLATE "C",
    "left" TEXT COLLATE "C",
    client_access BIGINT,
    nda_signed BIGINT,
    screened BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE assets (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    lifecycle TEXT COLLATE "C" NOT NULL,
    os_name TEXT COLLATE "C",
    os_version TEXT COLLATE "C",
    os_build TEXT COLLATE "C",
    make TEXT COLLATE "C",
    model TEXT COLLATE "C",
    serial TEXT COLLATE "C",
    hardware_uuid TEXT COLLATE "C",
    owner TEXT COLLATE "C",
    site TEXT COLLATE "C",
    ownership TEXT COLLATE "C",
    managed_by TEXT COLLATE "C",
    in_scope BIGINT,
    critical BIGINT,
    auto_update BIGINT,
    first_seen TEXT COLLATE "C",
    last_seen TEXT COLLATE "C",
    vendor_support_end TEXT COLLATE "C",
    disposed_on TEXT COLLATE "C",
    destruction_certificate TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE software_installs (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C" NOT NULL,
    product TEXT COLLATE "C" NOT NULL,
    vendor TEXT COLLATE "C",
    version TEXT COLLATE "C",
    kind TEXT COLLATE "C" NOT NULL,
    category TEXT COLLATE "C",
    approved BIGINT,
    vendor_support_end TEXT COLLATE "C",
    installed_on TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE updates (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C" NOT NULL,
    reference TEXT COLLATE "C" NOT NULL,
    product TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    severity TEXT COLLATE "C" NOT NULL,
    cvss DOUBLE PRECISION,
    cves TEXT COLLATE "C",
    released TEXT COLLATE "C" NOT NULL,
    installed TEXT COLLATE "C",
    requires_manual_config BIGINT,
    config_applied BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE vulnerabilities (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C",
    target TEXT COLLATE "C",
    cve TEXT COLLATE "C" NOT NULL,
    cvss DOUBLE PRECISION,
    severity TEXT COLLATE "C" NOT NULL,
    kev BIGINT NOT NULL,
    kev_due TEXT COLLATE "C",
    fix_available_since TEXT COLLATE "C",
    first_seen TEXT COLLATE "C" NOT NULL,
    last_seen TEXT COLLATE "C",
    remediated TEXT COLLATE "C",
    external BIGINT NOT NULL,
    source TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE endpoint_configs (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C" NOT NULL,
    reported_at TEXT COLLATE "C" NOT NULL,
    host_firewall BIGINT,
    autorun_disabled BIGINT,
    screen_lock BIGINT,
    unlock_min_length BIGINT,
    max_failed_unlocks BIGINT,
    disk_encrypted BIGINT,
    local_admin_password_managed BIGINT,
    local_admins TEXT COLLATE "C",
    guest_enabled BIGINT,
    default_accounts_enabled BIGINT,
    mdm_enrolled BIGINT,
    managed_apps_only BIGINT,
    jailbroken BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE malware_protections (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C" NOT NULL,
    mode TEXT COLLATE "C" NOT NULL,
    product TEXT COLLATE "C",
    realtime BIGINT,
    web_protection BIGINT,
    tamper_protection BIGINT,
    allow_list_enforced BIGINT,
    signatures_updated TEXT COLLATE "C",
    engine_updated TEXT COLLATE "C",
    healthy BIGINT,
    reported_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE firewalls (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C",
    site TEXT COLLATE "C",
    firmware_version TEXT COLLATE "C",
    firmware_supported BIGINT,
    default_inbound TEXT COLLATE "C" NOT NULL,
    admin_interface_internet BIGINT NOT NULL,
    admin_mfa BIGINT,
    admin_allowlist TEXT COLLATE "C",
    admin_exposure_justification TEXT COLLATE "C",
    default_credentials_changed BIGINT,
    intrusion_prevention BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE firewall_rules (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    firewall TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C",
    direction TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C",
    destination TEXT COLLATE "C",
    service TEXT COLLATE "C",
    enabled BIGINT NOT NULL,
    justification TEXT COLLATE "C",
    approved_by TEXT COLLATE "C",
    approved_on TEXT COLLATE "C",
    created_on TEXT COLLATE "C",
    last_hit TEXT COLLATE "C",
    review_due TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE cloud_services (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    model TEXT COLLATE "C" NOT NULL,
    holds_org_data BIGINT NOT NULL,
    in_scope BIGINT,
    mfa_available BIGINT NOT NULL,
    mfa_enforced_users BIGINT,
    mfa_enforced_admins BIGINT,
    admin_count BIGINT,
    anonymous_sharing BIGINT,
    responsibility_doc TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE accounts (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    system TEXT COLLATE "C" NOT NULL,
    username TEXT COLLATE "C" NOT NULL,
    person TEXT COLLATE "C",
    kind TEXT COLLATE "C" NOT NULL,
    privileged BIGINT NOT NULL,
    privilege_tier TEXT COLLATE "C",
    mfa BIGINT,
    enabled BIGINT NOT NULL,
    created_at TEXT COLLATE "C",
    last_sign_in TEXT COLLATE "C",
    disabled_at TEXT COLLATE "C",
    has_mailbox BIGINT,
    approval_ref TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE password_policies (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    system TEXT COLLATE "C" NOT NULL,
    min_length BIGINT NOT NULL,
    max_length BIGINT,
    deny_list BIGINT NOT NULL,
    complexity_forced BIGINT,
    expiry_days BIGINT,
    lockout_threshold BIGINT,
    throttling BIGINT,
    mfa_enforced BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE privileged_changes (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    system TEXT COLLATE "C" NOT NULL,
    group_name TEXT COLLATE "C" NOT NULL,
    account TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    changed_at TEXT COLLATE "C" NOT NULL,
    approved_by TEXT COLLATE "C",
    ticket TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE access_reviews (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    system TEXT COLLATE "C" NOT NULL,
    scope TEXT COLLATE "C" NOT NULL,
    started_on TEXT COLLATE "C" NOT NULL,
    due_on TEXT COLLATE "C",
    completed_on TEXT COLLATE "C",
    signed_off_by TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE access_review_items (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    review TEXT COLLATE "C" NOT NULL,
    account TEXT COLLATE "C" NOT NULL,
    decision TEXT COLLATE "C" NOT NULL,
    decided_by TEXT COLLATE "C",
    decided_on TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE tickets (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    ticket_type TEXT COLLATE "C" NOT NULL,
    sub_type TEXT COLLATE "C",
    priority TEXT COLLATE "C",
    category TEXT COLLATE "C",
    source TEXT COLLATE "C",
    asset TEXT COLLATE "C",
    opened_at TEXT COLLATE "C" NOT NULL,
    first_response_at TEXT COLLATE "C",
    resolved_at TEXT COLLATE "C",
    closed_at TEXT COLLATE "C",
    sla_response_minutes BIGINT,
    sla_resolution_minutes BIGINT,
    problem TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE time_entries (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    ticket TEXT COLLATE "C",
    technician TEXT COLLATE "C" NOT NULL,
    worked_on TEXT COLLATE "C" NOT NULL,
    minutes BIGINT NOT NULL,
    reviewed_by TEXT COLLATE "C",
    reviewed_on TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE changes (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    systems TEXT COLLATE "C",
    services TEXT COLLATE "C",
    sites TEXT COLLATE "C",
    user_impact TEXT COLLATE "C",
    risk TEXT COLLATE "C",
    requested_at TEXT COLLATE "C" NOT NULL,
    approved_by TEXT COLLATE "C",
    approved_at TEXT COLLATE "C",
    client_notified_at TEXT COLLATE "C",
    implemented_at TEXT COLLATE "C",
    outcome TEXT COLLATE "C" NOT NULL,
    emergency BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE capacity_thresholds (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C" NOT NULL,
    metric TEXT COLLATE "C" NOT NULL,
    threshold_pct DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE capacity_readings (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C" NOT NULL,
    metric TEXT COLLATE "C" NOT NULL,
    taken_at TEXT COLLATE "C" NOT NULL,
    used_pct DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE backup_jobs (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C",
    critical BIGINT NOT NULL,
    schedule TEXT COLLATE "C",
    offsite_copy BIGINT,
    isolated_copy BIGINT,
    encrypted BIGINT,
    retention_days BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE backup_runs (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    job TEXT COLLATE "C" NOT NULL,
    started_at TEXT COLLATE "C" NOT NULL,
    finished_at TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL,
    bytes BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE restore_tests (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    job TEXT COLLATE "C" NOT NULL,
    tested_on TEXT COLLATE "C" NOT NULL,
    scope TEXT COLLATE "C",
    result TEXT COLLATE "C" NOT NULL,
    rto_minutes BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE assessments (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    performed_on TEXT COLLATE "C" NOT NULL,
    assessor TEXT COLLATE "C",
    critical_findings BIGINT,
    high_findings BIGINT,
    open_findings BIGINT,
    report_sha256 TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE documents (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    topic TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    version TEXT COLLATE "C",
    owner TEXT COLLATE "C",
    approved_by TEXT COLLATE "C",
    effective TEXT COLLATE "C" NOT NULL,
    review_due TEXT COLLATE "C",
    sha256 TEXT COLLATE "C",
    asset TEXT COLLATE "C",
    scope TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE acknowledgements (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    document TEXT COLLATE "C" NOT NULL,
    person TEXT COLLATE "C" NOT NULL,
    version TEXT COLLATE "C",
    acknowledged_on TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE trainings (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    person TEXT COLLATE "C" NOT NULL,
    course TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    completed_on TEXT COLLATE "C" NOT NULL,
    score BIGINT,
    passed BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE noc_shifts (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    starts TEXT COLLATE "C" NOT NULL,
    ends TEXT COLLATE "C" NOT NULL,
    coverage TEXT COLLATE "C" NOT NULL,
    team TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE log_sources (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C",
    critical BIGINT NOT NULL,
    last_event_at TEXT COLLATE "C",
    retention_days BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE alerts (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    asset TEXT COLLATE "C",
    raised_at TEXT COLLATE "C" NOT NULL,
    acknowledged_at TEXT COLLATE "C",
    ticket TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE email_domains (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    domain TEXT COLLATE "C" NOT NULL,
    spf BIGINT,
    dkim BIGINT,
    dmarc TEXT COLLATE "C",
    filtering BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE wireless_networks (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    ssid TEXT COLLATE "C" NOT NULL,
    site TEXT COLLATE "C",
    security TEXT COLLATE "C" NOT NULL,
    guest BIGINT NOT NULL,
    segregated BIGINT,
    default_credentials_changed BIGINT,
    admin_internet_exposed BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE remote_access_tools (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    tool TEXT COLLATE "C" NOT NULL,
    mfa_enforced BIGINT,
    session_logging BIGINT,
    internet_exposed BIGINT,
    PRIMARY KEY (org_id, id)
);

CREATE TABLE risks (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    title TEXT COLLATE "C" NOT NULL,
    rating TEXT COLLATE "C" NOT NULL,
    owner TEXT COLLATE "C",
    treatment TEXT COLLATE "C",
    last_reviewed TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE vendors (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    critical BIGINT NOT NULL,
    last_review TEXT COLLATE "C",
    attestation TEXT COLLATE "C",
    attestation_expires TEXT COLLATE "C",
    PRIMARY KEY (org_id, id)
);

CREATE TABLE licences (
    org_id TEXT COLLATE "C" NOT NULL REFERENCES organisations(id),
    id TEXT COLLATE "C" NOT NULL,
    product TEXT COLLATE "C" NOT NULL,
    purchased BIGINT NOT NULL,
    in_use BIGINT NOT NULL,
    checked_on TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, id)
);
