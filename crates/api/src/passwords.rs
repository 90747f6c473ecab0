//! Password hashing (argon2id with OWASP parameters) and the password policy.
//!
//! Hashing is deliberately slow and memory-hard (19 MiB per hash): callers on the async
//! workers must run it through `web::block`/`spawn_blocking`.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

/// Shortest accepted password, in characters.
pub const MIN_CHARS: usize = 12;
/// Longest accepted password, in characters (checked as given, never truncated).
pub const MAX_CHARS: usize = 128;

/// Why a password is refused, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("use at least {MIN_CHARS} characters")]
    TooShort,
    #[error("use at most {MAX_CHARS} characters")]
    TooLong,
}

/// Checks the length policy on the password exactly as given (no trimming, no truncation).
pub fn check_policy(password: &SecretString) -> Result<(), PolicyError> {
    let chars = password.expose_secret().chars().count();
    if chars < MIN_CHARS {
        Err(PolicyError::TooShort)
    } else if chars > MAX_CHARS {
        Err(PolicyError::TooLong)
    } else {
        Ok(())
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
        assert_eq!(check_policy(&"é".repeat(12).into()), Ok(()));
        assert_eq!(
            check_policy(&"x".repeat(129).into()),
            Err(PolicyError::TooLong)
        );
    }

    #[test]
    fn generated_passwords_satisfy_the_policy_and_differ() {
        let a = generate();
        let b = generate();
        assert_eq!(check_policy(&a), Ok(()));
        assert_ne!(a.expose_secret(), b.expose_secret());
    }
}
