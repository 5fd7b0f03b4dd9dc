//! The download queue: start, pause, resume, cancel, retry, reorder, clear.

use docket_store::queue::QueueAction;
use serde::Deserialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::ShellState;
use crate::transfers::{OrphanView, TransferRequest, TransferView};

/// One document the window asks to download.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DownloadOrder {
    pub remote: String,
    pub doc_id: String,
    pub name: String,
    pub version: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_transfers(state: State<'_, ShellState>) -> Result<Vec<TransferView>, IpcError> {
    state.transfers.refresh().await;
    Ok(state.transfers.list())
}

/// Queues the documents in the order given, into the download folder; returns their transfer ids.
#[tauri::command]
#[specta::specta]
pub async fn start_downloads(
    state: State<'_, ShellState>,
    orders: Vec<DownloadOrder>,
) -> Result<Vec<i64>, IpcError> {
    if orders.is_empty() {
        return Err(IpcError::invalid(
            "Select at least one document to download.",
        ));
    }
    let requests = orders
        .into_iter()
        .map(|o| TransferRequest {
            remote: o.remote,
            doc_id: o.doc_id,
            name: o.name,
            version: o.version,
        })
        .collect();
    state
        .transfers
        .enqueue(requests, &state.download_dir())
        .await
}

/// Pauses a transfer; a running one keeps its partial file and resumes from it.
#[tauri::command]
#[specta::specta]
pub async fn pause_transfer(state: State<'_, ShellState>, id: i64) -> Result<(), IpcError> {
    state.transfers.act(id, QueueAction::Pause).await
}

#[tauri::command]
#[specta::specta]
pub async fn resume_transfer(state: State<'_, ShellState>, id: i64) -> Result<(), IpcError> {
    state.transfers.act(id, QueueAction::Resume).await
}

/// Cancels a transfer and removes its partial file.
#[tauri::command]
#[specta::specta]
pub async fn cancel_transfer(state: State<'_, ShellState>, id: i64) -> Result<(), IpcError> {
    state.transfers.act(id, QueueAction::Cancel).await
}

/// Queues a failed or cancelled transfer again.
#[tauri::command]
#[specta::specta]
pub async fn retry_transfer(state: State<'_, ShellState>, id: i64) -> Result<(), IpcError> {
    state.transfers.act(id, QueueAction::Retry).await
}

/// Moves a transfer to where `before` stands in the queue (to the end when `None`).
#[tauri::command]
#[specta::specta]
pub async fn move_transfer(
    state: State<'_, ShellState>,
    id: i64,
    before: Option<i64>,
) -> Result<(), IpcError> {
    state.transfers.move_before(id, before).await
}

#[tauri::command]
#[specta::specta]
pub async fn pause_all_transfers(state: State<'_, ShellState>) -> Result<(), IpcError> {
    state.transfers.act_on_all(QueueAction::Pause).await
}

#[tauri::command]
#[specta::specta]
pub async fn resume_all_transfers(state: State<'_, ShellState>) -> Result<(), IpcError> {
    state.transfers.act_on_all(QueueAction::Resume).await
}

/// Deletes completed, failed and cancelled transfers from the queue, and the rows of folder downloads that ended
/// (downloaded files stay where they are).
#[tauri::command]
#[specta::specta]
pub async fn clear_finished_transfers(state: State<'_, ShellState>) -> Result<(), IpcError> {
    state.transfers.clear_finished().await?;
    state.folders.clear_finished();
    Ok(())
}

/// Takes a transfer out of the queue, cancelling it first when unfinished (its partial file is removed; a
/// completed file stays on disk).
#[tauri::command]
#[specta::specta]
pub async fn remove_transfer(state: State<'_, ShellState>, id: i64) -> Result<(), IpcError> {
    state.transfers.remove(id).await
}

/// The partial files in the download folders that no transfer owns (left by a crash of an older Docket, or by
/// another data dir); Docket never reuses them.
#[tauri::command]
#[specta::specta]
pub async fn list_orphan_partials(
    state: State<'_, ShellState>,
) -> Result<Vec<OrphanView>, IpcError> {
    state.transfers.orphan_partials(&state.download_dir()).await
}

/// Deletes one of the files `list_orphan_partials` reports (any other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn remove_orphan_partial(
    state: State<'_, ShellState>,
    path: String,
) -> Result<(), IpcError> {
    state
        .transfers
        .remove_orphan_partial(std::path::Path::new(&path), &state.download_dir())
        .await
}

/// Shows the folder of one of the files `list_orphan_partials` reports (any other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn reveal_orphan_partial(
    state: State<'_, ShellState>,
    path: String,
) -> Result<(), IpcError> {
    let folder = state
        .transfers
        .orphan_folder(std::path::Path::new(&path), &state.download_dir())
        .await?;
    open::that_detached(&folder)
        .map_err(|err| IpcError::internal(format!("Could not show {}: {err}", folder.display())))
}
