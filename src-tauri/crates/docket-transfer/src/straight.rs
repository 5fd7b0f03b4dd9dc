//! A single straight transfer: prepare, fetch every byte once, verify, then rename into place. The queue,
//! resume and link refresh build on this in the transfer engine.

use std::io;
use std::path::{Path, PathBuf};

use docket_core::content_disposition;
use docket_core::content_hash::ContentHasher;
use docket_core::http;
use docket_core::{
    sanitize_file_name, ChunkSource, DocRef, PrepareObserver, Provider, ProviderError, RemoteUrl,
    TransferSource,
};
use tokio::io::AsyncWriteExt;

use crate::destination::{free_path, partial_path};

pub struct DownloadRequest<'a> {
    pub provider: &'a dyn Provider,
    pub http: &'a reqwest::Client,
    pub doc: &'a DocRef,
    pub version: Option<&'a str>,
    pub dest_dir: &'a Path,
    pub observer: &'a dyn PrepareObserver,
    pub progress: &'a dyn ByteProgress,
}

/// Told how many bytes are on disk so far (and the total when known), after every write.
pub trait ByteProgress: Send + Sync {
    fn advanced(&self, done: u64, total: Option<u64>);
}

/// For callers that show no progress.
pub struct NoProgress;

impl ByteProgress for NoProgress {
    fn advanced(&self, _done: u64, _total: Option<u64>) {}
}

/// A completed, verified file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFile {
    pub path: PathBuf,
    pub bytes: u64,
    /// `blake3:<hex>` ([`docket_core::content_hash`]).
    pub content_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("could not write {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

impl DownloadError {
    fn io(path: &Path) -> impl FnOnce(io::Error) -> DownloadError + '_ {
        move |source| DownloadError::Io {
            path: path.to_owned(),
            source,
        }
    }
}

pub async fn download(request: DownloadRequest<'_>) -> Result<SavedFile, DownloadError> {
    tokio::fs::create_dir_all(request.dest_dir)
        .await
        .map_err(DownloadError::io(request.dest_dir))?;
    let source = request
        .provider
        .prepare(request.doc, request.version, request.observer)
        .await?;
    match source {
        TransferSource::Url(url) => fetch_url(&request, url).await,
        TransferSource::Chunked(chunks) => {
            let outcome = fetch_chunks(&request, chunks.as_ref()).await;
            // The staged file is freed whatever happened; a failure to free it does not hide the outcome.
            if let Err(err) = chunks.release().await {
                tracing::warn!(
                    doc = request.doc.id(),
                    "could not release the staged file: {err}"
                );
            }
            outcome
        }
    }
}

async fn fetch_url(
    request: &DownloadRequest<'_>,
    url: RemoteUrl,
) -> Result<SavedFile, DownloadError> {
    let mut get = request.http.get(&url.url);
    for (name, value) in &url.headers {
        get = get.header(name.as_str(), value.expose());
    }
    tracing::debug!(url = %url.redacted(), "GET");
    let mut response = docket_core::redirects::send(get).await?;
    let status = response.status();
    if !status.is_success() {
        let headers = response.headers().clone();
        let body = http::read_text(response).await.unwrap_or_default();
        return Err(request
            .provider
            .link_failure(status, &headers, &body)
            .into());
    }
    let suggested = url.file_name.clone().or_else(|| {
        response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(content_disposition::file_name)
    });
    let expected = response.content_length().or(url.size);
    let name = file_name(suggested.as_deref(), request.doc);
    let mut sink = PartialFile::create(request.dest_dir, &name).await?;
    let outcome = async {
        loop {
            let bytes = match response.chunk().await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => break,
                Err(err) => return Err(body_broke_off(err, sink.written, expected).into()),
            };
            sink.write(&bytes).await?;
            request.progress.advanced(sink.written, expected);
        }
        if let Some(expected) = expected {
            if sink.written != expected {
                return Err(ProviderError::Integrity {
                    message: format!(
                        "the server announced {expected} bytes but sent {}",
                        sink.written
                    ),
                }
                .into());
            }
        }
        Ok(())
    }
    .await;
    sink.finish(outcome).await
}

async fn fetch_chunks(
    request: &DownloadRequest<'_>,
    chunks: &dyn ChunkSource,
) -> Result<SavedFile, DownloadError> {
    let staged = chunks.staged().clone();
    let name = file_name(staged.file_name.as_deref(), request.doc);
    let mut sink = PartialFile::create(request.dest_dir, &name).await?;
    let outcome = async {
        let mut crc = crc32fast::Hasher::new();
        let mut offset = 0u64;
        loop {
            let chunk = chunks.read(offset, staged.chunk_size).await?;
            if chunk.bytes.is_empty() && !chunk.last {
                return Err(ProviderError::protocol(format!(
                    "the server sent an empty chunk at offset {offset} that is not the last"
                ))
                .into());
            }
            crc.update(&chunk.bytes);
            sink.write(&chunk.bytes).await?;
            offset += chunk.bytes.len() as u64;
            request.progress.advanced(offset, Some(staged.size));
            if chunk.last || offset >= staged.size {
                break;
            }
        }
        if offset != staged.size {
            return Err(ProviderError::Integrity {
                message: format!(
                    "the staged file has {} bytes but {offset} arrived",
                    staged.size
                ),
            }
            .into());
        }
        let actual = crc.finalize();
        if let Some(expected) = staged.crc32 {
            if actual != expected {
                return Err(ProviderError::Integrity {
                    message: format!(
                        "whole-file CRC32 is {actual:08x}, the server said {expected:08x}"
                    ),
                }
                .into());
            }
        }
        Ok(())
    }
    .await;
    sink.finish(outcome).await
}

/// A body that stopped early says how far it got; without a known length it is a network failure.
fn body_broke_off(err: reqwest::Error, written: u64, expected: Option<u64>) -> ProviderError {
    match expected {
        Some(expected) if written < expected => ProviderError::Integrity {
            message: format!(
                "the connection closed after {written} of {expected} bytes ({})",
                docket_core::network_failure::cause(&err)
            ),
        },
        _ => ProviderError::from(err),
    }
}

/// The sanitised name to save under: the server's suggestion, else the document id.
fn file_name(suggested: Option<&str>, doc: &DocRef) -> String {
    sanitize_file_name(suggested.unwrap_or(doc.id()))
}

/// The partial file being written, with the running hash; renamed into place only when complete.
struct PartialFile {
    final_path: PathBuf,
    partial: PathBuf,
    file: tokio::fs::File,
    hash: ContentHasher,
    written: u64,
}

impl PartialFile {
    async fn create(dir: &Path, name: &str) -> Result<Self, DownloadError> {
        let final_path = free_path(dir, name);
        let partial = partial_path(&final_path);
        let file = tokio::fs::File::create(&partial)
            .await
            .map_err(DownloadError::io(&partial))?;
        Ok(PartialFile {
            final_path,
            partial,
            file,
            hash: ContentHasher::default(),
            written: 0,
        })
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), DownloadError> {
        self.file
            .write_all(bytes)
            .await
            .map_err(DownloadError::io(&self.partial))?;
        self.hash.update(bytes);
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// On success: fsync and rename into a free name. On failure: remove the partial data, so nothing
    /// incomplete is ever presented as the document.
    async fn finish(
        mut self,
        outcome: Result<(), DownloadError>,
    ) -> Result<SavedFile, DownloadError> {
        if let Err(err) = outcome {
            drop(self.file);
            let _ = tokio::fs::remove_file(&self.partial).await;
            return Err(err);
        }
        self.file
            .flush()
            .await
            .map_err(DownloadError::io(&self.partial))?;
        self.file
            .sync_all()
            .await
            .map_err(DownloadError::io(&self.partial))?;
        drop(self.file);
        // The name was free when the transfer started; take the next free one if something appeared since.
        let final_name = self
            .final_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = self.final_path.parent().unwrap_or(Path::new("."));
        let target = if self.final_path.exists() {
            free_path(parent, &final_name)
        } else {
            self.final_path.clone()
        };
        tokio::fs::rename(&self.partial, &target)
            .await
            .map_err(DownloadError::io(&target))?;
        Ok(SavedFile {
            path: target,
            bytes: self.written,
            content_hash: self.hash.finish(),
        })
    }
}
