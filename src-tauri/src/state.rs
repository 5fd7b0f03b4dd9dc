//! What the shell keeps between commands.

use std::path::PathBuf;

pub struct ShellState {
    pub data_dir: PathBuf,
}

impl ShellState {
    /// The same data dir as the `docket` CLI: `DOCKET_DATA_DIR` when set, else the OS app-data dir.
    pub fn from_environment() -> Self {
        ShellState {
            data_dir: docket_core::paths::data_dir(),
        }
    }
}
