//! Which moves take a transfer from which states to which: the one table of the queue's transitions. The
//! statements that move a row select on the `from` states written here (see `state_sql`), and a person's request
//! is judged against the same table before any statement runs.

use super::TransferState::{self, *};

/// A move of a transfer: the states it may start from and the one it ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: &'static [TransferState],
    pub to: TransferState,
}

impl Transition {
    /// Whether a transfer in `state` may make this move.
    pub fn allows(&self, state: TransferState) -> bool {
        self.from.contains(&state)
    }
}

/// What a person asks of one transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAction {
    Pause,
    Resume,
    Cancel,
    Retry,
}

/// A person's action as the queue applies it: the move it makes, and how a refusal words it ("transfer 3 is
/// completed; only paused transfers can be resumed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionRule {
    pub transition: Transition,
    /// The past participle of the action: "resumed".
    pub verb: &'static str,
    /// The `from` states in words: "paused".
    pub allowed: &'static str,
}

impl QueueAction {
    pub const ALL: [QueueAction; 4] = [
        QueueAction::Pause,
        QueueAction::Resume,
        QueueAction::Cancel,
        QueueAction::Retry,
    ];

    /// The table of what a person may do to a transfer in which state.
    pub const fn rule(self) -> ActionRule {
        match self {
            QueueAction::Pause => ActionRule {
                transition: Transition {
                    from: TransferState::PENDING,
                    to: Paused,
                },
                verb: "paused",
                allowed: "queued, active or interrupted",
            },
            QueueAction::Resume => ActionRule {
                transition: Transition {
                    from: &[Paused],
                    to: Queued,
                },
                verb: "resumed",
                allowed: "paused",
            },
            QueueAction::Cancel => ActionRule {
                transition: Transition {
                    from: &[
                        Queued,
                        Preparing,
                        WaitingForServer,
                        Downloading,
                        Refreshing,
                        Paused,
                        Verifying,
                        Interrupted,
                        Failed,
                    ],
                    to: Cancelled,
                },
                verb: "cancelled",
                allowed: "unfinished or failed",
            },
            QueueAction::Retry => ActionRule {
                transition: Transition {
                    from: &[Failed, Cancelled, Interrupted],
                    to: Queued,
                },
                verb: "retried",
                allowed: "failed, cancelled or interrupted",
            },
        }
    }
}

/// A new transfer waits in the queue.
pub(super) const ENQUEUED: TransferState = Queued;

/// A runner claims pending work and starts preparing it.
pub(super) const CLAIM: Transition = Transition {
    from: TransferState::PENDING,
    to: Preparing,
};

/// A runner moves its transfer along (`preparing`, `downloading`, …) while nobody has paused or cancelled it; the
/// state it moves to is the runner's to name.
pub(super) const ADVANCE_FROM: &[TransferState] = TransferState::PENDING;

/// A runner puts its transfer back in the queue until its server can be reached.
pub(super) const WAIT_FOR_REMOTE: Transition = Transition {
    from: TransferState::PENDING,
    to: Queued,
};

/// A transfer whose runner is gone is interrupted.
pub(super) const INTERRUPT: Transition = Transition {
    from: TransferState::WORKED,
    to: Interrupted,
};

/// Bytes on disk after a refresh mean the fresh link works: the transfer is downloading again.
pub(super) const LINK_WORKS: Transition = Transition {
    from: &[Refreshing],
    to: Downloading,
};

/// A verified file completes its transfer, whatever the row said.
pub(super) const COMPLETE: Transition = Transition {
    from: &TransferState::ALL,
    to: Completed,
};

/// A final failure, unless a person paused or cancelled the transfer meanwhile (their word stands).
pub(super) const FAIL: Transition = Transition {
    from: &[
        Queued,
        Preparing,
        WaitingForServer,
        Downloading,
        Refreshing,
        Verifying,
        Interrupted,
        Completed,
        Failed,
    ],
    to: Failed,
};

/// What a person may remove from the queue: anything no runner works on.
pub(super) const REMOVABLE: &[TransferState] =
    &[Completed, Failed, Cancelled, Paused, Queued, Interrupted];

/// [`REMOVABLE`] in words.
pub(super) const REMOVABLE_WORDS: &str = "queued, interrupted, paused or finished";

#[cfg(test)]
mod tests {
    use super::*;

    /// The states each action was allowed from before the table existed.
    fn allowed_before(action: QueueAction) -> Vec<TransferState> {
        match action {
            QueueAction::Pause => vec![
                Queued,
                Preparing,
                WaitingForServer,
                Downloading,
                Refreshing,
                Verifying,
                Interrupted,
            ],
            QueueAction::Resume => vec![Paused],
            QueueAction::Cancel => vec![
                Queued,
                Preparing,
                WaitingForServer,
                Downloading,
                Refreshing,
                Paused,
                Verifying,
                Interrupted,
                Failed,
            ],
            QueueAction::Retry => vec![Failed, Cancelled, Interrupted],
        }
    }

    #[test]
    fn each_action_is_allowed_from_exactly_the_states_it_always_was() {
        for action in QueueAction::ALL {
            let rule = action.rule();
            let allowed: Vec<TransferState> = TransferState::ALL
                .into_iter()
                .filter(|state| rule.transition.allows(*state))
                .collect();
            let mut before = allowed_before(action);
            before.sort_by_key(|s| TransferState::ALL.iter().position(|a| a == s));
            assert_eq!(allowed, before, "{action:?}");
        }
    }

    #[test]
    fn each_action_ends_in_the_state_it_always_did() {
        let ends: Vec<TransferState> = QueueAction::ALL
            .into_iter()
            .map(|action| action.rule().transition.to)
            .collect();
        assert_eq!(ends, [Paused, Queued, Cancelled, Queued]);
    }

    #[test]
    fn retry_is_allowed_only_from_failed_cancelled_or_interrupted() {
        let retry = QueueAction::Retry.rule().transition;
        assert!(retry.allows(Failed) && retry.allows(Cancelled) && retry.allows(Interrupted));
        assert!(!retry.allows(Completed) && !retry.allows(Paused) && !retry.allows(Queued));
    }

    #[test]
    fn pause_is_allowed_from_pending_and_worked_states_only() {
        let pause = QueueAction::Pause.rule().transition;
        for state in TransferState::ALL {
            assert_eq!(pause.allows(state), state.is_pending(), "{state:?}");
        }
        assert!(TransferState::WORKED.iter().all(|s| pause.allows(*s)));
    }

    #[test]
    fn a_finished_or_cancelled_transfer_cannot_be_cancelled_again_but_a_failed_one_can() {
        let cancel = QueueAction::Cancel.rule().transition;
        assert!(!cancel.allows(Completed) && !cancel.allows(Cancelled));
        assert!(cancel.allows(Failed) && cancel.allows(Paused));
    }

    #[test]
    fn a_failure_never_overrides_a_pause_or_a_cancel() {
        for state in TransferState::ALL {
            assert_eq!(FAIL.allows(state), !matches!(state, Paused | Cancelled));
        }
    }

    #[test]
    fn only_transfers_no_runner_works_on_can_be_removed() {
        for state in TransferState::ALL {
            assert_eq!(REMOVABLE.contains(&state), !state.is_worked(), "{state:?}");
        }
    }
}
