//! What can go wrong reading or writing the queue, with the disk being full told apart: progress then cannot be
//! recorded, but nothing on disk is lost.

use super::{TransferState, UnknownState};

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the transfer queue could not be read or written: {0}")]
    Database(sqlx::Error),
    /// The disk holding the data dir is full: progress cannot be recorded, but nothing on disk is lost.
    #[error(
        "the disk that holds Docket's data dir is full, so the transfer queue cannot record progress: free some \
         space, then `docket queue run` (or `docket queue retry`) continues; the bytes downloaded so far are kept"
    )]
    StorageFull,
    #[error("there is no transfer {0} in the queue (see `docket queue`)")]
    NotFound(i64),
    #[error("transfer {id} is {state}; only {allowed} transfers can be {action}")]
    NotAllowed {
        id: i64,
        state: TransferState,
        action: &'static str,
        allowed: &'static str,
    },
    #[error("the queue holds a transfer in an unknown state: {0}")]
    Corrupt(#[from] UnknownState),
}

impl From<sqlx::Error> for QueueError {
    fn from(err: sqlx::Error) -> Self {
        if is_storage_full(&err) {
            QueueError::StorageFull
        } else {
            QueueError::Database(err)
        }
    }
}

/// SQLite's `SQLITE_FULL` (13), or the OS saying the disk is full.
fn is_storage_full(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.code().as_deref() == Some("13"),
        sqlx::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ),
        _ => false,
    }
}
