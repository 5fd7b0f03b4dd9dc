//! What stops a benchmark run.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Setup(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A measured or helper command failed; the measurement would be meaningless.
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
    #[error("demo server: {0}")]
    Demo(#[from] docket_demo::DemoError),
    #[error("provider: {0}")]
    Provider(#[from] docket_core::ProviderError),
    #[error("database: {0}")]
    Database(#[from] docket_store::DatabaseError),
    #[error("queue: {0}")]
    Queue(#[from] docket_store::QueueError),
    #[error("catalog: {0}")]
    Catalog(#[from] docket_store::CatalogError),
    #[error("preview: {0}")]
    Preview(#[from] docket_preview::PreviewError),
    #[error("{what}: {detail}")]
    Unexpected { what: String, detail: String },
}

impl BenchError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        BenchError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub fn unexpected(what: impl Into<String>, detail: impl Into<String>) -> Self {
        BenchError::Unexpected {
            what: what.into(),
            detail: detail.into(),
        }
    }
}
