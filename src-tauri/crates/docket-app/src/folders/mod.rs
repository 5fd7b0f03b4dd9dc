//! Whole folders and whole remotes taken home, and kept in sync: the tree rebuilt under a local folder with safe,
//! stable names; only new and changed documents downloaded; local changes never overwritten; an interrupted walk
//! or download goes on where it was. The transfer queue does the downloading, the catalog remembers each copy.

pub mod error;
pub mod names;
pub mod plan;
pub mod report;
pub mod sync;
pub mod walk;

pub use error::FolderError;
pub use report::SyncReport;
pub use sync::{FolderSync, PreparedSync, SyncRequest};
pub use walk::{WalkLimits, WalkProgress};
