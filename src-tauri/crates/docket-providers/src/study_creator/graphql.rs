//! The study creator's side of the GraphQL transport: `POST {url}/graphql` with the remote's `Authorization`, and
//! graphene's error messages mapped to error variants here, at the edge, so nothing further in needs to read them.

use docket_core::{ProviderError, Secret};
use reqwest::header::{HeaderMap, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::graphql::{GraphqlEndpoint, GraphqlError, GraphqlErrorMap};

pub struct StudyCreatorGraphql {
    endpoint: GraphqlEndpoint,
    authorization: Secret,
}

impl StudyCreatorGraphql {
    pub fn new(http: reqwest::Client, base_url: &str, authorization: Secret) -> Self {
        StudyCreatorGraphql {
            endpoint: GraphqlEndpoint::new(http, format!("{base_url}/graphql")),
            authorization,
        }
    }

    /// Runs `operation`, the name `query` gives its one operation, and decodes its `data` into `T`.
    pub async fn run<T: DeserializeOwned>(
        &self,
        operation: &str,
        query: &str,
        variables: Value,
    ) -> Result<T, ProviderError> {
        let authorization = self.authorization.expose().to_owned();
        self.endpoint
            .call(
                &[(AUTHORIZATION.as_str(), authorization)],
                operation,
                query,
                variables,
                &GrapheneErrors,
            )
            .await
    }
}

/// Graphene answers resolver errors with HTTP 200 and a query it refuses (an unknown argument, a bad field) with
/// HTTP 400, both in `errors[]`: their words are the answer. A server in trouble (5xx, 429) is judged by its
/// status, whatever its body says, so the retry policy sees a transient failure.
struct GrapheneErrors;

impl GraphqlErrorMap for GrapheneErrors {
    fn graphql_error(
        &self,
        error: &GraphqlError,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> ProviderError {
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return docket_core::http::status_error(status, headers, error.message_or_code());
        }
        error_variant(&error.message_or_code())
    }
}

/// What graphene's error messages mean. The server raises `Not allowed` for anonymous callers (a bad or
/// expired JWT makes the caller anonymous) and `... was not found` / `... does not exist` for unknown ids.
fn error_variant(message: &str) -> ProviderError {
    let message = message.to_owned();
    let lower = message.to_ascii_lowercase();
    if lower == "not allowed"
        || lower.starts_with("not authenticated")
        || lower.contains("permission")
    {
        ProviderError::Unauthorized { message }
    } else if lower.contains("was not found")
        || lower.contains("does not exist")
        || lower.starts_with("no file exists")
        || lower.starts_with("no version exists")
    {
        ProviderError::NotFound { message }
    } else if lower.contains("exceeds the `first` limit") {
        ProviderError::InvalidRequest { message }
    } else {
        ProviderError::Protocol { message }
    }
}

/// The fuzzer's way into this server's GraphQL answer rules (feature `fuzzing`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_answer(status: u16, body: &str) {
    if let Ok(status) = StatusCode::from_u16(status) {
        let _ = crate::graphql::answer_data(status, &HeaderMap::new(), body, &GrapheneErrors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_the_server_refuses_with_400_keeps_its_words_and_a_5xx_stays_transient() {
        let refused = r#"{"errors":[{"message":"Unknown argument \"studyKfId\" on field \"allFiles\" of type \"Query\". Did you mean \"study_KfId\"?","locations":[{"line":2,"column":12}]}]}"#;
        let err = crate::graphql::answer_data(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            refused,
            &GrapheneErrors,
        )
        .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Protocol {
                message: "Unknown argument \"studyKfId\" on field \"allFiles\" of type \"Query\". Did you mean \"study_KfId\"?".into()
            }
        );
        let busy = r#"{"errors":[{"message":"database is locked"}]}"#;
        let err = crate::graphql::answer_data(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            busy,
            &GrapheneErrors,
        )
        .unwrap_err();
        assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    }

    #[test]
    fn graphene_messages_become_the_variants_the_retry_policy_reads() {
        assert!(matches!(
            error_variant("Not allowed"),
            ProviderError::Unauthorized { .. }
        ));
        assert!(matches!(
            error_variant("Not authenticated to generate a url."),
            ProviderError::Unauthorized { .. }
        ));
        assert!(matches!(
            error_variant("File was not found"),
            ProviderError::NotFound { .. }
        ));
        assert!(matches!(
            error_variant("Version was not found"),
            ProviderError::NotFound { .. }
        ));
        assert!(matches!(
            error_variant("Requesting 500 records on the `allFiles` connection exceeds the `first` limit of 250 records."),
            ProviderError::InvalidRequest { .. }
        ));
        let other = error_variant("Cannot query field \"sizes\" on type \"VersionNode\".");
        assert!(matches!(other, ProviderError::Protocol { .. }));
        assert_eq!(
            other.message(),
            "Cannot query field \"sizes\" on type \"VersionNode\"."
        );
    }

    #[test]
    fn a_non_200_answer_is_judged_by_its_status_even_when_it_carries_errors() {
        let body = r#"{"errors":[{"message":"File was not found"}]}"#;
        let err = crate::graphql::answer_data(
            StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            body,
            &GrapheneErrors,
        )
        .unwrap_err();
        assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    }
}
