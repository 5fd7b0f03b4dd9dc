//! Folders (and whole remotes) downloaded from the window: each is a folder sync of the core
//! (`docket_app::folders`) into the download folder, run in the background over the window's transfer queue, and
//! shown as one row with its members' transfers. Downloading the same folder again fetches only what is new or
//! changed, and never overwrites a file changed here.

mod view;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use docket_app::folders::{FolderSync, SyncReport, SyncRequest, WalkLimits};
use docket_core::{sanitize_file_name, Provider};
use docket_store::batches::FolderBatches;
use docket_store::Catalog;
use docket_transfer::{EngineConfig, TransferQueue};
use tokio::sync::Notify;

pub use view::{FolderDownloadState, FolderDownloadView};

/// How often a running folder download looks whether its transfers are done.
const POLL: Duration = Duration::from_millis(300);

/// What a folder download needs from the shell.
#[derive(Clone)]
pub struct FolderDownloadContext {
    pub catalog: Catalog,
    pub batches: FolderBatches,
    pub queue: TransferQueue,
    /// Tells the resident queue there is work.
    pub wake: Arc<dyn Fn() + Send + Sync>,
}

#[derive(Default)]
pub struct FolderDownloads {
    rows: Mutex<Vec<FolderDownloadView>>,
    changed: Notify,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl FolderDownloads {
    pub fn list(&self) -> Vec<FolderDownloadView> {
        lock(&self.rows).clone()
    }

    pub fn find(&self, id: u32) -> Option<FolderDownloadView> {
        lock(&self.rows).iter().find(|r| r.id == id).cloned()
    }

    /// Forgets the rows of folder downloads that ended (done or failed), as "Clear finished" does for transfers:
    /// the files stay where they are, and downloading the folder again still fetches only what changed.
    pub fn clear_finished(&self) {
        lock(&self.rows).retain(|row| {
            !matches!(
                row.state,
                FolderDownloadState::Done | FolderDownloadState::Failed
            )
        });
        self.changed.notify_one();
    }

    /// Resolves when a row changed.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    fn update(&self, id: u32, change: impl FnOnce(&mut FolderDownloadView)) {
        if let Some(row) = lock(&self.rows).iter_mut().find(|r| r.id == id) {
            change(row);
        }
        self.changed.notify_one();
    }

    /// Starts downloading `folder` (a location id; `None`: the whole remote) named `name` into
    /// `download_dir/<name>`; `on_done` hears the finished row.
    pub fn start(
        self: &Arc<Self>,
        context: FolderDownloadContext,
        provider: Arc<dyn Provider>,
        request: FolderRequest,
        on_done: impl FnOnce(&FolderDownloadView, Option<&SyncReport>) + Send + 'static,
    ) -> u32 {
        let dest = request
            .dest
            .clone()
            .unwrap_or_else(|| request.download_dir.join(sanitize_file_name(&request.name)));
        let id = {
            let mut rows = lock(&self.rows);
            let id = rows.iter().map(|r| r.id).max().unwrap_or(0) + 1;
            rows.push(FolderDownloadView::listing(
                id,
                request.remote.clone(),
                request.name.clone(),
                dest.display().to_string(),
            ));
            id
        };
        self.changed.notify_one();
        let downloads = Arc::clone(self);
        let sync = SyncRequest {
            remote: request.remote,
            folder: request.folder,
            dest_root: dest,
            dry_run: false,
            delete: false,
            keep_versions: request.keep_versions,
        };
        tauri::async_runtime::spawn(async move {
            let outcome = downloads.run(id, &context, provider.as_ref(), sync).await;
            match &outcome {
                Ok(report) => downloads.update(id, |row| row.record(report)),
                Err(message) => downloads.update(id, |row| {
                    row.state = FolderDownloadState::Failed;
                    row.message = Some(message.clone());
                }),
            }
            if let Some(row) = downloads.find(id) {
                on_done(&row, outcome.as_ref().ok());
            }
        });
        id
    }

    async fn run(
        &self,
        id: u32,
        context: &FolderDownloadContext,
        provider: &dyn Provider,
        request: SyncRequest,
    ) -> Result<SyncReport, String> {
        let sync = FolderSync {
            provider,
            catalog: &context.catalog,
            batches: context.batches.clone(),
            queue: &context.queue,
            retry: EngineConfig::default().retry,
            limits: WalkLimits::default(),
        };
        let prepared = sync
            .prepare(request, |walked| {
                self.update(id, |row| {
                    row.folders_listed = u32::try_from(walked.folders_listed).unwrap_or(u32::MAX);
                    row.documents_found = u32::try_from(walked.documents_found).unwrap_or(u32::MAX);
                })
            })
            .await
            .map_err(|err| err.to_string())?;
        let ids = prepared.transfer_ids();
        self.update(id, |row| {
            row.state = FolderDownloadState::Downloading;
            row.transfer_ids = ids.clone();
        });
        (context.wake)();
        // The resident queue works them; the batch is done when none is left to run (paused ones wait).
        while context
            .queue
            .store()
            .unfinished_among(&ids)
            .await
            .map_err(|err| err.to_string())?
            > 0
        {
            tokio::time::sleep(POLL).await;
        }
        sync.complete(prepared).await.map_err(|err| err.to_string())
    }
}

/// A folder the window asked for.
pub struct FolderRequest {
    pub remote: String,
    pub folder: Option<String>,
    pub name: String,
    pub download_dir: std::path::PathBuf,
    /// Where its tree goes, when not `download_dir/<name>` (a synced folder keeps its place).
    pub dest: Option<std::path::PathBuf>,
    /// Keep the earlier copy of a document that changed on the server (the setting).
    pub keep_versions: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u32, state: FolderDownloadState) -> FolderDownloadView {
        let mut row = FolderDownloadView::listing(
            id,
            "demo".into(),
            format!("folder {id}"),
            format!("/downloads/folder {id}"),
        );
        row.state = state;
        row
    }

    #[test]
    fn clearing_finished_forgets_done_and_failed_folders_and_keeps_the_running_ones() {
        let downloads = FolderDownloads::default();
        *lock(&downloads.rows) = vec![
            row(1, FolderDownloadState::Done),
            row(2, FolderDownloadState::Listing),
            row(3, FolderDownloadState::Failed),
            row(4, FolderDownloadState::Downloading),
        ];
        downloads.clear_finished();
        let left: Vec<u32> = downloads.list().iter().map(|r| r.id).collect();
        assert_eq!(left, [2, 4]);
    }
}
