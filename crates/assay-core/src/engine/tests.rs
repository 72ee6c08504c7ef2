use super::checks::testkit::{date, example, org, time};
use super::*;
use crate::catalogue::Catalogue;
use crate::records::{Firewall, InboundDefault};
use uuid::Uuid;

/// A framework of `n` requirements, all using `firewall.default_deny`.
fn framework(verdict: &str, categories: &[&str], applies_to: &str) -> Framework {
    let mut text = format!(
        "id = \"t\"\nversion = \"1\"\ntitle = \"T\"\npublisher = \"us\"\nsource = \"s\"\nverdict = \"{verdict}\"\n"
    );
    for (i, cat) in categories.iter().enumerate() {
        text.push_str(&format!(
            "[[requirements]]\nid = \"R{i}\"\ngroup = \"g\"\ntitle = \"t\"\ndescription = \"d\"\nsource_ref = \"1\"\n\
             category = \"{cat}\"\napplies_to = \"{applies_to}\"\nchecks = [{{ check = \"firewall.default_deny\" }}]\n"
        ));
    }
    match Catalogue::from_sources([("t.toml".to_string(), text)]) {
        Ok(mut c) => c.frameworks.remove(0),
        Err(e) => panic!("{e}"),
    }
}

fn data_with_firewall(inbound: InboundDefault) -> OrgData {
    let mut fw: Firewall = example("fw1");
    fw.default_inbound = inbound;
    OrgData {
        firewalls: vec![fw],
        ..Default::default()
    }
}

fn evaluate(
    fw: &Framework,
    o: &Organisation,
    data: &OrgData,
    exceptions: &[Exception],
    now: &str,
) -> FrameworkResult {
    let params = Params::default();
    let input = EvalInput {
        org: o,
        data,
        params: &params,
        exceptions,
        now: time(now),
    };
    evaluate_org(&[fw], &input, None).remove(0)
}

fn req(id: &str, category: Category, status: Status) -> RequirementResult {
    RequirementResult {
        id: id.into(),
        title: id.into(),
        group: "g".into(),
        category,
        status,
        reason: String::new(),
        checks: vec![],
        passed_resources: 0,
        resources: vec![],
    }
}

#[test]
fn charter_needs_all_essential_and_two_enhanced() {
    let fw = framework("charter", &["essential"; 1], "all");
    let essentials: Vec<RequirementResult> = (0..6)
        .map(|i| req(&format!("E{i}"), Category::Essential, Status::Pass))
        .collect();
    let enhanced = |passing: usize| -> Vec<RequirementResult> {
        (0..6)
            .map(|i| {
                req(
                    &format!("X{i}"),
                    Category::Enhanced,
                    if i < passing {
                        Status::Pass
                    } else {
                        Status::Fail
                    },
                )
            })
            .collect()
    };
    let mut reqs = essentials.clone();
    reqs.extend(enhanced(2));
    assert_eq!(verdict(&fw, &reqs).status, Status::Pass);

    let mut reqs = essentials.clone();
    reqs.extend(enhanced(1));
    let v = verdict(&fw, &reqs);
    assert_eq!(v.status, Status::Fail);
    assert!(v.reason.contains("1 of 6 enhanced"), "{}", v.reason);

    let mut reqs = essentials;
    reqs[3].status = Status::InsufficientEvidence;
    reqs.extend(enhanced(6));
    assert_eq!(verdict(&fw, &reqs).status, Status::Fail);
}

#[test]
fn advisory_requirements_never_change_the_verdict() {
    let fw = framework("all_required", &["required"], "all");
    let reqs = vec![
        req("A", Category::Required, Status::Pass),
        req("B", Category::Advisory, Status::Fail),
    ];
    assert_eq!(verdict(&fw, &reqs).status, Status::Pass);
}

#[test]
fn a_failing_check_names_the_resource() {
    let fw = framework("all_required", &["required"], "all");
    let r = evaluate(
        &fw,
        &org(OrgKind::Client),
        &data_with_firewall(InboundDefault::Allow),
        &[],
        "2026-11-23T00:00:00Z",
    );
    let q = &r.requirements[0];
    assert_eq!(q.status, Status::Fail);
    assert_eq!(q.resources.len(), 1);
    assert_eq!(q.resources[0].id, "fw1");
    assert!(!q.resources[0].reason.is_empty());
    assert_eq!(r.verdict.as_ref().map(|v| v.status), Some(Status::Fail));
    assert_eq!(r.counts.get(&Status::Fail), Some(&1));
}

#[test]
fn exception_excepts_until_its_expiry_and_not_after() {
    let fw = framework("all_required", &["required"], "all");
    let o = org(OrgKind::Client);
    let data = data_with_firewall(InboundDefault::Allow);
    let e = Exception {
        id: Uuid::nil(),
        org_id: o.id,
        check: "firewall.default_deny".into(),
        resource: Some("fw1".into()),
        justification: "ISP-managed router, replacement ordered".into(),
        approver: "Service delivery lead".into(),
        expires: date("2026-12-31"),
        created_at: time("2026-11-01T00:00:00Z"),
        revoked_at: None,
    };
    let before = evaluate(
        &fw,
        &o,
        &data,
        std::slice::from_ref(&e),
        "2026-12-31T12:00:00Z",
    );
    assert_eq!(before.requirements[0].status, Status::Excepted);
    assert_eq!(
        before.verdict.as_ref().map(|v| v.status),
        Some(Status::Pass)
    );
    let after = evaluate(&fw, &o, &data, &[e], "2027-01-01T00:00:00Z");
    assert_eq!(after.requirements[0].status, Status::Fail);
}

#[test]
fn provider_only_requirement_is_inherited_by_clients() {
    let fw = framework("all_required", &["required"], "provider");
    let provider = evaluate(
        &fw,
        &org(OrgKind::Provider),
        &data_with_firewall(InboundDefault::Deny),
        &[],
        "2026-11-23T00:00:00Z",
    );
    assert_eq!(provider.requirements[0].status, Status::Pass);

    let client = org(OrgKind::Client);
    let params = Params::default();
    let bad = data_with_firewall(InboundDefault::Allow);
    let input = EvalInput {
        org: &client,
        data: &bad,
        params: &params,
        exceptions: &[],
        now: time("2026-11-23T00:00:00Z"),
    };
    let inherited = evaluate_org(&[&fw], &input, Some(std::slice::from_ref(&provider))).remove(0);
    assert_eq!(
        inherited.requirements[0].status,
        Status::Pass,
        "the client's own data must not matter"
    );
    assert!(
        inherited.requirements[0]
            .reason
            .starts_with("inherited from the provider")
    );

    let orphan = evaluate_org(&[&fw], &input, None).remove(0);
    assert_eq!(orphan.requirements[0].status, Status::InsufficientEvidence);
}

#[test]
fn client_only_requirement_is_not_applicable_to_the_provider() {
    let fw = framework("all_required", &["required"], "client");
    let r = evaluate(
        &fw,
        &org(OrgKind::Provider),
        &OrgData::default(),
        &[],
        "2026-11-23T00:00:00Z",
    );
    assert_eq!(r.requirements[0].status, Status::NotApplicable);
}

#[test]
fn no_data_is_never_a_pass() {
    let fw = framework("all_required", &["required"], "all");
    let r = evaluate(
        &fw,
        &org(OrgKind::Client),
        &OrgData::default(),
        &[],
        "2026-11-23T00:00:00Z",
    );
    assert_eq!(r.requirements[0].status, Status::InsufficientEvidence);
    assert_eq!(r.verdict.as_ref().map(|v| v.status), Some(Status::Fail));
}

#[test]
fn every_builtin_check_runs_on_empty_data_without_error_and_never_passes() {
    let catalogue = Catalogue::builtin().unwrap_or_else(|e| panic!("{e}"));
    let params = Params::default();
    for kind in [OrgKind::Provider, OrgKind::Client] {
        let o = org(kind);
        let input = EvalInput {
            org: &o,
            data: &OrgData::default(),
            params: &params,
            exceptions: &[],
            now: time("2026-11-23T00:00:00Z"),
        };
        let fws: Vec<&Framework> = catalogue.frameworks.iter().collect();
        let provider = evaluate_org(&fws, &input, None);
        for fr in evaluate_org(&fws, &input, Some(&provider)) {
            for r in &fr.requirements {
                assert_ne!(
                    r.status,
                    Status::Error,
                    "{} {}: {}",
                    fr.framework,
                    r.id,
                    r.reason
                );
                if r.id != "MSPV-CHG-2" {
                    assert_ne!(
                        r.status,
                        Status::Pass,
                        "{} {} passes on no data: {}",
                        fr.framework,
                        r.id,
                        r.reason
                    );
                }
            }
        }
    }
}
