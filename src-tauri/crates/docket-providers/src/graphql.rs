//! One GraphQL round trip over HTTP for every GraphQL protocol (Ansarada, Sage Active, the study creator):
//! `POST {operationName, query, variables}`, read the `{data, errors}` envelope, and hand back `data` decoded or
//! the failure as a `ProviderError`. What differs between vendors — the headers each call carries and what their
//! GraphQL errors and refusals mean — comes in from the caller.

use reqwest::header::{HeaderMap, ACCEPT};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use docket_core::http;
use docket_core::ProviderError;

/// One vendor's reading of a failed answer.
pub trait GraphqlErrorMap: Sync {
    /// The first GraphQL error of an answer that arrived with `status`.
    fn graphql_error(
        &self,
        error: &GraphqlError,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> ProviderError;

    /// A non-2xx answer that carries no GraphQL error: a gateway or proxy refusal, judged by its status.
    fn http_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        http::status_error(status, headers, http::excerpt(body))
    }

    /// Whether GraphQL errors in a non-2xx answer are read before the status; `false` judges every non-2xx
    /// answer by [`GraphqlErrorMap::http_failure`].
    fn errors_outrank_status(&self) -> bool {
        true
    }
}

/// One GraphQL endpoint URL, reached through the shared HTTP client.
pub struct GraphqlEndpoint {
    http: reqwest::Client,
    url: String,
}

/// The GraphQL response envelope: `data` and/or `errors`.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    errors: Option<Vec<GraphqlError>>,
}

/// One entry of `errors[]`.
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
    /// `extensions.code`, where the server sets one.
    pub fn code(&self) -> Option<&str> {
        self.extensions.as_ref()?.code.as_deref()
    }

    /// The server's message; its code, or a generic word, when the message is blank.
    pub fn message_or_code(&self) -> String {
        if self.message.trim().is_empty() {
            self.code().unwrap_or("GraphQL error").to_owned()
        } else {
            self.message.clone()
        }
    }
}

/// Relay's `pageInfo` of a connection.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

impl GraphqlEndpoint {
    /// `url` is the whole endpoint address, `/graphql` included.
    pub fn new(http: reqwest::Client, url: String) -> Self {
        GraphqlEndpoint { http, url }
    }

    /// Runs `operation` (the name `query` gives it) with `headers` on the request and decodes `data` into `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        headers: &[(&str, String)],
        operation: &str,
        query: &str,
        variables: Value,
        errors: &dyn GraphqlErrorMap,
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
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        // Through `redirects::send`: the headers are credentials (tokens, api keys, tenant ids).
        let response = docket_core::redirects::send(request).await?;
        let status = response.status();
        let answer_headers = response.headers().clone();
        let text = http::read_text(response).await?;
        let data = answer_data(status, &answer_headers, &text, errors)?;
        serde_json::from_value(data).map_err(|err| {
            ProviderError::protocol(format!(
                "the `{operation}` answer has an unexpected shape: {err}"
            ))
        })
    }
}

/// The `data` of a GraphQL answer, or the error it carries, as `errors` reads it.
pub fn answer_data(
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
    errors: &dyn GraphqlErrorMap,
) -> Result<Value, ProviderError> {
    if !status.is_success() && !errors.errors_outrank_status() {
        return Err(errors.http_failure(status, headers, body));
    }
    let envelope: Option<Envelope> = serde_json::from_str(body).ok();
    if let Some(first) = envelope
        .as_ref()
        .and_then(|e| e.errors.as_ref())
        .and_then(|list| list.first())
    {
        return Err(errors.graphql_error(first, status, headers));
    }
    if !status.is_success() {
        return Err(errors.http_failure(status, headers, body));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error is `InvalidRequest`, so a test can tell the error map ran.
    struct Refusing {
        status_first: bool,
    }

    impl GraphqlErrorMap for Refusing {
        fn graphql_error(
            &self,
            error: &GraphqlError,
            _: StatusCode,
            _: &HeaderMap,
        ) -> ProviderError {
            ProviderError::InvalidRequest {
                message: error.message_or_code(),
            }
        }

        fn errors_outrank_status(&self) -> bool {
            !self.status_first
        }
    }

    fn decode(status: u16, body: &str, status_first: bool) -> Result<Value, ProviderError> {
        answer_data(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body,
            &Refusing { status_first },
        )
    }

    const ERROR_BODY: &str =
        r#"{"errors":[{"message":"","extensions":{"code":"BAD_USER_INPUT"}}]}"#;

    #[test]
    fn the_first_graphql_error_goes_to_the_vendors_map_with_its_code_for_a_blank_message() {
        assert_eq!(
            decode(200, ERROR_BODY, false),
            Err(ProviderError::InvalidRequest {
                message: "BAD_USER_INPUT".into()
            })
        );
    }

    #[test]
    fn a_vendor_may_judge_a_non_2xx_answer_by_its_status_before_its_errors() {
        assert_eq!(
            decode(400, ERROR_BODY, false),
            Err(ProviderError::InvalidRequest {
                message: "BAD_USER_INPUT".into()
            })
        );
        let err = decode(503, ERROR_BODY, true).unwrap_err();
        assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    }

    #[test]
    fn null_data_without_errors_and_a_non_json_body_are_protocol_errors() {
        for body in [r#"{"data":null}"#, "<html>ok</html>"] {
            let err = decode(200, body, false).unwrap_err();
            assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
        }
    }
}
