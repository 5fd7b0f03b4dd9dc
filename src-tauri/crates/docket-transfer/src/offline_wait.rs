//! Transfers waiting for a server that cannot be reached: what the run tells about them (each new try, and when it
//! will be), and when a run with limited patience stops waiting for them.

use std::collections::HashMap;
use std::time::Duration;

use docket_store::catalog::Offline;
use docket_store::queue::TransferState;
use tokio::time::Instant;

use crate::engine::Engine;
use crate::progress::TransferEvent;

#[derive(Default)]
pub(crate) struct OfflineWaits {
    /// Since when some transfer of the run has been waiting; none while nothing waits.
    since: Option<Instant>,
    /// The next try each waiting transfer was last told about (`None`: a try was under way).
    told: HashMap<i64, Option<Instant>>,
}

impl OfflineWaits {
    /// Announces, for each transfer in `parked` (`(id, remote)`), why it waits and when its server is tried
    /// next, once per scheduled try.
    pub async fn tell(
        &mut self,
        engine: &Engine,
        parked: &[(i64, String)],
        offline: &HashMap<String, Offline>,
    ) {
        if parked.is_empty() {
            self.since = None;
            self.told.clear();
            return;
        }
        self.since.get_or_insert_with(Instant::now);
        for (id, remote) in parked {
            // Said at once when a transfer starts waiting; then once per scheduled try (while a try runs there is
            // no next one yet, and nothing new to say).
            let next = engine.next_probe(remote);
            let message = match (self.told.insert(*id, next), next) {
                (None, _) => format!(
                    "waiting for {remote} to be reachable again ({}); {}",
                    reason(remote, offline),
                    next_try(next)
                ),
                (Some(before), Some(_)) if before != next => {
                    format!("{remote} still cannot be reached; {}", next_try(next))
                }
                _ => continue,
            };
            let Ok(record) = engine.store.get(*id).await else {
                continue;
            };
            engine.hub.announce(TransferEvent {
                id: *id,
                state: TransferState::Queued,
                bytes_done: record.bytes_done,
                bytes_total: record.bytes_total,
                bytes_per_sec: 0,
                eta_secs: None,
                message: Some(message),
            });
        }
    }

    /// Whether transfers have waited at least `patience` (never without one).
    pub fn out_of_patience(&self, patience: Option<Duration>) -> bool {
        match (patience, self.since) {
            (Some(patience), Some(since)) => since.elapsed() >= patience,
            _ => false,
        }
    }

    /// Why the run stopped waiting for `remote`.
    pub fn gave_up(&self, remote: &str, offline: &HashMap<String, Offline>) -> String {
        let waited = self.since.map_or(0, |since| since.elapsed().as_secs());
        format!(
            "{remote} is still unreachable after waiting {waited} s ({})",
            reason(remote, offline)
        )
    }
}

/// `next try in 4 s`, or `trying again now` while a try runs.
fn next_try(next: Option<Instant>) -> String {
    match next {
        Some(at) => {
            let seconds = at
                .saturating_duration_since(Instant::now())
                .as_secs_f64()
                .ceil();
            format!("next try in {seconds} s")
        }
        None => "trying again now".to_owned(),
    }
}

fn reason<'a>(remote: &str, offline: &'a HashMap<String, Offline>) -> &'a str {
    offline
        .get(remote)
        .map_or("it cannot be reached", |o| o.reason.as_str())
}
