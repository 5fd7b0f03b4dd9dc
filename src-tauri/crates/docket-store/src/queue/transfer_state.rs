//! Where a transfer is in its life: the one enum of the queue's states, the one mapping to the words stored in
//! `docket.db`, and the sets of states the queue reasons about.

use std::fmt;
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

use TransferState::*;

impl TransferState {
    pub const ALL: [TransferState; 11] = [
        Queued,
        Preparing,
        WaitingForServer,
        Downloading,
        Refreshing,
        Paused,
        Verifying,
        Interrupted,
        Completed,
        Failed,
        Cancelled,
    ];

    /// A runner is working on it, as far as the row says (the runner may be gone: see
    /// [`crate::QueueStore::mark_interrupted`]).
    pub const WORKED: &'static [TransferState] = &[
        Preparing,
        WaitingForServer,
        Downloading,
        Refreshing,
        Verifying,
    ];

    /// Work a runner may pick up: queued, interrupted, or left active by a run that is gone.
    pub const PENDING: &'static [TransferState] = &[
        Queued,
        Preparing,
        WaitingForServer,
        Downloading,
        Refreshing,
        Verifying,
        Interrupted,
    ];

    /// Nothing more happens unless someone retries.
    pub const FINISHED: &'static [TransferState] = &[Completed, Failed, Cancelled];

    /// The word stored in `docket.db` (and read back by [`FromStr`]): the only place a state is spelled.
    pub fn as_str(self) -> &'static str {
        match self {
            Queued => "queued",
            Preparing => "preparing",
            WaitingForServer => "waiting",
            Downloading => "downloading",
            Refreshing => "refreshing",
            Paused => "paused",
            Verifying => "verifying",
            Interrupted => "interrupted",
            Completed => "completed",
            Failed => "failed",
            Cancelled => "cancelled",
        }
    }

    /// Completed, failed or cancelled: nothing more happens unless someone retries.
    pub fn is_finished(self) -> bool {
        Self::FINISHED.contains(&self)
    }

    /// Work a runner may pick up: queued, interrupted, or left active by a run that is gone.
    pub fn is_pending(self) -> bool {
        Self::PENDING.contains(&self)
    }

    /// A runner is working on it, as far as the row says (the runner may be gone: see
    /// [`crate::QueueStore::mark_interrupted`]).
    pub fn is_worked(self) -> bool {
        Self::WORKED.contains(&self)
    }
}

impl fmt::Display for TransferState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaitingForServer => "waiting for server",
            Refreshing => "refreshing link",
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
    fn no_two_states_share_a_stored_word() {
        let mut words: Vec<&str> = TransferState::ALL.iter().map(|s| s.as_str()).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), TransferState::ALL.len());
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

    #[test]
    fn the_pending_states_are_the_worked_ones_with_queued_and_interrupted() {
        for state in TransferState::ALL {
            assert_eq!(
                state.is_pending(),
                state == Queued || state == Interrupted || state.is_worked(),
                "{state:?}"
            );
        }
    }
}
