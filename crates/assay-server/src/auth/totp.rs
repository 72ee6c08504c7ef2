//! Time-based one-time passwords (RFC 6238) for multi-factor login.
//!
//! The parameters are the ones every authenticator app assumes when an
//! `otpauth://` URL does not say otherwise: HMAC-SHA-1, 6 digits, 30-second
//! steps. (Some apps silently ignore other algorithms or lengths, which
//! would make every code fail.) One step of clock skew is accepted either
//! side, as RFC 6238 §5.2 recommends.
//!
//! Secrets are stored as base32 text, the form the apps import. Unlike
//! passwords they cannot be hashed: the server needs them to compute codes.

use chrono::{DateTime, Utc};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use super::secrets::fill_random;

/// The issuer shown in authenticator apps next to the account name.
pub const ISSUER: &str = "Assay";

const DIGITS: u8 = 6;
const STEP_SECONDS: u64 = 30;
const SKEW_STEPS: u16 = 1;
/// 160 bits, the secret length RFC 4226 §4 recommends.
const SECRET_BYTES: usize = 20;

/// The account's TOTP secret could not be turned into an `otpauth://` URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OtpauthError {
    /// Not base32, or shorter than 128 bits.
    #[error("the TOTP secret is not valid base32 of at least 128 bits")]
    InvalidSecret,
    /// Empty, or contains `:` (which separates issuer and account).
    #[error("the account name for the authenticator app must not be empty or contain ':'")]
    InvalidAccountName,
}

/// A new random TOTP secret: 160 bits from the OS CSPRNG, as 32 base32
/// characters (RFC 4648, no padding), to store and to show to the user.
///
/// # Panics
///
/// If the operating system's random number generator fails.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    fill_random(&mut bytes);
    Secret::from(bytes).to_base32()
}

/// The `otpauth://totp/Assay:ACCOUNT?secret=…&issuer=Assay` URL that an
/// authenticator app imports (usually from a QR code) when MFA is set up.
pub fn otpauth_url(secret: &str, account: &str) -> Result<String, OtpauthError> {
    if account.is_empty() || account.contains(':') {
        return Err(OtpauthError::InvalidAccountName);
    }
    let totp = Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(parse_secret(secret).ok_or(OtpauthError::InvalidSecret)?)
        .with_account_name(account)
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|_| OtpauthError::InvalidSecret)?;
    totp.to_url().map_err(|_| OtpauthError::InvalidAccountName)
}

/// Whether `code` is the 6-digit code for `secret` at `now`, or one step
/// (30 s) before or after it. Anything but exactly six ASCII digits is
/// refused, as is a secret that is not valid base32.
///
/// This does not stop a code being replayed within its window; for that
/// use [`matching_step`] and remember the last step accepted.
pub fn verify_code(secret: &str, code: &str, now: DateTime<Utc>) -> bool {
    matching_step(secret, code, now).is_some()
}

/// Like [`verify_code`], but returns the RFC 6238 time step (Unix time /
/// 30) that the code belongs to. RFC 6238 §5.2 says a code must be accepted
/// only once: store the step of the last accepted code for the account and
/// refuse any code whose step is not greater.
pub fn matching_step(secret: &str, code: &str, now: DateTime<Utc>) -> Option<u64> {
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let time = u64::try_from(now.timestamp()).ok()?;
    totp_for(parse_secret(secret)?)?.check(code, time)
}

fn parse_secret(secret: &str) -> Option<Secret> {
    Secret::try_from_base32(secret).ok()
}

fn totp_for(secret: Secret) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret)
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B SHA-1 seed, `12345678901234567890`, in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).unwrap()
    }

    fn code_at(seconds: u64) -> String {
        totp_for(parse_secret(RFC_SECRET).unwrap())
            .unwrap()
            .generate(seconds)
            .to_string()
    }

    #[test]
    fn rfc_secret_is_the_ascii_seed() {
        assert_eq!(
            parse_secret(RFC_SECRET).unwrap().as_bytes(),
            b"12345678901234567890"
        );
    }

    #[test]
    fn rfc6238_eight_digit_vector() {
        let totp = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(8)
            .with_secret(b"12345678901234567890".to_vec())
            .build()
            .unwrap();
        assert_eq!(totp.generate(59).to_string(), "94287082");
        assert_eq!(totp.generate(1_111_111_109).to_string(), "07081804");
        assert_eq!(totp.generate(1_234_567_890).to_string(), "89005924");
        assert_eq!(totp.generate(2_000_000_000).to_string(), "69279037");
        assert_eq!(totp.generate(20_000_000_000).to_string(), "65353130");
    }

    #[test]
    fn rfc6238_vectors_as_six_digits() {
        // The last six digits of the RFC's eight-digit codes.
        assert!(verify_code(RFC_SECRET, "287082", at(59)));
        assert!(verify_code(RFC_SECRET, "081804", at(1_111_111_109)));
        assert!(verify_code(RFC_SECRET, "005924", at(1_234_567_890)));
        assert!(verify_code(RFC_SECRET, "279037", at(2_000_000_000)));
        assert!(verify_code(RFC_SECRET, "353130", at(20_000_000_000)));
        assert_eq!(matching_step(RFC_SECRET, "287082", at(59)), Some(1));
    }

    #[test]
    fn one_step_of_skew_either_side() {
        // "287082" belongs to step 1, seconds 30..=59.
        assert!(verify_code(RFC_SECRET, "287082", at(0)), "one step early");
        assert!(verify_code(RFC_SECRET, "287082", at(30)));
        assert!(verify_code(RFC_SECRET, "287082", at(89)), "one step late");
        assert!(!verify_code(RFC_SECRET, "287082", at(90)), "two steps late");

        let now = 1_700_000_000_u64;
        let now_time = at(now as i64);
        assert!(verify_code(RFC_SECRET, &code_at(now - 30), now_time));
        assert!(verify_code(RFC_SECRET, &code_at(now + 30), now_time));
        assert!(!verify_code(RFC_SECRET, &code_at(now - 60), now_time));
        assert!(!verify_code(RFC_SECRET, &code_at(now + 60), now_time));
        assert_eq!(
            matching_step(RFC_SECRET, &code_at(now - 30), now_time),
            Some(now / 30 - 1)
        );
    }

    #[test]
    fn garbage_codes_are_refused() {
        for garbage in [
            "",
            "28708",
            "2870820",
            "28708a",
            "287 082",
            " 287082",
            "287082 ",
            "+28708",
            "-28708",
            "２８７０８２",
            "٢٨٧٠٨٢",
            "94287082",
        ] {
            assert!(!verify_code(RFC_SECRET, garbage, at(59)), "{garbage:?}");
        }
    }

    #[test]
    fn bad_secrets_and_times_are_refused() {
        assert!(!verify_code("", "287082", at(59)));
        assert!(!verify_code("not base32!", "287082", at(59)));
        // 80 bits: below RFC 4226's 128-bit minimum.
        assert!(!verify_code("GEZDGNBVGY3TQOJQ", "287082", at(59)));
        assert!(!verify_code(RFC_SECRET, "287082", at(-1)));
    }

    #[test]
    fn new_secrets_are_160_bits_and_usable() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(parse_secret(&secret).unwrap().as_bytes().len(), 20);
        assert_ne!(secret, new_secret());
        let totp = totp_for(parse_secret(&secret).unwrap()).unwrap();
        let code = totp.generate(1_700_000_000).to_string();
        assert!(verify_code(&secret, &code, at(1_700_000_000)));
    }

    #[test]
    fn otpauth_url_is_what_apps_expect() {
        let url = otpauth_url(RFC_SECRET, "ada@example.org").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Assay:ada%40example.org?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={RFC_SECRET}")), "{url}");
        assert!(url.contains("issuer=Assay"), "{url}");
        // Defaults (SHA1, 6 digits, 30 s) are left implicit, as apps assume.
        assert!(!url.contains("algorithm="), "{url}");
        let parsed = Totp::from_url(&url).unwrap();
        assert_eq!(parsed.generate(59).to_string(), "287082");
    }

    #[test]
    fn otpauth_url_refuses_bad_input() {
        assert_eq!(
            otpauth_url(RFC_SECRET, ""),
            Err(OtpauthError::InvalidAccountName)
        );
        assert_eq!(
            otpauth_url(RFC_SECRET, "a:b"),
            Err(OtpauthError::InvalidAccountName)
        );
        assert_eq!(otpauth_url("???", "ada"), Err(OtpauthError::InvalidSecret));
        assert_eq!(
            otpauth_url("GEZDGNBVGY3TQOJQ", "ada"),
            Err(OtpauthError::InvalidSecret)
        );
    }
}
