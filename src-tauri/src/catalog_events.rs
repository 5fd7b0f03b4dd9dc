//! Forwards the catalog's events to the window as typed events.

use docket_store::{Catalog, CatalogEvent};
use tauri::AppHandle;
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

use crate::events::{ListingChanged, LocalCopiesChanged, RemoteReachability};

pub async fn forward(catalog: Catalog, app: AppHandle) {
    let mut events = catalog.subscribe();
    loop {
        let sent = match events.recv().await {
            Ok(CatalogEvent::ListingChanged {
                remote, location, ..
            }) => ListingChanged {
                remote,
                location: location.0,
            }
            .emit(&app),
            Ok(CatalogEvent::RemoteOffline { remote, reason }) => RemoteReachability {
                remote,
                online: false,
                reason: Some(reason),
            }
            .emit(&app),
            Ok(CatalogEvent::RemoteOnline { remote }) => RemoteReachability {
                remote,
                online: true,
                reason: None,
            }
            .emit(&app),
            Ok(CatalogEvent::DownloadRecorded { remote, .. })
            | Ok(CatalogEvent::LocalCopyChanged { remote, .. }) => {
                LocalCopiesChanged { remote }.emit(&app)
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "the window missed catalog events");
                Ok(())
            }
            Err(RecvError::Closed) => return,
        };
        if let Err(err) = sent {
            tracing::debug!("could not tell the window: {err}");
        }
    }
}
