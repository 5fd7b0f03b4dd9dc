//! The local catalog in `docket.db`: cached listings of every remote, document versions, and the files Docket
//! downloaded. Browsing answers from it at once and refreshes it from the server behind the caller's back
//! (stale-while-revalidate); search and offline browsing read only from it. Subscribers hear what changed.

mod copies_below;
mod downloads;
mod listing;
mod refresh;
pub(crate) mod rows;
pub(crate) mod time;
mod versions;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use docket_core::{Entry, Location, ProviderError};
use serde::Serialize;
use sqlx::SqlitePool;
use tokio::sync::broadcast;

pub use copies_below::CopyBelow;
pub use downloads::mtime_ns;
pub use downloads::{LocalCopy, LocalState, RecordedDownload, SavedDownload};
pub use refresh::{Browse, PageListener};

/// Events waiting for a slow subscriber before the oldest are dropped (it then sees `Lagged` and re-reads).
const EVENT_BUFFER: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalog in docket.db could not be read or saved: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{remote}: {source}")]
    Provider {
        remote: String,
        source: ProviderError,
    },
    #[error("no remote named `{0}`: `docket remote ls` lists them")]
    UnknownRemote(String),
    #[error("{0}")]
    BadQuery(String),
    #[error("the cached data of `{remote}` is damaged ({problem}); `docket ls {remote} --refresh` fetches it again")]
    Damaged { remote: String, problem: String },
}

impl CatalogError {
    /// The server could not be reached (the remote is now marked offline).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            CatalogError::Provider {
                source: ProviderError::Transient { .. },
                ..
            }
        )
    }
}

/// A listing as last fetched. `fetched_at` is unix milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedListing {
    pub remote: String,
    pub location: Location,
    pub fetched_at: i64,
    pub entries: Vec<Entry>,
}

/// What a refresh found different from the cache.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ListingDiff {
    pub added: Vec<Entry>,
    pub changed: Vec<Entry>,
    pub removed: Vec<Entry>,
}

impl ListingDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Whether a remote answered last time, and if not, since when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteStatus {
    pub remote: String,
    /// `Some` while the server cannot be reached.
    pub offline: Option<Offline>,
    /// When the server last answered a listing (unix ms).
    pub last_contact: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offline {
    pub since: i64,
    pub reason: String,
}

/// What subscribers are told.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogEvent {
    /// A refresh changed a cached listing.
    ListingChanged {
        remote: String,
        location: Location,
        diff: Arc<ListingDiff>,
    },
    /// The server could not be reached; browsing and search now answer from the cache.
    RemoteOffline { remote: String, reason: String },
    /// The server answered again (the queue starts what waited for it).
    RemoteOnline { remote: String },
    /// A completed download was recorded with its local file.
    DownloadRecorded {
        remote: String,
        doc_id: String,
        path: PathBuf,
    },
    /// A downloaded file was deleted, moved or modified outside Docket, or came back.
    LocalCopyChanged {
        remote: String,
        doc_id: String,
        path: PathBuf,
        state: LocalState,
    },
}

/// The catalog of one data dir. Cheap to clone; clones share the database and the subscribers.
#[derive(Clone)]
pub struct Catalog {
    pool: SqlitePool,
    events: broadcast::Sender<CatalogEvent>,
    /// Listings being refreshed now, so that browsing the same place twice does not fetch it twice.
    refreshing: Arc<Mutex<HashSet<(String, String)>>>,
}

impl Catalog {
    /// The catalog in `pool` (from `database::open`, which applied the migrations).
    pub fn new(pool: SqlitePool) -> Self {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Catalog {
            pool,
            events,
            refreshing: Arc::default(),
        }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn subscribe(&self) -> broadcast::Receiver<CatalogEvent> {
        self.events.subscribe()
    }

    fn emit(&self, event: CatalogEvent) {
        // No subscriber is not an error: the CLI often has none.
        let _ = self.events.send(event);
    }

    pub async fn remote_status(&self, remote: &str) -> Result<RemoteStatus, CatalogError> {
        let row: Option<(Option<i64>, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT offline_since, offline_reason, last_contact FROM remotes WHERE name = ?",
        )
        .bind(remote)
        .fetch_optional(&self.pool)
        .await?;
        let (since, reason, last_contact) =
            row.ok_or_else(|| CatalogError::UnknownRemote(remote.to_owned()))?;
        let offline = match (since, reason) {
            (Some(since), Some(reason)) => Some(Offline { since, reason }),
            _ => None,
        };
        Ok(RemoteStatus {
            remote: remote.to_owned(),
            offline,
            last_contact,
        })
    }
}

/// The `location` column's value: the root is ''.
pub(crate) fn location_key(location: &Location) -> &str {
    location.as_deref().unwrap_or("")
}
