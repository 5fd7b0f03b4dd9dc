//! Why a folder download or sync could not go on. Nothing downloaded is lost by any of them: a rerun goes on.

use docket_core::ProviderError;
use docket_store::{CatalogError, QueueError};

#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("listing {folder} failed: {source}")]
    Listing {
        folder: String,
        source: ProviderError,
    },
    /// The server's tree is beyond what Docket takes on in one folder download.
    #[error("{0}; download a folder further down instead")]
    TooLarge(String),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("could not look at {path}: {source}")]
    Local {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}
