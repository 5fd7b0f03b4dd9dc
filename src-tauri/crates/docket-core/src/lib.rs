//! Docket's engine core: server kinds, the provider seam, transfer shapes, errors, secrets and the file-name
//! rules. Nothing here knows about Tauri, the CLI or any one vendor.

pub mod block_hash;
pub mod boot;
pub mod calendar;
pub mod content_disposition;
pub mod content_hash;
pub mod entry;
pub mod error;
pub mod filename;
pub mod http;
pub mod kind;
pub mod network_failure;
pub mod paths;
pub mod provider;
pub mod redirects;
pub mod remote;
pub mod retry_after;
pub mod secret;
pub mod source;
pub mod units;

pub use entry::{DocRef, Entry, EntryKind, Location, Page, PageToken, Version};
pub use error::ProviderError;
pub use filename::sanitize_file_name;
pub use kind::{Kind, TransferShape, UnknownKind};
pub use provider::{Capabilities, IgnoreStatus, PrepareObserver, PrepareStatus, Provider};
pub use remote::{Credentials, RemoteConfig, SettingSpec, ValueRule};
pub use secret::Secret;
pub use source::{Chunk, ChunkSource, RangeSupport, RemoteUrl, StagedFile, TransferSource};

/// The engine's version, shown by both front ends.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
