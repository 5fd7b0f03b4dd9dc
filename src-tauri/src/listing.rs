//! Browsing as the window sees it, through the catalog: a folder answers from the cache at once while the server
//! is asked again in the background (the window hears `ListingChanged` when that changed anything); a folder
//! never seen arrives page by page (`listing_pages`). Search reads the catalog, so it works offline.

use std::collections::HashMap;
use std::time::Duration;

use docket_core::{Capabilities, Entry, EntryKind, Location};
use docket_store::{Catalog, LocalCopy, LocalState, SearchQuery};
use serde::Serialize;
use tauri::ipc::Channel;

use crate::connections::Connections;
use crate::error::{ErrorCode, IpcError};
use crate::listing_pages::{self, ListingPage};

/// A server silent for longer than this while listing is reported as unreachable.
pub(crate) const LIST_TIMEOUT: Duration = Duration::from_secs(30);
/// Search answers at most this many matches.
const SEARCH_RESULTS: usize = 500;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub id: String,
    pub name: String,
    pub folder: bool,
    pub size: Option<u64>,
    pub mime: Option<String>,
    pub modified: Option<String>,
    pub version: Option<String>,
    /// Where the downloaded copy is, when Docket downloaded this document and the file is still there.
    pub downloaded: Option<String>,
    /// The downloaded copy was changed or deleted outside Docket.
    pub local_changed: bool,
    /// For search results: the server the entry is on and the location that lists it.
    pub remote: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RemoteAbilities {
    pub versions: bool,
    pub folders: bool,
    pub server_previews: bool,
}

impl From<Capabilities> for RemoteAbilities {
    fn from(c: Capabilities) -> Self {
        RemoteAbilities {
            versions: c.versions,
            folders: c.folders,
            server_previews: c.server_previews,
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    pub remote: String,
    pub location: Option<String>,
    pub entries: Vec<EntryView>,
    pub abilities: RemoteAbilities,
    /// Unix ms when the server last gave this listing; `None` while it streams.
    pub fetched_at: Option<i64>,
    /// `false`: the folder was never listed, `entries` is empty and its rows follow page by page through the
    /// `pages` channel as the server hands them out.
    pub complete: bool,
    /// The answer came from the cache; a refresh is running and `ListingChanged` follows if anything changed.
    pub from_cache: bool,
    /// Set when the server cannot be reached (the cached listing is shown).
    pub offline_reason: Option<String>,
}

pub async fn list(
    connections: &Connections,
    catalog: &Catalog,
    remote: &str,
    location: Option<String>,
    pages: Channel<ListingPage>,
) -> Result<Listing, IpcError> {
    let provider = connections.provider(remote)?;
    let abilities = provider.capabilities().into();
    let at = Location::at(location.clone().unwrap_or_default());
    let (listener, arrived) = listing_pages::listener();
    let browse = catalog
        .browse(remote, &at, provider.clone(), Some(listener.clone()))
        .await?;
    let Some(cached) = browse.cached else {
        // Never listed: stream the refresh that browse started, or one of our own when one was already running.
        let refresh = match browse.refresh {
            Some(running) => running,
            None => {
                let (catalog, remote, at, listener) =
                    (catalog.clone(), remote.to_owned(), at.clone(), listener);
                tokio::spawn(async move {
                    catalog
                        .refresh_paged(&remote, &at, provider.as_ref(), listener.as_ref())
                        .await
                })
            }
        };
        listing_pages::forward(catalog.clone(), remote.to_owned(), arrived, refresh, pages);
        return Ok(Listing {
            remote: remote.to_owned(),
            location,
            entries: Vec::new(),
            abilities,
            fetched_at: None,
            complete: false,
            from_cache: false,
            offline_reason: None,
        });
    };
    drop(arrived); // a cached listing changes as a whole, told by `ListingChanged`
    let copies = catalog.local_copies(remote).await.unwrap_or_default();
    let status = catalog.remote_status(remote).await.ok();
    Ok(Listing {
        remote: remote.to_owned(),
        location,
        entries: cached
            .entries
            .into_iter()
            .map(|e| view(e, &copies, None, None))
            .collect(),
        abilities,
        fetched_at: Some(cached.fetched_at),
        complete: true,
        from_cache: true,
        offline_reason: status.and_then(|s| s.offline).map(|o| o.reason),
    })
}

/// Names containing every word of `query`, across every remote's cached listings or only `remote`'s.
pub async fn search(
    catalog: &Catalog,
    remote: Option<String>,
    query: &str,
) -> Result<Vec<EntryView>, IpcError> {
    if query.trim().is_empty() {
        return Err(IpcError::invalid("Type part of a name to search for."));
    }
    let hits = catalog
        .search(&SearchQuery {
            remote,
            limit: SEARCH_RESULTS,
            ..SearchQuery::text(query.trim())
        })
        .await?;
    Ok(hits
        .into_iter()
        .map(|hit| {
            let mut copies = HashMap::new();
            if let Some(local) = hit.local {
                copies.insert(hit.entry.id.clone(), local);
            }
            let location = hit.location.0.unwrap_or_default();
            view(hit.entry, &copies, Some(hit.remote), Some(location))
        })
        .collect())
}

pub(crate) fn view(
    entry: Entry,
    copies: &HashMap<String, LocalCopy>,
    remote: Option<String>,
    location: Option<String>,
) -> EntryView {
    let copy = match entry.kind {
        EntryKind::Document => copies.get(&entry.id),
        EntryKind::Folder => None,
    };
    EntryView {
        folder: entry.kind == EntryKind::Folder,
        downloaded: copy
            .filter(|c| c.state == LocalState::Present)
            .map(|c| c.path.display().to_string()),
        local_changed: copy.is_some_and(|c| c.state != LocalState::Present),
        id: entry.id,
        name: entry.name,
        size: entry.size,
        mime: entry.mime,
        modified: entry.modified,
        version: entry.version,
        remote,
        location,
    }
}

pub(crate) fn timed_out(remote: &str) -> IpcError {
    IpcError::new(
        ErrorCode::Unreachable,
        format!(
            "{remote} did not answer within {} seconds. Check the address and your connection.",
            LIST_TIMEOUT.as_secs()
        ),
    )
}
