//! The queries: one per check and argument set, grouped by check family as
//! in `docs/checks.md`. Shared SQL fragments are macros expanding to string
//! literals, so that every query is one `&'static str`.

use super::SqlCheck;

// ---------------------------------------------------------------------------
// Shared fragments

/// A parameter's built-in default as SQL text (`crates/assay-core/src/params.rs`).
macro_rules! default_of {
    (patch_window_days) => {
        "14"
    };
    (all_updates_window_days) => {
        "14"
    };
    (dormant_account_days) => {
        "45"
    };
    (leaver_disable_days) => {
        "1"
    };
    (firewall_rule_unused_days) => {
        "90"
    };
    (signature_max_age_hours) => {
        "24"
    };
    (engine_max_age_days) => {
        "30"
    };
    (asset_seen_days) => {
        "30"
    };
    (agent_offline_hours) => {
        "72"
    };
    (patch_reporting_days) => {
        "7"
    };
    (certificate_max_age_days) => {
        "365"
    };
    (document_review_days) => {
        "365"
    };
    (config_doc_days) => {
        "90"
    };
    (service_report_days) => {
        "31"
    };
    (vendor_review_days) => {
        "365"
    };
    (risk_review_days) => {
        "365"
    };
    (backup_rpo_hours) => {
        "24"
    };
    (restore_test_days) => {
        "182"
    };
    (training_days) => {
        "365"
    };
    (new_starter_training_days) => {
        "30"
    };
    (phishing_sim_days) => {
        "92"
    };
    (training_coverage_pct) => {
        "95"
    };
    (scan_interval_days) => {
        "31"
    };
    (pen_test_days) => {
        "365"
    };
    (exercise_days) => {
        "365"
    };
    (internal_audit_days) => {
        "365"
    };
    (privileged_review_days) => {
        "92"
    };
    (access_review_days) => {
        "365"
    };
    (account_approval_lookback_days) => {
        "365"
    };
    (capacity_threshold_pct) => {
        "85"
    };
    (capacity_breach_days) => {
        "7"
    };
    (sla_response_minutes) => {
        "60"
    };
    (sla_resolution_minutes) => {
        "480"
    };
    (sla_attainment_pct) => {
        "90"
    };
    (ticket_lookback_days) => {
        "90"
    };
    (ticket_quality_pct) => {
        "95"
    };
    (alert_ticket_pct) => {
        "95"
    };
    (alert_ack_minutes) => {
        "30"
    };
    (log_silence_hours) => {
        "24"
    };
    (log_retention_days) => {
        "90"
    };
    (time_review_days) => {
        "14"
    };
    (billing_tolerance_pct) => {
        "10"
    };
}

/// `WITH p AS (…)`: the organisations the query covers — every one, the
/// provider or the clients, narrowed to `?3` when given — with their kind,
/// tier, contracted endpoints and the named parameters resolved (override,
/// else tier value, else default).
macro_rules! with_p {
    (@kind all) => { "" };
    (@kind provider) => { " AND o.kind = 'provider'" };
    (@kind client) => { " AND o.kind = 'client'" };
    ($who:ident $(, $param:ident)*) => {
        concat!(
            "WITH p AS (SELECT o.id AS org_id, o.kind AS org_kind, o.tier AS tier, \
             o.contracted_endpoints AS contracted_endpoints",
            $(
                ", COALESCE((SELECT v.value FROM org_overrides v WHERE v.org_id = o.id AND v.param = '",
                stringify!($param),
                "'), (SELECT t.value FROM tier_params t WHERE t.tier = o.tier AND t.param = '",
                stringify!($param),
                "'), ",
                default_of!($param),
                ") AS ",
                stringify!($param),
            )*
            " FROM organisations o WHERE (?3 IS NULL OR o.id = ?3)",
            with_p!(@kind $who),
            ")"
        )
    };
}

/// `, cfg AS (…)`: the latest `endpoint_config` per asset (of two reported
/// at the same time, the one with the greater id: the engine keeps the later
/// of the two in load order, and the store loads records in id order).
macro_rules! latest_cfg {
    () => {
        ", cfg AS (SELECT * FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.org_id, c.asset \
         ORDER BY c.reported_at DESC, c.id DESC) AS rn \
         FROM p JOIN endpoint_configs c ON c.org_id = p.org_id) WHERE rn = 1)"
    };
}

/// `, mal AS (…)`: the latest `malware_protection` per asset.
macro_rules! latest_malware {
    () => {
        ", mal AS (SELECT * FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.org_id, m.asset \
         ORDER BY m.reported_at DESC, m.id DESC) AS rn \
         FROM p JOIN malware_protections m ON m.org_id = p.org_id) WHERE rn = 1)"
    };
}

/// Whether a text column is empty or blank.
macro_rules! blank {
    ($col:literal) => {
        concat!("trim(COALESCE(", $col, ", '')) = ''")
    };
}

/// Whole days from a date column to today.
macro_rules! days {
    ($col:literal) => {
        concat!("(julianday(?2) - julianday(", $col, "))")
    };
}

/// Whole days from a timestamp column's date to today.
macro_rules! days_t {
    ($col:literal) => {
        concat!("(julianday(?2) - julianday(date(", $col, ")))")
    };
}

/// Whole hours from a timestamp column to now.
macro_rules! hours {
    ($col:literal) => {
        concat!("((unixepoch(?1) - unixepoch(", $col, ")) / 3600)")
    };
}

/// Whole minutes from timestamp `$from` to timestamp expression `$to`.
macro_rules! minutes {
    ($from:literal, $to:literal) => {
        concat!("((unixepoch(", $to, ") - unixepoch(", $from, ")) / 60)")
    };
}

/// Whether a timestamp column falls in the ticket look-back window.
macro_rules! in_window {
    ($col:literal) => {
        concat!(days_t!($col), " BETWEEN 0 AND p.ticket_lookback_days")
    };
}

/// The order that puts first the document `latest()` picks: the latest one
/// in effect, else the earliest future one; of equals, the smallest id.
macro_rules! doc_order {
    () => {
        "ORDER BY d.effective > ?2, abs(julianday(d.effective) - julianday(?2)), d.id"
    };
}

/// Whether document `doc`, in effect, is out of date: its review date has
/// passed or, without one, it took effect more than parameter `$max_age`
/// days ago.
macro_rules! stale {
    ($max_age:ident) => {
        concat!(
            "(doc.effective <= ?2 AND (doc.review_due < ?2 OR (doc.review_due IS NULL AND \
             julianday(?2) - julianday(doc.effective) > p.",
            stringify!($max_age),
            ")))"
        )
    };
}

/// `evidence.document` for one topic and age limit.
macro_rules! evidence_document {
    ($who:ident, $topic:literal, $max_age:ident) => {
        concat!(
            with_p!($who, $max_age),
            ", doc AS (SELECT d.org_id, d.effective, d.review_due, ROW_NUMBER() OVER \
             (PARTITION BY d.org_id ",
            doc_order!(),
            ") AS rn FROM p JOIN documents d ON d.org_id = p.org_id WHERE d.topic = '",
            $topic,
            "') SELECT doc.org_id, 1 FROM doc JOIN p ON p.org_id = doc.org_id WHERE doc.rn = 1 AND ",
            stale!($max_age)
        )
    };
}

/// `assessments.recent` and `scans.cadence`: the latest assessment of each
/// kind in `$kinds` (an SQL `VALUES` list) is stale when older than
/// `$max_age` days; with `any`, only when no kind is recent.
macro_rules! assessments {
    ($who:ident, $kinds:literal, $max_age:ident) => {
        concat!(
            assessments!(@latest $who, $kinds, $max_age),
            " SELECT org_id, COUNT(*) FROM latest WHERE julianday(?2) - julianday(last) > max_age \
             GROUP BY org_id"
        )
    };
    (any $who:ident, $kinds:literal, $max_age:ident) => {
        concat!(
            assessments!(@latest $who, $kinds, $max_age),
            " SELECT org_id, SUM(julianday(?2) - julianday(last) > max_age) FROM latest \
             GROUP BY org_id HAVING SUM(julianday(?2) - julianday(last) <= max_age) = 0"
        )
    };
    (@latest $who:ident, $kinds:literal, $max_age:ident) => {
        concat!(
            with_p!($who, $max_age),
            ", kinds(k) AS (VALUES ",
            $kinds,
            "), latest AS (SELECT p.org_id, kinds.k, p.",
            stringify!($max_age),
            " AS max_age, (SELECT MAX(a.performed_on) FROM assessments a WHERE a.org_id = p.org_id \
             AND a.kind = kinds.k AND a.performed_on <= ?2) AS last FROM p CROSS JOIN kinds)"
        )
    };
}

/// `updates.*_within_window`: qualifying updates on active assets installed
/// (or, not installed, still open) more than `$window` days after release.
macro_rules! updates_window {
    ($window:ident, $filter:literal) => {
        concat!(
            with_p!(all, $window),
            " SELECT u.org_id, COUNT(*) FROM p JOIN updates u ON u.org_id = p.org_id \
             JOIN assets a ON a.org_id = u.org_id AND a.id = u.asset \
             WHERE a.lifecycle = 'active'",
            $filter,
            " AND julianday(CASE WHEN u.installed IS NULL OR (u.requires_manual_config = 1 \
             AND u.config_applied IS NOT 1) THEN ?2 ELSE date(u.installed) END) \
             - julianday(u.released) > p.",
            stringify!($window),
            " GROUP BY u.org_id"
        )
    };
}

/// A share-based check: the items of `$items` (a query giving
/// `org_id, ok, pct`) that are not ok, when the share of ok ones is below
/// `pct` percent.
macro_rules! share {
    ($($items:tt)+) => {
        concat!(
            ", items AS (",
            $($items)+,
            ") SELECT org_id, COUNT(*) - SUM(ok) FROM items GROUP BY org_id, pct \
             HAVING SUM(ok) * 100 < pct * COUNT(*)"
        )
    };
}

/// Every built-in check as SQL.
pub const SQL_CHECKS: &[SqlCheck] = &[
    // -----------------------------------------------------------------------
    // Assets, endpoints and malware
    SqlCheck {
        id: "assets.classified",
        sql: concat!(
            with_p!(all),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NULL GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "assets.byod_managed",
        sql: concat!(
            with_p!(all),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.ownership = 'byod' AND a.managed_by = 'none' \
             GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "assets.inventory_current",
        sql: concat!(
            with_p!(all, asset_seen_days),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND (a.last_seen IS NULL OR ",
            days_t!("a.last_seen"),
            " > p.asset_seen_days OR a.owner IS NULL \
             OR (CASE WHEN a.kind IN ('firewall', 'router', 'switch', 'wifi_ap') \
             THEN a.os_version ELSE a.os_name END) IS NULL \
             OR a.vendor_support_end IS NULL) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "assets.disposal_certified",
        sql: concat!(
            with_p!(all),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE (a.lifecycle = 'destroyed' OR (a.lifecycle = 'retired' AND a.disposed_on IS NOT NULL)) \
             AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.org_id = a.org_id \
             AND d.id = a.destruction_certificate AND d.kind = 'destruction_certificate') \
             GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "monitoring.agents_online",
        sql: concat!(
            with_p!(provider, agent_offline_hours),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.managed_by = 'rmm' AND (a.last_seen IS NULL OR ",
            hours!("a.last_seen"),
            " > p.agent_offline_hours) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "billing.reconciled",
        sql: concat!(
            with_p!(client, billing_tolerance_pct),
            " SELECT p.org_id, 1 FROM p WHERE p.contracted_endpoints IS NOT NULL \
             AND abs((SELECT COUNT(*) FROM assets a WHERE a.org_id = p.org_id \
             AND a.lifecycle = 'active' \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm', 'thin_client', 'tablet', 'phone') \
             AND a.managed_by IN ('rmm', 'mdm')) - p.contracted_endpoints) * 100 \
             > p.contracted_endpoints * p.billing_tolerance_pct"
        ),
    },
    SqlCheck {
        id: "endpoint.host_firewall",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm') \
             AND c.host_firewall = 0 GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "endpoint.guest_default_accounts",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm') \
             AND (c.guest_enabled = 1 OR c.default_accounts_enabled = 1) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "endpoint.local_admin_password_managed",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm') \
             AND c.local_admin_password_managed = 0 GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "endpoint.autorun_disabled",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm') \
             AND c.autorun_disabled = 0 GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "endpoint.device_lock",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('desktop', 'laptop', 'thin_client', 'tablet', 'phone') \
             AND (c.screen_lock = 0 OR c.unlock_min_length < 6 OR c.max_failed_unlocks > 10) \
             GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "endpoint.disk_encryption",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm', 'tablet', 'phone') \
             AND c.disk_encrypted = 0 GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "endpoint.admin_separation",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            // Enabled user accounts' usernames, and their part before '@'.
            ", users AS MATERIALIZED (SELECT x.org_id, lower(x.username) AS u FROM p \
             JOIN accounts x ON x.org_id = p.org_id WHERE x.enabled = 1 AND x.kind = 'user' \
             UNION SELECT x.org_id, substr(lower(x.username), 1, instr(x.username, '@') - 1) \
             FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND x.kind = 'user' AND instr(x.username, '@') > 0), \
             admins AS MATERIALIZED (SELECT org_id, asset, e, ",
            // `DOMAIN\user` entries are compared by the part after the last backslash too.
            r"replace(e, rtrim(e, replace(e, '\', '')), '') AS bare",
            " FROM (SELECT c.org_id, c.asset, lower(trim(j.value)) AS e \
             FROM cfg c, json_each(c.local_admins) j)) \
             SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm') \
             AND EXISTS (SELECT 1 FROM admins ad \
             JOIN users s ON s.org_id = ad.org_id AND s.u IN (ad.e, ad.bare) \
             WHERE ad.org_id = a.org_id AND ad.asset = a.id) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "malware.coverage",
        sql: concat!(
            with_p!(all),
            latest_malware!(),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN mal m ON m.org_id = a.org_id AND m.asset = a.id \
             LEFT JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm', 'tablet', 'phone') \
             AND (m.mode = 'none' OR m.healthy = 0) \
             AND NOT (a.kind IN ('tablet', 'phone') AND c.managed_apps_only IS 1) \
             GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "malware.configuration",
        sql: concat!(
            with_p!(all, signature_max_age_hours, engine_max_age_days),
            latest_malware!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN mal m ON m.org_id = a.org_id AND m.asset = a.id \
             WHERE a.lifecycle = 'active' AND m.mode = 'anti_malware' \
             AND (m.realtime = 0 OR m.web_protection = 0 OR ",
            hours!("m.signatures_updated"),
            " > p.signature_max_age_hours OR ",
            days!("m.engine_updated"),
            " > p.engine_max_age_days) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "malware.allow_listing",
        sql: concat!(
            with_p!(all),
            latest_malware!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN mal m ON m.org_id = a.org_id AND m.asset = a.id \
             WHERE a.lifecycle = 'active' AND m.mode = 'allow_list' AND m.allow_list_enforced = 0 \
             GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "mobile.managed",
        sql: concat!(
            with_p!(all),
            latest_cfg!(),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             JOIN cfg c ON c.org_id = a.org_id AND c.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.kind IN ('tablet', 'phone') \
             AND (c.mdm_enrolled = 0 OR c.screen_lock = 0 OR c.unlock_min_length < 6 \
             OR c.disk_encrypted = 0 OR c.managed_apps_only = 0 OR c.jailbroken = 1) \
             GROUP BY a.org_id"
        ),
    },
    // -----------------------------------------------------------------------
    // Software, updates and vulnerabilities
    SqlCheck {
        id: "software.supported",
        sql: concat!(
            with_p!(all),
            " SELECT org_id, SUM(n) FROM (\
             SELECT a.org_id, COUNT(*) AS n FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 AND a.vendor_support_end < ?2 \
             GROUP BY a.org_id \
             UNION ALL \
             SELECT s.org_id, COUNT(*) FROM p JOIN software_installs s ON s.org_id = p.org_id \
             JOIN assets a ON a.org_id = s.org_id AND a.id = s.asset \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 AND s.vendor_support_end < ?2 \
             GROUP BY s.org_id) GROUP BY org_id"
        ),
    },
    SqlCheck {
        id: "software.unapproved",
        sql: concat!(
            with_p!(all),
            " SELECT s.org_id, COUNT(*) FROM p JOIN software_installs s ON s.org_id = p.org_id \
             JOIN assets a ON a.org_id = s.org_id AND a.id = s.asset \
             WHERE a.lifecycle = 'active' AND s.approved = 0 GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: "updates.automatic",
        sql: concat!(
            with_p!(all),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm', 'tablet', 'phone') \
             AND a.auto_update = 0 GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: r#"updates.critical_within_window{"scope":"all"}"#,
        sql: updates_window!(
            patch_window_days,
            " AND (u.severity IN ('critical', 'high', 'unknown') OR u.cvss >= 7.0)"
        ),
    },
    SqlCheck {
        id: r#"updates.critical_within_window{"scope":"os"}"#,
        sql: updates_window!(
            patch_window_days,
            " AND u.kind IN ('os', 'firmware') \
             AND (u.severity IN ('critical', 'high', 'unknown') OR u.cvss >= 7.0)"
        ),
    },
    SqlCheck {
        id: r#"updates.critical_within_window{"scope":"app"}"#,
        sql: updates_window!(
            patch_window_days,
            " AND u.kind IN ('app', 'extension') \
             AND (u.severity IN ('critical', 'high', 'unknown') OR u.cvss >= 7.0)"
        ),
    },
    SqlCheck {
        id: "updates.all_within_window",
        sql: updates_window!(all_updates_window_days, ""),
    },
    SqlCheck {
        id: "updates.reporting",
        sql: concat!(
            with_p!(all, patch_reporting_days),
            ", reported AS (SELECT c.org_id, c.asset, MAX(c.reported_at) AS at FROM p \
             JOIN endpoint_configs c ON c.org_id = p.org_id GROUP BY c.org_id, c.asset) \
             SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             LEFT JOIN reported r ON r.org_id = a.org_id AND r.asset = a.id \
             WHERE a.lifecycle = 'active' AND a.managed_by = 'rmm' \
             AND a.kind IN ('server', 'desktop', 'laptop', 'iaas_vm') \
             AND (COALESCE(r.at, a.last_seen) IS NULL \
             OR julianday(?2) - julianday(date(MAX(COALESCE(r.at, ''), COALESCE(a.last_seen, '')))) \
             > p.patch_reporting_days) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "vulns.fix_overdue",
        sql: concat!(
            with_p!(all, patch_window_days),
            " SELECT v.org_id, COUNT(*) FROM p JOIN vulnerabilities v ON v.org_id = p.org_id \
             LEFT JOIN assets a ON a.org_id = v.org_id AND a.id = v.asset \
             WHERE v.remediated IS NULL AND (v.severity IN ('critical', 'high') OR v.cvss >= 7.0) \
             AND CASE WHEN a.id IS NOT NULL THEN a.lifecycle = 'active' \
             ELSE v.external = 1 OR v.target IS NOT NULL END \
             AND ?2 > MIN(date(COALESCE(v.fix_available_since, date(v.first_seen)), \
             printf('%+d days', p.patch_window_days)), \
             CASE WHEN v.kev = 1 AND v.kev_due IS NOT NULL THEN v.kev_due ELSE '9999-12-31' END) \
             GROUP BY v.org_id"
        ),
    },
    SqlCheck {
        id: "vulns.external_high",
        sql: concat!(
            with_p!(all),
            " SELECT v.org_id, COUNT(*) FROM p JOIN vulnerabilities v ON v.org_id = p.org_id \
             WHERE v.external = 1 AND v.remediated IS NULL \
             AND (v.severity IN ('critical', 'high') OR v.cvss >= 7.0) GROUP BY v.org_id"
        ),
    },
    // -----------------------------------------------------------------------
    // Accounts, cloud services and access
    SqlCheck {
        id: "accounts.dormant",
        sql: concat!(
            with_p!(all, dormant_account_days),
            " SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND x.kind <> 'service' AND ",
            "julianday(?2) - julianday(date(COALESCE(x.last_sign_in, x.created_at)))",
            " > p.dormant_account_days GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "accounts.leavers_disabled",
        sql: concat!(
            with_p!(all, leaver_disable_days),
            " SELECT x.org_id, COUNT(*) FROM p JOIN people pe ON pe.org_id = p.org_id \
             JOIN accounts x ON x.org_id = pe.org_id AND x.person = pe.id \
             WHERE pe.\"left\" IS NOT NULL AND (\
             (x.enabled = 1 AND julianday(?2) - julianday(pe.\"left\") >= 0 \
             AND julianday(?2) - julianday(pe.\"left\") > p.leaver_disable_days) \
             OR (x.enabled = 0 AND julianday(date(x.disabled_at)) - julianday(pe.\"left\") \
             > p.leaver_disable_days)) GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "accounts.unique",
        sql: concat!(
            with_p!(all),
            " SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND (x.kind = 'shared' OR (x.kind IN ('user', 'admin', 'technician', 'partner') AND ",
            blank!("x.person"),
            ")) GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "accounts.admin_mfa",
        sql: concat!(
            with_p!(all),
            " SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND (x.privileged = 1 OR x.kind = 'admin') AND x.mfa = 0 \
             GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "accounts.admin_separation",
        sql: concat!(
            with_p!(all),
            " SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND (x.privileged = 1 OR x.kind = 'admin') AND x.has_mailbox = 1 \
             GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "accounts.approved_creation",
        sql: concat!(
            with_p!(all, account_approval_lookback_days),
            " SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.created_at IS NOT NULL AND ",
            days_t!("x.created_at"),
            " <= p.account_approval_lookback_days AND ",
            blank!("x.approval_ref"),
            " GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "accounts.partner_access",
        sql: concat!(
            with_p!(all),
            " SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND x.kind IN ('partner', 'technician') AND (",
            blank!("x.person"),
            " OR x.mfa = 0) GROUP BY x.org_id"
        ),
    },
    SqlCheck {
        id: "cloud.mfa_enforced",
        sql: concat!(
            with_p!(all),
            " SELECT org_id, SUM(n) FROM (\
             SELECT s.org_id, COUNT(*) AS n FROM p JOIN cloud_services s ON s.org_id = p.org_id \
             WHERE s.in_scope IS NOT 0 AND s.mfa_available = 1 \
             AND (s.mfa_enforced_users = 0 OR s.mfa_enforced_admins = 0) GROUP BY s.org_id \
             UNION ALL \
             SELECT x.org_id, COUNT(*) FROM p JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND x.mfa = 0 AND EXISTS (SELECT 1 FROM cloud_services s \
             WHERE s.org_id = x.org_id AND s.in_scope IS NOT 0 AND s.mfa_available = 1 \
             AND lower(trim(s.name)) = lower(trim(x.system))) GROUP BY x.org_id) GROUP BY org_id"
        ),
    },
    SqlCheck {
        id: "cloud.in_scope",
        sql: concat!(
            with_p!(all),
            " SELECT s.org_id, COUNT(*) FROM p JOIN cloud_services s ON s.org_id = p.org_id \
             WHERE s.holds_org_data = 1 AND s.in_scope = 0 GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: "cloud.shared_responsibility",
        sql: concat!(
            with_p!(all),
            " SELECT s.org_id, COUNT(*) FROM p JOIN cloud_services s ON s.org_id = p.org_id \
             WHERE s.in_scope IS NOT 0 AND ",
            blank!("s.responsibility_doc"),
            " GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: "cloud.anonymous_sharing",
        sql: concat!(
            with_p!(all),
            " SELECT s.org_id, COUNT(*) FROM p JOIN cloud_services s ON s.org_id = p.org_id \
             WHERE s.in_scope IS NOT 0 AND s.anonymous_sharing = 1 GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: "passwords.policy",
        sql: concat!(
            with_p!(all),
            " SELECT pp.org_id, COUNT(*) FROM p JOIN password_policies pp ON pp.org_id = p.org_id \
             WHERE (pp.lockout_threshold IS NOT NULL AND pp.throttling IS NOT NULL \
             AND pp.mfa_enforced IS NOT NULL AND NOT (pp.lockout_threshold BETWEEN 1 AND 10 \
             OR pp.throttling = 1 OR pp.mfa_enforced = 1)) \
             OR (pp.mfa_enforced = 0 AND NOT (pp.min_length >= 12 \
             OR (pp.min_length >= 8 AND pp.deny_list = 1))) \
             OR pp.max_length < 64 GROUP BY pp.org_id"
        ),
    },
    SqlCheck {
        id: r#"access.reviews_current{"scope":"privileged"}"#,
        sql: concat!(
            with_p!(all, privileged_review_days),
            ", systems AS (SELECT DISTINCT x.org_id, lower(trim(x.system)) AS k FROM p \
             JOIN accounts x ON x.org_id = p.org_id \
             WHERE x.enabled = 1 AND (x.privileged = 1 OR x.kind = 'admin')), \
             done AS (SELECT r.org_id, lower(trim(r.system)) AS k, MAX(r.completed_on) AS last \
             FROM p JOIN access_reviews r ON r.org_id = p.org_id \
             WHERE r.completed_on IS NOT NULL AND r.scope IN ('privileged', 'all') GROUP BY 1, 2) \
             SELECT s.org_id, COUNT(*) FROM systems s JOIN p ON p.org_id = s.org_id \
             LEFT JOIN done d ON d.org_id = s.org_id AND d.k = s.k \
             WHERE d.last IS NULL OR julianday(?2) - julianday(d.last) > p.privileged_review_days \
             GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: r#"access.reviews_current{"scope":"all"}"#,
        sql: concat!(
            with_p!(all, access_review_days),
            ", systems AS (SELECT DISTINCT x.org_id, lower(trim(x.system)) AS k FROM p \
             JOIN accounts x ON x.org_id = p.org_id WHERE x.enabled = 1), \
             done AS (SELECT r.org_id, lower(trim(r.system)) AS k, MAX(r.completed_on) AS last \
             FROM p JOIN access_reviews r ON r.org_id = p.org_id \
             WHERE r.completed_on IS NOT NULL AND r.scope = 'all' GROUP BY 1, 2) \
             SELECT s.org_id, COUNT(*) FROM systems s JOIN p ON p.org_id = s.org_id \
             LEFT JOIN done d ON d.org_id = s.org_id AND d.k = s.k \
             WHERE d.last IS NULL OR julianday(?2) - julianday(d.last) > p.access_review_days \
             GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: "access.privileged_changes_approved",
        sql: concat!(
            with_p!(all, ticket_lookback_days),
            " SELECT c.org_id, COUNT(*) FROM p JOIN privileged_changes c ON c.org_id = p.org_id \
             WHERE c.action = 'added' AND ",
            days_t!("c.changed_at"),
            " <= p.ticket_lookback_days AND ",
            blank!("c.approved_by"),
            " GROUP BY c.org_id"
        ),
    },
    SqlCheck {
        id: "people.confidentiality",
        sql: concat!(
            with_p!(provider),
            " SELECT pe.org_id, COUNT(*) FROM p JOIN people pe ON pe.org_id = p.org_id \
             WHERE pe.kind IN ('staff', 'contractor') AND (pe.\"left\" IS NULL OR pe.\"left\" > ?2) \
             AND (pe.joined IS NULL OR pe.joined <= ?2) AND pe.client_access = 1 \
             AND (pe.nda_signed = 0 OR pe.screened = 0) GROUP BY pe.org_id"
        ),
    },
    // -----------------------------------------------------------------------
    // Network
    SqlCheck {
        id: "firewall.site_coverage",
        sql: concat!(
            with_p!(all),
            " SELECT s.org_id, COUNT(*) FROM p JOIN sites s ON s.org_id = p.org_id \
             WHERE NOT EXISTS (SELECT 1 FROM firewalls f WHERE f.org_id = s.org_id \
             AND lower(trim(f.site)) IN (lower(trim(s.id)), lower(trim(s.name)))) \
             GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.default_credentials",
        sql: concat!(
            with_p!(all),
            " SELECT f.org_id, COUNT(*) FROM p JOIN firewalls f ON f.org_id = p.org_id \
             WHERE f.default_credentials_changed = 0 GROUP BY f.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.admin_interface",
        sql: concat!(
            with_p!(all),
            " SELECT f.org_id, COUNT(*) FROM p JOIN firewalls f ON f.org_id = p.org_id \
             WHERE f.admin_interface_internet = 1 AND ((f.admin_mfa = 0 \
             AND (SELECT COUNT(*) FROM json_each(f.admin_allowlist) j WHERE trim(j.value) <> '') \
             NOT BETWEEN 1 AND 5) OR ",
            blank!("f.admin_exposure_justification"),
            ") GROUP BY f.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.default_deny",
        sql: concat!(
            with_p!(all),
            " SELECT f.org_id, COUNT(*) FROM p JOIN firewalls f ON f.org_id = p.org_id \
             WHERE f.default_inbound = 'allow' GROUP BY f.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.firmware_supported",
        sql: concat!(
            with_p!(all),
            " SELECT f.org_id, COUNT(*) FROM p JOIN firewalls f ON f.org_id = p.org_id \
             WHERE f.firmware_supported = 0 GROUP BY f.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.intrusion_prevention",
        sql: concat!(
            with_p!(all),
            " SELECT f.org_id, COUNT(*) FROM p JOIN firewalls f ON f.org_id = p.org_id \
             WHERE f.intrusion_prevention = 0 GROUP BY f.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.rules_approved",
        sql: concat!(
            with_p!(all),
            " SELECT r.org_id, COUNT(*) FROM p JOIN firewall_rules r ON r.org_id = p.org_id \
             WHERE r.enabled = 1 AND r.direction = 'inbound' AND r.action = 'allow' AND (",
            blank!("r.approved_by"),
            " OR ",
            blank!("r.justification"),
            ") GROUP BY r.org_id"
        ),
    },
    SqlCheck {
        id: "firewall.rules_reviewed",
        sql: concat!(
            with_p!(all, firewall_rule_unused_days),
            " SELECT r.org_id, COUNT(*) FROM p JOIN firewall_rules r ON r.org_id = p.org_id \
             WHERE r.enabled = 1 AND (r.review_due < ?2 OR ",
            days!("COALESCE(r.last_hit, r.created_on)"),
            " > p.firewall_rule_unused_days) GROUP BY r.org_id"
        ),
    },
    SqlCheck {
        id: "wireless.secured",
        sql: concat!(
            with_p!(all),
            " SELECT w.org_id, COUNT(*) FROM p JOIN wireless_networks w ON w.org_id = p.org_id \
             WHERE (w.guest = 1 AND w.segregated = 0) \
             OR (w.guest = 0 AND w.security NOT IN ('wpa2_enterprise', 'wpa3')) \
             OR w.default_credentials_changed = 0 GROUP BY w.org_id"
        ),
    },
    SqlCheck {
        id: "wireless.admin_not_exposed",
        sql: concat!(
            with_p!(all),
            " SELECT w.org_id, COUNT(*) FROM p JOIN wireless_networks w ON w.org_id = p.org_id \
             WHERE w.admin_internet_exposed = 1 GROUP BY w.org_id"
        ),
    },
    SqlCheck {
        id: "email.authenticated",
        sql: concat!(
            with_p!(all),
            " SELECT e.org_id, COUNT(*) FROM p JOIN email_domains e ON e.org_id = p.org_id \
             WHERE e.spf = 0 OR e.dkim = 0 OR e.dmarc = 'none' OR e.filtering = 0 \
             GROUP BY e.org_id"
        ),
    },
    SqlCheck {
        id: "remote_access.secured",
        sql: concat!(
            with_p!(all),
            " SELECT t.org_id, COUNT(*) FROM p JOIN remote_access_tools t ON t.org_id = p.org_id \
             WHERE t.mfa_enforced = 0 OR t.session_logging = 0 OR t.internet_exposed = 1 \
             GROUP BY t.org_id"
        ),
    },
    // -----------------------------------------------------------------------
    // Service operations
    SqlCheck {
        id: "tickets.categorised",
        sql: concat!(
            with_p!(all, ticket_lookback_days, ticket_quality_pct),
            share!(concat!(
                "SELECT t.org_id, p.ticket_quality_pct AS pct, (NOT ",
                blank!("t.sub_type"),
                " AND t.priority IS NOT NULL AND NOT ",
                blank!("t.category"),
                ") AS ok FROM p JOIN tickets t ON t.org_id = p.org_id WHERE ",
                in_window!("t.opened_at")
            ))
        ),
    },
    SqlCheck {
        id: "tickets.sla",
        sql: concat!(
            with_p!(
                all,
                ticket_lookback_days,
                sla_response_minutes,
                sla_resolution_minutes,
                sla_attainment_pct
            ),
            share!(concat!(
                "SELECT t.org_id, p.sla_attainment_pct AS pct, (",
                minutes!(
                    "t.opened_at",
                    "COALESCE(t.first_response_at, t.resolved_at, ?1)"
                ),
                " <= COALESCE(t.sla_response_minutes, p.sla_response_minutes) AND ",
                minutes!("t.opened_at", "COALESCE(t.resolved_at, ?1)"),
                " <= COALESCE(t.sla_resolution_minutes, p.sla_resolution_minutes)) AS ok \
                 FROM p JOIN tickets t ON t.org_id = p.org_id WHERE ",
                in_window!("t.opened_at")
            ))
        ),
    },
    SqlCheck {
        id: "tickets.problem_correlation",
        sql: concat!(
            with_p!(all, ticket_lookback_days),
            " SELECT org_id, COUNT(*) FROM (SELECT t.org_id, t.asset FROM p \
             JOIN tickets t ON t.org_id = p.org_id WHERE ",
            in_window!("t.opened_at"),
            " AND t.ticket_type = 'incident' AND NOT ",
            blank!("t.asset"),
            " GROUP BY t.org_id, t.asset HAVING COUNT(*) >= 3 AND SUM(",
            blank!("t.problem"),
            ") > 0) GROUP BY org_id"
        ),
    },
    SqlCheck {
        id: "alerts.ticketed",
        sql: concat!(
            with_p!(all, ticket_lookback_days, alert_ticket_pct),
            share!(concat!(
                "SELECT a.org_id, p.alert_ticket_pct AS pct, NOT ",
                blank!("a.ticket"),
                " AS ok FROM p JOIN alerts a ON a.org_id = p.org_id WHERE ",
                in_window!("a.raised_at")
            ))
        ),
    },
    SqlCheck {
        id: "alerts.acknowledged",
        sql: concat!(
            with_p!(
                all,
                ticket_lookback_days,
                alert_ack_minutes,
                sla_attainment_pct
            ),
            share!(concat!(
                "SELECT a.org_id, p.sla_attainment_pct AS pct, ",
                minutes!("a.raised_at", "COALESCE(a.acknowledged_at, ?1)"),
                " <= p.alert_ack_minutes AS ok FROM p JOIN alerts a ON a.org_id = p.org_id WHERE ",
                in_window!("a.raised_at")
            ))
        ),
    },
    SqlCheck {
        id: "changes.tracked",
        sql: concat!(
            with_p!(all, ticket_lookback_days),
            " SELECT c.org_id, COUNT(*) FROM p JOIN changes c ON c.org_id = p.org_id WHERE ",
            in_window!("c.requested_at"),
            " AND (",
            blank!("c.description"),
            " OR (COALESCE(json_array_length(c.systems), 0) = 0 \
             AND COALESCE(json_array_length(c.services), 0) = 0) OR ",
            blank!("c.user_impact"),
            " OR (c.emergency IS NOT 1 AND ",
            blank!("c.approved_by"),
            ") OR (p.org_kind = 'client' AND c.client_notified_at IS NULL) \
             OR (c.implemented_at IS NOT NULL AND c.outcome = 'pending')) GROUP BY c.org_id"
        ),
    },
    SqlCheck {
        id: "capacity.monitored",
        sql: concat!(
            with_p!(all),
            " SELECT a.org_id, COUNT(*) FROM p JOIN assets a ON a.org_id = p.org_id \
             WHERE a.lifecycle = 'active' AND a.kind IN ('server', 'storage') \
             AND NOT EXISTS (SELECT 1 FROM capacity_thresholds t \
             WHERE t.org_id = a.org_id AND t.asset = a.id) GROUP BY a.org_id"
        ),
    },
    SqlCheck {
        id: "capacity.breaches_ticketed",
        sql: concat!(
            with_p!(all, capacity_threshold_pct, capacity_breach_days),
            // The threshold per (asset, metric): of several, the greatest id.
            ", th AS (SELECT org_id, asset, metric, threshold_pct FROM (SELECT t.*, \
             ROW_NUMBER() OVER (PARTITION BY t.org_id, t.asset, t.metric ORDER BY t.id DESC) AS rn \
             FROM p JOIN capacity_thresholds t ON t.org_id = p.org_id) WHERE rn = 1), \
             r AS (SELECT c.org_id, c.asset, c.metric, c.taken_at, c.used_pct, \
             COALESCE(th.threshold_pct, p.capacity_threshold_pct) AS thr, \
             p.capacity_breach_days AS breach_days, \
             ROW_NUMBER() OVER (PARTITION BY c.org_id, c.asset, c.metric ORDER BY c.taken_at, c.id) AS n \
             FROM p JOIN capacity_readings c ON c.org_id = p.org_id \
             LEFT JOIN assets a ON a.org_id = c.org_id AND a.id = c.asset \
             LEFT JOIN th ON th.org_id = c.org_id AND th.asset = c.asset AND th.metric = c.metric \
             WHERE a.id IS NULL OR a.lifecycle = 'active'), \
             runs AS (SELECT r.*, COALESCE(MAX(CASE WHEN used_pct <= thr THEN n END) \
             OVER (PARTITION BY org_id, asset, metric), 0) AS last_ok FROM r), \
             last_ticket AS (SELECT t.org_id, t.asset, MAX(t.opened_at) AS at FROM p \
             JOIN tickets t ON t.org_id = p.org_id WHERE t.asset IS NOT NULL GROUP BY t.org_id, t.asset) \
             SELECT b.org_id, COUNT(*) FROM runs b \
             LEFT JOIN last_ticket lt ON lt.org_id = b.org_id AND lt.asset = b.asset \
             WHERE b.n = b.last_ok + 1 AND ",
            // `b` starts the trailing run above the threshold, if there is one.
            days_t!("b.taken_at"),
            " > b.breach_days AND (lt.at IS NULL OR lt.at < b.taken_at) GROUP BY b.org_id"
        ),
    },
    SqlCheck {
        id: "noc.coverage",
        sql: concat!(
            with_p!(provider),
            ", days(d) AS (VALUES ('mon'), ('tue'), ('wed'), ('thu'), ('fri'), ('sat'), ('sun')) \
             SELECT p.org_id, COUNT(*) FROM p CROSS JOIN days \
             WHERE EXISTS (SELECT 1 FROM noc_shifts s WHERE s.org_id = p.org_id) \
             AND NOT EXISTS (SELECT 1 FROM noc_shifts s WHERE s.org_id = p.org_id \
             AND s.day IN (days.d, 'daily')) GROUP BY p.org_id"
        ),
    },
    SqlCheck {
        id: "time_entries.reviewed",
        sql: concat!(
            with_p!(provider, ticket_lookback_days, time_review_days),
            " SELECT e.org_id, COUNT(*) FROM p JOIN time_entries e ON e.org_id = p.org_id \
             WHERE ",
            days!("e.worked_on"),
            " BETWEEN 0 AND p.ticket_lookback_days AND ",
            days!("e.worked_on"),
            " > p.time_review_days AND e.reviewed_on IS NULL GROUP BY e.org_id"
        ),
    },
    SqlCheck {
        id: "monitoring.log_sources",
        sql: concat!(
            with_p!(all, log_silence_hours, log_retention_days),
            " SELECT s.org_id, COUNT(*) FROM p JOIN log_sources s ON s.org_id = p.org_id \
             WHERE s.critical = 1 AND (",
            hours!("s.last_event_at"),
            " > p.log_silence_hours OR s.retention_days < p.log_retention_days) GROUP BY s.org_id"
        ),
    },
    SqlCheck {
        id: r#"monitoring.log_sources{"kind":"firewall"}"#,
        sql: concat!(
            with_p!(all, log_silence_hours, log_retention_days),
            " SELECT s.org_id, COUNT(*) FROM p JOIN log_sources s ON s.org_id = p.org_id \
             WHERE s.critical = 1 AND s.kind = 'firewall' AND (",
            hours!("s.last_event_at"),
            " > p.log_silence_hours OR s.retention_days < p.log_retention_days) GROUP BY s.org_id"
        ),
    },
    // -----------------------------------------------------------------------
    // Backups, training, testing and governance
    SqlCheck {
        id: "backup.recent_success",
        sql: concat!(
            with_p!(all, backup_rpo_hours),
            ", runs AS (SELECT r.org_id, r.job, MAX(CASE WHEN r.status = 'success' \
             THEN COALESCE(r.finished_at, r.started_at) END) AS last_ok \
             FROM p JOIN backup_runs r ON r.org_id = p.org_id GROUP BY r.org_id, r.job) \
             SELECT j.org_id, COUNT(*) FROM p JOIN backup_jobs j ON j.org_id = p.org_id \
             JOIN runs b ON b.org_id = j.org_id AND b.job = j.id \
             WHERE j.critical = 1 AND (b.last_ok IS NULL OR ",
            hours!("b.last_ok"),
            " > p.backup_rpo_hours) GROUP BY j.org_id"
        ),
    },
    SqlCheck {
        id: "backup.isolated_copy",
        sql: concat!(
            with_p!(all),
            " SELECT j.org_id, COUNT(*) FROM p JOIN backup_jobs j ON j.org_id = p.org_id \
             WHERE j.critical = 1 AND (j.offsite_copy IS NOT 1 OR j.isolated_copy IS NOT 1) \
             GROUP BY j.org_id"
        ),
    },
    SqlCheck {
        id: "backup.restore_tested",
        sql: concat!(
            with_p!(all, restore_test_days),
            ", tests AS (SELECT r.org_id, r.job, MAX(CASE WHEN r.result = 'success' \
             THEN r.tested_on END) AS last_ok \
             FROM p JOIN restore_tests r ON r.org_id = p.org_id GROUP BY r.org_id, r.job) \
             SELECT j.org_id, COUNT(*) FROM p JOIN backup_jobs j ON j.org_id = p.org_id \
             JOIN tests b ON b.org_id = j.org_id AND b.job = j.id \
             WHERE j.critical = 1 AND (b.last_ok IS NULL OR ",
            days!("b.last_ok"),
            " > p.restore_test_days) GROUP BY j.org_id"
        ),
    },
    SqlCheck {
        id: "training.awareness",
        sql: concat!(
            with_p!(
                provider,
                training_days,
                new_starter_training_days,
                training_coverage_pct
            ),
            ", trained AS (SELECT t.org_id, t.person, MAX(t.completed_on) AS last FROM p \
             JOIN trainings t ON t.org_id = p.org_id \
             WHERE t.kind = 'security_awareness' AND t.passed IS NOT 0 GROUP BY t.org_id, t.person)",
            share!(concat!(
                "SELECT pe.org_id, p.training_coverage_pct AS pct, \
                 ((tr.last IS NOT NULL AND ",
                days!("tr.last"),
                " <= p.training_days) OR (pe.joined IS NOT NULL AND ",
                days!("pe.joined"),
                " <= p.new_starter_training_days)) AS ok \
                 FROM p JOIN people pe ON pe.org_id = p.org_id \
                 LEFT JOIN trained tr ON tr.org_id = pe.org_id AND tr.person = pe.id \
                 WHERE pe.kind = 'staff' AND (pe.\"left\" IS NULL OR pe.\"left\" > ?2)"
            ))
        ),
    },
    SqlCheck {
        id: "training.phishing",
        sql: concat!(
            with_p!(provider, phishing_sim_days),
            " SELECT t.org_id, 1 FROM p JOIN trainings t ON t.org_id = p.org_id \
             WHERE t.kind = 'phishing_simulation' GROUP BY t.org_id, p.phishing_sim_days \
             HAVING julianday(?2) - julianday(MAX(t.completed_on)) > p.phishing_sim_days"
        ),
    },
    SqlCheck {
        id: "training.onboarding",
        sql: concat!(
            with_p!(provider, training_days, new_starter_training_days),
            " SELECT pe.org_id, COUNT(*) FROM p JOIN people pe ON pe.org_id = p.org_id \
             WHERE pe.kind = 'staff' AND (pe.\"left\" IS NULL OR pe.\"left\" > ?2) \
             AND pe.joined IS NOT NULL AND ",
            days!("pe.joined"),
            " <= p.training_days AND ",
            days!("pe.joined"),
            " > p.new_starter_training_days AND NOT EXISTS (SELECT 1 FROM trainings t \
             WHERE t.org_id = pe.org_id AND t.person = pe.id AND t.kind = 'onboarding' \
             AND t.passed IS NOT 0 \
             AND julianday(t.completed_on) - julianday(pe.joined) <= p.new_starter_training_days) \
             GROUP BY pe.org_id"
        ),
    },
    SqlCheck {
        id: r#"assessments.recent{"any":true,"kind":["dr_exercise","tabletop_exercise"],"max_age":"exercise_days"}"#,
        sql: assessments!(any all, "('dr_exercise'), ('tabletop_exercise')", exercise_days),
    },
    SqlCheck {
        id: r#"assessments.recent{"kind":"internal_audit","max_age":"internal_audit_days"}"#,
        sql: assessments!(provider, "('internal_audit')", internal_audit_days),
    },
    SqlCheck {
        id: r#"assessments.recent{"kind":"pen_test","max_age":"pen_test_days"}"#,
        sql: assessments!(all, "('pen_test')", pen_test_days),
    },
    SqlCheck {
        id: r#"assessments.recent{"kind":"risk_assessment","max_age":"risk_review_days"}"#,
        sql: assessments!(provider, "('risk_assessment')", risk_review_days),
    },
    SqlCheck {
        id: r#"assessments.recent{"kind":"tabletop_exercise","max_age":"exercise_days"}"#,
        sql: assessments!(provider, "('tabletop_exercise')", exercise_days),
    },
    SqlCheck {
        id: "scans.cadence",
        sql: assessments!(
            all,
            "('internal_scan'), ('external_scan')",
            scan_interval_days
        ),
    },
    SqlCheck {
        id: "risks.reviewed",
        sql: concat!(
            with_p!(provider, risk_review_days),
            " SELECT r.org_id, COUNT(*) FROM p JOIN risks r ON r.org_id = p.org_id \
             WHERE r.last_reviewed IS NULL OR ",
            days!("r.last_reviewed"),
            " > p.risk_review_days OR (r.rating IN ('high', 'critical') AND ",
            blank!("r.treatment"),
            ") GROUP BY r.org_id"
        ),
    },
    SqlCheck {
        id: "vendors.reviewed",
        sql: concat!(
            with_p!(provider, vendor_review_days),
            " SELECT v.org_id, COUNT(*) FROM p JOIN vendors v ON v.org_id = p.org_id \
             WHERE v.critical = 1 AND (v.last_review IS NULL OR ",
            days!("v.last_review"),
            " > p.vendor_review_days OR v.attestation_expires < ?2) GROUP BY v.org_id"
        ),
    },
    SqlCheck {
        id: "licences.within_entitlement",
        sql: concat!(
            with_p!(provider),
            " SELECT l.org_id, COUNT(*) FROM p JOIN licences l ON l.org_id = p.org_id \
             WHERE l.in_use > l.purchased GROUP BY l.org_id"
        ),
    },
    // -----------------------------------------------------------------------
    // Documents and evidence
    SqlCheck {
        id: r#"evidence.document{"max_age":"config_doc_days","topic":"configuration-documentation"}"#,
        sql: evidence_document!(client, "configuration-documentation", config_doc_days),
    },
    SqlCheck {
        id: r#"evidence.document{"max_age":"service_report_days","topic":"service-report"}"#,
        sql: evidence_document!(client, "service-report", service_report_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"business-continuity-plan"}"#,
        sql: evidence_document!(all, "business-continuity-plan", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"compromised-password-procedure"}"#,
        sql: evidence_document!(all, "compromised-password-procedure", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"data-destruction-policy"}"#,
        sql: evidence_document!(all, "data-destruction-policy", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"incident-response-plan"}"#,
        sql: evidence_document!(provider, "incident-response-plan", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"insurance-certificate"}"#,
        sql: evidence_document!(provider, "insurance-certificate", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"joiner-procedure"}"#,
        sql: evidence_document!(all, "joiner-procedure", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"org-chart"}"#,
        sql: evidence_document!(provider, "org-chart", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"patch-management-policy"}"#,
        sql: evidence_document!(all, "patch-management-policy", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"physical-security-policy"}"#,
        sql: evidence_document!(provider, "physical-security-policy", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"privacy-policy"}"#,
        sql: evidence_document!(all, "privacy-policy", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"secure-baseline"}"#,
        sql: evidence_document!(all, "secure-baseline", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"service-description"}"#,
        sql: evidence_document!(client, "service-description", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"strategic-plan"}"#,
        sql: evidence_document!(provider, "strategic-plan", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.document{"topic":"vendor-management-policy"}"#,
        sql: evidence_document!(provider, "vendor-management-policy", document_review_days),
    },
    SqlCheck {
        id: r#"evidence.certificate{"topic":"ce-plus"}"#,
        sql: concat!(
            with_p!(all, certificate_max_age_days),
            ", doc AS (SELECT d.org_id, d.effective, d.review_due, ROW_NUMBER() OVER \
             (PARTITION BY d.org_id ",
            doc_order!(),
            ") AS rn FROM p JOIN documents d ON d.org_id = p.org_id \
             WHERE d.kind = 'certificate' AND d.topic = 'ce-plus') \
             SELECT doc.org_id, 1 FROM doc JOIN p ON p.org_id = doc.org_id \
             WHERE doc.rn = 1 AND doc.effective <= ?2 AND (doc.review_due < ?2 OR ",
            days!("doc.effective"),
            " > p.certificate_max_age_days)"
        ),
    },
    SqlCheck {
        id: r#"policies.required_present{"topics":["information-security-policy","acceptable-use-policy","access-control-policy","incident-response-plan","patch-management-policy","change-management-policy","backup-policy","data-destruction-policy"]}"#,
        sql: concat!(
            with_p!(provider, document_review_days),
            ", topics(topic) AS (VALUES ('information-security-policy'), ('acceptable-use-policy'), \
             ('access-control-policy'), ('incident-response-plan'), ('patch-management-policy'), \
             ('change-management-policy'), ('backup-policy'), ('data-destruction-policy')), \
             doc AS (SELECT d.org_id, d.topic, d.effective, d.review_due, d.approved_by, \
             ROW_NUMBER() OVER (PARTITION BY d.org_id, d.topic ",
            doc_order!(),
            ") AS rn FROM p JOIN documents d ON d.org_id = p.org_id \
             WHERE d.topic IN (SELECT topic FROM topics)) \
             SELECT p.org_id, COUNT(*) FROM p CROSS JOIN topics \
             LEFT JOIN doc ON doc.org_id = p.org_id AND doc.topic = topics.topic AND doc.rn = 1 \
             WHERE (doc.org_id IS NULL AND EXISTS (SELECT 1 FROM documents x WHERE x.org_id = p.org_id)) \
             OR (doc.org_id IS NOT NULL AND (",
            blank!("doc.approved_by"),
            " OR ",
            stale!(document_review_days),
            ")) GROUP BY p.org_id"
        ),
    },
    SqlCheck {
        id: "policies.reviewed",
        sql: concat!(
            with_p!(provider, document_review_days),
            ", doc AS (SELECT d.org_id, d.effective, d.review_due, ROW_NUMBER() OVER \
             (PARTITION BY d.org_id, d.topic ",
            doc_order!(),
            ") AS rn FROM p JOIN documents d ON d.org_id = p.org_id WHERE d.kind = 'policy') \
             SELECT doc.org_id, COUNT(*) FROM doc JOIN p ON p.org_id = doc.org_id \
             WHERE doc.rn = 1 AND ",
            stale!(document_review_days),
            " GROUP BY doc.org_id"
        ),
    },
    SqlCheck {
        id: "policies.acknowledged",
        sql: concat!(
            with_p!(provider),
            // The version of each policy that applies today.
            ", pol AS (SELECT org_id, id FROM (SELECT d.org_id, d.id, ROW_NUMBER() OVER \
             (PARTITION BY d.org_id, d.topic ORDER BY d.effective DESC, d.id) AS rn \
             FROM p JOIN documents d ON d.org_id = p.org_id \
             WHERE d.kind = 'policy' AND d.effective <= ?2) WHERE rn = 1) \
             SELECT pe.org_id, COUNT(DISTINCT pe.id) FROM p JOIN people pe ON pe.org_id = p.org_id \
             JOIN pol ON pol.org_id = pe.org_id \
             LEFT JOIN acknowledgements k ON k.org_id = pe.org_id AND k.person = pe.id \
             AND k.document = pol.id \
             WHERE pe.kind = 'staff' AND (pe.\"left\" IS NULL OR pe.\"left\" > ?2) AND k.id IS NULL \
             GROUP BY pe.org_id"
        ),
    },
    SqlCheck {
        id: "org.categorised",
        sql: concat!(
            with_p!(client),
            " SELECT p.org_id, 1 FROM p WHERE ",
            blank!("p.tier")
        ),
    },
    SqlCheck {
        id: "scope.boundary",
        sql: concat!(
            with_p!(all, document_review_days),
            ", doc AS (SELECT d.org_id, d.effective, d.review_due, ROW_NUMBER() OVER \
             (PARTITION BY d.org_id ",
            doc_order!(),
            ") AS rn FROM p JOIN documents d ON d.org_id = p.org_id WHERE d.topic = 'ce-scope') \
             SELECT org_id, COUNT(*) FROM (\
             SELECT doc.org_id FROM doc JOIN p ON p.org_id = doc.org_id WHERE doc.rn = 1 AND ",
            stale!(document_review_days),
            " UNION ALL SELECT p.org_id FROM p WHERE EXISTS (SELECT 1 FROM assets a \
             WHERE a.org_id = p.org_id AND a.lifecycle = 'active') \
             AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.org_id = p.org_id \
             AND a.lifecycle = 'active' AND a.in_scope IS NOT 0 \
             AND a.kind IN ('desktop', 'laptop', 'thin_client', 'tablet', 'phone'))) \
             GROUP BY org_id"
        ),
    },
];
