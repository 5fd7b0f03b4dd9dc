//! Who is calling. Like the real server's JWT middleware, only `Authorization: Bearer <jwt>` identifies a user;
//! a JWT with a bad signature, an unreadable body or a past `exp` makes the caller anonymous (the views then
//! refuse), and `Authorization: Token` is left to the download view, which reads developer and signed tokens.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::timestamp::Timestamp;

/// Signs the demo's JWTs (SHA-256 over secret and signing input: the demo needs tamper evidence, not RSA).
const SIGNING_SECRET: &str = "docket-demo-study-creator-jwt";

/// The developer download token the demo knows: downloads any file, never expires, and only on `/download`.
pub const DEVELOPER_TOKEN: &str = "dDkT7RZ4KQ2W9MXC6HJF3BNP8VYG5SAE";

/// An admin JWT valid until 2100, as `docket demo` registers it.
pub fn demo_jwt() -> String {
    issue_jwt(&[], &["ADMIN"], Timestamp::utc(2100, 1, 1, 0, 0, 0))
}

/// A JWT with the claims the server reads (`context.user.groups` and `.roles`), expiring at `expires`.
pub fn issue_jwt(groups: &[&str], roles: &[&str], expires: Timestamp) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "sub": "demo-user",
        "exp": expires.unix(),
        "context": { "user": { "groups": groups, "roles": roles } },
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    format!("{signing_input}.{}", signature(&signing_input))
}

fn signature(signing_input: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(SIGNING_SECRET.as_bytes());
    hash.update(signing_input.as_bytes());
    URL_SAFE_NO_PAD.encode(hash.finalize())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    User { groups: Vec<String>, admin: bool },
}

impl Caller {
    pub fn from_headers(headers: &HeaderMap) -> Caller {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(verify)
            .unwrap_or(Caller::Anonymous)
    }

    pub fn is_user(&self) -> bool {
        matches!(self, Caller::User { .. })
    }

    /// Admins see every study; other users the studies named in their groups.
    pub fn may_see(&self, study_kf_id: &str) -> bool {
        match self {
            Caller::Anonymous => false,
            Caller::User { admin: true, .. } => true,
            Caller::User { groups, .. } => groups.iter().any(|g| g == study_kf_id),
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    exp: i64,
    context: Context,
}

#[derive(Deserialize)]
struct Context {
    user: UserClaims,
}

#[derive(Deserialize)]
struct UserClaims {
    groups: Vec<String>,
    roles: Vec<String>,
}

fn verify(jwt: &str) -> Option<Caller> {
    let (signing_input, given) = jwt.trim().rsplit_once('.')?;
    if signature(signing_input) != given {
        return None;
    }
    let (_, payload) = signing_input.split_once('.')?;
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    if claims.exp <= Timestamp::now().unix() {
        return None;
    }
    Some(Caller::User {
        admin: claims.context.user.roles.iter().any(|r| r == "ADMIN"),
        groups: claims.context.user.groups,
    })
}

/// The token the download view reads: `?token=` first, else `Authorization: Token <t>`.
pub fn download_token(query_token: Option<&str>, headers: &HeaderMap) -> Option<String> {
    query_token
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Token "))
                .map(str::to_owned)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(jwt: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Bearer {jwt}").parse().unwrap(),
        );
        headers
    }

    #[test]
    fn the_demo_jwt_is_an_admin() {
        let caller = Caller::from_headers(&bearer(&demo_jwt()));
        assert!(caller.may_see("SD_ANYTHING"));
    }

    #[test]
    fn a_tampered_or_expired_jwt_makes_the_caller_anonymous() {
        let jwt = demo_jwt();
        let tampered = format!("{}x", jwt);
        assert_eq!(Caller::from_headers(&bearer(&tampered)), Caller::Anonymous);
        let expired = issue_jwt(&[], &["ADMIN"], Timestamp::from_unix(1_000));
        assert_eq!(Caller::from_headers(&bearer(&expired)), Caller::Anonymous);
    }

    #[test]
    fn a_jwt_sent_as_token_is_not_a_user() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            format!("Token {}", demo_jwt()).parse().unwrap(),
        );
        assert_eq!(Caller::from_headers(&headers), Caller::Anonymous);
    }

    #[test]
    fn a_user_sees_only_the_studies_in_their_groups() {
        let jwt = issue_jwt(
            &["SD_AAAAAAAA"],
            &["USER"],
            Timestamp::utc(2100, 1, 1, 0, 0, 0),
        );
        let caller = Caller::from_headers(&bearer(&jwt));
        assert!(caller.may_see("SD_AAAAAAAA"));
        assert!(!caller.may_see("SD_BBBBBBBB"));
    }

    #[test]
    fn the_query_token_wins_over_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, "Token header".parse().unwrap());
        assert_eq!(
            download_token(Some("query"), &headers).as_deref(),
            Some("query")
        );
        assert_eq!(download_token(None, &headers).as_deref(), Some("header"));
        assert_eq!(download_token(None, &bearer("x")), None);
    }
}
