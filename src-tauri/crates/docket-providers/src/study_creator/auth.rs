//! How this remote proves who it is: a JWT sent as `Bearer`, or a developer download token sent as `Token`.
//! The server reads a JWT only from `Authorization: Bearer` and a download token only from `?token=` or
//! `Authorization: Token`; GraphQL and `/signed-url` see a developer token as an anonymous caller.

use docket_core::{Credentials, ProviderError, RemoteConfig, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    Bearer,
    Developer,
}

impl TokenType {
    fn parse(remote: &str, value: &str) -> Result<Self, ProviderError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "bearer" | "jwt" => Ok(TokenType::Bearer),
            "developer" | "dev" => Ok(TokenType::Developer),
            other => Err(ProviderError::InvalidRequest {
                message: format!(
                    "remote `{remote}`: token_type `{other}` is not one of `bearer`, `developer`"
                ),
            }),
        }
    }

    fn scheme(self) -> &'static str {
        match self {
            TokenType::Bearer => "Bearer",
            TokenType::Developer => "Token",
        }
    }
}

/// The credential and how it is sent.
#[derive(Debug, Clone)]
pub struct Auth {
    pub token_type: TokenType,
    token: Secret,
}

impl Auth {
    pub fn from_remote(
        config: &RemoteConfig,
        credentials: &Credentials,
    ) -> Result<Self, ProviderError> {
        let token_type = TokenType::parse(&config.name, config.require("token_type")?)?;
        let raw = credentials.require("token")?.expose().trim();
        // People paste the whole header value; the scheme is ours to add.
        let token = raw
            .strip_prefix("Bearer ")
            .or_else(|| raw.strip_prefix("Token "))
            .unwrap_or(raw)
            .trim();
        if token.is_empty() {
            return Err(ProviderError::InvalidRequest {
                message: format!("remote `{}` has an empty `token` secret", config.name),
            });
        }
        Ok(Auth {
            token_type,
            token: Secret::new(token),
        })
    }

    /// The `Authorization` header value.
    pub fn header_value(&self) -> Secret {
        Secret::new(format!(
            "{} {}",
            self.token_type.scheme(),
            self.token.expose()
        ))
    }

    /// Only a JWT identifies a user to GraphQL and `/signed-url`.
    pub fn identifies_user(&self) -> bool {
        self.token_type == TokenType::Bearer
    }
}

/// `signed_urls`: absent means off.
pub fn signed_urls(config: &RemoteConfig) -> Result<bool, ProviderError> {
    match config
        .setting("signed_urls")
        .map(|v| v.trim().to_ascii_lowercase())
    {
        None => Ok(false),
        Some(v) if matches!(v.as_str(), "true" | "yes" | "1" | "on") => Ok(true),
        Some(v) if matches!(v.as_str(), "false" | "no" | "0" | "off") => Ok(false),
        Some(v) => Err(ProviderError::InvalidRequest {
            message: format!(
                "remote `{}`: signed_urls `{v}` is not `true` or `false`",
                config.name
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(token_type: &str, signed: Option<&str>) -> RemoteConfig {
        let mut settings = std::collections::BTreeMap::new();
        settings.insert("token_type".to_owned(), token_type.to_owned());
        if let Some(signed) = signed {
            settings.insert("signed_urls".to_owned(), signed.to_owned());
        }
        RemoteConfig {
            name: "kf".into(),
            kind: crate::study_creator::KIND,
            url: "http://127.0.0.1:1".into(),
            settings,
        }
    }

    #[test]
    fn a_jwt_goes_out_as_bearer_and_a_developer_token_as_token() {
        let creds = Credentials::new("kf").with("token", "abc");
        let bearer = Auth::from_remote(&remote("bearer", None), &creds).unwrap();
        let developer = Auth::from_remote(&remote("Developer", None), &creds).unwrap();
        assert_eq!(bearer.header_value().expose(), "Bearer abc");
        assert_eq!(developer.header_value().expose(), "Token abc");
        assert!(bearer.identifies_user());
        assert!(!developer.identifies_user());
    }

    #[test]
    fn a_pasted_header_value_loses_its_scheme() {
        let creds = Credentials::new("kf").with("token", " Bearer eyJ.x.y ");
        let auth = Auth::from_remote(&remote("bearer", None), &creds).unwrap();
        assert_eq!(auth.header_value().expose(), "Bearer eyJ.x.y");
    }

    #[test]
    fn an_unknown_token_type_is_refused_with_the_choices() {
        let creds = Credentials::new("kf").with("token", "abc");
        let err = Auth::from_remote(&remote("basic", None), &creds).unwrap_err();
        assert!(err.message().contains("`bearer`, `developer`"), "{err}");
    }

    #[test]
    fn signed_urls_reads_true_and_false_and_refuses_anything_else() {
        assert!(!signed_urls(&remote("bearer", None)).unwrap());
        assert!(signed_urls(&remote("bearer", Some("TRUE"))).unwrap());
        assert!(!signed_urls(&remote("bearer", Some("false"))).unwrap());
        assert!(signed_urls(&remote("bearer", Some("maybe"))).is_err());
    }
}
