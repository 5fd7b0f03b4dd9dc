//! Typed events the shell pushes to the window.

use serde::{Deserialize, Serialize};

use crate::folder_downloads::FolderDownloadView;
use crate::synced_folders::SyncedFolderView;
use crate::transfers::TransferView;

/// The whole transfer list, in queue order. Sent at most a few times a second while anything changes.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct TransfersChanged {
    pub transfers: Vec<TransferView>,
}

/// The remotes changed behind the window's back (the demo data rooms were registered at start).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct RemotesChanged;

/// A background refresh found a listing different from the cached one the window shows.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ListingChanged {
    pub remote: String,
    pub location: Option<String>,
}

/// A remote stopped or started answering.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct RemoteReachability {
    pub remote: String,
    pub online: bool,
    pub reason: Option<String>,
}

/// A downloaded file was recorded, or changed on disk outside Docket: the browser's marks may be stale.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct LocalCopiesChanged {
    pub remote: String,
}

/// The folder downloads, whenever one moved on (listing, downloading, done).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct FolderDownloadsChanged {
    pub downloads: Vec<FolderDownloadView>,
}

/// The synced folders, whenever one was added, synced, checked or dropped.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SyncedFoldersChanged {
    pub folders: Vec<SyncedFolderView>,
}
