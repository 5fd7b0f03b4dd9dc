//! The API gateway in front of `/graphql`: a call needs all four headers with the demo's values, else 401 with a
//! JSON `{"statusCode": 401, "message": ...}` before GraphQL runs.

use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{API_KEY, ORGANIZATION_ID, TENANT_ID, TOKEN};

pub const MISSING_KEY: &str = "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
pub const INVALID_KEY: &str = "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";
pub const INVALID_TOKEN: &str = "Unauthorized. Access token is missing or invalid.";
pub const MISSING_TENANT: &str = "The X-TenantId header is required.";
pub const UNKNOWN_TENANT: &str =
    "The tenant named in X-TenantId is not accessible with this access token.";
pub const MISSING_ORGANIZATION: &str = "The X-OrganizationId header is required.";
pub const UNKNOWN_ORGANIZATION: &str =
    "The organization named in X-OrganizationId does not belong to this tenant.";

pub async fn require_headers(request: Request, next: Next) -> Response {
    match refusal(request.headers()) {
        Some(message) => refuse(message),
        None => next.run(request).await,
    }
}

/// Why the gateway refuses these headers, checked in the order the real gateway does: subscription key first,
/// then the token, then the tenant and organization the token must be allowed to use.
pub fn refusal(headers: &HeaderMap) -> Option<&'static str> {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    match value("x-api-key") {
        None | Some("") => return Some(MISSING_KEY),
        Some(key) if key != API_KEY => return Some(INVALID_KEY),
        Some(_) => {}
    }
    let bearer = value(header::AUTHORIZATION.as_str()).and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    if bearer != Some(TOKEN) {
        return Some(INVALID_TOKEN);
    }
    match value("X-TenantId") {
        None | Some("") => return Some(MISSING_TENANT),
        Some(tenant) if tenant != TENANT_ID => return Some(UNKNOWN_TENANT),
        Some(_) => {}
    }
    match value("X-OrganizationId") {
        None | Some("") => Some(MISSING_ORGANIZATION),
        Some(organization) if organization != ORGANIZATION_ID => Some(UNKNOWN_ORGANIZATION),
        Some(_) => None,
    }
}

fn refuse(message: &str) -> Response {
    let body = json!({ "statusCode": 401, "message": message });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn complete() -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", format!("Bearer {TOKEN}")),
            ("x-tenantid", TENANT_ID.to_owned()),
            ("x-organizationid", ORGANIZATION_ID.to_owned()),
            ("x-api-key", API_KEY.to_owned()),
        ] {
            headers.insert(name, HeaderValue::from_str(&value).unwrap());
        }
        headers
    }

    #[test]
    fn all_four_headers_pass() {
        assert_eq!(refusal(&complete()), None);
    }

    #[test]
    fn each_missing_header_is_named() {
        for (name, message) in [
            ("x-api-key", MISSING_KEY),
            ("authorization", INVALID_TOKEN),
            ("x-tenantid", MISSING_TENANT),
            ("x-organizationid", MISSING_ORGANIZATION),
        ] {
            let mut headers = complete();
            headers.remove(name);
            assert_eq!(refusal(&headers), Some(message), "{name}");
        }
    }

    #[test]
    fn each_wrong_value_is_refused() {
        for (name, value, message) in [
            ("x-api-key", "nope", INVALID_KEY),
            ("authorization", "Bearer nope", INVALID_TOKEN),
            ("authorization", TOKEN, INVALID_TOKEN),
            ("x-tenantid", "nope", UNKNOWN_TENANT),
            ("x-organizationid", "nope", UNKNOWN_ORGANIZATION),
        ] {
            let mut headers = complete();
            headers.insert(name, HeaderValue::from_static(value));
            assert_eq!(refusal(&headers), Some(message), "{name}: {value}");
        }
    }
}
