//! Moves a document's bytes to disk and verifies them. It sees transfer shapes (a URL, a chunked handler),
//! never a vendor.

pub mod destination;
pub mod straight;

pub use straight::{download, ByteProgress, DownloadError, DownloadRequest, NoProgress, SavedFile};
