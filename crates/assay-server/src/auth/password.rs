//! Password hashing (Argon2id) and the password rules for Assay's own
//! accounts (Cyber Essentials v3.3).
//!
//! Hashing is slow on purpose: [`hash_password`], [`verify_password`] and
//! [`simulate_verify`] each take tens of milliseconds of CPU and ~19 MiB of
//! memory. Callers in async code must run them on the blocking pool
//! (`tokio::task::spawn_blocking`), never directly on a runtime worker.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Shortest password accepted when it is not on the common-password list.
pub const MIN_LENGTH: usize = 8;
/// Length from which Cyber Essentials accepts a password without a
/// block-list. Assay checks the block-list at every length anyway (stricter,
/// and still compliant), so this only appears in the advice given to users.
pub const RECOMMENDED_LENGTH: usize = 12;
/// Longest password accepted. Cyber Essentials forbids a maximum below 256
/// characters; anything longer than this is refused only as a guard against
/// abusive request bodies.
pub const MAX_LENGTH: usize = 1024;

/// Argon2id cost: 19 MiB, 2 passes, 1 lane. These are the argon2 crate's
/// defaults and OWASP's recommended minimum, spelled out so that a change of
/// the crate's defaults cannot silently weaken new hashes. Existing hashes
/// keep verifying if these are raised: the parameters travel in the PHC
/// string.
const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// Common passwords, one per line, lower-case. See `data/README.md` for
/// where the list comes from.
const COMMON_PASSWORDS: &str = include_str!("../../data/common-passwords.txt");

/// Why a new password was refused. The messages are meant to be shown to
/// the person choosing the password, so each says what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRuleError {
    /// Fewer than [`MIN_LENGTH`] characters.
    #[error(
        "this password is too short: use at least 12 characters, or 8 that are not a common password"
    )]
    TooShort,
    /// On the common-password block-list (compared case-insensitively).
    #[error(
        "this password is on a list of common passwords that attackers try first: \
         choose another one (use at least 12 characters, or 8 that are not a common password)"
    )]
    Common,
    /// Longer than [`MAX_LENGTH`] characters.
    #[error("this password is too long: use at most 1024 characters")]
    TooLong,
    /// The same as the account's username (compared case-insensitively).
    #[error("the password must not be your username: choose another one")]
    SameAsUsername,
}

/// Hashing failed. With fixed, valid parameters this only happens if the
/// OS random number generator (for the salt) or a memory allocation fails.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(argon2::password_hash::Error);

/// Checks a new password against the rules for Assay's own accounts.
///
/// Cyber Essentials v3.3 accepts either at least 12 characters, or at least
/// 8 characters with automatic blocking of common passwords, and forbids a
/// maximum length below 256. Assay applies the block-list at every length
/// (so `123456789012` is refused too) and refuses the username itself.
/// Length is counted in characters (Unicode scalar values), not bytes.
///
/// Call this only when a password is set or changed, never at login: a
/// password that met older rules must keep working.
pub fn check_password_rules(password: &str, username: &str) -> Result<(), PasswordRuleError> {
    let length = password.chars().count();
    if length > MAX_LENGTH {
        return Err(PasswordRuleError::TooLong);
    }
    let username = username.trim();
    if !username.is_empty() && password.to_lowercase() == username.to_lowercase() {
        return Err(PasswordRuleError::SameAsUsername);
    }
    if length < MIN_LENGTH {
        return Err(PasswordRuleError::TooShort);
    }
    if is_common(password) {
        return Err(PasswordRuleError::Common);
    }
    Ok(())
}

/// Hashes a password with Argon2id and a fresh random salt, returning a PHC
/// string (`$argon2id$v=19$m=19456,t=2,p=1$…`) to store as it is.
///
/// Slow on purpose: in async code, call it through `spawn_blocking`.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let hash = hasher()
        .hash_password(password.as_bytes())
        .map_err(HashError)?;
    Ok(hash.to_string())
}

/// Whether `password` matches a PHC string made by [`hash_password`].
///
/// The cost parameters are read from the PHC string, so hashes made with
/// older parameters still verify; the final comparison is constant-time
/// (done by the argon2 crate). A malformed PHC string yields `false`.
///
/// Slow on purpose: in async code, call it through `spawn_blocking`. When
/// the account does not exist, call [`simulate_verify`] instead so the
/// response time does not reveal which usernames exist.
pub fn verify_password(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// Spends the same time as a failed [`verify_password`], for logins to
/// accounts that do not exist (so timing does not reveal which usernames
/// exist). Always "fails"; returns nothing.
///
/// Slow on purpose: in async code, call it through `spawn_blocking`.
pub fn simulate_verify(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        // If hashing is broken, real logins fail too; a constant that does
        // not parse at least keeps this function from panicking.
        hash_password("assay-dummy-password-for-timing").unwrap_or_default()
    });
    let _ = verify_password(password, dummy);
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .expect("Argon2 parameters are valid constants");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether `password` is on the block-list, ignoring case.
fn is_common(password: &str) -> bool {
    common_passwords().contains(password.to_lowercase().as_str())
}

/// The block-list as a set, built on first use and kept for the process.
fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify_round_trips() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery staple", &phc));
    }

    #[test]
    fn wrong_password_does_not_verify() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(!verify_password("correct horse battery stapler", &phc));
        assert!(!verify_password("", &phc));
    }

    #[test]
    fn salts_differ_between_hashes() {
        assert_ne!(
            hash_password("same").unwrap(),
            hash_password("same").unwrap()
        );
    }

    #[test]
    fn malformed_phc_does_not_verify() {
        assert!(!verify_password("anything", ""));
        assert!(!verify_password("anything", "not a phc string"));
        assert!(!verify_password(
            "anything",
            "$argon2id$v=19$m=19456,t=2,p=1$"
        ));
    }

    #[test]
    fn simulate_verify_does_not_panic() {
        simulate_verify("whatever");
    }

    #[test]
    fn block_list_is_real_and_large() {
        let list = common_passwords();
        assert!(list.len() >= 10_000, "only {} entries", list.len());
        for common in ["123456", "password", "qwerty", "iloveyou", "trustno1"] {
            assert!(list.contains(common), "{common} missing");
        }
        assert!(
            list.iter().all(|p| *p == p.to_lowercase()),
            "list must be lower-case"
        );
    }

    #[test]
    fn eleven_characters_not_common_are_accepted() {
        // Cyber Essentials: 8+ characters that are not on the block-list.
        assert_eq!(check_password_rules("vq7-Tz!rmwa", "alice"), Ok(()));
    }

    #[test]
    fn twelve_characters_are_accepted() {
        assert_eq!(check_password_rules("vq7-Tz!rmwa2", "alice"), Ok(()));
        assert_eq!(check_password_rules("purple otter", "alice"), Ok(()));
    }

    #[test]
    fn eight_characters_not_common_are_accepted() {
        assert_eq!(check_password_rules("vq7Tzrm!", "alice"), Ok(()));
    }

    #[test]
    fn seven_characters_are_too_short() {
        assert_eq!(
            check_password_rules("vq7Tzr!", "alice"),
            Err(PasswordRuleError::TooShort)
        );
        assert_eq!(
            check_password_rules("", "alice"),
            Err(PasswordRuleError::TooShort)
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_the_case() {
        for common in [
            "password",
            "Password",
            "PASSWORD",
            "Password1",
            "iloveyou1",
            "trustno1",
        ] {
            assert_eq!(
                check_password_rules(common, "alice"),
                Err(PasswordRuleError::Common),
                "{common}"
            );
        }
    }

    #[test]
    fn common_passwords_of_twelve_or_more_are_refused_too() {
        assert_eq!(
            check_password_rules("123456789012", "alice"),
            Err(PasswordRuleError::Common)
        );
        assert_eq!(
            check_password_rules("Administrator", "alice"),
            Err(PasswordRuleError::Common)
        );
    }

    #[test]
    fn username_is_refused() {
        assert_eq!(
            check_password_rules("margaret.hamilton", "margaret.hamilton"),
            Err(PasswordRuleError::SameAsUsername)
        );
        assert_eq!(
            check_password_rules("Margaret.Hamilton", "margaret.hamilton"),
            Err(PasswordRuleError::SameAsUsername)
        );
    }

    #[test]
    fn length_limits_are_in_characters() {
        let longest = "é".repeat(MAX_LENGTH);
        assert_eq!(check_password_rules(&longest, "alice"), Ok(()));
        let too_long = "é".repeat(MAX_LENGTH + 1);
        assert_eq!(
            check_password_rules(&too_long, "alice"),
            Err(PasswordRuleError::TooLong)
        );
        // 256 characters must be allowed (Cyber Essentials).
        assert_eq!(check_password_rules(&"xy".repeat(128), "alice"), Ok(()));
        // Eight two-byte characters are eight characters, not sixteen bytes.
        assert_eq!(
            check_password_rules("ééééééé", "alice"),
            Err(PasswordRuleError::TooShort)
        );
        assert_eq!(check_password_rules("éééééééé", "alice"), Ok(()));
    }

    #[test]
    fn errors_say_what_to_do() {
        for error in [PasswordRuleError::TooShort, PasswordRuleError::Common] {
            let message = error.to_string();
            assert!(
                message.contains("use at least 12 characters, or 8 that are not a common password"),
                "{message}"
            );
        }
        assert!(
            PasswordRuleError::TooLong
                .to_string()
                .contains("at most 1024")
        );
    }
}
