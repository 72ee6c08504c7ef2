//! Accounts and credentials in the store, on SQLite and on PostgreSQL:
//! users and their tenant scope, MFA and recovery codes, sessions, API
//! tokens, login throttling, and the audit trail they leave (which must
//! never hold a credential). Each test is a function of a fresh [`TestDb`];
//! `on_both_backends!` runs it as `name::sqlite` and `name::postgres`.

mod common;

use assay_core::access::Role;
use assay_core::org::{OrgKind, Organisation};
use assay_store::testing::TestDb;
use assay_store::{
    AccountStore, Actor, NewApiToken, NewSession, NewUser, Scope, Session, SqlStore, Store,
    StoreError, User,
};
use chrono::TimeDelta;
use common::{actor, on_both_backends, org, t};
use sha2::{Digest, Sha256};
use uuid::Uuid;

on_both_backends!(
    users_are_created_and_found_by_username_in_any_case,
    bad_users_are_refused,
    scoped_callers_see_and_create_only_users_inside_their_scope,
    user_scope_follows_the_role,
    changing_the_password_revokes_every_session,
    disabling_a_user_revokes_its_sessions_and_tokens,
    the_last_provider_admin_cannot_be_disabled_or_demoted,
    changing_access_revokes_sessions_and_tokens,
    mfa_and_recovery_codes_are_single_use,
    mfa_policy_defaults_to_provider_admins_and_can_be_changed,
    sessions_expire_when_idle_and_at_their_absolute_limit,
    revoked_sessions_are_not_valid,
    a_session_can_pass_mfa_later,
    bad_sessions_are_refused,
    throttling_counts_only_failures_inside_the_window,
    ten_failures_block_for_five_minutes_and_survive_a_restart,
    tokens_keep_their_orgs_and_never_reach_further_than_their_owner,
    client_tokens_stay_in_their_org,
    every_change_is_audited_without_any_credential,
    debug_output_leaves_credentials_out,
    pruning_drops_old_attempts_and_dead_sessions,
);

const NOW: &str = "2026-03-01T12:00:00Z";

fn sha(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A PHC string standing in for an Argon2id hash; `tag` makes it unique.
fn phc(tag: &str) -> String {
    format!(
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ${}",
        hex::encode(tag)
    )
}

struct World {
    store: SqlStore,
    msp: Organisation,
    alpha: Organisation,
    beta: Organisation,
    admin: User,
}

fn new_user(username: &str, role: Role, orgs: &[Uuid]) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: format!("{username} (test)"),
        role,
        orgs: orgs.to_vec(),
        password_hash: phc(username),
    }
}

fn world(db: &TestDb) -> World {
    let store = db.open();
    let msp = org(&store, "msp", OrgKind::Provider);
    let alpha = org(&store, "alpha", OrgKind::Client);
    let beta = org(&store, "beta", OrgKind::Client);
    let admin = store
        .create_user(
            &actor(),
            &Scope::All,
            new_user("root", Role::ProviderAdmin, &[]),
            t(NOW),
        )
        .expect("admin");
    World {
        store,
        msp,
        alpha,
        beta,
        admin,
    }
}

impl World {
    fn user(&self, username: &str, role: Role, orgs: &[Uuid]) -> User {
        self.store
            .create_user(
                &actor(),
                &Scope::All,
                new_user(username, role, orgs),
                t(NOW),
            )
            .expect("create user")
    }

    fn session(&self, user: &User, secret: &str, at: &str) -> Session {
        self.store
            .create_session(
                &Actor::new(&user.username, "192.0.2.1"),
                NewSession {
                    id_hash: sha(secret),
                    user_id: user.id,
                    idle_timeout: TimeDelta::minutes(30),
                    absolute_expires_at: t(at) + TimeDelta::hours(12),
                    mfa_verified: false,
                    ip: Some("192.0.2.1".into()),
                    user_agent: Some("test-agent/1.0".into()),
                },
                t(at),
            )
            .expect("create session")
    }

    fn token(&self, user: &User, secret: &str, role: Role, orgs: &[Uuid]) -> NewApiToken {
        NewApiToken {
            user_id: user.id,
            name: "backup sync".into(),
            token_hash: sha(secret),
            role,
            orgs: orgs.to_vec(),
            expires_at: Some(t("2026-06-01T00:00:00Z")),
        }
    }

    fn valid(&self, secret: &str, at: &str) -> bool {
        self.store
            .session_by_hash(&sha(secret))
            .expect("lookup")
            .is_some_and(|s| s.is_valid_at(t(at)))
    }

    fn actions(&self) -> Vec<String> {
        self.store
            .audit_entries(0, 100_000)
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect()
    }
}

fn users_are_created_and_found_by_username_in_any_case(db: &TestDb) {
    let w = world(db);
    let u = w.user("Alice.Smith", Role::Technician, &[w.beta.id, w.alpha.id]);
    assert_eq!(u.username, "Alice.Smith");
    let mut sorted = vec![w.alpha.id, w.beta.id];
    sorted.sort();
    assert_eq!(u.orgs, sorted);
    assert!(!u.mfa_enabled && u.mfa_secret.is_none() && !u.is_disabled());

    let found = w
        .store
        .user_by_username(&Scope::All, "alice.smith")
        .unwrap();
    assert_eq!(found, u);
    assert_eq!(w.store.user_by_id(&Scope::All, u.id).unwrap(), u);
    assert_eq!(
        w.store
            .list_users(&Scope::All)
            .unwrap()
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["Alice.Smith", "root"]
    );

    let dup = w.store.create_user(
        &actor(),
        &Scope::All,
        new_user("ALICE.SMITH", Role::Auditor, &[]),
        t(NOW),
    );
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert!(matches!(
        w.store.user_by_username(&Scope::All, "nobody"),
        Err(StoreError::NotFound(_))
    ));
}

fn bad_users_are_refused(db: &TestDb) {
    let w = world(db);
    let refuse = |new: NewUser| {
        let r = w.store.create_user(&actor(), &Scope::All, new, t(NOW));
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    };
    refuse(new_user("has space", Role::Auditor, &[]));
    refuse(new_user("", Role::Auditor, &[]));
    refuse(new_user("émile", Role::Auditor, &[]));
    refuse(NewUser {
        password_hash: "hunter2".into(),
        ..new_user("plain", Role::Auditor, &[])
    });
    refuse(new_user("viewer", Role::ClientViewer, &[]));
    refuse(new_user("viewer", Role::ClientViewer, &[w.msp.id]));
    refuse(new_user(
        "viewer",
        Role::ClientViewer,
        &[w.alpha.id, w.beta.id],
    ));
    refuse(new_user("boss", Role::ProviderAdmin, &[w.alpha.id]));
    assert_eq!(w.store.list_users(&Scope::All).unwrap().len(), 1);
}

fn scoped_callers_see_and_create_only_users_inside_their_scope(db: &TestDb) {
    let w = world(db);
    let a_admin = w.user("a-admin", Role::ClientAdmin, &[w.alpha.id]);
    let a_viewer = w.user("a-viewer", Role::ClientViewer, &[w.alpha.id]);
    w.user("b-viewer", Role::ClientViewer, &[w.beta.id]);
    w.user("tech-ab", Role::Technician, &[w.alpha.id, w.beta.id]);
    w.user("tech-all", Role::Technician, &[]);

    let alpha = w.store.user_scope(&a_admin).unwrap();
    assert_eq!(alpha, Scope::Orgs(vec![w.alpha.id]));
    let names: Vec<String> = w
        .store
        .list_users(&alpha)
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["a-admin", "a-viewer"]);
    assert!(matches!(
        w.store.user_by_id(&alpha, w.admin.id),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(w.store.user_by_id(&alpha, a_viewer.id).unwrap(), a_viewer);

    let other_org = w.store.create_user(
        &actor(),
        &alpha,
        new_user("b2", Role::ClientViewer, &[w.beta.id]),
        t(NOW),
    );
    assert!(matches!(other_org, Err(StoreError::NotFound(_))));
    let unlimited =
        w.store
            .create_user(&actor(), &alpha, new_user("t2", Role::Auditor, &[]), t(NOW));
    assert!(matches!(unlimited, Err(StoreError::Invalid(_))));
    w.store
        .create_user(
            &actor(),
            &alpha,
            new_user("a2", Role::ClientViewer, &[w.alpha.id]),
            t(NOW),
        )
        .expect("inside the scope");
    assert!(matches!(
        w.store.disable_user(&actor(), &alpha, w.admin.id, t(NOW)),
        Err(StoreError::NotFound(_))
    ));
}

fn user_scope_follows_the_role(db: &TestDb) {
    let w = world(db);
    let s = |u: &User| w.store.user_scope(u).unwrap();
    assert_eq!(s(&w.admin), Scope::All);
    assert_eq!(s(&w.user("tech", Role::Technician, &[])), Scope::All);
    assert_eq!(
        s(&w.user("aud", Role::Auditor, &[w.beta.id])),
        Scope::Orgs(vec![w.beta.id])
    );
    assert_eq!(
        s(&w.user("cv", Role::ClientViewer, &[w.alpha.id])),
        Scope::Orgs(vec![w.alpha.id])
    );
}

fn changing_the_password_revokes_every_session(db: &TestDb) {
    let w = world(db);
    let u = w.user("bob", Role::Technician, &[]);
    w.session(&u, "s1", NOW);
    w.session(&u, "s2", NOW);
    let other = w.session(&w.admin, "s3", NOW);
    let later = "2026-03-01T12:05:00Z";
    assert!(w.valid("s1", later) && w.valid("s2", later));

    let revoked = w
        .store
        .set_password(&actor(), &Scope::All, u.id, &phc("new"), t(later))
        .unwrap();
    assert_eq!(revoked, 2);
    assert!(!w.valid("s1", later) && !w.valid("s2", later));
    assert!(w.valid("s3", later), "{other:?}");
    let u = w.store.user_by_id(&Scope::All, u.id).unwrap();
    assert_eq!(u.password_hash, phc("new"));
    assert_eq!(u.password_changed_at, t(later));
    assert!(matches!(
        w.store
            .set_password(&actor(), &Scope::All, u.id, "plaintext", t(later)),
        Err(StoreError::Invalid(_))
    ));
}

fn disabling_a_user_revokes_its_sessions_and_tokens(db: &TestDb) {
    let w = world(db);
    let u = w.user("carol", Role::Technician, &[]);
    w.session(&u, "s1", NOW);
    w.store
        .create_token(
            &actor(),
            &Scope::All,
            w.token(&u, "tok", Role::Auditor, &[]),
            t(NOW),
        )
        .unwrap();
    let later = t("2026-03-01T12:01:00Z");

    w.store
        .disable_user(&actor(), &Scope::All, u.id, later)
        .unwrap();
    assert!(!w.valid("s1", "2026-03-01T12:01:00Z"));
    let tok = w.store.token_by_hash(&sha("tok")).unwrap().unwrap();
    assert!(!tok.is_valid_at(later) && tok.revoked_at == Some(later));
    assert!(w.store.user_by_id(&Scope::All, u.id).unwrap().is_disabled());
    assert!(matches!(
        w.store.disable_user(&actor(), &Scope::All, u.id, later),
        Err(StoreError::Conflict(_))
    ));
    let login = w.store.create_session(
        &actor(),
        NewSession {
            id_hash: sha("s2"),
            user_id: u.id,
            idle_timeout: TimeDelta::minutes(30),
            absolute_expires_at: later + TimeDelta::hours(1),
            mfa_verified: false,
            ip: None,
            user_agent: None,
        },
        later,
    );
    assert!(matches!(login, Err(StoreError::Conflict(_))), "{login:?}");

    w.store
        .enable_user(&actor(), &Scope::All, u.id, later)
        .unwrap();
    assert!(
        !w.store
            .token_by_hash(&sha("tok"))
            .unwrap()
            .unwrap()
            .is_valid_at(later),
        "re-enabling does not bring tokens back"
    );
}

fn the_last_provider_admin_cannot_be_disabled_or_demoted(db: &TestDb) {
    let w = world(db);
    assert!(matches!(
        w.store
            .disable_user(&actor(), &Scope::All, w.admin.id, t(NOW)),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        w.store.set_user_access(
            &actor(),
            &Scope::All,
            w.admin.id,
            Role::Auditor,
            &[],
            t(NOW)
        ),
        Err(StoreError::Conflict(_))
    ));
    w.user("root2", Role::ProviderAdmin, &[]);
    w.store
        .disable_user(&actor(), &Scope::All, w.admin.id, t(NOW))
        .unwrap();
}

fn changing_access_revokes_sessions_and_tokens(db: &TestDb) {
    let w = world(db);
    let u = w.user("dave", Role::Technician, &[]);
    w.session(&u, "s1", NOW);
    w.store
        .create_token(
            &actor(),
            &Scope::All,
            w.token(&u, "tok", Role::Technician, &[]),
            t(NOW),
        )
        .unwrap();
    let changed = w
        .store
        .set_user_access(
            &actor(),
            &Scope::All,
            u.id,
            Role::Auditor,
            &[w.alpha.id],
            t(NOW),
        )
        .unwrap();
    assert_eq!(
        (changed.role, changed.orgs.clone()),
        (Role::Auditor, vec![w.alpha.id])
    );
    assert_eq!(w.store.user_by_id(&Scope::All, u.id).unwrap(), changed);
    assert!(!w.valid("s1", NOW));
    assert!(
        !w.store
            .token_by_hash(&sha("tok"))
            .unwrap()
            .unwrap()
            .is_valid_at(t(NOW))
    );
}

fn mfa_and_recovery_codes_are_single_use(db: &TestDb) {
    let w = world(db);
    let u = w.user("erin", Role::Technician, &[]);
    let scope = Scope::All;
    assert!(matches!(
        w.store.set_mfa(&actor(), &scope, u.id, None, true, t(NOW)),
        Err(StoreError::Invalid(_))
    ));
    w.store
        .set_mfa(
            &actor(),
            &scope,
            u.id,
            Some("JBSWY3DPEHPK3PXP".into()),
            false,
            t(NOW),
        )
        .unwrap();
    w.store
        .set_mfa(
            &actor(),
            &scope,
            u.id,
            Some("JBSWY3DPEHPK3PXP".into()),
            true,
            t(NOW),
        )
        .unwrap();
    let got = w.store.user_by_id(&scope, u.id).unwrap();
    assert!(got.mfa_enabled);
    assert_eq!(got.mfa_secret.as_deref(), Some("JBSWY3DPEHPK3PXP"));

    let codes: Vec<String> = ["one", "two", "three"].iter().map(|c| sha(c)).collect();
    w.store
        .replace_recovery_codes(&actor(), &scope, u.id, &codes, t(NOW))
        .unwrap();
    assert_eq!(w.store.recovery_codes_left(u.id).unwrap(), 3);
    let use_code = |c: &str| {
        w.store
            .use_recovery_code(&actor(), u.id, &sha(c), t(NOW))
            .unwrap()
    };
    assert!(use_code("two"));
    assert!(!use_code("two"), "a recovery code works once");
    assert!(!use_code("unknown"));
    assert_eq!(w.store.recovery_codes_left(u.id).unwrap(), 2);

    // New codes replace the old ones.
    w.store
        .replace_recovery_codes(&actor(), &scope, u.id, &[sha("four")], t(NOW))
        .unwrap();
    assert!(!use_code("one"));
    assert!(use_code("four"));
    assert!(matches!(
        w.store
            .replace_recovery_codes(&actor(), &scope, u.id, &["not-a-hash".to_string()], t(NOW)),
        Err(StoreError::Invalid(_))
    ));

    // Removing MFA removes the codes.
    w.store
        .replace_recovery_codes(&actor(), &scope, u.id, &[sha("five")], t(NOW))
        .unwrap();
    w.store
        .set_mfa(&actor(), &scope, u.id, None, false, t(NOW))
        .unwrap();
    assert_eq!(w.store.recovery_codes_left(u.id).unwrap(), 0);
    let got = w.store.user_by_id(&scope, u.id).unwrap();
    assert!(!got.mfa_enabled && got.mfa_secret.is_none());
}

fn mfa_policy_defaults_to_provider_admins_and_can_be_changed(db: &TestDb) {
    let w = world(db);
    for role in Role::EVERY {
        assert_eq!(
            w.store.mfa_required(role).unwrap(),
            role == Role::ProviderAdmin
        );
    }
    w.store
        .set_mfa_required(&actor(), Role::Technician, true)
        .unwrap();
    assert!(w.store.mfa_required(Role::Technician).unwrap());
    assert!(w.store.mfa_required(Role::ProviderAdmin).unwrap());
    assert!(!w.store.mfa_required(Role::Auditor).unwrap());
}

fn sessions_expire_when_idle_and_at_their_absolute_limit(db: &TestDb) {
    let w = world(db);
    let u = w.user("frank", Role::Auditor, &[]);
    let s = w.session(&u, "s1", NOW);
    assert_eq!(s.idle_expires_at, t("2026-03-01T12:30:00Z"));
    assert_eq!(s.absolute_expires_at, t("2026-03-02T00:00:00Z"));
    assert!(s.is_valid_at(t("2026-03-01T12:29:59Z")));

    // Idle: unused for 30 minutes, the stored row is returned but invalid,
    // and touching it does not revive it.
    assert!(!w.valid("s1", "2026-03-01T12:30:00Z"));
    assert!(
        w.store
            .touch_session(&sha("s1"), t("2026-03-01T12:31:00Z"))
            .unwrap()
            .is_none()
    );
    assert_eq!(
        w.store
            .session_by_hash(&sha("s1"))
            .unwrap()
            .unwrap()
            .last_seen_at,
        t(NOW),
        "an expired session is not touched"
    );

    // Sliding: each use moves the idle expiry, never past the absolute one.
    w.session(&u, "s2", NOW);
    let mut at = t(NOW);
    while at < t("2026-03-01T23:30:00Z") {
        at += TimeDelta::minutes(20);
        let touched = w.store.touch_session(&sha("s2"), at).unwrap();
        let touched = touched.expect("still valid");
        assert_eq!(touched.last_seen_at, at);
        assert_eq!(
            touched.idle_expires_at,
            (at + TimeDelta::minutes(30)).min(t("2026-03-02T00:00:00Z"))
        );
    }
    assert_eq!(
        w.store
            .session_by_hash(&sha("s2"))
            .unwrap()
            .unwrap()
            .last_seen_at,
        at
    );
    assert!(w.valid("s2", "2026-03-01T23:59:59Z"));
    assert!(!w.valid("s2", "2026-03-02T00:00:00Z"), "absolute expiry");
    assert!(
        w.store
            .touch_session(&sha("s2"), t("2026-03-02T00:00:01Z"))
            .unwrap()
            .is_none()
    );
    assert!(w.store.session_by_hash(&sha("unknown")).unwrap().is_none());
}

fn revoked_sessions_are_not_valid(db: &TestDb) {
    let w = world(db);
    let u = w.user("gina", Role::Auditor, &[]);
    let s1 = w.session(&u, "s1", NOW);
    w.session(&u, "s2", NOW);
    w.session(&u, "s3", NOW);
    let me = Actor::new("gina", "192.0.2.1");

    assert!(w.store.revoke_session(&me, &sha("s1"), t(NOW)).unwrap());
    assert!(!w.store.revoke_session(&me, &sha("s1"), t(NOW)).unwrap());
    assert!(!w.store.revoke_session(&me, &sha("nope"), t(NOW)).unwrap());
    assert!(!w.valid("s1", NOW) && w.valid("s2", NOW));
    let stored = w.store.session_by_hash(&sha("s1")).unwrap().unwrap();
    assert_eq!((stored.id, stored.revoked_at), (s1.id, Some(t(NOW))));

    let listed = w.store.list_sessions(&Scope::All, u.id).unwrap();
    assert_eq!(listed.len(), 3);
    let s2 = listed.iter().find(|s| s.id_hash == sha("s2")).expect("s2");
    assert!(
        w.store
            .revoke_session_by_id(&actor(), &Scope::All, s2.id, t(NOW))
            .unwrap()
    );
    assert!(matches!(
        w.store
            .revoke_session_by_id(&actor(), &Scope::Orgs(vec![w.alpha.id]), s2.id, t(NOW)),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        w.store
            .revoke_user_sessions(&actor(), &Scope::All, u.id, t(NOW))
            .unwrap(),
        1
    );
    assert!(!w.valid("s3", NOW));
}

fn a_session_can_pass_mfa_later(db: &TestDb) {
    let w = world(db);
    let u = w.user("hank", Role::Auditor, &[]);
    let s = w
        .store
        .create_session(
            &actor(),
            NewSession {
                id_hash: sha("s1"),
                user_id: u.id,
                idle_timeout: TimeDelta::minutes(5),
                absolute_expires_at: t(NOW) + TimeDelta::hours(1),
                mfa_verified: false,
                ip: None,
                user_agent: None,
            },
            t(NOW),
        )
        .unwrap();
    assert!(!s.mfa_verified);
    let s = w
        .store
        .set_session_mfa_verified(&actor(), &sha("s1"), t(NOW))
        .unwrap();
    assert!(s.mfa_verified);
    assert!(
        w.store
            .session_by_hash(&sha("s1"))
            .unwrap()
            .unwrap()
            .mfa_verified
    );
    assert!(matches!(
        w.store
            .set_session_mfa_verified(&actor(), &sha("s1"), t("2026-03-01T13:00:00Z")),
        Err(StoreError::NotFound(_))
    ));
}

fn bad_sessions_are_refused(db: &TestDb) {
    let w = world(db);
    let base = NewSession {
        id_hash: sha("s"),
        user_id: w.admin.id,
        idle_timeout: TimeDelta::minutes(5),
        absolute_expires_at: t(NOW) + TimeDelta::hours(1),
        mfa_verified: true,
        ip: None,
        user_agent: None,
    };
    for bad in [
        NewSession {
            id_hash: "the-secret-itself".into(),
            ..base.clone()
        },
        NewSession {
            absolute_expires_at: t(NOW),
            ..base.clone()
        },
        NewSession {
            idle_timeout: TimeDelta::zero(),
            ..base.clone()
        },
    ] {
        let r = w.store.create_session(&actor(), bad, t(NOW));
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    }
    let r = w.store.create_session(
        &actor(),
        NewSession {
            user_id: Uuid::now_v7(),
            ..base.clone()
        },
        t(NOW),
    );
    assert!(matches!(r, Err(StoreError::NotFound(_))), "{r:?}");
    w.store
        .create_session(&actor(), base.clone(), t(NOW))
        .unwrap();
    let r = w.store.create_session(&actor(), base, t(NOW));
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
}

fn throttling_counts_only_failures_inside_the_window(db: &TestDb) {
    let w = world(db);
    let s = &w.store;
    let at = |m: i64| t(NOW) + TimeDelta::minutes(m);
    s.record_login_attempt("Ivy", false, Some("198.51.100.7"), at(-10))
        .unwrap();
    for m in 0..4 {
        s.record_login_attempt("ivy", false, Some("198.51.100.7"), at(m))
            .unwrap();
    }
    s.record_login_attempt("IVY", true, None, at(4)).unwrap();
    s.record_login_attempt("someone-else", false, None, at(4))
        .unwrap();

    let f = s.failed_logins_since("iVy", at(-1)).unwrap();
    assert_eq!(
        f.count, 4,
        "the old failure, the success and other accounts do not count"
    );
    assert_eq!(f.oldest, Some(at(0)));
    let none = s.failed_logins_since("nobody", at(-1)).unwrap();
    assert_eq!((none.count, none.oldest), (0, None));

    let window = TimeDelta::minutes(5);
    assert_eq!(
        s.login_blocked_until("ivy", at(4), window, 10).unwrap(),
        None
    );
    // With a limit of 3, the third-newest failure (at minute 1) holds the
    // account at the limit until it leaves the window at minute 6.
    assert_eq!(
        s.login_blocked_until("ivy", at(4), window, 3).unwrap(),
        Some(at(6))
    );
    assert_eq!(
        s.login_blocked_until("ivy", at(6), window, 3).unwrap(),
        None
    );
}

fn ten_failures_block_for_five_minutes_and_survive_a_restart(db: &TestDb) {
    let start = t(NOW);
    {
        let store = db.open();
        for i in 0..10 {
            store
                .record_login_attempt("judy", false, None, start + TimeDelta::seconds(i * 10))
                .unwrap();
        }
    }
    let store = db.open();
    let window = TimeDelta::seconds(assay_core::access::LOGIN_THROTTLE_WINDOW_SECS);
    let max = assay_core::access::LOGIN_THROTTLE_MAX_FAILURES;
    let now = start + TimeDelta::minutes(2);
    assert_eq!(
        store.login_blocked_until("judy", now, window, max).unwrap(),
        Some(start + window)
    );
    assert_eq!(
        store
            .login_blocked_until("judy", start + window, window, max)
            .unwrap(),
        None
    );
    let f = store.failed_logins_since("judy", now - window).unwrap();
    assert_eq!((f.count, f.oldest), (10, Some(start)));
}

fn tokens_keep_their_orgs_and_never_reach_further_than_their_owner(db: &TestDb) {
    let w = world(db);
    let tech = w.user("kim", Role::Technician, &[w.alpha.id, w.beta.id]);
    let tok = w
        .store
        .create_token(
            &actor(),
            &Scope::All,
            w.token(&tech, "t1", Role::Auditor, &[w.beta.id]),
            t(NOW),
        )
        .unwrap();
    assert_eq!(tok.orgs, vec![w.beta.id]);
    let stored = w.store.token_by_hash(&sha("t1")).unwrap().unwrap();
    assert_eq!(stored, tok);
    assert!(stored.is_valid_at(t(NOW)) && !stored.is_valid_at(t("2026-06-01T00:00:00Z")));
    assert_eq!(
        w.store.token_scope(&stored, &tech).unwrap(),
        Scope::Orgs(vec![w.beta.id])
    );
    assert!(w.store.token_by_hash(&sha("t2")).unwrap().is_none());

    let refused = |new: NewApiToken| {
        let r = w.store.create_token(&actor(), &Scope::All, new, t(NOW));
        assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
    };
    // A limited technician cannot issue an unlimited token, a token for an
    // organisation it does not reach, or a more powerful role.
    refused(w.token(&tech, "t2", Role::Technician, &[]));
    refused(w.token(&tech, "t2", Role::Technician, &[w.msp.id]));
    refused(w.token(&tech, "t2", Role::ProviderAdmin, &[]));
    refused(NewApiToken {
        token_hash: "plain-token".into(),
        ..w.token(&tech, "t2", Role::Auditor, &[])
    });
    refused(NewApiToken {
        expires_at: Some(t(NOW)),
        ..w.token(&tech, "t2", Role::Auditor, &[w.alpha.id])
    });
    let dup = w.store.create_token(
        &actor(),
        &Scope::All,
        w.token(&tech, "t1", Role::Auditor, &[w.alpha.id]),
        t(NOW),
    );
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    // The provider admin's unlimited token reaches everything.
    let admin_tok = w
        .store
        .create_token(
            &actor(),
            &Scope::All,
            NewApiToken {
                expires_at: None,
                ..w.token(&w.admin, "t3", Role::ProviderAdmin, &[])
            },
            t(NOW),
        )
        .unwrap();
    assert!(admin_tok.is_valid_at(t("2099-01-01T00:00:00Z")));
    assert_eq!(
        w.store.token_scope(&admin_tok, &w.admin).unwrap(),
        Scope::All
    );
    assert!(matches!(
        w.store.token_scope(&admin_tok, &tech),
        Err(StoreError::Invalid(_))
    ));

    w.store
        .touch_token(tok.id, t("2026-03-02T08:00:00Z"))
        .unwrap();
    assert_eq!(
        w.store
            .token_by_hash(&sha("t1"))
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(t("2026-03-02T08:00:00Z"))
    );
    let used = w.store.token_by_hash(&sha("t1")).unwrap().unwrap();
    assert!(!used.use_worth_recording(t("2026-03-02T08:00:59Z")));
    assert!(used.use_worth_recording(t("2026-03-02T08:01:00Z")));
    assert!(admin_tok.use_worth_recording(t(NOW)), "never used");

    let all = w.store.list_tokens(&Scope::All, None).unwrap();
    assert_eq!(
        all.iter().map(|t| t.id).collect::<Vec<_>>(),
        [tok.id, admin_tok.id]
    );
    assert_eq!(all[0].orgs, vec![w.beta.id]);
    assert_eq!(
        w.store
            .list_tokens(&Scope::All, Some(tech.id))
            .unwrap()
            .len(),
        1
    );
    let mut ab = vec![w.alpha.id, w.beta.id];
    ab.sort();
    assert_eq!(
        w.store.list_tokens(&Scope::Orgs(ab), None).unwrap().len(),
        1,
        "the admin's token is not visible to a limited scope"
    );

    assert!(
        w.store
            .revoke_token(&actor(), &Scope::All, tok.id, t(NOW))
            .unwrap()
    );
    assert!(
        !w.store
            .revoke_token(&actor(), &Scope::All, tok.id, t(NOW))
            .unwrap()
    );
    assert!(
        !w.store
            .token_by_hash(&sha("t1"))
            .unwrap()
            .unwrap()
            .is_valid_at(t(NOW))
    );
    assert!(matches!(
        w.store.revoke_token(
            &actor(),
            &Scope::Orgs(vec![w.alpha.id]),
            admin_tok.id,
            t(NOW)
        ),
        Err(StoreError::NotFound(_))
    ));
}

fn client_tokens_stay_in_their_org(db: &TestDb) {
    let w = world(db);
    let ca = w.user("lee", Role::ClientAdmin, &[w.alpha.id]);
    let tok = w
        .store
        .create_token(
            &actor(),
            &Scope::Orgs(vec![w.alpha.id]),
            w.token(&ca, "c1", Role::ClientViewer, &[w.alpha.id]),
            t(NOW),
        )
        .unwrap();
    assert_eq!(
        w.store.token_scope(&tok, &ca).unwrap(),
        Scope::Orgs(vec![w.alpha.id])
    );
    let r = w.store.create_token(
        &actor(),
        &Scope::All,
        w.token(&ca, "c2", Role::ClientViewer, &[w.beta.id]),
        t(NOW),
    );
    assert!(matches!(r, Err(StoreError::Invalid(_))), "{r:?}");
}

fn every_change_is_audited_without_any_credential(db: &TestDb) {
    let w = world(db);
    let u = w.user("mia", Role::ClientAdmin, &[w.alpha.id]);
    let before = w.actions().len();
    let scope = Scope::All;
    let secret = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ";
    w.session(&u, "sess-secret", NOW);
    w.store
        .set_session_mfa_verified(&actor(), &sha("sess-secret"), t(NOW))
        .unwrap();
    w.store
        .set_mfa(&actor(), &scope, u.id, Some(secret.into()), true, t(NOW))
        .unwrap();
    w.store
        .replace_recovery_codes(&actor(), &scope, u.id, &[sha("rc1"), sha("rc2")], t(NOW))
        .unwrap();
    assert!(
        w.store
            .use_recovery_code(&actor(), u.id, &sha("rc1"), t(NOW))
            .unwrap()
    );
    let tok = w
        .store
        .create_token(
            &actor(),
            &scope,
            w.token(&u, "tok-secret", Role::ClientViewer, &[w.alpha.id]),
            t(NOW),
        )
        .unwrap();
    w.store.touch_token(tok.id, t(NOW)).unwrap();
    w.store.touch_session(&sha("sess-secret"), t(NOW)).unwrap();
    w.store
        .record_login_attempt("mia", false, None, t(NOW))
        .unwrap();
    w.store
        .revoke_token(&actor(), &scope, tok.id, t(NOW))
        .unwrap();
    w.store
        .revoke_session(&actor(), &sha("sess-secret"), t(NOW))
        .unwrap();
    w.session(&u, "sess-2", NOW);
    w.store
        .revoke_user_sessions(&actor(), &scope, u.id, t(NOW))
        .unwrap();
    w.store
        .set_password(&actor(), &scope, u.id, &phc("mia-new"), t(NOW))
        .unwrap();
    w.store
        .set_user_access(
            &actor(),
            &scope,
            u.id,
            Role::ClientViewer,
            &[w.alpha.id],
            t(NOW),
        )
        .unwrap();
    w.store
        .disable_user(&actor(), &scope, u.id, t(NOW))
        .unwrap();
    w.store.enable_user(&actor(), &scope, u.id, t(NOW)).unwrap();
    w.store
        .set_mfa_required(&actor(), Role::ClientAdmin, true)
        .unwrap();

    assert_eq!(
        w.actions()[before..],
        [
            "session.create",
            "session.mfa",
            "user.mfa",
            "user.recovery_codes",
            "user.recovery_code_use",
            "token.create",
            "token.revoke",
            "session.revoke",
            "session.create",
            "session.revoke_all",
            "user.password",
            "user.access",
            "user.disable",
            "user.enable",
            "policy.mfa",
        ]
    );
    assert_eq!(
        w.store.verify_audit().unwrap(),
        Ok(w.actions().len() as i64)
    );

    let entries = w.store.audit_entries(0, 100_000).unwrap();
    let user_entries: Vec<_> = entries.iter().filter(|e| e.target == "mia").collect();
    assert!(
        user_entries.iter().all(|e| e.org_id == Some(w.alpha.id)),
        "a client user's entries belong to its organisation"
    );
    let forbidden = [
        phc("mia"),
        phc("mia-new"),
        secret.to_string(),
        sha("sess-secret"),
        sha("sess-2"),
        sha("tok-secret"),
        sha("rc1"),
        sha("rc2"),
        "sess-secret".into(),
        "tok-secret".into(),
        "argon2".into(),
    ];
    for e in &entries {
        let text = format!(
            "{} {} {} {} {}",
            e.action, e.target, e.actor, e.before, e.after
        );
        for f in &forbidden {
            assert!(
                !text.contains(f.as_str()),
                "entry {} holds {f}: {text}",
                e.seq
            );
        }
    }
}

fn debug_output_leaves_credentials_out(db: &TestDb) {
    let w = world(db);
    let u = w.user("ned", Role::Technician, &[]);
    w.store
        .set_mfa(
            &actor(),
            &Scope::All,
            u.id,
            Some("SECRETSECRET".into()),
            true,
            t(NOW),
        )
        .unwrap();
    let u = w.store.user_by_id(&Scope::All, u.id).unwrap();
    let s = w.session(&u, "sess", NOW);
    let tok = w
        .store
        .create_token(
            &actor(),
            &Scope::All,
            w.token(&u, "tok", Role::Technician, &[]),
            t(NOW),
        )
        .unwrap();
    let text = format!(
        "{u:?} {s:?} {tok:?} {:?}",
        new_user("x", Role::Auditor, &[])
    );
    for f in [
        phc("ned"),
        phc("x"),
        "SECRETSECRET".into(),
        sha("sess"),
        sha("tok"),
    ] {
        assert!(!text.contains(&f), "{text}");
    }
}

fn pruning_drops_old_attempts_and_dead_sessions(db: &TestDb) {
    let w = world(db);
    let u = w.user("olga", Role::Auditor, &[]);
    w.session(&u, "old", "2026-01-01T00:00:00Z");
    w.session(&u, "live", NOW);
    w.store
        .record_login_attempt("olga", false, None, t("2026-01-01T00:00:00Z"))
        .unwrap();
    w.store
        .record_login_attempt("olga", false, None, t(NOW))
        .unwrap();
    assert_eq!(
        w.store
            .prune_auth_records(t("2026-02-01T00:00:00Z"))
            .unwrap(),
        2
    );
    assert!(w.store.session_by_hash(&sha("old")).unwrap().is_none());
    assert!(w.store.session_by_hash(&sha("live")).unwrap().is_some());
    assert_eq!(
        w.store
            .failed_logins_since("olga", t("2025-01-01T00:00:00Z"))
            .unwrap()
            .count,
        1
    );
}
