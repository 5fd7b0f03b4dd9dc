//! What the window shows of one transfer.

use docket_store::queue::{TransferRecord, TransferState as QueueState};
use docket_transfer::TransferEvent;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    Queued,
    /// Asking the server for a link or staging the file.
    Preparing,
    /// The server is still preparing the file (an Ansarada job PENDING or PROCESSING).
    WaitingForServer,
    Downloading,
    /// A link, ticket or token expired mid-transfer; a fresh one is being fetched before bytes flow again.
    RefreshingLink,
    /// Checking the finished bytes against their checksum.
    Verifying,
    /// Left mid-work by a Docket process that was killed or crashed; it resumes from its partial file.
    Interrupted,
    Paused,
    Completed,
    Failed,
    Cancelled,
}

impl From<QueueState> for TransferState {
    fn from(state: QueueState) -> Self {
        match state {
            QueueState::Queued => TransferState::Queued,
            QueueState::Preparing => TransferState::Preparing,
            QueueState::WaitingForServer => TransferState::WaitingForServer,
            QueueState::Downloading => TransferState::Downloading,
            QueueState::Refreshing => TransferState::RefreshingLink,
            QueueState::Verifying => TransferState::Verifying,
            QueueState::Interrupted => TransferState::Interrupted,
            QueueState::Paused => TransferState::Paused,
            QueueState::Completed => TransferState::Completed,
            QueueState::Failed => TransferState::Failed,
            QueueState::Cancelled => TransferState::Cancelled,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    pub id: i64,
    pub remote: String,
    pub doc_id: String,
    pub name: String,
    pub version: Option<String>,
    pub state: TransferState,
    pub bytes_done: u64,
    pub bytes_total: Option<u64>,
    /// Bytes per second, smoothed; 0 when nothing moves.
    pub speed: u64,
    pub eta_seconds: Option<u64>,
    /// What the server said when the transfer failed, or what it is doing while the transfer waits.
    pub message: Option<String>,
    /// Where the finished file is.
    pub path: Option<String>,
    /// Queue position; drag-and-drop moves a transfer to another one's position.
    pub position: i64,
    /// How many times a link was minted again after it expired.
    pub refreshes: u32,
    /// Unix ms when it completed, failed or was cancelled.
    pub finished_at: Option<i64>,
}

impl TransferView {
    pub fn from_record(record: &TransferRecord, name: Option<&str>) -> Self {
        let fallback = record
            .document
            .rsplit('/')
            .next()
            .unwrap_or(&record.document)
            .to_owned();
        TransferView {
            id: record.id,
            remote: record.remote.clone(),
            doc_id: record.document.clone(),
            name: record
                .file_name
                .clone()
                .or_else(|| name.map(str::to_owned))
                .unwrap_or(fallback),
            version: record.version.clone(),
            state: record.state.into(),
            bytes_done: record.bytes_done,
            bytes_total: record.bytes_total,
            speed: 0,
            eta_seconds: None,
            message: record.last_error.clone(),
            path: record.saved_path.as_ref().map(|p| p.display().to_string()),
            position: record.position,
            refreshes: record.refreshes,
            finished_at: record.finished_at,
        }
    }

    /// Live progress from the engine on top of the stored row.
    pub fn apply(&mut self, event: &TransferEvent) {
        self.state = event.state.into();
        self.bytes_done = event.bytes_done;
        if event.bytes_total.is_some() {
            self.bytes_total = event.bytes_total;
        }
        self.speed = event.bytes_per_sec;
        self.eta_seconds = event.eta_secs;
        if event.message.is_some() || self.state != TransferState::Failed {
            self.message = event.message.clone();
        }
    }
}

/// A `.docket-part` file in a download folder that no transfer owns, as the downloads panel lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OrphanView {
    pub path: String,
    pub name: String,
    pub bytes: u64,
    /// Unix ms of its last change.
    pub modified_at: Option<i64>,
    /// A symlink or anything else but a regular file: Docket never made it.
    pub not_a_file: bool,
}

impl From<docket_transfer::orphans::OrphanPartial> for OrphanView {
    fn from(orphan: docket_transfer::orphans::OrphanPartial) -> Self {
        OrphanView {
            name: orphan
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: orphan.path.display().to_string(),
            bytes: orphan.bytes,
            modified_at: orphan.modified_ms,
            not_a_file: orphan.not_a_file,
        }
    }
}
