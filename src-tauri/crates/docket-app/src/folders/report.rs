//! What a sync did (or, dry, would do), for people and for scripts: paths relative to the folder synced into.

use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Planned only: nothing was downloaded or deleted.
    pub dry_run: bool,
    pub added: Vec<String>,
    pub updated: Vec<String>,
    pub unchanged: usize,
    /// Local files left alone: changed here, or not Docket's.
    pub conflicts: Vec<Problem>,
    pub deleted: Vec<String>,
    pub failed: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    pub reason: String,
}

impl SyncReport {
    /// Every document was handled: nothing failed.
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty()
    }
}

/// `path` below `root`, `/`-separated, as reports show it.
pub fn relative(root: &Path, path: &Path) -> String {
    let below = path.strip_prefix(root).unwrap_or(path);
    below
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
