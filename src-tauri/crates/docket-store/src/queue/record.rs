//! What the queue keeps about one transfer.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

/// Where a transfer is in its life. Stored as the lowercase word of [`TransferState::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    Queued,
    Preparing,
    /// The server is preparing the file (an Ansarada job) before any byte flows.
    WaitingForServer,
    Downloading,
    /// A link, ticket or token expired mid-transfer and a fresh one is being prepared; bytes flow again soon.
    Refreshing,
    Paused,
    Verifying,
    /// Left mid-work by a runner that is gone (killed, crashed, the machine restarted): it resumes from its
    /// partial file when a runner picks it up.
    Interrupted,
    Completed,
    Failed,
    Cancelled,
}

impl TransferState {
    pub const ALL: [TransferState; 11] = [
        TransferState::Queued,
        TransferState::Preparing,
        TransferState::WaitingForServer,
        TransferState::Downloading,
        TransferState::Refreshing,
        TransferState::Paused,
        TransferState::Verifying,
        TransferState::Interrupted,
        TransferState::Completed,
        TransferState::Failed,
        TransferState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TransferState::Queued => "queued",
            TransferState::Preparing => "preparing",
            TransferState::WaitingForServer => "waiting",
            TransferState::Downloading => "downloading",
            TransferState::Refreshing => "refreshing",
            TransferState::Paused => "paused",
            TransferState::Verifying => "verifying",
            TransferState::Interrupted => "interrupted",
            TransferState::Completed => "completed",
            TransferState::Failed => "failed",
            TransferState::Cancelled => "cancelled",
        }
    }

    /// Completed, failed or cancelled: nothing more happens unless someone retries.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            TransferState::Completed | TransferState::Failed | TransferState::Cancelled
        )
    }

    /// Work a runner may pick up: queued, interrupted, or left active by a run that is gone.
    pub fn is_pending(self) -> bool {
        self == TransferState::Queued || self == TransferState::Interrupted || self.is_worked()
    }

    /// A runner is working on it, as far as the row says (the runner may be gone: see
    /// [`crate::QueueStore::mark_interrupted`]).
    pub fn is_worked(self) -> bool {
        matches!(
            self,
            TransferState::Preparing
                | TransferState::WaitingForServer
                | TransferState::Downloading
                | TransferState::Refreshing
                | TransferState::Verifying
        )
    }
}

impl fmt::Display for TransferState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransferState::WaitingForServer => "waiting for server",
            TransferState::Refreshing => "refreshing link",
            other => other.as_str(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a transfer state")]
pub struct UnknownState(pub String);

impl FromStr for TransferState {
    type Err = UnknownState;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TransferState::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| UnknownState(text.to_owned()))
    }
}

/// A download to add to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransfer {
    pub remote: String,
    pub document: String,
    pub version: Option<String>,
    pub dest_dir: PathBuf,
    /// Higher runs first; equal priorities run in queue position order.
    pub priority: i64,
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferRecord {
    pub id: i64,
    pub remote: String,
    pub document: String,
    pub version: Option<String>,
    pub dest_dir: PathBuf,
    /// The name the file gets in `dest_dir` (` (1)` already applied); `None` until the server named it.
    pub file_name: Option<String>,
    /// The partial file in `dest_dir` this transfer owns: recorded before the file is created, so a file a
    /// transfer made is always known to it. `None` when it has none.
    pub partial_name: Option<String>,
    /// Which file the partial is (`dev:ino` on Unix), recorded right after it was created; `None` for a partial
    /// an older Docket made, or one created in the instant before a crash.
    #[serde(skip)]
    pub partial_identity: Option<String>,
    pub state: TransferState,
    pub priority: i64,
    pub position: i64,
    pub bytes_total: Option<u64>,
    pub bytes_done: u64,
    pub attempts: u32,
    pub refreshes: u32,
    pub last_error: Option<String>,
    #[serde(skip)]
    pub validator: Option<String>,
    #[serde(skip)]
    pub staged_handle: Option<String>,
    /// `blake3:<hex>` once completed ([`docket_core::content_hash`]).
    pub content_hash: Option<String>,
    pub saved_path: Option<PathBuf>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

impl TransferRecord {
    /// The final path once the name is fixed.
    pub fn target_path(&self) -> Option<PathBuf> {
        self.file_name.as_ref().map(|name| self.dest_dir.join(name))
    }

    /// Where its partial file is, when it owns one.
    pub fn partial_path(&self) -> Option<PathBuf> {
        self.partial_name
            .as_ref()
            .map(|name| self.dest_dir.join(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_stored_word() {
        for state in TransferState::ALL {
            assert_eq!(state.as_str().parse::<TransferState>(), Ok(state));
        }
        assert!("done".parse::<TransferState>().is_err());
    }

    #[test]
    fn only_unfinished_unpaused_states_are_pending() {
        assert!(TransferState::Downloading.is_pending());
        assert!(TransferState::Interrupted.is_pending());
        assert!(!TransferState::Interrupted.is_worked());
        assert!(!TransferState::Paused.is_pending());
        assert!(!TransferState::Completed.is_pending());
        assert!(TransferState::Cancelled.is_finished());
    }
}
