//! What the window shows of one folder download: the folder, where it goes, how far the walk and the downloads
//! are, and what the finished sync reported.

use docket_app::folders::SyncReport;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FolderDownloadState {
    /// Listing the folder's tree on the server.
    Listing,
    /// Its documents are in the download queue.
    Downloading,
    Done,
    /// It could not go on (the reason is in `message`); what was saved stays, and downloading again goes on.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FolderDownloadView {
    pub id: u32,
    pub remote: String,
    /// The folder's name as the server gives it (the remote's name for a whole remote).
    pub name: String,
    /// The local folder its tree is rebuilt in.
    pub dest: String,
    pub state: FolderDownloadState,
    pub folders_listed: u32,
    pub documents_found: u32,
    /// The queue's transfers of its documents (their rows carry bytes and states).
    pub transfer_ids: Vec<i64>,
    /// Documents already here and unchanged, not downloaded again.
    pub unchanged: u32,
    pub added: u32,
    pub updated: u32,
    /// Local files left alone (changed here, or not Docket's).
    pub conflicts: u32,
    pub failed: u32,
    pub message: Option<String>,
}

impl FolderDownloadView {
    /// A folder download just started: listing its tree, nothing counted yet.
    pub fn listing(id: u32, remote: String, name: String, dest: String) -> Self {
        FolderDownloadView {
            id,
            remote,
            name,
            dest,
            state: FolderDownloadState::Listing,
            folders_listed: 0,
            documents_found: 0,
            transfer_ids: Vec::new(),
            unchanged: 0,
            added: 0,
            updated: 0,
            conflicts: 0,
            failed: 0,
            message: None,
        }
    }

    pub fn record(&mut self, report: &SyncReport) {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.state = FolderDownloadState::Done;
        self.unchanged = count(report.unchanged);
        self.added = count(report.added.len());
        self.updated = count(report.updated.len());
        self.conflicts = count(report.conflicts.len());
        self.failed = count(report.failed.len());
    }
}
