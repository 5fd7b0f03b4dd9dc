//! The cold-start probe: the window reports its first painted list, and with `DOCKET_STARTUP_PROBE=1` (the
//! desktop benchmark) the app says so on stdout and quits, so the benchmark can time spawn to first list.

use std::io::Write;

use tauri::AppHandle;

use crate::error::IpcError;

/// What the benchmark waits for on the app's stdout.
pub const PROBE_LINE: &str = "docket-startup-probe: first list painted";

fn probe_requested() -> bool {
    std::env::var("DOCKET_STARTUP_PROBE").is_ok_and(|v| v == "1")
}

/// The window painted its first list with rows, `page_ms` after its page started loading.
#[tauri::command]
#[specta::specta]
pub async fn first_list_painted(app: AppHandle, page_ms: f64) -> Result<(), IpcError> {
    tracing::debug!(page_ms, "first list painted");
    if probe_requested() {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{PROBE_LINE} page_ms={page_ms:.1}");
        let _ = out.flush();
        app.exit(0);
    }
    Ok(())
}
