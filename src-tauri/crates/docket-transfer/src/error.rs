//! Why one transfer attempt stopped.

use std::io;
use std::path::{Path, PathBuf};

use docket_core::ProviderError;
use docket_store::QueueError;

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("could not write {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The document on the server is not what the partial bytes came from; they are discarded.
    #[error("the document changed on the server ({0}); starting over")]
    Changed(String),
    /// Someone paused or cancelled the transfer.
    #[error("stopped")]
    Stopped,
}

impl TransferError {
    pub fn io(path: &Path) -> impl FnOnce(io::Error) -> TransferError + '_ {
        move |source| TransferError::Io {
            path: path.to_owned(),
            source,
        }
    }
}
