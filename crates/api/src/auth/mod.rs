//! Authentication and authorization of both surfaces: access tokens, opaque secrets, the
//! `StaffCaller` and `PortalCaller` extractors, and sign-in throttling.
//!
//! Having an extractor in a handler's signature is the proof of authentication; the
//! `PortalScope` a `PortalCaller` carries is the only way a portal query is filtered.

pub mod jwt;
pub mod portal;
pub mod staff;
pub mod throttle;
pub mod tokens;

/// The bearer token of a request, if it has a well-formed `Authorization: Bearer …` header.
pub fn bearer(req: &actix_web::HttpRequest) -> Option<&str> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 4096)
        .then_some(token)
}

/// The client address used for throttling and audit: the TCP peer (proxies are not trusted).
pub fn client_ip(req: &actix_web::HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}
