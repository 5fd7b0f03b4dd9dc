//! Folders kept in sync from the window: added with "Keep in sync" (which downloads the folder), checked for
//! changes on the server now and then and on request (a dry run: nothing is downloaded), and synced again with
//! "Sync now". The badge counts what the last check found new or changed; documents whose last download failed are
//! not counted again until they change.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use docket_app::folders::{FolderSync, SyncReport, SyncRequest, WalkLimits};
use docket_core::sanitize_file_name;
use docket_store::queue::TransferState;
use docket_store::synced::{SyncedFolder, SyncedFolders};
use docket_transfer::EngineConfig;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::error::IpcError;
use crate::folder_downloads::{FolderDownloadView, FolderRequest};
use crate::notifications::{post, Notice};
use crate::state::ShellState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncedFolderView {
    pub id: u32,
    pub remote: String,
    pub name: String,
    pub dest: String,
    /// Unix ms.
    pub synced_at: Option<i64>,
    pub checked_at: Option<i64>,
    /// New on the server since the last sync (paths below `dest`).
    pub new_paths: Vec<String>,
    /// Changed on the server since the last sync.
    pub changed_paths: Vec<String>,
}

impl From<SyncedFolder> for SyncedFolderView {
    fn from(folder: SyncedFolder) -> Self {
        SyncedFolderView {
            id: u32::try_from(folder.id).unwrap_or(u32::MAX),
            remote: folder.remote,
            name: folder.name,
            dest: folder.dest_root.display().to_string(),
            synced_at: folder.synced_at,
            checked_at: folder.checked_at,
            new_paths: folder.new_paths,
            changed_paths: folder.changed_paths,
        }
    }
}

/// The synced folders and who wants to hear when they change.
pub struct SyncedFolderList {
    pub store: SyncedFolders,
    changed: Notify,
}

impl SyncedFolderList {
    pub fn new(store: SyncedFolders) -> Self {
        SyncedFolderList {
            store,
            changed: Notify::new(),
        }
    }

    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    pub fn touch(&self) {
        self.changed.notify_one();
    }

    pub async fn list(&self) -> Result<Vec<SyncedFolderView>, IpcError> {
        let folders = self.store.list().await.map_err(queue_error)?;
        Ok(folders.into_iter().map(SyncedFolderView::from).collect())
    }
}

fn queue_error(err: docket_store::QueueError) -> IpcError {
    IpcError::internal(err.to_string())
}

/// Keeps `folder` of `remote` in sync into the download folder, and downloads it now.
pub async fn keep_in_sync(
    state: &ShellState,
    remote: &str,
    folder: Option<String>,
    name: &str,
    on_done: impl FnOnce(&FolderDownloadView) + Send + 'static,
) -> Result<SyncedFolderView, IpcError> {
    let dest = state.download_dir().join(sanitize_file_name(name));
    let synced = state
        .synced
        .store
        .add(remote, folder.as_deref(), name, &dest)
        .await
        .map_err(queue_error)?;
    state.synced.touch();
    sync_now(state, synced.id, on_done).await?;
    Ok(synced.into())
}

/// Syncs a synced folder now; when done, its badge counts only what could not be downloaded.
pub async fn sync_now(
    state: &ShellState,
    id: i64,
    on_done: impl FnOnce(&FolderDownloadView) + Send + 'static,
) -> Result<u32, IpcError> {
    let synced = state.synced.store.get(id).await.map_err(queue_error)?;
    let provider = state.connections.provider(&synced.remote)?;
    let request = FolderRequest {
        remote: synced.remote.clone(),
        folder: synced.folder.clone(),
        name: synced.name.clone(),
        download_dir: state.download_dir(),
        dest: Some(synced.dest_root.clone()),
        keep_versions: state.settings().keep_versions,
    };
    let list = Arc::clone(&state.synced);
    Ok(state.folders.start(
        state.folder_context(),
        provider,
        request,
        move |row, report| {
            let left: Vec<String> = report
                .map(|r| r.failed.iter().map(|p| p.path.clone()).collect())
                .unwrap_or_default();
            let list = Arc::clone(&list);
            tauri::async_runtime::spawn(async move {
                if let Err(err) = list.store.record_sync(id, &left).await {
                    tracing::warn!(id, "could not record the sync: {err}");
                }
                list.touch();
            });
            on_done(row);
        },
    ))
}

/// Looks for changes on the server (a dry run) and records what is new and changed; answers the folder as now.
pub async fn check(state: &ShellState, id: i64) -> Result<SyncedFolderView, IpcError> {
    let synced = state.synced.store.get(id).await.map_err(queue_error)?;
    let provider = state.connections.provider(&synced.remote)?;
    let context = state.folder_context();
    let sync = FolderSync {
        provider: provider.as_ref(),
        catalog: &context.catalog,
        batches: context.batches.clone(),
        queue: &context.queue,
        retry: EngineConfig::default().retry,
        limits: WalkLimits::default(),
    };
    let request = SyncRequest {
        remote: synced.remote.clone(),
        folder: synced.folder.clone(),
        dest_root: synced.dest_root.clone(),
        dry_run: true,
        delete: false,
        keep_versions: false,
    };
    let prepared = sync
        .prepare(request, |_| {})
        .await
        .map_err(|err| IpcError::internal(err.to_string()))?;
    let report = sync
        .complete(prepared)
        .await
        .map_err(|err| IpcError::internal(err.to_string()))?;
    let failed_before = failed_paths(state, &synced).await?;
    let (new_paths, changed_paths) = changes(&report, &failed_before);
    state
        .synced
        .store
        .record_check(id, &new_paths, &changed_paths)
        .await
        .map_err(queue_error)?;
    state.synced.touch();
    Ok(state
        .synced
        .store
        .get(id)
        .await
        .map_err(queue_error)?
        .into())
}

/// What a dry run's report says is new and changed, less the documents whose last download failed.
fn changes(report: &SyncReport, failed_before: &BTreeSet<String>) -> (Vec<String>, Vec<String>) {
    let new_paths = report
        .added
        .iter()
        .filter(|p| !failed_before.contains(*p))
        .cloned()
        .collect();
    (new_paths, report.updated.clone())
}

/// The paths below the folder whose newest download failed.
async fn failed_paths(
    state: &ShellState,
    synced: &SyncedFolder,
) -> Result<BTreeSet<String>, IpcError> {
    let transfers = state
        .transfers
        .queue()
        .store()
        .planned_below(&synced.remote, &synced.dest_root)
        .await
        .map_err(queue_error)?;
    let mut newest: HashMap<PathBuf, TransferState> = HashMap::new();
    for transfer in &transfers {
        if let Some(plan) = &transfer.plan {
            newest.insert(transfer.dest_dir.join(&plan.name), transfer.state);
        }
    }
    Ok(newest
        .into_iter()
        .filter(|(_, state)| *state == TransferState::Failed)
        .map(|(path, _)| docket_app::folders::report::relative(&synced.dest_root, &path))
        .collect())
}

/// How often the synced folders are checked for changes on the server.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Checks every synced folder soon after start and then every [`CHECK_EVERY`]; a check that finds more new or
/// changed documents than the one before says so in a notification.
pub async fn check_now_and_then<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Manager;
    tokio::time::sleep(std::time::Duration::from_secs(20)).await;
    loop {
        if let Some(state) = app.try_state::<ShellState>() {
            let folders = state.synced.store.list().await.unwrap_or_default();
            for folder in folders {
                let before = folder.new_paths.len() + folder.changed_paths.len();
                match check(&state, folder.id).await {
                    Ok(now) if now.new_paths.len() + now.changed_paths.len() > before => {
                        post(
                            &app,
                            &Notice::SyncedChanges {
                                name: now.name.clone(),
                                new: now.new_paths.len(),
                                changed: now.changed_paths.len(),
                            },
                        );
                    }
                    Ok(_) => {}
                    Err(err) => tracing::info!(
                        folder = folder.id,
                        "could not check for changes: {}",
                        err.message
                    ),
                }
            }
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
