//! Opaque secrets (invitation, reset, refresh, calendar, API keys): 32 random bytes shown
//! once, only their SHA-256 stored, so a database leak yields no usable token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};

/// A freshly generated secret: `raw` goes to its owner once, `hash` to the database.
#[derive(Debug)]
pub struct OpaqueToken {
    pub raw: String,
    pub hash: String,
}

impl OpaqueToken {
    /// 32 random bytes, base64url without padding (43 characters).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let raw = URL_SAFE_NO_PAD.encode(bytes);
        let hash = hash(&raw);
        Self { raw, hash }
    }

    /// A secret with a recognisable prefix (e.g. `ordk_` for API keys, so scanners find
    /// leaked keys); the hash covers the whole string.
    pub fn generate_prefixed(prefix: &str) -> Self {
        let inner = Self::generate();
        let raw = format!("{prefix}{}", inner.raw);
        let hash = hash(&raw);
        Self { raw, hash }
    }
}

/// The stored form of a secret: lowercase hex SHA-256.
pub fn hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

/// True for text that could be one of our 43-character base64url tokens; anything else is
/// refused before touching the database.
pub fn looks_like_token(raw: &str) -> bool {
    raw.len() == 43
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let a = OpaqueToken::generate();
        let b = OpaqueToken::generate();
        assert_ne!(a.raw, b.raw);
        assert!(looks_like_token(&a.raw));
        assert_eq!(a.hash, hash(&a.raw));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.raw));
    }
}
