//! The states the queue's statements select on and write, spelled from [`TransferState`] once, so no statement
//! types a state word by hand and a new state joins every set it belongs to.

use std::sync::LazyLock;

use super::transitions::{LINK_WORKS, REMOVABLE};
use super::TransferState;

/// `'queued'`: one state as an SQL literal.
pub(super) fn literal(state: TransferState) -> String {
    format!("'{}'", state.as_str())
}

/// `('queued', 'preparing', …)`: the SQL list of the states `keep` picks, in [`TransferState::ALL`] order.
fn in_list(keep: impl Fn(TransferState) -> bool) -> String {
    let words: Vec<String> = TransferState::ALL
        .into_iter()
        .filter(|state| keep(*state))
        .map(literal)
        .collect();
    format!("({})", words.join(", "))
}

/// The SQL list of `states`.
pub(super) fn list_of(states: &[TransferState]) -> String {
    in_list(|state| states.contains(&state))
}

/// Work a runner may pick up ([`TransferState::is_pending`]).
pub(super) static PENDING: LazyLock<String> = LazyLock::new(|| in_list(TransferState::is_pending));

/// Being worked on by a runner right now, as far as the row says ([`TransferState::is_worked`]).
pub(super) static WORKED: LazyLock<String> = LazyLock::new(|| in_list(TransferState::is_worked));

/// Completed, failed or cancelled ([`TransferState::is_finished`]).
pub(super) static FINISHED: LazyLock<String> =
    LazyLock::new(|| in_list(TransferState::is_finished));

/// What a person may remove from the queue.
pub(super) static REMOVABLE_LIST: LazyLock<String> = LazyLock::new(|| list_of(REMOVABLE));

/// The state change every progress update makes: bytes on disk after a refresh mean the fresh link works, so a
/// refreshing transfer is downloading again.
pub(super) static DOWNLOADING_AGAIN: LazyLock<String> = LazyLock::new(|| {
    format!(
        "state = CASE WHEN state IN {from} THEN {to} ELSE state END",
        from = list_of(LINK_WORKS.from),
        to = literal(LINK_WORKS.to)
    )
});

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

    #[test]
    fn a_refreshing_transfer_with_bytes_on_disk_is_downloading_again() {
        assert_eq!(
            *DOWNLOADING_AGAIN,
            "state = CASE WHEN state IN ('refreshing') THEN 'downloading' ELSE state END"
        );
    }
}
