//! Password hashing (argon2id with OWASP parameters) and the password policy.
//!
//! Hashing is deliberately slow and memory-hard (19 MiB per hash): request handlers go through
//! [`PasswordService`], which runs it off the async workers with bounded concurrency and
//! verifies unknown users against a dummy hash so timing does not reveal which emails exist.

use std::sync::Arc;

use tokio::sync::Semaphore;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

/// Shortest accepted password, in characters.
pub const MIN_CHARS: usize = 12;
/// Longest accepted password, in characters (checked as given, never truncated).
pub const MAX_CHARS: usize = 128;

/// Common passwords kept in the repository (see the file's header for its source).
const COMMON_PASSWORDS: &str = include_str!("auth/common-passwords.txt");

/// Why a password is refused, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("use at least {MIN_CHARS} characters")]
    TooShort,
    #[error("use at most {MAX_CHARS} characters")]
    TooLong,
    #[error("this password is too common; choose another")]
    Common,
    #[error("this password is too easy to guess; add more unrelated words or characters")]
    TooWeak,
}

impl PolicyError {
    /// Stable code for problem+json field errors.
    pub const fn code(&self) -> &'static str {
        match self {
            PolicyError::TooShort => "too_short",
            PolicyError::TooLong => "too_long",
            PolicyError::Common => "common_password",
            PolicyError::TooWeak => "weak_password",
        }
    }
}

/// The full policy without user details (see [`check_policy_for`]).
pub fn check_policy(password: &SecretString) -> Result<(), PolicyError> {
    check_policy_for(password, &[])
}

/// The full policy: 12–128 characters as given, not a known common password, and a zxcvbn
/// strength of at least 3 given the user's own details (`user_inputs`: email, name).
pub fn check_policy_for(password: &SecretString, user_inputs: &[&str]) -> Result<(), PolicyError> {
    let pw = password.expose_secret();
    let chars = pw.chars().count();
    if chars < MIN_CHARS {
        return Err(PolicyError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PolicyError::TooLong);
    }
    let lower = pw.to_lowercase();
    if COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|common| common == lower)
    {
        return Err(PolicyError::Common);
    }
    // zxcvbn matches user inputs as whole dictionary words: offer each part of an email or
    // name too ("claire", "moreau", "example"), not only the whole string.
    let mut words: Vec<String> = Vec::new();
    for input in user_inputs {
        let lower = input.to_lowercase();
        words.extend(
            lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_owned),
        );
        words.push(lower);
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let score = zxcvbn::zxcvbn(pw, &words).score();
    if (score as u8) < 3 {
        return Err(PolicyError::TooWeak);
    }
    Ok(())
}

/// Hashing and verification for request handlers: off the async workers, at most
/// `max_concurrent` at once (each holds 19 MiB), constant work for unknown users.
#[derive(Debug, Clone)]
pub struct PasswordService {
    permits: Arc<Semaphore>,
    dummy_hash: Arc<String>,
}

impl PasswordService {
    /// Computes the dummy hash once (one argon2 run at start-up).
    pub fn new(max_concurrent: usize) -> anyhow::Result<Self> {
        let dummy = hash(&generate())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy_hash: Arc::new(dummy),
        })
    }

    /// True when `password` matches `stored`; with no stored hash (unknown user, no password
    /// yet) the same work is done against a dummy hash and the answer is false.
    pub async fn verify(
        &self,
        password: SecretString,
        stored: Option<String>,
    ) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let matched = tokio::task::spawn_blocking(move || verify(&password, &phc)).await?;
        Ok(known && matched)
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: SecretString) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || hash(&password)).await?
    }
}

/// Hashes a password into an argon2id PHC string with a fresh random salt.
pub fn hash(password: &SecretString) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.expose_secret().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// True when `password` matches the PHC string. A malformed stored hash never matches.
pub fn verify(password: &SecretString, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok()
    })
}

/// A random password for demo accounts: 20 characters from an unambiguous alphabet
/// (about 100 bits), grouped for reading aloud.
pub fn generate() -> SecretString {
    use rand::RngExt;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let mut out = String::with_capacity(23);
    for i in 0..20 {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        let idx = rng.random_range(0..ALPHABET.len());
        out.push(char::from(ALPHABET[idx]));
    }
    out.into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let pw: SecretString = "correct horse battery staple".to_string().into();
        let phc = hash(&pw).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify(&pw, &phc));
        assert!(!verify(
            &"correct horse battery stapl".to_string().into(),
            &phc
        ));
        assert!(!verify(&pw, "not a hash"));
    }

    #[test]
    fn the_policy_counts_characters_not_bytes() {
        assert_eq!(
            check_policy(&"é".repeat(11).into()),
            Err(PolicyError::TooShort)
        );
        assert_ne!(
            check_policy(&"é".repeat(12).into()),
            Err(PolicyError::TooShort)
        );
        assert_eq!(
            check_policy(&"x".repeat(129).into()),
            Err(PolicyError::TooLong)
        );
    }

    #[test]
    fn a_common_password_is_refused_even_in_capitals() {
        assert_eq!(
            check_policy_for(&"QwertyUiop123".to_string().into(), &[]),
            Err(PolicyError::Common)
        );
    }

    #[test]
    fn a_password_made_of_the_users_own_details_is_too_weak() {
        let pw: SecretString = "moreauclaire1".to_string().into();
        assert_eq!(
            check_policy_for(&pw, &["claire.moreau@moreau.example", "Claire Moreau"]),
            Err(PolicyError::TooWeak)
        );
        assert_eq!(
            check_policy_for(&"gravel orbit tulip saxophone".to_string().into(), &[]),
            Ok(())
        );
    }

    #[test]
    fn generated_passwords_satisfy_the_policy_and_differ() {
        let a = generate();
        let b = generate();
        assert_eq!(check_policy_for(&a, &[]), Ok(()));
        assert_ne!(a.expose_secret(), b.expose_secret());
    }
}
