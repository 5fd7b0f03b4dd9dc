//! Why one transfer attempt stopped.

use std::io;
use std::path::{Path, PathBuf};

use docket_core::ProviderError;
use docket_store::QueueError;

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("could not write {}: {}", path.display(), explain(source))]
    Io { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Queue(#[from] QueueError),
    /// The document on the server is not what the partial bytes came from; they are discarded.
    #[error("the document changed on the server ({0}); starting over")]
    Changed(String),
    /// The server cannot be reached (a probe confirmed it); the transfer waits for it without spending retries.
    #[error("{remote} cannot be reached ({reason}); the transfer waits until it can")]
    RemoteOffline { remote: String, reason: String },
    /// Someone paused or cancelled the transfer.
    #[error("stopped")]
    Stopped,
    /// A folder download's file would replace one Docket did not save there (or that was changed since): it is
    /// left as it is and this download is not saved.
    #[error("{} was changed or put there outside Docket; it was left as it is and the download was not saved over it", path.display())]
    Conflict { path: PathBuf },
}

impl TransferError {
    /// Out of disk space, for the download or for the queue's database: the bytes so far stay on disk, since a
    /// retry after freeing space continues them.
    pub fn is_disk_full(&self) -> bool {
        match self {
            TransferError::Io { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
            ),
            TransferError::Queue(QueueError::StorageFull) => true,
            _ => false,
        }
    }

    /// Whether the bytes on disk may still be used by a later run: everything but the server saying, for good,
    /// that the document cannot be had. A local trouble (a disk, the database) never costs the bytes.
    pub fn keeps_the_partial(&self) -> bool {
        match self {
            TransferError::Provider(err) => err.is_retryable(),
            TransferError::Changed(_) | TransferError::Conflict { .. } => false,
            TransferError::Io { .. }
            | TransferError::Queue(_)
            | TransferError::RemoteOffline { .. }
            | TransferError::Stopped => true,
        }
    }

    pub fn io(path: &Path) -> impl FnOnce(io::Error) -> TransferError + '_ {
        move |source| TransferError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// The OS's words, plus what to do where the user can do something.
fn explain(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => format!(
            "the disk is full ({err}); free some space and retry: the bytes downloaded so far are kept"
        ),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => format!(
            "{err}; choose a download folder you can write to"
        ),
        _ => err.to_string(),
    }
}
