//! The sets of states the queue's statements select on, written out from [`TransferState`] once, so no statement
//! spells a state list by hand and a new state joins every set it belongs to.

use std::sync::LazyLock;

use super::TransferState;

/// `('queued', 'preparing', …)`: the SQL list of the states `keep` picks.
fn in_list(keep: impl Fn(TransferState) -> bool) -> String {
    let words: Vec<String> = TransferState::ALL
        .into_iter()
        .filter(|state| keep(*state))
        .map(|state| format!("'{}'", state.as_str()))
        .collect();
    format!("({})", words.join(", "))
}

/// Work a runner may pick up ([`TransferState::is_pending`]).
pub(super) static PENDING: LazyLock<String> = LazyLock::new(|| in_list(TransferState::is_pending));

/// Being worked on by a runner right now, as far as the row says ([`TransferState::is_worked`]).
pub(super) static WORKED: LazyLock<String> = LazyLock::new(|| in_list(TransferState::is_worked));

/// Completed, failed or cancelled ([`TransferState::is_finished`]).
pub(super) static FINISHED: LazyLock<String> =
    LazyLock::new(|| in_list(TransferState::is_finished));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_name_each_state_of_their_set_once() {
        assert_eq!(
            *FINISHED, "('completed', 'failed', 'cancelled')",
            "finished states"
        );
        assert!(PENDING.contains("'interrupted'"));
        assert!(!WORKED.contains("'interrupted'") && !WORKED.contains("'queued'"));
        assert!(!PENDING.contains("'paused'"));
    }
}
