//! Ansarada's side of the GraphQL transport: `POST {url}/graphql` with the DataRoom-scoped bearer token, and what
//! its GraphQL error codes mean as `ProviderError` variants.

use reqwest::header::{HeaderMap, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use docket_core::http;
use docket_core::{ProviderError, Secret};

use crate::graphql::{GraphqlEndpoint, GraphqlError, GraphqlErrorMap};

/// Talks to one data room's GraphQL endpoint.
pub struct DataRoomGraphql {
    endpoint: GraphqlEndpoint,
    token: Secret,
}

impl DataRoomGraphql {
    pub fn new(http: reqwest::Client, base_url: &str, token: Secret) -> Self {
        let url = format!("{}/graphql", base_url.trim_end_matches('/'));
        DataRoomGraphql {
            endpoint: GraphqlEndpoint::new(http, url),
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
        let authorization = format!("Bearer {}", self.token.expose());
        self.endpoint
            .call(
                &[(AUTHORIZATION.as_str(), authorization)],
                operation,
                query,
                variables,
                &DataRoomErrors,
            )
            .await
    }
}

/// GraphQL errors win over the HTTP status because they say more (the server answers 401 with an
/// `UNAUTHENTICATED` error when the header is absent, 200 otherwise).
struct DataRoomErrors;

impl GraphqlErrorMap for DataRoomErrors {
    /// One GraphQL error as a `ProviderError`, keeping the server's message.
    fn graphql_error(
        &self,
        error: &GraphqlError,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> ProviderError {
        let message = error.message_or_code();
        match error.code().map(str::to_ascii_uppercase).as_deref() {
            Some("UNAUTHENTICATED" | "UNAUTHORIZED" | "FORBIDDEN") => {
                ProviderError::Unauthorized { message }
            }
            Some("NOT_FOUND") => ProviderError::NotFound { message },
            Some("BAD_USER_INPUT" | "BAD_REQUEST") => ProviderError::InvalidRequest { message },
            Some("GRAPHQL_VALIDATION_FAILED" | "GRAPHQL_PARSE_FAILED") => ProviderError::Protocol {
                message: format!("the server refused Docket's query: {message}"),
            },
            Some("TOO_MANY_REQUESTS" | "RATE_LIMITED" | "THROTTLED") => {
                ProviderError::RateLimited {
                    message,
                    retry_after: http::retry_after(headers),
                }
            }
            Some("INTERNAL_SERVER_ERROR" | "SERVICE_UNAVAILABLE" | "TIMEOUT") => {
                ProviderError::Transient { message }
            }
            // No code we know: the HTTP status is the next best judge, and a 200 carrying an unknown error is one
            // Docket cannot act on.
            _ if !status.is_success() => http::status_error(status, headers, message),
            _ => ProviderError::Protocol { message },
        }
    }
}

/// The fuzzer's way into this server's GraphQL answer rules (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_answer(status: u16, body: &str) {
    if let Ok(status) = StatusCode::from_u16(status) {
        let _ = crate::graphql::answer_data(status, &HeaderMap::new(), body, &DataRoomErrors);
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
            &DataRoomErrors,
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
