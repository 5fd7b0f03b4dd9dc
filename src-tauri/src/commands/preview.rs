//! Previews for the side panel.

use tauri::State;

use crate::error::IpcError;
use crate::preview::{self, PdfBytes, PreviewTarget, PreviewView, RowsPage, ServerFrame};
use crate::state::ShellState;

/// A document's preview: from its downloaded file, else from its first MiB. A CSV table stays open for
/// `preview_rows` until `close_preview`.
#[tauri::command]
#[specta::specta]
pub async fn preview_document(
    state: State<'_, ShellState>,
    remote: String,
    doc_id: String,
    name: String,
) -> Result<PreviewView, IpcError> {
    let target = PreviewTarget {
        remote: &remote,
        doc_id: &doc_id,
        name: &name,
    };
    preview::preview(&state.connections, &state.catalog, &state.previews, target).await
}

/// The whole PDF for pdf.js, as binary: the downloaded file, or a document of at most 8 MiB fetched whole.
#[tauri::command]
#[specta::specta]
pub async fn pdf_document(
    state: State<'_, ShellState>,
    remote: String,
    doc_id: String,
) -> Result<PdfBytes, IpcError> {
    preview::pdf_bytes(&state.connections, &state.catalog, &remote, &doc_id).await
}

/// Up to `count` rows of an open CSV preview, from row `first` (0-based, after the header).
#[tauri::command]
#[specta::specta]
pub async fn preview_rows(
    state: State<'_, ShellState>,
    preview_id: u32,
    first: u64,
    count: u32,
) -> Result<RowsPage, IpcError> {
    preview::rows(&state.previews, preview_id, first, count).await
}

/// Frees an open CSV preview.
#[tauri::command]
#[specta::specta]
pub fn close_preview(state: State<'_, ShellState>, preview_id: u32) {
    state.previews.close(preview_id);
}

/// The server's own preview (Sage Active), for a frame that cannot run scripts, submit forms or reach the network.
#[tauri::command]
#[specta::specta]
pub async fn server_preview(
    state: State<'_, ShellState>,
    remote: String,
    doc_id: String,
) -> Result<Option<ServerFrame>, IpcError> {
    preview::server_preview(&state.connections, &remote, &doc_id).await
}
