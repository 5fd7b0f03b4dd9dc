//! Docket's transfer engine: a persistent queue of downloads that survives crashes, expired links and flaky
//! servers. It sees transfer shapes (a URL, a chunked staged file), never a vendor, and never depends on Tauri.
//!
//! [`TransferQueue`] is the entry point; [`straight::download`] is the single unqueued transfer the provider
//! tests use.

pub mod allocator;
mod availability;
pub mod bandwidth;
mod block_follower;
mod checkpoint;
mod chunk_file;
mod chunked;
pub mod config;
mod continuity;
pub mod destination;
mod engine;
pub mod error;
pub mod file_digest;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod job;
mod large_slots;
pub mod limits;
mod link;
mod lookup;
mod offline_wait;
pub mod origin;
pub mod orphans;
pub mod partial;
pub mod pause_point;
pub mod progress;
pub mod queue;
mod ranged;
pub mod retry;
mod settle;
mod small;
pub mod splitter;
pub mod straight;
mod write_behind;
pub mod written;

pub use config::EngineConfig;
pub use docket_core::boot;
pub use engine::{Control, ProviderDirectory};
pub use error::TransferError;
pub use limits::QueueLimits;
pub use progress::{ProgressHub, TransferEvent};
pub use queue::{Enqueued, RunScope, RunSummary, TransferQueue};
pub use retry::{Decision, RetryPolicy};
pub use settle::JobEnd;
pub use straight::{download, ByteProgress, DownloadError, DownloadRequest, NoProgress, SavedFile};
