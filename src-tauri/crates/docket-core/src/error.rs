//! What can go wrong talking to a document server. The retry policy decides from these variants, never from the
//! text; every variant keeps the server's own message so the user sees what the server said.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The credentials were refused (after the one re-authentication the provider is allowed).
    #[error("not authorised: {message}")]
    Unauthorized { message: String },
    /// The document, version, folder or link target does not exist.
    #[error("not found: {message}")]
    NotFound { message: String },
    /// The document exists but cannot be downloaded (URL-based, offline/archived).
    #[error("cannot be downloaded: {message}")]
    NotDownloadable { message: String },
    /// A link, ticket, token or job has expired; preparing again gives a fresh one.
    #[error("link expired: {message}")]
    LinkExpired { message: String },
    /// The server asked to slow down.
    #[error("rate limited: {message}")]
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    /// Worth retrying: 5xx, connection refused or reset, timeouts.
    #[error("server or network trouble: {message}")]
    Transient { message: String },
    /// The server answered something Docket cannot read (bad XML/JSON, missing fields).
    #[error("unexpected answer from the server: {message}")]
    Protocol { message: String },
    /// The server tried to prepare the download and gave up (an Ansarada job that FAILED).
    #[error("the server could not prepare the download: {message}")]
    JobFailed { message: String },
    /// The bytes do not match their checksum or announced size.
    #[error("integrity check failed: {message}")]
    Integrity { message: String },
    /// The request itself is wrong (bad id, missing setting); the user must change something.
    #[error("{message}")]
    InvalidRequest { message: String },
}

impl ProviderError {
    /// Whether trying the same thing again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::Transient { .. }
            | ProviderError::RateLimited { .. }
            | ProviderError::LinkExpired { .. }
            | ProviderError::Integrity { .. } => true,
            ProviderError::Unauthorized { .. }
            | ProviderError::NotFound { .. }
            | ProviderError::NotDownloadable { .. }
            | ProviderError::Protocol { .. }
            | ProviderError::JobFailed { .. }
            | ProviderError::InvalidRequest { .. } => false,
        }
    }

    /// The server's own message (or Docket's description when the server gave none).
    pub fn message(&self) -> &str {
        match self {
            ProviderError::Unauthorized { message }
            | ProviderError::NotFound { message }
            | ProviderError::NotDownloadable { message }
            | ProviderError::LinkExpired { message }
            | ProviderError::RateLimited { message, .. }
            | ProviderError::Transient { message }
            | ProviderError::Protocol { message }
            | ProviderError::JobFailed { message }
            | ProviderError::Integrity { message }
            | ProviderError::InvalidRequest { message } => message,
        }
    }

    pub fn protocol(message: impl Into<String>) -> Self {
        ProviderError::Protocol {
            message: message.into(),
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        ProviderError::Transient {
            message: message.into(),
        }
    }
}

/// Network failures become `Transient` (or `Protocol` for undecodable bodies). The URL is dropped first: a
/// presigned URL's query string is a credential and must not reach a message or a log.
impl From<reqwest::Error> for ProviderError {
    fn from(err: reqwest::Error) -> Self {
        // reqwest calls a body that broke off mid-way a decode error too; only a JSON body that does not parse is
        // the server answering something unreadable. A broken connection is worth retrying.
        if let Some(refused) = crate::redirects::refusal(&err) {
            return refused.into();
        }
        if let Some(problem) = certificate_problem(&err) {
            return ProviderError::InvalidRequest {
                message: format!(
                    "the server's TLS certificate cannot be trusted ({problem}); Docket does not talk to a server \
                     it cannot verify: check the remote's address, or have the server's certificate fixed"
                ),
            };
        }
        if err.is_decode() && caused_by_json(&err) {
            ProviderError::Protocol {
                message: err.without_url().to_string(),
            }
        } else {
            ProviderError::Transient {
                message: crate::network_failure::describe(&err),
            }
        }
    }
}

/// The certificate error behind a failed TLS handshake, if that is what failed. `io::Error` hides the error
/// it wraps from `source()`, so wrapped errors are looked into as well.
fn certificate_problem(err: &reqwest::Error) -> Option<String> {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(
            tls @ (rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented),
        ) = cause.downcast_ref::<rustls::Error>()
        {
            return Some(tls.to_string());
        }
        source = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}

fn caused_by_json(err: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if cause.is::<serde_json::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

impl From<crate::kind::UnknownKind> for ProviderError {
    /// A remote whose kind no registered module claims cannot be fixed by retrying; the user must change it.
    fn from(err: crate::kind::UnknownKind) -> Self {
        ProviderError::InvalidRequest {
            message: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_conditions_that_can_clear_are_retryable() {
        assert!(ProviderError::transient("502 Bad Gateway").is_retryable());
        assert!(ProviderError::LinkExpired {
            message: "Request has expired".into()
        }
        .is_retryable());
        assert!(!ProviderError::NotFound {
            message: "Document not found".into()
        }
        .is_retryable());
        assert!(!ProviderError::NotDownloadable {
            message: "Document has no file path".into()
        }
        .is_retryable());
    }

    #[test]
    fn the_display_keeps_the_servers_own_message() {
        let err = ProviderError::NotDownloadable {
            message: "Document has no file path".into(),
        };
        assert_eq!(
            err.to_string(),
            "cannot be downloaded: Document has no file path"
        );
        assert_eq!(err.message(), "Document has no file path");
    }
}
