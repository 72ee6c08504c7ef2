-- Record tables: one per record kind, columns in field order. WITHOUT ROWID
-- clusters each organisation's rows together, so reading one organisation is
-- one range scan of the primary key.

CREATE TABLE sites (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT,
    country TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE contacts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    role TEXT,
    primary_contact INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE people (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    kind TEXT NOT NULL,
    job_title TEXT,
    joined TEXT,
    left TEXT,
    client_access INTEGER,
    nda_signed INTEGER,
    screened INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE assets (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    lifecycle TEXT NOT NULL,
    os_name TEXT,
    os_version TEXT,
    os_build TEXT,
    make TEXT,
    model TEXT,
    serial TEXT,
    hardware_uuid TEXT,
    owner TEXT,
    site TEXT,
    ownership TEXT,
    managed_by TEXT,
    in_scope INTEGER,
    critical INTEGER,
    auto_update INTEGER,
    first_seen TEXT,
    last_seen TEXT,
    vendor_support_end TEXT,
    disposed_on TEXT,
    destruction_certificate TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE software_installs (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT NOT NULL,
    product TEXT NOT NULL,
    vendor TEXT,
    version TEXT,
    kind TEXT NOT NULL,
    category TEXT,
    approved INTEGER,
    vendor_support_end TEXT,
    installed_on TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE updates (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT NOT NULL,
    reference TEXT NOT NULL,
    product TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    cvss REAL,
    cves TEXT,
    released TEXT NOT NULL,
    installed TEXT,
    requires_manual_config INTEGER,
    config_applied INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE vulnerabilities (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT,
    target TEXT,
    cve TEXT NOT NULL,
    cvss REAL,
    severity TEXT NOT NULL,
    kev INTEGER NOT NULL,
    kev_due TEXT,
    fix_available_since TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT,
    remediated TEXT,
    external INTEGER NOT NULL,
    source TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE endpoint_configs (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    host_firewall INTEGER,
    autorun_disabled INTEGER,
    screen_lock INTEGER,
    unlock_min_length INTEGER,
    max_failed_unlocks INTEGER,
    disk_encrypted INTEGER,
    local_admin_password_managed INTEGER,
    local_admins TEXT,
    guest_enabled INTEGER,
    default_accounts_enabled INTEGER,
    mdm_enrolled INTEGER,
    managed_apps_only INTEGER,
    jailbroken INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE malware_protections (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT NOT NULL,
    mode TEXT NOT NULL,
    product TEXT,
    realtime INTEGER,
    web_protection INTEGER,
    tamper_protection INTEGER,
    allow_list_enforced INTEGER,
    signatures_updated TEXT,
    engine_updated TEXT,
    healthy INTEGER,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE firewalls (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    asset TEXT,
    site TEXT,
    firmware_version TEXT,
    firmware_supported INTEGER,
    default_inbound TEXT NOT NULL,
    admin_interface_internet INTEGER NOT NULL,
    admin_mfa INTEGER,
    admin_allowlist TEXT,
    admin_exposure_justification TEXT,
    default_credentials_changed INTEGER,
    intrusion_prevention INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE firewall_rules (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    firewall TEXT NOT NULL,
    name TEXT,
    direction TEXT NOT NULL,
    action TEXT NOT NULL,
    source TEXT,
    destination TEXT,
    service TEXT,
    enabled INTEGER NOT NULL,
    justification TEXT,
    approved_by TEXT,
    approved_on TEXT,
    created_on TEXT,
    last_hit TEXT,
    review_due TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE cloud_services (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    holds_org_data INTEGER NOT NULL,
    in_scope INTEGER,
    mfa_available INTEGER NOT NULL,
    mfa_enforced_users INTEGER,
    mfa_enforced_admins INTEGER,
    admin_count INTEGER,
    anonymous_sharing INTEGER,
    responsibility_doc TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE accounts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    system TEXT NOT NULL,
    username TEXT NOT NULL,
    person TEXT,
    kind TEXT NOT NULL,
    privileged INTEGER NOT NULL,
    privilege_tier TEXT,
    mfa INTEGER,
    enabled INTEGER NOT NULL,
    created_at TEXT,
    last_sign_in TEXT,
    disabled_at TEXT,
    has_mailbox INTEGER,
    approval_ref TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE password_policies (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    system TEXT NOT NULL,
    min_length INTEGER NOT NULL,
    max_length INTEGER,
    deny_list INTEGER NOT NULL,
    complexity_forced INTEGER,
    expiry_days INTEGER,
    lockout_threshold INTEGER,
    throttling INTEGER,
    mfa_enforced INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE privileged_changes (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    system TEXT NOT NULL,
    group_name TEXT NOT NULL,
    account TEXT NOT NULL,
    action TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    approved_by TEXT,
    ticket TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE access_reviews (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    system TEXT NOT NULL,
    scope TEXT NOT NULL,
    started_on TEXT NOT NULL,
    due_on TEXT,
    completed_on TEXT,
    signed_off_by TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE access_review_items (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    review TEXT NOT NULL,
    account TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_by TEXT,
    decided_on TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE tickets (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    ticket_type TEXT NOT NULL,
    sub_type TEXT,
    priority TEXT,
    category TEXT,
    source TEXT,
    asset TEXT,
    opened_at TEXT NOT NULL,
    first_response_at TEXT,
    resolved_at TEXT,
    closed_at TEXT,
    sla_response_minutes INTEGER,
    sla_resolution_minutes INTEGER,
    problem TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE time_entries (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    ticket TEXT,
    technician TEXT NOT NULL,
    worked_on TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    reviewed_by TEXT,
    reviewed_on TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE changes (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    systems TEXT,
    services TEXT,
    sites TEXT,
    user_impact TEXT,
    risk TEXT,
    requested_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    client_notified_at TEXT,
    implemented_at TEXT,
    outcome TEXT NOT NULL,
    emergency INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE capacity_thresholds (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT NOT NULL,
    metric TEXT NOT NULL,
    threshold_pct REAL NOT NULL,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE capacity_readings (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    asset TEXT NOT NULL,
    metric TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    used_pct REAL NOT NULL,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE backup_jobs (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    asset TEXT,
    critical INTEGER NOT NULL,
    schedule TEXT,
    offsite_copy INTEGER,
    isolated_copy INTEGER,
    encrypted INTEGER,
    retention_days INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE backup_runs (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    job TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    bytes INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE restore_tests (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    job TEXT NOT NULL,
    tested_on TEXT NOT NULL,
    scope TEXT,
    result TEXT NOT NULL,
    rto_minutes INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE assessments (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    performed_on TEXT NOT NULL,
    assessor TEXT,
    critical_findings INTEGER,
    high_findings INTEGER,
    open_findings INTEGER,
    report_sha256 TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE documents (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    version TEXT,
    owner TEXT,
    approved_by TEXT,
    effective TEXT NOT NULL,
    review_due TEXT,
    sha256 TEXT,
    asset TEXT,
    scope TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE acknowledgements (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    document TEXT NOT NULL,
    person TEXT NOT NULL,
    version TEXT,
    acknowledged_on TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE trainings (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    person TEXT NOT NULL,
    course TEXT NOT NULL,
    kind TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    score INTEGER,
    passed INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE noc_shifts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    day TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    coverage TEXT NOT NULL,
    team TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE log_sources (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    asset TEXT,
    critical INTEGER NOT NULL,
    last_event_at TEXT,
    retention_days INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE alerts (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    asset TEXT,
    raised_at TEXT NOT NULL,
    acknowledged_at TEXT,
    ticket TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE email_domains (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    domain TEXT NOT NULL,
    spf INTEGER,
    dkim INTEGER,
    dmarc TEXT,
    filtering INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE wireless_networks (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    ssid TEXT NOT NULL,
    site TEXT,
    security TEXT NOT NULL,
    guest INTEGER NOT NULL,
    segregated INTEGER,
    default_credentials_changed INTEGER,
    admin_internet_exposed INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE remote_access_tools (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    tool TEXT NOT NULL,
    mfa_enforced INTEGER,
    session_logging INTEGER,
    internet_exposed INTEGER,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE risks (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    rating TEXT NOT NULL,
    owner TEXT,
    treatment TEXT,
    last_reviewed TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE vendors (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    critical INTEGER NOT NULL,
    last_review TEXT,
    attestation TEXT,
    attestation_expires TEXT,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

CREATE TABLE licences (
    org_id TEXT NOT NULL REFERENCES organisations(id),
    id TEXT NOT NULL,
    product TEXT NOT NULL,
    purchased INTEGER NOT NULL,
    in_use INTEGER NOT NULL,
    checked_on TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
) WITHOUT ROWID;
