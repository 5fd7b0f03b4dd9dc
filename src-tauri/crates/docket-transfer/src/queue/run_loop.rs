//! Working the queue: `run` claims transfers one statement at a time while there is room under the limits,
//! waits for unreachable servers and for transfers another live runner holds, and keeps its claims alive.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use docket_store::catalog::Offline;
use docket_store::queue::TransferState;
use docket_store::{Catalog, CatalogEvent, QueueError};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinSet;

use crate::engine::{Control, Engine};
use crate::job;
use crate::offline_wait::OfflineWaits;
use crate::settle::JobEnd;

use super::{RunScope, RunSummary, TransferQueue};

impl TransferQueue {
    /// Works the queue until nothing in `scope` is left to do (transfers held by another live runner are waited
    /// for, and so are unreachable servers), then answers how each transfer it ran ended.
    pub async fn run(&self, scope: RunScope) -> Result<RunSummary, QueueError> {
        self.run_with_patience(scope, None).await
    }

    /// Like [`TransferQueue::run`], but transfers that have waited `patience` for an unreachable server are given
    /// up on once nothing else runs: they stay queued (a later run finishes them) and end this run as
    /// [`JobEnd::WaitingForRemote`]. `None` waits as long as it takes.
    pub async fn run_with_patience(
        &self,
        scope: RunScope,
        patience: Option<Duration>,
    ) -> Result<RunSummary, QueueError> {
        let engine = &self.engine;
        engine.store.mark_interrupted().await?;
        self.release_leftovers().await?;
        let heartbeat = tokio::spawn(heartbeat(Arc::clone(engine)));
        let mut running: JoinSet<(i64, JobEnd)> = JoinSet::new();
        let mut summary = RunSummary::default();
        let mut catalog_events = engine.catalog().map(Catalog::subscribe);
        let mut offline: HashMap<String, Offline> = HashMap::new();
        let mut offline_read: Option<Instant> = None;
        let mut waits = OfflineWaits::default();
        // A transfer could not record its progress for want of disk space: nothing more starts, and the run ends
        // saying so once the running transfers have stopped (they cannot record theirs either).
        let mut halted = false;
        engine
            .storage_full
            .store(false, std::sync::atomic::Ordering::SeqCst);
        let outcome = async {
            loop {
                halted |= engine
                    .storage_full
                    .swap(false, std::sync::atomic::Ordering::SeqCst);
                if halted {
                    if running.is_empty() {
                        return Err(QueueError::StorageFull);
                    }
                } else {
                    if offline_read.is_none_or(|at| at.elapsed() >= OFFLINE_REREAD) {
                        offline = engine.offline_remotes().await;
                        offline_read = Some(Instant::now());
                    }
                    let skip: Vec<String> = offline.keys().cloned().collect();
                    self.start_more(&scope, &mut running, &skip).await?;
                }
                let parked = self.parked_transfers(&scope, &offline).await?;
                for (_, remote) in &parked {
                    engine.revive(remote);
                }
                waits.tell(engine, &parked, &offline).await;
                if running.is_empty() && !parked.is_empty() && waits.out_of_patience(patience) {
                    for (id, remote) in &parked {
                        summary.ended.push((
                            *id,
                            JobEnd::WaitingForRemote(waits.gave_up(remote, &offline)),
                        ));
                    }
                    return Ok(());
                }
                if running.is_empty()
                    && parked.is_empty()
                    && !self.waiting_on_others(&scope).await?
                {
                    return Ok(());
                }
                tokio::select! {
                    Some(joined) = running.join_next(), if !running.is_empty() => {
                        if let Ok((id, end)) = joined {
                            engine.controls.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
                            // Waiting for a server is no end: the run starts it again when the server is back.
                            if matches!(end, JobEnd::WaitingForRemote(_)) {
                                offline_read = None;
                            } else {
                                summary.ended.push((id, end));
                            }
                        }
                    }
                    _ = remote_online(&mut catalog_events) => offline_read = None,
                    // A transfer waiting for a large slot got it: another one may start.
                    _ = engine.large.moved() => {}
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                }
            }
        }
        .await;
        heartbeat.abort();
        outcome.map(|()| summary)
    }

    async fn start_more(
        &self,
        scope: &RunScope,
        running: &mut JoinSet<(i64, JobEnd)>,
        offline: &[String],
    ) -> Result<(), QueueError> {
        let engine = &self.engine;
        let lease = engine.config.lease.as_millis() as i64;
        let only = match scope {
            RunScope::All => None,
            RunScope::Only(ids) => Some(ids.as_slice()),
        };
        while has_room(engine, running.len()) {
            // One statement picks and claims the next transfer: the queue may hold thousands.
            let active = engine.active_ids();
            let Some(record) = engine
                .store
                .claim_next(&engine.owner, lease, offline, &active, only)
                .await?
            else {
                return Ok(());
            };
            let (sender, receiver) = watch::channel(Control::Run);
            engine
                .controls
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(record.id, sender);
            let engine = Arc::clone(engine);
            running.spawn(async move {
                let id = record.id;
                (id, job::run(engine, record, receiver).await)
            });
        }
        Ok(())
    }

    /// The transfers in `scope` that wait for an offline remote, with that remote.
    async fn parked_transfers(
        &self,
        scope: &RunScope,
        offline: &HashMap<String, Offline>,
    ) -> Result<Vec<(i64, String)>, QueueError> {
        if offline.is_empty() {
            return Ok(Vec::new());
        }
        let pending = self.engine.store.unclaimed_remotes().await?;
        let only: Option<HashSet<i64>> = match scope {
            RunScope::All => None,
            RunScope::Only(ids) => Some(ids.iter().copied().collect()),
        };
        Ok(pending
            .into_iter()
            .filter(|(id, remote)| {
                offline.contains_key(remote) && only.as_ref().is_none_or(|only| only.contains(id))
            })
            .collect())
    }

    /// Whether work in `scope` is still pending under another runner's live claim.
    async fn waiting_on_others(&self, scope: &RunScope) -> Result<bool, QueueError> {
        let store = &self.engine.store;
        match scope {
            RunScope::All => Ok(store.held_elsewhere(&self.engine.owner).await? > 0),
            RunScope::Only(ids) => store.any_pending_among(ids).await,
        }
    }
}

/// How long the run trusts its reading of the offline remotes: it reads them again at once when one of its own
/// transfers finds a remote unreachable or one comes back; other processes' findings wait at most this long.
const OFFLINE_REREAD: Duration = Duration::from_secs(1);

/// Whether another transfer may start: the transfers working (not waiting for a slot of large transfers, see
/// [`crate::large_slots`]) stay within the requests one remote may have in flight, or `transfers_at_once` if that
/// is more, and so do the ones waiting. Large transfers beyond `transfers_at_once` wait for a slot; small ones
/// pass beside them.
fn has_room(engine: &Engine, running: usize) -> bool {
    // `transfers_at_once` is the live value: Settings may change it while the queue runs.
    room_for_another(
        engine.transfers_at_once(),
        engine.config.max_connections_per_remote,
        running,
        engine.large.waiting(),
    )
}

/// The rule of [`has_room`], given the transfers allowed at once, the requests one remote may have in flight, how
/// many transfers run and how many of them wait for a large slot.
fn room_for_another(
    max_transfers: usize,
    per_remote: usize,
    running: usize,
    waiting: usize,
) -> bool {
    let most = max_transfers.max(per_remote).max(1);
    running.saturating_sub(waiting) < most && waiting < most
}

/// Resolves when the catalog says a remote answers again (never without a catalog).
async fn remote_online(events: &mut Option<broadcast::Receiver<CatalogEvent>>) {
    let Some(receiver) = events else {
        return std::future::pending().await;
    };
    loop {
        match receiver.recv().await {
            Ok(CatalogEvent::RemoteOnline { .. }) => return,
            Ok(_) => {}
            // Missed events may have included it: look again.
            Err(broadcast::error::RecvError::Lagged(_)) => return,
            Err(broadcast::error::RecvError::Closed) => {
                *events = None;
                return std::future::pending().await;
            }
        }
    }
}

/// Keeps this runner's claims alive and notices pauses and cancels made by other processes.
async fn heartbeat(engine: Arc<Engine>) {
    let every = (engine.config.lease / 4).max(Duration::from_millis(100));
    let lease = engine.config.lease.as_millis() as i64;
    loop {
        tokio::time::sleep(every).await;
        let active: Vec<i64> = engine
            .controls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .copied()
            .collect();
        if let Err(err) = engine.store.renew(&engine.owner, &active, lease).await {
            tracing::warn!("could not renew the queue claims: {err}");
        }
        let mut seen = HashMap::new();
        for id in active {
            if let Ok(record) = engine.store.get(id).await {
                seen.insert(id, record.state);
            }
        }
        let stopped: HashSet<(i64, Control)> = seen
            .into_iter()
            .filter_map(|(id, state)| match state {
                TransferState::Paused => Some((id, Control::Pause)),
                TransferState::Cancelled => Some((id, Control::Cancel)),
                _ => None,
            })
            .collect();
        for (id, control) in stopped {
            engine.signal(id, control);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_transfers_run_beside_the_large_ones_up_to_the_per_remote_limit() {
        // Three transfers at once, eight requests per remote.
        let room = |running, waiting| room_for_another(3, 8, running, waiting);
        assert!(room(7, 0));
        assert!(!room(8, 0), "never more working than the per-remote limit");
        assert!(
            room(8, 2),
            "two of them wait for a large slot: two more may work"
        );
        assert!(!room(10, 2));
        assert!(!room(16, 8), "no more than that waiting either");
        assert!(
            room_for_another(10, 2, 9, 0),
            "more at once than per remote: the former counts"
        );
    }
}
