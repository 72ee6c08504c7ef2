//! Bearer secrets: session and API tokens, MFA recovery codes, and the
//! hashes the database stores instead of them.
//!
//! Everything random here comes straight from the operating system's CSPRNG
//! (`rand::rngs::SysRng`). The plaintext is shown to its owner once; only
//! the hash is stored, so a leaked database does not hand out working
//! credentials.

use rand::TryRng;
use rand::rngs::SysRng;
use sha2::{Digest, Sha256};

/// Bytes of randomness in a token: 256 bits.
const TOKEN_BYTES: usize = 32;

/// How many recovery codes an account gets when MFA is enabled.
pub const RECOVERY_CODE_COUNT: usize = 10;

/// Symbols of a recovery code: Crockford's base-32 in lower case, which has
/// no `i`, `l`, `o` or `u`, so nothing can be misread as `1` or `0`. 32
/// symbols give 5 bits each; a code has 12, so 60 bits.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_GROUPS: usize = 3;
const RECOVERY_GROUP_LEN: usize = 4;

/// What a token is for. Each kind has its own prefix, so a token is
/// recognisable in logs, in secret scanners and at a glance, and one kind
/// cannot be mistaken for the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A long-lived API token for scripts and integrations: `assay_…`.
    Api,
    /// A browser session after login: `assaysess_…`.
    Session,
    /// An organisation's osquery enroll secret: `assayenroll_…`.
    EnrollSecret,
    /// An enrolled osquery agent's node key: `assaynode_…`.
    NodeKey,
    /// The key a webhook's deliveries are signed with: `assayhook_…`. Kept
    /// as it is (signing needs it), unlike the others.
    WebhookSecret,
}

impl TokenKind {
    /// The text every token of this kind starts with.
    pub const fn prefix(self) -> &'static str {
        match self {
            TokenKind::Api => "assay_",
            TokenKind::Session => "assaysess_",
            TokenKind::EnrollSecret => "assayenroll_",
            TokenKind::NodeKey => "assaynode_",
            TokenKind::WebhookSecret => "assayhook_",
        }
    }

    /// The kind of a well-formed token (prefix, then 64 lower-case hex
    /// digits), or `None`. Lets a request with a malformed token be
    /// refused without a database look-up.
    pub fn of(token: &str) -> Option<TokenKind> {
        [
            TokenKind::Api,
            TokenKind::Session,
            TokenKind::EnrollSecret,
            TokenKind::NodeKey,
            TokenKind::WebhookSecret,
        ]
        .into_iter()
        .find(|kind| {
            token.strip_prefix(kind.prefix()).is_some_and(|body| {
                body.len() == 2 * TOKEN_BYTES
                    && body.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            })
        })
    }
}

/// A new random token of the given kind: `(plaintext, hash)`.
///
/// The plaintext (prefix + 256 random bits as 64 hex digits, URL-safe) goes
/// to the client once; the hash ([`hash_token`]) is what to store and look
/// up.
///
/// # Panics
///
/// If the operating system's random number generator fails, which leaves
/// nothing safe to do.
pub fn new_token(kind: TokenKind) -> (String, String) {
    let mut bytes = [0u8; TOKEN_BYTES];
    fill_random(&mut bytes);
    let plaintext = format!("{}{}", kind.prefix(), hex::encode(bytes));
    let hash = hash_token(&plaintext);
    (plaintext, hash)
}

/// The first characters of a token (its prefix and a few digits), to tell
/// stored secrets apart in lists without revealing them.
pub fn hint(token: &str) -> String {
    token.chars().take(16).collect()
}

/// SHA-256 of a token, as 64 lower-case hex digits: the value to store and
/// to look a presented token up by.
///
/// A fast, unsalted hash is right here, unlike for passwords: a token
/// carries 256 bits from a CSPRNG, so no amount of hashing speed makes
/// guessing feasible, and a deterministic hash allows an indexed look-up.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `n` new recovery codes like `7k2q-x9mf-0c4t`: 12 symbols from an
/// unambiguous alphabet, 60 bits each. Callers normally want
/// [`RECOVERY_CODE_COUNT`]. Store only [`hash_recovery_code`] of each and
/// delete a code's hash once it has been used.
///
/// # Panics
///
/// If the operating system's random number generator fails.
pub fn new_recovery_codes(n: usize) -> Vec<String> {
    (0..n).map(|_| new_recovery_code()).collect()
}

/// SHA-256 hex of a recovery code after normalisation, so that what the
/// person types matches what was issued: case is ignored, dashes and
/// spaces are dropped, and the letters the alphabet never uses are read as
/// the digits they look like (`o` as `0`, `i` and `l` as `1`).
///
/// The user's id is hashed in too, so a leaked table cannot be attacked for
/// every user's codes at once. A fast hash is acceptable because a code is
/// only accepted after the account's password, is single-use and is
/// rate-limited online; 60 bits still cost about 2^59 hashes per code to
/// find offline.
pub fn hash_recovery_code(user: uuid::Uuid, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(user.as_bytes());
    h.update(normalise_recovery_code(code).as_bytes());
    hex::encode(h.finalize())
}

/// Compares two byte strings (typically two stored-form hashes) in time
/// that depends only on their lengths, not on where they first differ.
/// Lengths are not secret here: every hash of a kind has the same length.
pub fn constant_time_eq(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    let (a, b) = (a.as_ref(), b.as_ref());
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

/// Fills `bytes` from the operating system's CSPRNG.
///
/// # Panics
///
/// If the operating system's random number generator fails.
pub(crate) fn fill_random(bytes: &mut [u8]) {
    SysRng
        .try_fill_bytes(bytes)
        .expect("the operating system's random number generator failed");
}

fn new_recovery_code() -> String {
    let mut bytes = [0u8; RECOVERY_GROUPS * RECOVERY_GROUP_LEN];
    fill_random(&mut bytes);
    let mut code = String::with_capacity(bytes.len() + RECOVERY_GROUPS - 1);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 && i % RECOVERY_GROUP_LEN == 0 {
            code.push('-');
        }
        // 256 is a multiple of 32, so the low five bits are uniform.
        code.push(char::from(RECOVERY_ALPHABET[usize::from(byte & 31)]));
    }
    code
}

fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_have_prefix_and_256_bits_of_hex() {
        for kind in [TokenKind::Api, TokenKind::Session] {
            let (plaintext, hash) = new_token(kind);
            let body = plaintext.strip_prefix(kind.prefix()).unwrap();
            assert_eq!(body.len(), 64);
            assert!(
                body.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert_eq!(hash, hash_token(&plaintext));
            assert_eq!(hash.len(), 64);
            assert_eq!(TokenKind::of(&plaintext), Some(kind));
        }
        assert!(new_token(TokenKind::Api).0.starts_with("assay_"));
        assert!(!new_token(TokenKind::Session).0.starts_with("assay_"));
    }

    #[test]
    fn tokens_are_unique() {
        let tokens: HashSet<String> = (0..1000).map(|_| new_token(TokenKind::Api).0).collect();
        assert_eq!(tokens.len(), 1000);
    }

    #[test]
    fn malformed_tokens_have_no_kind() {
        let (good, _) = new_token(TokenKind::Api);
        assert_eq!(TokenKind::of(""), None);
        assert_eq!(TokenKind::of("assay_"), None);
        assert_eq!(TokenKind::of(&good[..good.len() - 1]), None);
        assert_eq!(TokenKind::of(&format!("{good}0")), None);
        assert_eq!(TokenKind::of(&good.to_uppercase()), None);
        assert_eq!(TokenKind::of(&good.replace("assay_", "other_")), None);
    }

    #[test]
    fn hash_token_is_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn recovery_codes_look_right_and_differ() {
        let codes = new_recovery_codes(RECOVERY_CODE_COUNT);
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 10);
        for code in &codes {
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 3, "{code}");
            assert!(groups.iter().all(|g| g.len() == 4), "{code}");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| RECOVERY_ALPHABET.contains(&b)),
                "{code}"
            );
        }
    }

    #[test]
    fn recovery_code_entropy_is_at_least_60_bits() {
        let symbols = RECOVERY_GROUPS * RECOVERY_GROUP_LEN;
        let bits = symbols as f64 * (RECOVERY_ALPHABET.len() as f64).log2();
        assert!(bits >= 60.0, "{bits}");
        let distinct: HashSet<u8> = RECOVERY_ALPHABET.iter().copied().collect();
        assert_eq!(distinct.len(), RECOVERY_ALPHABET.len());
    }

    #[test]
    fn recovery_code_hash_ignores_case_dashes_and_lookalikes() {
        let issued = "7k2q-x9mf-0c41";
        let expected = hash_recovery_code(uuid::Uuid::nil(), issued);
        for typed in [
            "7K2Q-X9MF-0C41",
            "7k2qx9mf0c41",
            " 7k2q x9mf 0c41 ",
            "7k2q-x9mf-Oc4l",
            "7k2q-x9mf-oc4I",
        ] {
            assert_eq!(
                hash_recovery_code(uuid::Uuid::nil(), typed),
                expected,
                "{typed}"
            );
        }
        assert_ne!(
            hash_recovery_code(uuid::Uuid::nil(), "7k2q-x9mf-0c42"),
            expected
        );
        assert_ne!(
            hash_recovery_code(uuid::Uuid::max(), issued),
            expected,
            "another user's hash differs"
        );
        assert_ne!(
            expected,
            hash_token("7k2qx9mf0c41"),
            "salted with the user id"
        );
    }

    #[test]
    fn constant_time_eq_compares_bytes() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(constant_time_eq("", ""));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(!constant_time_eq(b"\x00", b"\x80"));
        let (_, hash) = new_token(TokenKind::Session);
        assert!(constant_time_eq(&hash, hash.clone()));
    }
}
