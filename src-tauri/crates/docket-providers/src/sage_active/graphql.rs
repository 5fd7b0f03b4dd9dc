//! Sage Active's side of the GraphQL transport: `POST {url}/graphql` carrying the four headers every call needs,
//! and what HTTP and GraphQL failures mean as `ProviderError` variants.

use reqwest::header::{HeaderMap, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use docket_core::http;
use docket_core::{ProviderError, Secret};

use crate::graphql::{GraphqlEndpoint, GraphqlError, GraphqlErrorMap};

/// The identity every call carries: bearer token, tenant, organization and subscription key.
#[derive(Clone)]
pub struct Identity {
    pub token: Secret,
    pub tenant_id: String,
    pub organization_id: String,
    pub api_key: Secret,
}

impl Identity {
    /// The four headers, as name and value; the values are exposed only here, where they are sent.
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (
                AUTHORIZATION.as_str(),
                format!("Bearer {}", self.token.expose()),
            ),
            ("X-TenantId", self.tenant_id.clone()),
            ("X-OrganizationId", self.organization_id.clone()),
            ("x-api-key", self.api_key.expose().to_owned()),
        ]
    }
}

/// Sage Active's GraphQL endpoint for one tenant and organization.
pub struct OrganizationGraphql {
    endpoint: GraphqlEndpoint,
    identity: Identity,
}

impl OrganizationGraphql {
    /// `api_base` is the API base URL without `/graphql`.
    pub fn new(http: reqwest::Client, api_base: &str, identity: Identity) -> Self {
        OrganizationGraphql {
            endpoint: GraphqlEndpoint::new(http, format!("{api_base}/graphql")),
            identity,
        }
    }

    /// Runs one operation and decodes its `data` into `T`.
    pub async fn run<T: DeserializeOwned>(
        &self,
        operation: &str,
        query: &str,
        variables: Value,
    ) -> Result<T, ProviderError> {
        self.endpoint
            .call(
                &self.identity.headers(),
                operation,
                query,
                variables,
                &HotChocolateErrors,
            )
            .await
    }
}

/// The API gateway refuses a call with a missing or wrong header before GraphQL runs (401 with a JSON `message`);
/// GraphQL errors come with 200 or 400, and their codes are HotChocolate's.
struct HotChocolateErrors;

impl GraphqlErrorMap for HotChocolateErrors {
    /// One GraphQL error as a `ProviderError`, keeping the server's message.
    fn graphql_error(
        &self,
        error: &GraphqlError,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> ProviderError {
        let message = error.message_or_code();
        match error.code().map(str::to_ascii_uppercase).as_deref() {
            Some(
                "AUTH_NOT_AUTHENTICATED"
                | "AUTH_NOT_AUTHORIZED"
                | "UNAUTHENTICATED"
                | "UNAUTHORIZED",
            ) => ProviderError::Unauthorized { message },
            _ if !status.is_success() && status != StatusCode::BAD_REQUEST => {
                http::status_error(status, headers, message)
            }
            // A query the server cannot run (validation, unknown field) is nothing the user can fix by retrying.
            _ => ProviderError::Protocol {
                message: format!("the server refused Docket's query: {message}"),
            },
        }
    }

    fn http_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        http::status_error(status, headers, server_message(body))
    }
}

/// The message of an error body: the JSON `message` the gateway and the link service send, else a short excerpt.
pub fn server_message(body: &str) -> String {
    if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(body) {
        for key in [
            "message",
            "Message",
            "error_description",
            "detail",
            "title",
            "error",
        ] {
            if let Some(Value::String(text)) = object.get(key) {
                if !text.trim().is_empty() {
                    return text.trim().to_owned();
                }
            }
        }
        if let Some(Value::String(text)) = object
            .get("errors")
            .and_then(|errors| errors.get(0))
            .and_then(|first| first.get("message"))
        {
            return text.trim().to_owned();
        }
    }
    http::excerpt(body)
}

/// The fuzzer's way into this server's GraphQL answer rules (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_answer(status: u16, body: &str) {
    if let Ok(status) = StatusCode::from_u16(status) {
        let _ = crate::graphql::answer_data(status, &HeaderMap::new(), body, &HotChocolateErrors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::answer_data;

    fn decode(status: u16, body: &str) -> Result<Value, ProviderError> {
        answer_data(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body,
            &HotChocolateErrors,
        )
    }

    #[test]
    fn a_gateway_refusal_is_unauthorized_with_its_json_message() {
        let body =
            r#"{"statusCode":401,"message":"Access denied due to invalid subscription key."}"#;
        assert_eq!(
            decode(401, body),
            Err(ProviderError::Unauthorized {
                message: "Access denied due to invalid subscription key.".into()
            })
        );
    }

    #[test]
    fn a_hotchocolate_authorization_error_is_unauthorized() {
        let body = r#"{"errors":[{"message":"The current user is not authorized to access this resource.","extensions":{"code":"AUTH_NOT_AUTHORIZED"}}]}"#;
        let err = decode(200, body).unwrap_err();
        assert!(matches!(err, ProviderError::Unauthorized { .. }), "{err:?}");
        assert_eq!(
            err.message(),
            "The current user is not authorized to access this resource."
        );
    }

    #[test]
    fn a_validation_error_is_a_protocol_error_keeping_the_message() {
        let body = r#"{"errors":[{"message":"The field `nope` does not exist on the type `EntityFile`."}]}"#;
        let err = decode(400, body).unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
        assert!(err.message().contains("`nope`"), "{err:?}");
    }

    #[test]
    fn a_throttled_call_is_rate_limited_and_a_gateway_error_transient() {
        let limited = decode(
            429,
            r#"{"statusCode":429,"message":"Rate limit is exceeded."}"#,
        );
        assert!(matches!(limited, Err(ProviderError::RateLimited { .. })));
        let err = decode(502, "<html>Bad Gateway</html>").unwrap_err();
        assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    }

    #[test]
    fn data_is_returned_when_there_are_no_errors() {
        assert_eq!(
            decode(200, r#"{"data":{"files":null}}"#),
            Ok(serde_json::json!({"files":null}))
        );
    }

    #[test]
    fn a_plain_text_body_is_its_own_message() {
        assert_eq!(
            server_message("The link path has expired.\n"),
            "The link path has expired."
        );
    }
}
