//! How the bytes of a document can be fetched: the two transfer shapes the transfer engine knows.

use std::fmt;
use std::time::SystemTime;

use async_trait::async_trait;

use crate::error::ProviderError;
use crate::secret::Secret;

/// What `Provider::prepare` hands the transfer engine. The engine never sees a vendor name, only one of these.
pub enum TransferSource {
    Url(RemoteUrl),
    Chunked(Box<dyn ChunkSource>),
}

impl fmt::Debug for TransferSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferSource::Url(url) => f.debug_tuple("Url").field(url).finish(),
            TransferSource::Chunked(source) => {
                f.debug_tuple("Chunked").field(source.staged()).finish()
            }
        }
    }
}

/// Whether the server honours `Range` on this URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeSupport {
    Unknown,
    Supported,
    Unsupported,
}

/// A GET-able URL: presigned, short link, signed, or an authenticated route.
#[derive(Clone)]
pub struct RemoteUrl {
    /// May carry a credential in its query string: use [`RemoteUrl::redacted`] for anything shown or logged.
    pub url: String,
    /// Headers to send with the GET (authorisation, tenant ids); values are secrets.
    pub headers: Vec<(String, Secret)>,
    pub expires_at: Option<SystemTime>,
    /// A signed URL that the server honours once: mint a fresh one for every request.
    pub single_use: bool,
    pub ranges: RangeSupport,
    /// The file name the server suggests (already sanitised by the provider), if known before the GET.
    pub file_name: Option<String>,
    pub size: Option<u64>,
    pub mime: Option<String>,
}

impl RemoteUrl {
    pub fn new(url: impl Into<String>) -> Self {
        RemoteUrl {
            url: url.into(),
            headers: Vec::new(),
            expires_at: None,
            single_use: false,
            ranges: RangeSupport::Unknown,
            file_name: None,
            size: None,
            mime: None,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The URL without its query string, safe for logs and messages.
    pub fn redacted(&self) -> String {
        redact_url(&self.url)
    }
}

impl fmt::Debug for RemoteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteUrl")
            .field("url", &self.redacted())
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("expires_at", &self.expires_at)
            .field("single_use", &self.single_use)
            .field("ranges", &self.ranges)
            .field("file_name", &self.file_name)
            .field("size", &self.size)
            .finish()
    }
}

/// Drops the query string and fragment (presigned signatures, tokens) from a URL for display.
pub fn redact_url(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    if cut < url.len() {
        format!("{}?<redacted>", &url[..cut])
    } else {
        url.to_owned()
    }
}

/// A file staged on the server and read in chunks by offset (infoRouter's download handler).
#[async_trait]
pub trait ChunkSource: Send + Sync {
    fn staged(&self) -> &StagedFile;

    /// Reads up to `len` bytes at `offset`. The bytes are decoded and already checked against the chunk's own
    /// checksum; a mismatch is `ProviderError::Integrity`.
    async fn read(&self, offset: u64, len: u64) -> Result<Chunk, ProviderError>;

    /// [`ChunkSource::read`], decoding into `buffer` (the bytes of an earlier chunk, done with) where the source
    /// can: a reader going chunk after chunk then allocates its buffer once rather than once per chunk.
    async fn read_reusing(
        &self,
        offset: u64,
        len: u64,
        buffer: Vec<u8>,
    ) -> Result<Chunk, ProviderError> {
        drop(buffer);
        self.read(offset, len).await
    }

    /// Frees the staged file on the server. Called after success, failure and cancel alike.
    async fn release(&self) -> Result<(), ProviderError>;
}

/// What the server says about a staged file before any chunk is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedFile {
    /// The server's handle for the staged file (opaque), kept so a restart can still release it.
    pub handle: String,
    pub size: u64,
    /// The chunk size the server settled on.
    pub chunk_size: u64,
    /// CRC32 of the whole file, when the server gives one.
    pub crc32: Option<u32>,
    pub file_name: Option<String>,
    pub mime: Option<String>,
    pub modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    pub last: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_presigned_query_string_never_shows_in_debug_output() {
        let url = RemoteUrl::new(
            "https://s3.example.com/bucket/doc.pdf?X-Amz-Signature=abc123&X-Amz-Credential=k",
        )
        .header("Authorization", "Bearer sekrit");
        let shown = format!("{url:?}");
        assert!(!shown.contains("abc123"), "{shown}");
        assert!(!shown.contains("sekrit"), "{shown}");
        assert!(shown.contains("https://s3.example.com/bucket/doc.pdf?<redacted>"));
    }

    #[test]
    fn a_url_without_query_is_shown_as_it_is() {
        assert_eq!(
            redact_url("http://127.0.0.1:9000/files/abc"),
            "http://127.0.0.1:9000/files/abc"
        );
    }
}
