//! One GraphQL round trip to `POST {url}/graphql` with the DataRoom-scoped bearer token, and the mapping of
//! GraphQL and HTTP failures to `ProviderError` variants.

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use docket_core::http;
use docket_core::{ProviderError, Secret};

/// Talks to one data room's GraphQL endpoint.
pub struct GraphqlEndpoint {
    http: reqwest::Client,
    url: String,
    token: Secret,
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
pub struct GraphqlError {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub extensions: Option<ErrorExtensions>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ErrorExtensions {
    #[serde(default)]
    pub code: Option<String>,
}

impl GraphqlError {
    fn code(&self) -> Option<&str> {
        self.extensions.as_ref()?.code.as_deref()
    }
}

impl GraphqlEndpoint {
    pub fn new(http: reqwest::Client, base_url: &str, token: Secret) -> Self {
        GraphqlEndpoint {
            http,
            url: format!("{}/graphql", base_url.trim_end_matches('/')),
            token,
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
        let response = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, format!("Bearer {}", self.token.expose()))
            .header(ACCEPT, "application/json")
            .json(&body)
            .send()
            .await?;
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

/// The `data` of a GraphQL answer, or the error it carries. GraphQL errors win over the HTTP status because they
/// say more (the server answers 401 with an `UNAUTHENTICATED` error when the header is absent, 200 otherwise).
fn answer_data(
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
) -> Result<Value, ProviderError> {
    let envelope: Option<Envelope> = serde_json::from_str(body).ok();
    if let Some(Envelope {
        errors: Some(errors),
        ..
    }) = &envelope
    {
        if let Some(first) = errors.first() {
            return Err(graphql_failure(first, status, headers));
        }
    }
    if !status.is_success() {
        return Err(http::status_error(status, headers, http::excerpt(body)));
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

/// One GraphQL error as a `ProviderError`, keeping the server's message.
pub fn graphql_failure(
    error: &GraphqlError,
    status: StatusCode,
    headers: &HeaderMap,
) -> ProviderError {
    let message = if error.message.trim().is_empty() {
        error.code().unwrap_or("GraphQL error").to_owned()
    } else {
        error.message.clone()
    };
    match error.code().map(str::to_ascii_uppercase).as_deref() {
        Some("UNAUTHENTICATED" | "UNAUTHORIZED" | "FORBIDDEN") => {
            ProviderError::Unauthorized { message }
        }
        Some("NOT_FOUND") => ProviderError::NotFound { message },
        Some("BAD_USER_INPUT" | "BAD_REQUEST") => ProviderError::InvalidRequest { message },
        Some("GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED") => ProviderError::Protocol {
            message: format!("the server refused Docket's query: {message}"),
        },
        Some("TOO_MANY_REQUESTS" | "RATE_LIMITED" | "THROTTLED") => ProviderError::RateLimited {
            message,
            retry_after: http::retry_after(headers),
        },
        Some("INTERNAL_SERVER_ERROR" | "SERVICE_UNAVAILABLE" | "TIMEOUT") => {
            ProviderError::Transient { message }
        }
        // No code we know: the HTTP status is the next best judge, and a 200 carrying an unknown error is one
        // Docket cannot act on.
        _ if !status.is_success() => http::status_error(status, headers, message),
        _ => ProviderError::Protocol { message },
    }
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
    fn an_unauthenticated_error_is_unauthorized_with_either_status() {
        let body = r#"{"data":null,"errors":[{"message":"Invalid bearer token","extensions":{"code":"UNAUTHENTICATED"}}]}"#;
        for status in [200, 401] {
            assert_eq!(
                decode(status, body),
                Err(ProviderError::Unauthorized {
                    message: "Invalid bearer token".into()
                })
            );
        }
    }

    #[test]
    fn a_not_found_error_keeps_the_servers_message() {
        let body =
            r#"{"errors":[{"message":"Document not found","extensions":{"code":"NOT_FOUND"}}]}"#;
        assert_eq!(
            decode(200, body),
            Err(ProviderError::NotFound {
                message: "Document not found".into()
            })
        );
    }

    #[test]
    fn a_gateway_error_page_is_transient() {
        let err = decode(502, "<html>Bad Gateway</html>").unwrap_err();
        assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    }

    #[test]
    fn a_200_without_data_or_errors_is_a_protocol_error() {
        let err = decode(200, "{}").unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    }

    #[test]
    fn data_is_returned_when_there_are_no_errors() {
        assert_eq!(
            decode(200, r#"{"data":{"a":1}}"#),
            Ok(serde_json::json!({"a":1}))
        );
    }
}
