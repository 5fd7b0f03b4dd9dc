//! Browsing a remote: folders, search, a document's versions.

use docket_core::DocRef;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::IpcError;
use crate::listing::{self, EntryView, Listing};
use crate::listing_pages::ListingPage;
use crate::state::ShellState;

/// The entries at `location` (the remote's top level when `None`), from the cache when it has them; a folder
/// never listed answers at once with no entries (`complete: false`) and its rows follow through `pages`.
#[tauri::command]
#[specta::specta]
pub async fn list_folder(
    state: State<'_, ShellState>,
    remote: String,
    location: Option<String>,
    pages: Channel<ListingPage>,
) -> Result<Listing, IpcError> {
    listing::list(&state.connections, &state.catalog, &remote, location, pages).await
}

/// Documents and folders whose name contains every word of `query`, on `remote` or (when `None`) everywhere
/// Docket has browsed.
#[tauri::command]
#[specta::specta]
pub async fn search_documents(
    state: State<'_, ShellState>,
    remote: Option<String>,
    query: String,
) -> Result<Vec<EntryView>, IpcError> {
    listing::search(&state.catalog, remote, &query).await
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    pub id: String,
    pub label: String,
    pub size: Option<u64>,
    pub modified: Option<String>,
}

/// A document's versions, newest first; empty where the server keeps none.
#[tauri::command]
#[specta::specta]
pub async fn document_versions(
    state: State<'_, ShellState>,
    remote: String,
    doc_id: String,
) -> Result<Vec<VersionView>, IpcError> {
    let provider = state.connections.provider(&remote)?;
    let versions = provider
        .versions(&DocRef::new(doc_id))
        .await
        .map_err(|err| IpcError::from_provider(&remote, &err))?;
    Ok(versions
        .into_iter()
        .map(|v| VersionView {
            id: v.id,
            label: v.label,
            size: v.size,
            modified: v.modified,
        })
        .collect())
}
