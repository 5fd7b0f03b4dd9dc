//! Opening downloaded files with the system: the default app, or the folder that holds them. Only files Docket
//! downloaded are opened (found by transfer or in the catalog), never a path the window sends.

use std::path::PathBuf;

use tauri::State;

use crate::error::{ErrorCode, IpcError};
use crate::state::ShellState;

/// Which downloaded file: one transfer's, or the newest local copy of a document.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(tag = "by", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum DownloadedFile {
    Transfer { id: i64 },
    Document { remote: String, doc_id: String },
}

async fn locate(state: &ShellState, file: DownloadedFile) -> Result<PathBuf, IpcError> {
    let path = match file {
        DownloadedFile::Transfer { id } => state
            .transfers
            .find(id)
            .and_then(|t| t.path)
            .map(PathBuf::from),
        DownloadedFile::Document { remote, doc_id } => state
            .catalog
            .local_copy(&remote, &doc_id)
            .await?
            .map(|copy| copy.path),
    }
    .ok_or_else(|| IpcError::invalid("This document has not been downloaded yet."))?;
    if !path.exists() {
        return Err(IpcError::new(
            ErrorCode::NotFound,
            format!(
                "{} is no longer there: it was moved or deleted.",
                path.display()
            ),
        ));
    }
    Ok(path)
}

/// Opens a downloaded file with the system's default app for its type.
#[tauri::command]
#[specta::specta]
pub async fn open_downloaded(
    state: State<'_, ShellState>,
    file: DownloadedFile,
) -> Result<(), IpcError> {
    let path = locate(&state, file).await?;
    open::that_detached(&path)
        .map_err(|err| IpcError::internal(format!("Could not open {}: {err}", path.display())))
}

/// Shows the folder that holds a downloaded file.
#[tauri::command]
#[specta::specta]
pub async fn reveal_downloaded(
    state: State<'_, ShellState>,
    file: DownloadedFile,
) -> Result<(), IpcError> {
    let path = locate(&state, file).await?;
    let folder = path.parent().map(PathBuf::from).unwrap_or(path);
    open::that_detached(&folder)
        .map_err(|err| IpcError::internal(format!("Could not show {}: {err}", folder.display())))
}
