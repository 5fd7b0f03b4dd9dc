//! The client token: issued by `generate-client-auth-token` from the client credentials and the user, kept until
//! the server refuses it, then issued again.

use docket_core::{Credentials, ProviderError, RemoteConfig, Secret};
use serde_json::json;
use tokio::sync::Mutex;

use super::errors::ApiError;
use super::response;
use super::wire::TokenData;

/// The user the token is issued for, as the auth call names it.
#[derive(Debug, Clone)]
pub struct TokenUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub group_name: String,
}

/// Everything the auth call sends.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: Secret,
    pub fingerprint: String,
    pub user: TokenUser,
}

impl ClientCredentials {
    pub fn from_remote(
        config: &RemoteConfig,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        Ok(ClientCredentials {
            client_id: config.require("client_id")?.to_owned(),
            client_secret: credentials.require("client_secret")?.clone(),
            fingerprint: config.require("fingerprint")?.to_owned(),
            user: TokenUser {
                first_name: config.require("first_name")?.to_owned(),
                last_name: config.require("last_name")?.to_owned(),
                email: config.require("email")?.to_owned(),
                group_name: config.require("group_name")?.to_owned(),
            },
        })
    }
}

/// The current token, shared by every call of one remote.
pub struct ClientToken {
    http: reqwest::Client,
    url: String,
    credentials: ClientCredentials,
    // Held across the auth request, so concurrent callers wait for one token instead of each issuing one.
    current: Mutex<Option<Secret>>,
}

impl ClientToken {
    pub fn new(http: reqwest::Client, base_url: &str, credentials: ClientCredentials) -> Self {
        ClientToken {
            http,
            url: format!("{base_url}/generate-client-auth-token"),
            credentials,
            current: Mutex::new(None),
        }
    }

    /// The token in use, issuing one on first use.
    pub async fn get(&self) -> Result<Secret, ApiError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref() {
            return Ok(token.clone());
        }
        let token = self.issue().await?;
        *current = Some(token.clone());
        Ok(token)
    }

    /// A new token in place of `refused`; when another call already replaced it, that one is used.
    pub async fn renew(&self, refused: &Secret) -> Result<Secret, ApiError> {
        let mut current = self.current.lock().await;
        if let Some(token) = current.as_ref().filter(|t| *t != refused) {
            return Ok(token.clone());
        }
        *current = None;
        let token = self.issue().await?;
        *current = Some(token.clone());
        Ok(token)
    }

    async fn issue(&self) -> Result<Secret, ApiError> {
        let c = &self.credentials;
        let body = json!({
            "client_id": c.client_id,
            "client_secret": c.client_secret.expose(),
            "fingerprint": c.fingerprint,
            "user": {
                "first_name": c.user.first_name,
                "last_name": c.user.last_name,
                "email": c.user.email,
                "group_name": c.user.group_name,
            },
        });
        tracing::debug!(client_id = %c.client_id, "issuing an Index Health client token");
        // Through `redirects::send`: the body holds the client secret, never sent to another origin.
        let response = docket_core::redirects::send(self.http.post(&self.url).json(&body)).await?;
        let data: TokenData = response::data(response).await?;
        if data.access_token.is_empty() {
            return Err(ProviderError::protocol("the server issued an empty access token").into());
        }
        Ok(Secret::new(data.access_token))
    }
}
