//! Where Docket keeps things between runs: the remotes (non-secret settings) in the data dir and their secrets
//! in the OS keyring. The CLI and the desktop app share both.

pub mod batches;
mod busy_wait;
pub mod catalog;
pub mod database;
pub mod queue;
pub mod remotes;
pub mod search;
pub mod secrets;
pub mod synced;
pub mod watch;

pub use catalog::{Catalog, CatalogError, CatalogEvent, ListingDiff, LocalCopy, LocalState};
pub use database::DatabaseError;
pub use queue::{QueueError, QueueStore};
pub use remotes::{RemoteBook, RemoteBookError};
pub use search::{SearchHit, SearchQuery};
pub use secrets::{SecretStore, SecretStoreError};
pub use watch::{DownloadWatch, WatchError};
