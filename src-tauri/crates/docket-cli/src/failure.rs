//! How a command fails: one line on stderr naming what went wrong, and exit code 1.

use docket_core::ProviderError;
use docket_store::{CatalogError, DatabaseError, RemoteBookError, SecretStoreError};
use docket_transfer::DownloadError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Remotes(#[from] RemoteBookError),
    #[error("{0}")]
    Secrets(#[from] SecretStoreError),
    #[error("{0}")]
    Database(#[from] DatabaseError),
    #[error("{0}")]
    Catalog(#[from] CatalogError),
    /// A server or transfer failure, with the remote and (when there is one) the document it concerns.
    #[error("{remote}{}: {source}", document.as_ref().map(|d| format!(": document `{d}`")).unwrap_or_default())]
    Remote {
        remote: String,
        document: Option<String>,
        source: DownloadError,
    },
    #[error("{0}")]
    Queue(#[from] docket_store::QueueError),
    /// A queued transfer that ended without a file, with the reason the queue recorded.
    #[error("{remote}: document `{document}`: {message}")]
    Transfer {
        remote: String,
        document: String,
        message: String,
    },
    #[error("{0}")]
    Input(String),
    /// The command line asks for something that cannot be (a bad setting, a malformed flag): exit 2, as clap's
    /// own usage errors.
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(String),
}

impl CliError {
    /// 2 for a usage error, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }

    pub fn remote(remote: &str, document: Option<&str>, source: impl Into<DownloadError>) -> Self {
        CliError::Remote {
            remote: remote.to_owned(),
            document: document.map(str::to_owned),
            source: source.into(),
        }
    }

    pub fn provider(remote: &str, document: Option<&str>, source: ProviderError) -> Self {
        CliError::remote(remote, document, DownloadError::Provider(source))
    }
}
