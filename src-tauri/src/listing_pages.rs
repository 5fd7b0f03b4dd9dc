//! A folder never listed before reaches the window page by page, as the server hands the pages out: the first
//! rows paint while the rest are still coming. The catalog caches the listing only once its last page arrived.

use std::collections::HashMap;

use docket_core::Entry;
use docket_store::catalog::PageListener;
use docket_store::{Catalog, CatalogError, ListingDiff, LocalCopy};
use serde::Serialize;
use tauri::ipc::Channel;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::error::IpcError;
use crate::listing::{timed_out, view, EntryView, LIST_TIMEOUT};

/// What the `pages` channel of `list_folder` carries, in order: rows, then one `Complete` or `Failed`.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ListingPage {
    /// The next page of the listing, in the server's order.
    Rows { entries: Vec<EntryView> },
    /// The last page arrived and the listing is cached. `changed`: a `ListingChanged` event for it follows.
    Complete { changed: bool },
    /// The listing stopped before its last page; nothing of it was cached.
    Failed { error: IpcError },
}

/// The pages a refresh fetches, as they arrive: the listener to hand the catalog, and where its pages land.
/// Pages are copied only while someone still reads them.
pub fn listener() -> (PageListener, mpsc::UnboundedReceiver<Vec<Entry>>) {
    let (arrived, pages) = mpsc::unbounded_channel();
    let listener: PageListener = std::sync::Arc::new(move |page: &[Entry]| {
        if !arrived.is_closed() {
            let _ = arrived.send(page.to_vec());
        }
    });
    (listener, pages)
}

/// Sends every page of `refresh` to the window as it arrives, then how the listing ended. A server silent for
/// longer than [`LIST_TIMEOUT`] between two pages is reported as unreachable.
pub fn forward(
    catalog: Catalog,
    remote: String,
    mut arrived: mpsc::UnboundedReceiver<Vec<Entry>>,
    refresh: JoinHandle<Result<ListingDiff, CatalogError>>,
    pages: Channel<ListingPage>,
) {
    tokio::spawn(async move {
        let copies: HashMap<String, LocalCopy> =
            catalog.local_copies(&remote).await.unwrap_or_default();
        loop {
            match tokio::time::timeout(LIST_TIMEOUT, arrived.recv()).await {
                Ok(Some(page)) => {
                    let entries = page
                        .into_iter()
                        .map(|entry| view(entry, &copies, None, None))
                        .collect();
                    if pages.send(ListingPage::Rows { entries }).is_err() {
                        return; // the window went away; the refresh still completes the cache
                    }
                }
                // The listener is dropped when the refresh ended, after its last page.
                Ok(None) => break,
                Err(_) => {
                    let _ = pages.send(ListingPage::Failed {
                        error: timed_out(&remote),
                    });
                    return;
                }
            }
        }
        let end = match refresh.await {
            Ok(Ok(diff)) => ListingPage::Complete {
                changed: !diff.is_empty(),
            },
            Ok(Err(err)) => ListingPage::Failed { error: err.into() },
            Err(err) => ListingPage::Failed {
                error: IpcError::internal(format!("The listing stopped: {err}")),
            },
        };
        let _ = pages.send(end);
    });
}
