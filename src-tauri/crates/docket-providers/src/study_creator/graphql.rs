//! POSTs to `{url}/graphql` and reads graphene's answers. Errors come with HTTP 200 in `errors[]`; their
//! messages are mapped to error variants here, at the edge, so nothing further in needs to read them.

use docket_core::{http, ProviderError, Secret};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

pub struct GraphQl {
    http: reqwest::Client,
    endpoint: String,
    authorization: Secret,
}

#[derive(Deserialize)]
struct Answer<T> {
    data: Option<T>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
struct GraphQlError {
    message: String,
}

impl GraphQl {
    pub fn new(http: reqwest::Client, base_url: &str, authorization: Secret) -> Self {
        GraphQl {
            http,
            endpoint: format!("{base_url}/graphql"),
            authorization,
        }
    }

    pub async fn run<T: DeserializeOwned>(
        &self,
        query: &str,
        variables: Value,
    ) -> Result<T, ProviderError> {
        let response = self
            .http
            .post(&self.endpoint)
            .header(reqwest::header::AUTHORIZATION, self.authorization.expose())
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = http::read_body(response).await?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            return Err(http::status_error(status, &headers, http::excerpt(&text)));
        }
        let answer: Answer<T> = serde_json::from_slice(&body).map_err(|err| {
            ProviderError::protocol(format!("the GraphQL answer could not be read: {err}"))
        })?;
        if let Some(first) = answer.errors.first() {
            return Err(error_variant(&first.message));
        }
        answer.data.ok_or_else(|| {
            ProviderError::protocol("the GraphQL answer has neither data nor errors")
        })
    }
}

/// What graphene's error messages mean. The server raises `Not allowed` for anonymous callers (a bad or
/// expired JWT makes the caller anonymous) and `... was not found` / `... does not exist` for unknown ids.
pub fn error_variant(message: &str) -> ProviderError {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
