//! What can go wrong while previewing, as variants the UI can branch on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The local file could not be opened or read.
    #[error("cannot read {path}: {source}; check that the file still exists and is readable")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A read failed part-way (the file shrank, the disk failed).
    #[error("reading the document failed at byte {offset}: {source}")]
    Read {
        offset: u64,
        #[source]
        source: std::io::Error,
    },
    /// The caller asked for a page past the end of the table.
    #[error("row {requested} is past the end of the table ({rows} rows)")]
    RowOutOfRange { requested: u64, rows: u64 },
}
