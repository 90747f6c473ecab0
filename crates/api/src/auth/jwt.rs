//! Access tokens (JWT, HS256) — one key and one audience per surface.
//!
//! ASVS 5.0: the algorithm is pinned, `exp`, `iss`, `aud` and `sub` are required (jsonwebtoken
//! accepts tokens lacking `aud`/`iss` otherwise), and the header `typ` must be `at+jwt`
//! (RFC 9068) so no other JWT of ours can be replayed as an access token.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The header `typ` of every access token we issue.
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// Lifetime of an access token, in seconds (ASVS: short-lived; ≤ 15 minutes).
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;

/// Which trust zone a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Portal,
    Internal,
}

impl Surface {
    pub const fn audience(self) -> &'static str {
        match self {
            Surface::Portal => "ordinavo-portal",
            Surface::Internal => "ordinavo-internal",
        }
    }
}

/// The claims of an access token. `sid` (portal session) and `ver` (the user's token
/// version) let the server refuse a token whose session or credentials changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    pub sub: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    #[serde(default)]
    pub ver: i64,
}

/// Signing and verification material of one surface.
pub struct JwtKeys {
    surface: Surface,
    issuer: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("surface", &self.surface)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// A token we could not accept. Deliberately without detail: every failure is a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid access token")]
pub struct InvalidToken;

impl JwtKeys {
    pub fn new(surface: Surface, secret: &SecretString, issuer: &str) -> anyhow::Result<Self> {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.set_audience(&[surface.audience()]);
        validation.set_issuer(&[issuer]);
        validation.leeway = 30;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Ok(Self {
            surface,
            issuer: issuer.to_string(),
            encoding: EncodingKey::from_secret(bytes)?,
            decoding: DecodingKey::from_secret(bytes)?,
            validation,
        })
    }

    pub fn surface(&self) -> Surface {
        self.surface
    }

    /// Signs an access token for `sub`; returns it with its lifetime in seconds.
    pub fn issue(&self, sub: Uuid, sid: Option<Uuid>, ver: i64) -> anyhow::Result<(String, i64)> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub,
            iss: self.issuer.clone(),
            aud: self.surface.audience().to_string(),
            iat: now,
            exp: now + ACCESS_TOKEN_SECONDS,
            sid,
            ver,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(ACCESS_TOKEN_TYPE.to_string());
        Ok((
            jsonwebtoken::encode(&header, &claims, &self.encoding)?,
            ACCESS_TOKEN_SECONDS,
        ))
    }

    /// Verifies signature, algorithm, `typ`, `exp`, `iss`, `aud` and `sub`.
    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| InvalidToken)?;
        if header.alg != Algorithm::HS256 || header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(InvalidToken);
        }
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| InvalidToken)
    }
}

/// Both surfaces' keys.
#[derive(Debug)]
pub struct AuthKeys {
    pub portal: JwtKeys,
    pub internal: JwtKeys,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn keys(surface: Surface, secret: &str) -> JwtKeys {
        JwtKeys::new(
            surface,
            &secret.to_string().into(),
            "https://portal.example",
        )
        .unwrap()
    }

    #[test]
    fn a_token_verifies_on_its_own_surface_only() {
        let portal = keys(Surface::Portal, "p-secret-p-secret-p-secret-p-secret");
        let internal = keys(Surface::Internal, "i-secret-i-secret-i-secret-i-secret");
        let (token, ttl) = portal.issue(Uuid::new_v4(), None, 0).unwrap();
        assert!(ttl <= 900);
        assert!(portal.verify(&token).is_ok());
        assert_eq!(internal.verify(&token), Err(InvalidToken));
    }

    #[test]
    fn the_same_secret_on_the_other_surface_is_still_refused_by_audience() {
        let secret = "shared-shared-shared-shared-shared-shared";
        let (token, _) = keys(Surface::Portal, secret)
            .issue(Uuid::new_v4(), None, 0)
            .unwrap();
        assert_eq!(
            keys(Surface::Internal, secret).verify(&token),
            Err(InvalidToken)
        );
    }
}
