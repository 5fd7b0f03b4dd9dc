//! One GraphQL round trip to `POST {url}/graphql` carrying the four headers every Sage Active call needs, and the
//! mapping of HTTP and GraphQL failures to `ProviderError` variants.

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use docket_core::http;
use docket_core::{ProviderError, Secret};

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
pub struct GraphqlEndpoint {
    http: reqwest::Client,
    url: String,
    identity: Identity,
}

/// The GraphQL response envelope: `data` and/or `errors`.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    errors: Option<Vec<GraphqlError>>,
}

#[derive(Debug, Clone, Deserialize)]
struct GraphqlError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    extensions: Option<ErrorExtensions>,
}

#[derive(Debug, Clone, Deserialize)]
struct ErrorExtensions {
    #[serde(default)]
    code: Option<String>,
}

impl GraphqlError {
    fn code(&self) -> Option<&str> {
        self.extensions.as_ref()?.code.as_deref()
    }
}

impl GraphqlEndpoint {
    /// `api_base` is the API base URL without `/graphql`.
    pub fn new(http: reqwest::Client, api_base: &str, identity: Identity) -> Self {
        GraphqlEndpoint {
            http,
            url: format!("{api_base}/graphql"),
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
        let body = serde_json::json!({
            "operationName": operation,
            "query": query,
            "variables": variables,
        });
        tracing::debug!(url = %self.url, operation, "GraphQL");
        let mut request = self
            .http
            .post(&self.url)
            .header(ACCEPT, "application/json")
            .json(&body);
        for (name, value) in self.identity.headers() {
            request = request.header(name, value);
        }
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        let text = http::read_text(response).await?;
        let data = answer_data(status, &headers, &text)?;
        serde_json::from_value(data).map_err(|err| {
            ProviderError::protocol(format!(
                "the `{operation}` answer has an unexpected shape: {err}"
            ))
        })
    }
}

/// The `data` of a GraphQL answer, or the error it carries. The API gateway refuses a call with a missing or wrong
/// header before GraphQL runs (401 with a JSON `message`); GraphQL errors come with 200 or 400.
fn answer_data(
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
) -> Result<Value, ProviderError> {
    let envelope: Option<Envelope> = serde_json::from_str(body).ok();
    if let Some(first) = envelope
        .as_ref()
        .and_then(|e| e.errors.as_ref())
        .and_then(|errors| errors.first())
    {
        return Err(graphql_failure(first, status, headers));
    }
    if !status.is_success() {
        return Err(http::status_error(status, headers, server_message(body)));
    }
    match envelope {
        Some(Envelope {
            data: Some(data), ..
        }) if !data.is_null() => Ok(data),
        Some(_) => Err(ProviderError::protocol(
            "the GraphQL answer has neither data nor errors",
        )),
        None => Err(ProviderError::protocol(format!(
            "the GraphQL answer is not JSON: {}",
            http::excerpt(body)
        ))),
    }
}

/// One GraphQL error as a `ProviderError`, keeping the server's message. The codes are HotChocolate's.
fn graphql_failure(error: &GraphqlError, status: StatusCode, headers: &HeaderMap) -> ProviderError {
    let message = if error.message.trim().is_empty() {
        error.code().unwrap_or("GraphQL error").to_owned()
    } else {
        error.message.clone()
    };
    match error.code().map(str::to_ascii_uppercase).as_deref() {
        Some(
            "AUTH_NOT_AUTHENTICATED" | "AUTH_NOT_AUTHORIZED" | "UNAUTHENTICATED" | "UNAUTHORIZED",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(status: u16, body: &str) -> Result<Value, ProviderError> {
        answer_data(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body,
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
