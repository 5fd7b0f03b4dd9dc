//! The transfer queue as the CLI and the app use it: enqueue, pause, resume, cancel, retry, reprioritise and
//! reorder; `run` works it (or some of it) until nothing is left, honouring every limit, resuming what a
//! previous run left unfinished and releasing what it left staged.

use std::sync::Arc;
use std::time::Duration;

use docket_store::queue::{
    FilePlan, NewTransfer, Placement, QueueAction, QueuedPlan, TransferRecord, TransferState,
};
use docket_store::{Catalog, QueueError, QueueStore};
use tokio::sync::broadcast;

use crate::config::EngineConfig;
use crate::engine::{Control, Engine, ProviderDirectory};
use crate::limits::QueueLimits;
use crate::orphans::{self, OrphanError, OrphanPartial};
use crate::progress::TransferEvent;
use crate::settle::{discard_partial, JobEnd};

mod run_loop;

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
        self.enqueue_or_continue_as(transfer, None).await
    }

    /// Like [`TransferQueue::enqueue_or_continue`], for a document of a folder download with its `plan`.
    pub async fn enqueue_planned_or_continue(
        &self,
        transfer: &NewTransfer,
        plan: &FilePlan,
    ) -> Result<Enqueued, QueueError> {
        self.enqueue_or_continue_as(transfer, Some(plan)).await
    }

    /// [`TransferQueue::enqueue_planned_or_continue`] for many documents at once, in one transaction; the
    /// answers are in the order of `planned`.
    pub async fn enqueue_planned_many(
        &self,
        planned: &[(NewTransfer, FilePlan)],
    ) -> Result<Vec<Enqueued>, QueueError> {
        let store = &self.engine.store;
        store.mark_interrupted().await?;
        let mut answers = Vec::with_capacity(planned.len());
        for queued in store.enqueue_planned_many(planned).await? {
            answers.push(match queued {
                QueuedPlan::New(id) => Enqueued::New(id),
                QueuedPlan::Continues(earlier) => {
                    match earlier.state {
                        TransferState::Paused => self.resume(earlier.id).await?,
                        TransferState::Failed | TransferState::Cancelled => {
                            self.retry(earlier.id).await?
                        }
                        _ => {}
                    }
                    Enqueued::Continued(earlier)
                }
            });
        }
        Ok(answers)
    }

    async fn enqueue_or_continue_as(
        &self,
        transfer: &NewTransfer,
        plan: Option<&FilePlan>,
    ) -> Result<Enqueued, QueueError> {
        let store = &self.engine.store;
        store.mark_interrupted().await?;
        let Some(earlier) = store.find_unfinished(transfer).await? else {
            let id = match plan {
                Some(plan) => store.enqueue_planned(transfer, plan).await?,
                None => store.enqueue(transfer).await?,
            };
            return Ok(Enqueued::New(id));
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
                // A running transfer removes its partial file itself as it stops; stopping drops requests in
                // flight, so this is quick unless the machine is very busy.
                for _ in 0..1200 {
                    if !self.engine.is_active(id) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                // A run that had ended as paused just before the cancel reached it kept its partial file.
                let now = self.engine.store.get(id).await?;
                if now.state == TransferState::Cancelled && !self.engine.is_active(id) {
                    discard_partial(&self.engine.store, &now).await?;
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
}
