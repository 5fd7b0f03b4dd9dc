//! The transfer queue as the CLI and the app use it: enqueue, pause, resume, cancel, retry, reprioritise and
//! reorder; `run` works it (or some of it) until nothing is left, honouring every limit, resuming what a
//! previous run left unfinished and releasing what it left staged.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use docket_store::catalog::Offline;
use docket_store::queue::{NewTransfer, Placement, QueueAction, TransferRecord, TransferState};
use docket_store::{Catalog, CatalogEvent, QueueError, QueueStore};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinSet;

use crate::config::EngineConfig;
use crate::engine::{Control, Engine, ProviderDirectory};
use crate::job;
use crate::limits::QueueLimits;
use crate::offline_wait::OfflineWaits;
use crate::orphans::{self, OrphanError, OrphanPartial};
use crate::progress::TransferEvent;
use crate::settle::{discard_partial, JobEnd};

/// What [`TransferQueue::enqueue_or_continue`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// A new transfer, with its id.
    New(i64),
    /// An earlier transfer of the same document into the same folder continues; as it was before.
    Continued(Box<TransferRecord>),
}

impl Enqueued {
    pub fn id(&self) -> i64 {
        match self {
            Enqueued::New(id) => *id,
            Enqueued::Continued(earlier) => earlier.id,
        }
    }
}

/// Which transfers a run works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunScope {
    /// Everything pending, until the queue is empty.
    All,
    /// Only these (`docket get` waits for its own transfer, not for the whole queue).
    Only(Vec<i64>),
}

/// How the transfers a run worked on ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub ended: Vec<(i64, JobEnd)>,
}

#[derive(Clone)]
pub struct TransferQueue {
    engine: Arc<Engine>,
}

impl TransferQueue {
    pub fn new(
        store: QueueStore,
        providers: Arc<dyn ProviderDirectory>,
        http: reqwest::Client,
        config: EngineConfig,
    ) -> Self {
        TransferQueue {
            engine: Arc::new(Engine::new(store, providers, http, config)),
        }
    }

    /// Records every completed download in `catalog` (so browsing marks it downloaded), and lets transfers
    /// of a remote the catalog knows to be offline wait for it instead of spending their retries. Attach it
    /// before the first run; a queue keeps its first catalog.
    pub fn with_catalog(self, catalog: Catalog) -> Self {
        self.engine.attach_catalog(catalog);
        self
    }

    pub fn store(&self) -> &QueueStore {
        &self.engine.store
    }

    /// Progress of every transfer this queue runs, at most ten events a second each.
    pub fn subscribe(&self) -> broadcast::Receiver<TransferEvent> {
        self.engine.hub.subscribe()
    }

    pub async fn enqueue(&self, transfer: &NewTransfer) -> Result<i64, QueueError> {
        self.engine.store.enqueue(transfer).await
    }

    /// Queues `transfer`, unless the same document (and version) is already on its way to the same folder: then
    /// that transfer continues from its partial file (resumed if paused, retried if it failed or was cancelled)
    /// instead of a copy starting beside it.
    pub async fn enqueue_or_continue(
        &self,
        transfer: &NewTransfer,
    ) -> Result<Enqueued, QueueError> {
        let store = &self.engine.store;
        store.mark_interrupted().await?;
        let Some(earlier) = store.find_unfinished(transfer).await? else {
            return Ok(Enqueued::New(store.enqueue(transfer).await?));
        };
        match earlier.state {
            TransferState::Paused => self.resume(earlier.id).await?,
            TransferState::Failed | TransferState::Cancelled => self.retry(earlier.id).await?,
            _ => {}
        }
        Ok(Enqueued::Continued(Box::new(earlier)))
    }

    /// Every transfer, in run order; transfers whose runner is gone show as interrupted.
    pub async fn list(&self) -> Result<Vec<TransferRecord>, QueueError> {
        self.engine.store.mark_interrupted().await?;
        self.engine.store.list().await
    }

    /// The `.docket-part` files in the download folders (and in `more_dirs`) that no transfer owns.
    pub async fn orphan_partials(
        &self,
        more_dirs: &[std::path::PathBuf],
    ) -> Result<Vec<OrphanPartial>, QueueError> {
        orphans::find(&self.engine.store, more_dirs).await
    }

    /// Removes one of the files [`TransferQueue::orphan_partials`] reports for `more_dirs`; refuses any other.
    pub async fn remove_orphan_partial(
        &self,
        path: &std::path::Path,
        more_dirs: &[std::path::PathBuf],
    ) -> Result<(), OrphanError> {
        orphans::remove(&self.engine.store, path, more_dirs).await
    }

    /// Pauses a transfer; a running one stops at once and keeps its partial file.
    pub async fn pause(&self, id: i64) -> Result<(), QueueError> {
        self.engine.store.request(id, QueueAction::Pause).await?;
        self.engine.signal(id, Control::Pause);
        Ok(())
    }

    pub async fn resume(&self, id: i64) -> Result<(), QueueError> {
        self.engine.store.request(id, QueueAction::Resume).await?;
        Ok(())
    }

    /// Cancels a transfer and removes its partial file. A run in another process notices within a lease
    /// renewal and cleans up itself; otherwise it is done here, staged files released too.
    pub async fn cancel(&self, id: i64) -> Result<(), QueueError> {
        let before = self.engine.store.request(id, QueueAction::Cancel).await?;
        if self.engine.signal(id, Control::Cancel) {
            return Ok(());
        }
        let held_elsewhere = before.state.is_pending()
            && !self.engine.store.claim(id, &self.engine.owner, 0).await?
            && self.engine.store.get(id).await?.state != TransferState::Cancelled;
        if !held_elsewhere {
            discard_partial(&self.engine.store, &before).await?;
            self.release_leftovers().await?;
        }
        Ok(())
    }

    /// Queues a failed or cancelled transfer again (from where its partial file stands, if it kept one).
    pub async fn retry(&self, id: i64) -> Result<(), QueueError> {
        self.engine.store.request(id, QueueAction::Retry).await?;
        Ok(())
    }

    pub async fn reprioritise(&self, id: i64, priority: i64) -> Result<(), QueueError> {
        self.engine.store.set_priority(id, priority).await
    }

    pub async fn move_to(&self, id: i64, position: i64) -> Result<(), QueueError> {
        self.engine.store.move_to(id, position).await
    }

    /// Moves an unfinished transfer to `place` (1 is next) in the run order `docket queue` shows; see
    /// [`QueueStore::move_to_place`].
    pub async fn move_to_place(&self, id: i64, place: usize) -> Result<Placement, QueueError> {
        self.engine.store.move_to_place(id, place).await
    }

    /// New limits that apply at once: connections and bandwidth to the requests of running transfers, transfers
    /// at once to the scheduler (more start right away; with fewer, none starts until running ones end).
    pub fn set_limits(&self, limits: QueueLimits) {
        self.engine.set_limits(limits);
    }

    /// Removes a transfer from the queue. An unfinished one is cancelled first (its partial file removed, a
    /// running one stopped); a failed one's kept partial file goes too. A completed file on disk stays.
    pub async fn remove(&self, id: i64) -> Result<(), QueueError> {
        let record = self.engine.store.get(id).await?;
        match record.state {
            TransferState::Completed | TransferState::Cancelled => {}
            TransferState::Failed => discard_partial(&self.engine.store, &record).await?,
            _ => {
                self.cancel(id).await?;
                // A running transfer removes its partial file itself as it stops.
                for _ in 0..400 {
                    if !self.engine.is_active(id) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
            }
        }
        self.engine.store.delete(id).await
    }

    /// Removes every completed, failed and cancelled transfer from the queue (partial files failed ones kept
    /// go too; completed files stay on disk). Answers how many went.
    pub async fn clear_finished(&self) -> Result<u64, QueueError> {
        for record in self.list().await? {
            if record.state == TransferState::Failed {
                discard_partial(&self.engine.store, &record).await?;
            }
        }
        self.engine.store.delete_finished().await
    }

    /// Applies `action` to every transfer it fits.
    pub async fn apply_to_all(&self, action: QueueAction) -> Result<usize, QueueError> {
        let mut applied = 0;
        for record in self.list().await? {
            let outcome = match action {
                QueueAction::Pause => self.pause(record.id).await,
                QueueAction::Resume => self.resume(record.id).await,
                QueueAction::Cancel => self.cancel(record.id).await,
                QueueAction::Retry => self.retry(record.id).await,
            };
            match outcome {
                Ok(()) => applied += 1,
                Err(QueueError::NotAllowed { .. }) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(applied)
    }

    /// Releases staged server files that runs which are gone left behind.
    pub async fn release_leftovers(&self) -> Result<(), QueueError> {
        for (id, remote, handle) in self.engine.store.staged_leftovers().await? {
            // Claiming the row first keeps another runner from releasing (or using) the same handle.
            let record = self.engine.store.get(id).await?;
            if record.state.is_pending()
                && !self
                    .engine
                    .store
                    .claim(id, &self.engine.owner, 30_000)
                    .await?
            {
                continue;
            }
            let released = match self.engine.provider(&remote).await {
                Ok(provider) => {
                    let _permit = self.engine.limits.acquire(&remote).await;
                    provider.release_staged(&handle).await
                }
                Err(err) => Err(err),
            };
            match released {
                Ok(()) => {
                    tracing::info!(id, "released a staged file a previous run left");
                    self.engine.store.set_staged(id, None).await?;
                }
                Err(err) => tracing::warn!(id, "could not release a staged file: {err}"),
            }
            if record.state.is_pending() {
                self.engine.store.unclaim(id, &self.engine.owner).await?;
            }
        }
        Ok(())
    }

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
        Ok(pending
            .into_iter()
            .filter(|(id, remote)| {
                offline.contains_key(remote)
                    && match scope {
                        RunScope::All => true,
                        RunScope::Only(ids) => ids.contains(id),
                    }
            })
            .collect())
    }

    /// Whether work in `scope` is still pending under another runner's live claim.
    async fn waiting_on_others(&self, scope: &RunScope) -> Result<bool, QueueError> {
        let store = &self.engine.store;
        match scope {
            RunScope::All => Ok(store.held_elsewhere(&self.engine.owner).await? > 0),
            RunScope::Only(ids) => {
                for &id in ids {
                    if store.get(id).await?.state.is_pending() {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
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
