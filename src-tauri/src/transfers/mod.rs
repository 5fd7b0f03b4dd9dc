//! The window's side of the persistent transfer queue: the core keeps it working while the app is open
//! ([`ResidentQueue`]); this turns its rows and progress events into the list the window shows. The queue is built
//! with the catalog, so it records finished files there itself and the browser marks them downloaded.

mod view;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use docket_app::ResidentQueue;
use docket_store::queue::{NewTransfer, QueueAction, TransferState as QueueState};
use docket_store::{QueueError, QueueStore};
use docket_transfer::orphans::{self, OrphanError};
use docket_transfer::{EngineConfig, TransferQueue};
use tokio::sync::{broadcast, Notify};

use crate::error::{ErrorCode, IpcError};
pub use view::{OrphanView, TransferState, TransferView};

/// How often the window hears about progress at most.
const EMIT_INTERVAL: Duration = Duration::from_millis(150);

/// One document to fetch.
#[derive(Debug, Clone)]
pub struct TransferRequest {
    pub remote: String,
    pub doc_id: String,
    pub name: String,
    pub version: Option<String>,
}

pub struct Transfers {
    resident: ResidentQueue,
    store: QueueStore,
    views: Mutex<Vec<TransferView>>,
    /// Names the window gave documents, shown until the server names the file.
    names: Mutex<HashMap<i64, String>>,
    changed: Notify,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn queue_error(err: QueueError) -> IpcError {
    match err {
        QueueError::NotFound(_) => IpcError::new(ErrorCode::NotFound, err.to_string()),
        QueueError::NotAllowed { .. } => IpcError::invalid(err.to_string()),
        QueueError::Database(_) | QueueError::StorageFull | QueueError::Corrupt(_) => {
            IpcError::internal(err.to_string())
        }
    }
}

impl Transfers {
    pub fn new(queue: TransferQueue) -> Arc<Self> {
        Arc::new(Transfers {
            store: queue.store().clone(),
            resident: ResidentQueue::new(queue),
            views: Mutex::new(Vec::new()),
            names: Mutex::new(HashMap::new()),
            changed: Notify::new(),
        })
    }

    pub fn queue(&self) -> &TransferQueue {
        self.resident.queue()
    }

    /// Work was queued behind the window's back (a folder download): the queue looks now, and the list is read
    /// again.
    pub async fn wake(&self) {
        self.refresh().await;
        self.resident.wake();
    }

    /// New limits apply at once, to the running transfers too.
    pub fn reconfigure(&self, config: &EngineConfig) {
        self.resident.reconfigure(config);
    }

    /// Works the queue for as long as the app runs, including what an earlier run left unfinished; the list is
    /// read again whenever a pass ends.
    pub async fn keep_running(self: Arc<Self>) {
        self.resident.keep_running(|| self.refresh()).await;
    }

    /// Merges the engine's progress into the list (the queue itself records finished files in the catalog).
    pub async fn follow_progress(self: Arc<Self>) {
        let mut events = self.queue().subscribe();
        loop {
            match events.recv().await {
                Ok(event) => {
                    let finished = event.state.is_finished() || event.state == QueueState::Paused;
                    {
                        let mut views = lock(&self.views);
                        if let Some(view) = views.iter_mut().find(|v| v.id == event.id) {
                            view.apply(&event);
                        }
                    }
                    self.changed.notify_one();
                    if finished || event.state == QueueState::Queued {
                        self.refresh().await;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => self.refresh().await,
                // The hub lives as long as the queue, which lives as long as the app.
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    /// Calls `publish` with the list whenever it changed, at most every [`EMIT_INTERVAL`]; runs forever.
    pub async fn publish_changes(
        self: Arc<Self>,
        publish: impl Fn(Vec<TransferView>) + Send + 'static,
    ) {
        loop {
            self.changed.notified().await;
            publish(self.list());
            tokio::time::sleep(EMIT_INTERVAL).await;
        }
    }

    /// Reads the queue's rows again, keeping the live speed of transfers that are still moving.
    pub async fn refresh(&self) {
        let records = match self.queue().list().await {
            Ok(records) => records,
            Err(err) => {
                tracing::warn!("could not read the transfer queue: {err}");
                return;
            }
        };
        let names = lock(&self.names).clone();
        let mut views = lock(&self.views);
        let previous: HashMap<i64, TransferView> = views.drain(..).map(|v| (v.id, v)).collect();
        *views = records
            .iter()
            .map(|record| {
                let mut view =
                    TransferView::from_record(record, names.get(&record.id).map(String::as_str));
                if let Some(before) = previous.get(&record.id) {
                    if before.state == view.state && view.state == TransferState::Downloading {
                        view.speed = before.speed;
                        view.eta_seconds = before.eta_seconds;
                        view.bytes_done = view.bytes_done.max(before.bytes_done);
                    }
                }
                view
            })
            .collect();
        drop(views);
        self.changed.notify_one();
    }

    /// The list in run order.
    pub fn list(&self) -> Vec<TransferView> {
        lock(&self.views).clone()
    }

    pub fn find(&self, id: i64) -> Option<TransferView> {
        lock(&self.views).iter().find(|v| v.id == id).cloned()
    }

    /// Queues the documents in order, into `dest_dir`; a document already on its way to that folder continues
    /// from where it is instead of downloading a copy beside it. Returns their ids.
    pub async fn enqueue(
        &self,
        requests: Vec<TransferRequest>,
        dest_dir: &Path,
    ) -> Result<Vec<i64>, IpcError> {
        let queue = self.queue();
        let mut ids = Vec::with_capacity(requests.len());
        for request in requests {
            let id = queue
                .enqueue_or_continue(&NewTransfer {
                    remote: request.remote,
                    document: request.doc_id,
                    version: request.version,
                    dest_dir: dest_dir.to_owned(),
                    priority: 0,
                })
                .await
                .map_err(queue_error)?
                .id();
            lock(&self.names).insert(id, request.name);
            ids.push(id);
        }
        self.refresh().await;
        self.resident.wake();
        Ok(ids)
    }

    pub async fn act(&self, id: i64, action: QueueAction) -> Result<(), IpcError> {
        let queue = self.queue();
        match action {
            QueueAction::Pause => queue.pause(id).await,
            QueueAction::Resume => queue.resume(id).await,
            QueueAction::Cancel => queue.cancel(id).await,
            QueueAction::Retry => queue.retry(id).await,
        }
        .map_err(queue_error)?;
        self.refresh().await;
        self.resident.wake();
        Ok(())
    }

    pub async fn act_on_all(&self, action: QueueAction) -> Result<(), IpcError> {
        self.queue()
            .apply_to_all(action)
            .await
            .map_err(queue_error)?;
        self.refresh().await;
        self.resident.wake();
        Ok(())
    }

    /// Moves `id` to where `before` is (to the end of the queue when `None`).
    pub async fn move_before(&self, id: i64, before: Option<i64>) -> Result<(), IpcError> {
        let position = match before {
            Some(other) => self.store.get(other).await.map_err(queue_error)?.position,
            None => {
                let last = self.store.list().await.map_err(queue_error)?;
                last.iter().map(|r| r.position).max().unwrap_or(0) + 1
            }
        };
        self.queue()
            .move_to(id, position)
            .await
            .map_err(queue_error)?;
        self.refresh().await;
        Ok(())
    }

    /// Deletes every completed, failed and cancelled transfer from the queue (downloaded files stay on disk).
    pub async fn clear_finished(&self) -> Result<(), IpcError> {
        self.queue().clear_finished().await.map_err(queue_error)?;
        self.refresh().await;
        Ok(())
    }

    /// The `.docket-part` files in the download folders (the queue's and `download_dir`) that no transfer owns.
    pub async fn orphan_partials(&self, download_dir: &Path) -> Result<Vec<OrphanView>, IpcError> {
        let found = self
            .queue()
            .orphan_partials(&[download_dir.to_owned()])
            .await
            .map_err(queue_error)?;
        Ok(found.into_iter().map(OrphanView::from).collect())
    }

    /// Removes one of the files [`Transfers::orphan_partials`] reports; any other path is refused.
    pub async fn remove_orphan_partial(
        &self,
        path: &Path,
        download_dir: &Path,
    ) -> Result<(), IpcError> {
        self.queue()
            .remove_orphan_partial(path, &[download_dir.to_owned()])
            .await
            .map_err(|err| match err {
                OrphanError::Queue(err) => queue_error(err),
                refused => IpcError::invalid(refused.to_string()),
            })
    }

    /// The folder that holds one of the files [`Transfers::orphan_partials`] reports; any other path is refused.
    pub async fn orphan_folder(
        &self,
        path: &Path,
        download_dir: &Path,
    ) -> Result<PathBuf, IpcError> {
        let orphan = orphans::reported(self.store(), path, &[download_dir.to_owned()])
            .await
            .map_err(|err| match err {
                OrphanError::Queue(err) => queue_error(err),
                refused => IpcError::invalid(refused.to_string()),
            })?;
        Ok(orphan
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(orphan.path))
    }

    fn store(&self) -> &QueueStore {
        &self.store
    }

    /// Takes one transfer out of the queue: cancelled first when unfinished (its partial file removed); a
    /// completed file stays on disk.
    pub async fn remove(&self, id: i64) -> Result<(), IpcError> {
        self.queue().remove(id).await.map_err(queue_error)?;
        lock(&self.names).remove(&id);
        self.refresh().await;
        self.resident.wake();
        Ok(())
    }
}
