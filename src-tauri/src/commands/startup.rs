//! The cold-start probe: the window reports its first painted list, and with `DOCKET_STARTUP_PROBE=1` (the
//! desktop benchmark) the app says so on stdout and quits, so the benchmark can time spawn to first list. With
//! `DOCKET_STARTUP_PROBE=<remote>/<folder>` the window opens that top-level folder and reports its first rows.

use std::io::Write;

use serde::Serialize;
use tauri::AppHandle;

use crate::error::IpcError;

/// What the benchmark waits for on the app's stdout.
pub const PROBE_LINE: &str = "docket-startup-probe: first list painted";

/// The top-level folder the benchmark's probe opens and times.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ProbeFolder {
    pub remote: String,
    pub folder: String,
}

fn probe_requested() -> bool {
    std::env::var("DOCKET_STARTUP_PROBE").is_ok_and(|v| v == "1" || v.contains('/'))
}

/// The folder to open and time instead of the first list, when the app was started with
/// `DOCKET_STARTUP_PROBE=<remote>/<folder>`.
#[tauri::command]
#[specta::specta]
pub fn probe_folder() -> Option<ProbeFolder> {
    let probe = std::env::var("DOCKET_STARTUP_PROBE").ok()?;
    let (remote, folder) = probe.split_once('/')?;
    Some(ProbeFolder {
        remote: remote.to_owned(),
        folder: folder.to_owned(),
    })
}

/// The window painted its first list with rows, `page_ms` after its page started loading; with the folder probe,
/// `folder_ms` after it asked for the probed folder.
#[tauri::command]
#[specta::specta]
pub async fn first_list_painted(
    app: AppHandle,
    page_ms: f64,
    folder_ms: Option<f64>,
) -> Result<(), IpcError> {
    tracing::debug!(page_ms, folder_ms, "first list painted");
    if probe_requested() {
        let mut out = std::io::stdout().lock();
        let _ = match folder_ms {
            Some(folder_ms) => writeln!(
                out,
                "{PROBE_LINE} folder_ms={folder_ms:.1} page_ms={page_ms:.1}"
            ),
            None => writeln!(out, "{PROBE_LINE} page_ms={page_ms:.1}"),
        };
        let _ = out.flush();
        app.exit(0);
    }
    Ok(())
}
