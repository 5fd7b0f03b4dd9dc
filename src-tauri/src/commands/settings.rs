//! Preferences: download folder, concurrency, bandwidth, theme.

use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::IpcError;
use crate::settings::Settings;
use crate::state::ShellState;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    /// The folder downloads go to now (the default one when the settings name none).
    pub effective_download_dir: String,
    /// The running Docket's version: the same as the package's and `docket --version`.
    pub app_version: String,
    /// The most large downloads the settings allow at once.
    pub max_concurrency: u32,
    /// Documents up to this many bytes download beside the large ones, whatever `concurrency` says.
    pub small_transfer_bytes: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, ShellState>) -> Result<SettingsView, IpcError> {
    Ok(SettingsView {
        settings: state.settings(),
        effective_download_dir: state.download_dir().display().to_string(),
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        max_concurrency: crate::settings::MAX_CONCURRENCY,
        // Far below 4 GiB; the window only words it.
        small_transfer_bytes: u32::try_from(docket_app::settings::small_transfer_bytes())
            .unwrap_or(u32::MAX),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    state: State<'_, ShellState>,
    settings: Settings,
) -> Result<SettingsView, IpcError> {
    state.update_settings(settings)?;
    get_settings(state).await
}

/// Asks for a folder with the system's folder picker; `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn pick_download_folder(
    app: AppHandle,
    state: State<'_, ShellState>,
) -> Result<Option<String>, IpcError> {
    let (answer, picked) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Download folder")
        .set_directory(state.download_dir())
        .pick_folder(move |folder| {
            let _ = answer.send(folder);
        });
    let folder = picked
        .await
        .map_err(|_| IpcError::internal("The folder picker closed without an answer."))?;
    let Some(folder) = folder else {
        return Ok(None);
    };
    let path = folder
        .into_path()
        .map_err(|err| IpcError::internal(format!("The picked folder is not usable: {err}")))?;
    // A folder picked in the dialog meets the same rules as a typed one.
    crate::settings::check_download_dir(&path)?;
    Ok(Some(path.display().to_string()))
}
