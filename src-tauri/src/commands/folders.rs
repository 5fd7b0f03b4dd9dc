//! Downloading whole folders (and whole remotes) from the window, and acting on one as a whole.

use docket_store::queue::QueueAction;
use serde::Deserialize;
use tauri::{AppHandle, State};

use crate::error::IpcError;
use crate::folder_downloads::{FolderDownloadView, FolderRequest};
use crate::notifications::{post, Notice};
use crate::state::ShellState;
use crate::synced_folders::{self, SyncedFolderView};

/// A folder to download: its id on the remote (`None`: the whole remote) and its name.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FolderOrder {
    pub remote: String,
    pub folder_id: Option<String>,
    pub name: String,
}

/// What a person does to a whole folder download: to every transfer of it that the action fits.
#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FolderAction {
    Pause,
    Resume,
    Cancel,
}

/// Starts downloading each folder into the download folder, its tree rebuilt there; answers their ids.
#[tauri::command]
#[specta::specta]
pub async fn download_folders(
    app: AppHandle,
    state: State<'_, ShellState>,
    orders: Vec<FolderOrder>,
) -> Result<Vec<u32>, IpcError> {
    if orders.is_empty() {
        return Err(IpcError::invalid("Select at least one folder to download."));
    }
    let mut ids = Vec::with_capacity(orders.len());
    for order in orders {
        let provider = state.connections.provider(&order.remote)?;
        let request = FolderRequest {
            remote: order.remote,
            folder: order.folder_id,
            name: order.name,
            download_dir: state.download_dir(),
            dest: None,
            keep_versions: state.settings().keep_versions,
        };
        let app = app.clone();
        let id = state
            .folders
            .start(state.folder_context(), provider, request, move |row, _| {
                post(&app, &Notice::FolderDone(row.clone()));
            });
        ids.push(id);
    }
    Ok(ids)
}

#[tauri::command]
#[specta::specta]
pub async fn list_folder_downloads(
    state: State<'_, ShellState>,
) -> Result<Vec<FolderDownloadView>, IpcError> {
    Ok(state.folders.list())
}

/// Pauses, resumes or cancels every transfer of a folder download that the action fits.
#[tauri::command]
#[specta::specta]
pub async fn act_on_folder_download(
    state: State<'_, ShellState>,
    id: u32,
    action: FolderAction,
) -> Result<(), IpcError> {
    let row = state
        .folders
        .find(id)
        .ok_or_else(|| IpcError::invalid("That folder download is not in the list any more."))?;
    let action = match action {
        FolderAction::Pause => QueueAction::Pause,
        FolderAction::Resume => QueueAction::Resume,
        FolderAction::Cancel => QueueAction::Cancel,
    };
    for transfer in row.transfer_ids {
        match state.transfers.act(transfer, action).await {
            // Members already past the action (completed, or paused already) are left as they are.
            Ok(()) => {}
            Err(err) if err.code == crate::error::ErrorCode::InvalidInput => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Keeps a folder in sync: it is downloaded now into the download folder, checked for changes on the server now
/// and then, and synced again with [`sync_synced_folder`].
#[tauri::command]
#[specta::specta]
pub async fn keep_in_sync(
    app: AppHandle,
    state: State<'_, ShellState>,
    order: FolderOrder,
) -> Result<SyncedFolderView, IpcError> {
    synced_folders::keep_in_sync(
        &state,
        &order.remote,
        order.folder_id,
        &order.name,
        move |row| {
            post(&app, &Notice::FolderDone(row.clone()));
        },
    )
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_synced_folders(
    state: State<'_, ShellState>,
) -> Result<Vec<SyncedFolderView>, IpcError> {
    state.synced.list().await
}

/// Looks for changes on the server now (nothing is downloaded).
#[tauri::command]
#[specta::specta]
pub async fn check_synced_folder(
    state: State<'_, ShellState>,
    id: u32,
) -> Result<SyncedFolderView, IpcError> {
    synced_folders::check(&state, i64::from(id)).await
}

/// Syncs the folder now: what is new or changed on the server is downloaded; answers the folder download's id.
#[tauri::command]
#[specta::specta]
pub async fn sync_synced_folder(
    app: AppHandle,
    state: State<'_, ShellState>,
    id: u32,
) -> Result<u32, IpcError> {
    synced_folders::sync_now(&state, i64::from(id), move |row| {
        post(&app, &Notice::FolderDone(row.clone()));
    })
    .await
}

/// Stops keeping the folder in sync; its local copy stays as it is.
#[tauri::command]
#[specta::specta]
pub async fn stop_syncing(state: State<'_, ShellState>, id: u32) -> Result<(), IpcError> {
    state
        .synced
        .store
        .remove(i64::from(id))
        .await
        .map_err(|err| IpcError::internal(err.to_string()))?;
    state.synced.touch();
    Ok(())
}
