//! What the queue keeps about one transfer.

use std::path::PathBuf;

use serde::Serialize;

use super::TransferState;

/// A download to add to the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransfer {
    pub remote: String,
    pub document: String,
    pub version: Option<String>,
    pub dest_dir: PathBuf,
    /// Higher runs first; equal priorities run in queue position order.
    pub priority: i64,
}

/// Where a document of a folder download goes, decided when the folder was planned (see `docket_app::folders`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilePlan {
    /// The file name in `dest_dir`, instead of the one the server gives when downloading. A file found there
    /// is replaced only when it is `replaces_hash`; anything else there is left alone and the transfer fails.
    pub name: String,
    /// `blake3:<hex>` of the earlier copy this download may replace.
    pub replaces_hash: Option<String>,
    /// The name the replaced copy is kept under (versions kept); `None` deletes it.
    pub keep_replaced_as: Option<String>,
    /// What the server said of the document (version, size, modified) when it was planned; recorded with the
    /// download so the next sync can tell whether it changed.
    pub source_signature: Option<String>,
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferRecord {
    pub id: i64,
    pub remote: String,
    pub document: String,
    pub version: Option<String>,
    pub dest_dir: PathBuf,
    /// The name the file gets in `dest_dir` (` (1)` already applied); `None` until the server named it.
    pub file_name: Option<String>,
    /// The partial file in `dest_dir` this transfer owns: recorded before the file is created, so a file a
    /// transfer made is always known to it. `None` when it has none.
    pub partial_name: Option<String>,
    /// Which file the partial is (`dev:ino` on Unix), recorded right after it was created; `None` for a partial
    /// an older Docket made, or one created in the instant before a crash.
    #[serde(skip)]
    pub partial_identity: Option<String>,
    pub state: TransferState,
    pub priority: i64,
    pub position: i64,
    pub bytes_total: Option<u64>,
    pub bytes_done: u64,
    pub attempts: u32,
    pub refreshes: u32,
    pub last_error: Option<String>,
    #[serde(skip)]
    pub validator: Option<String>,
    #[serde(skip)]
    pub staged_handle: Option<String>,
    /// `blake3:<hex>` once completed ([`docket_core::content_hash`]).
    pub content_hash: Option<String>,
    pub saved_path: Option<PathBuf>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    /// Set for a document of a folder download.
    pub plan: Option<FilePlan>,
}

impl TransferRecord {
    /// The final path once the name is fixed.
    pub fn target_path(&self) -> Option<PathBuf> {
        self.file_name.as_ref().map(|name| self.dest_dir.join(name))
    }

    /// Where its partial file is, when it owns one.
    pub fn partial_path(&self) -> Option<PathBuf> {
        self.partial_name
            .as_ref()
            .map(|name| self.dest_dir.join(name))
    }
}
