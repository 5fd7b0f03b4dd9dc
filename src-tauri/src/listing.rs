//! Browsing as the window sees it, through the catalog: a folder answers from the cache at once while the server
//! is asked again in the background (the window hears `ListingChanged` when that changed anything); a folder
//! never seen waits for the server. Search reads the catalog, so it works offline.

use std::collections::HashMap;
use std::time::Duration;

use docket_core::{Capabilities, Entry, EntryKind, Location};
use docket_store::{Catalog, LocalCopy, LocalState, SearchQuery};
use serde::Serialize;

use crate::connections::Connections;
use crate::error::{ErrorCode, IpcError};

/// A listing that takes longer than this is reported as an unreachable server.
const LIST_TIMEOUT: Duration = Duration::from_secs(30);
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
    /// Unix ms when the server last gave this listing.
    pub fetched_at: i64,
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
) -> Result<Listing, IpcError> {
    let provider = connections.provider(remote)?;
    let abilities = provider.capabilities().into();
    let at = Location::at(location.clone().unwrap_or_default());
    let browse = catalog.browse(remote, &at, provider.clone(), None).await?;
    let (cached, from_cache) = match browse.cached {
        Some(cached) => (cached, true),
        None => {
            // Never listed: wait for the server (the refresh that browse started, or one of our own).
            let refreshed = match browse.refresh {
                Some(running) => tokio::time::timeout(LIST_TIMEOUT, running)
                    .await
                    .map_err(|_| timed_out(remote))?
                    .map_err(|err| IpcError::internal(format!("The listing stopped: {err}")))?,
                None => tokio::time::timeout(
                    LIST_TIMEOUT,
                    catalog.refresh(remote, &at, provider.as_ref()),
                )
                .await
                .map_err(|_| timed_out(remote))?,
            };
            refreshed?;
            let cached = catalog.cached(remote, &at).await?.ok_or_else(|| {
                IpcError::internal(format!("{remote} answered, but the listing was not kept."))
            })?;
            (cached, false)
        }
    };
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
        fetched_at: cached.fetched_at,
        from_cache,
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

fn view(
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

fn timed_out(remote: &str) -> IpcError {
    IpcError::new(
        ErrorCode::Unreachable,
        format!(
            "{remote} did not answer within {} seconds. Check the address and your connection.",
            LIST_TIMEOUT.as_secs()
        ),
    )
}
