//! Authenticated calls to the IndexSDK: `POST {url}/<route>` with a JSON body and the bearer token, issuing a
//! new token once when the server refuses the current one.

use docket_core::Secret;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::errors::ApiError;
use super::response;
use super::token::ClientToken;

pub struct Api {
    http: reqwest::Client,
    base_url: String,
    token: ClientToken,
}

impl Api {
    pub fn new(http: reqwest::Client, base_url: String, token: ClientToken) -> Self {
        Api {
            http,
            base_url,
            token,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token in use, for a request this module does not send itself (the direct download).
    pub async fn token(&self) -> Result<Secret, ApiError> {
        self.token.get().await
    }

    /// `POST {url}/{route}`; a 403 gets one fresh token and one retry, a second 403 is the answer.
    pub async fn post<T: DeserializeOwned>(
        &self,
        route: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        let token = self.token.get().await?;
        match self.post_with(route, body, &token).await {
            Err(err) if err.is_unauthorized() => {
                tracing::info!(
                    route,
                    "the server refused the client token; issuing a new one"
                );
                let fresh = self.token.renew(&token).await?;
                self.post_with(route, body, &fresh).await
            }
            outcome => outcome,
        }
    }

    async fn post_with<T: DeserializeOwned>(
        &self,
        route: &str,
        body: &Value,
        token: &Secret,
    ) -> Result<T, ApiError> {
        tracing::debug!(route, "POST");
        // `.json` sets `Content-Type: application/json`, which the API requires.
        let request = self
            .http
            .post(format!("{}/{route}", self.base_url))
            .bearer_auth(token.expose())
            .json(body);
        // Through `redirects::send`: the bearer token stays with the API's origin.
        let response = docket_core::redirects::send(request).await?;
        response::data(response).await
    }
}
