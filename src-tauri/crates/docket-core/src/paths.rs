//! Where Docket keeps its data. The CLI and the desktop app share one data dir.

use std::path::PathBuf;

/// The environment variable that overrides the data dir (tests and portable setups use it).
pub const DATA_DIR_ENV: &str = "DOCKET_DATA_DIR";

/// `DOCKET_DATA_DIR` when set and not empty, else the OS app-data dir (`~/.local/share/docket` on Linux).
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("docket"),
    }
}
