//! The seam every document-server protocol implements (in the spirit of rclone's `fs.Fs`).

use async_trait::async_trait;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::entry::{DocRef, Entry, Location, Page, PageToken, Version};
use crate::error::ProviderError;
use crate::http;
use crate::kind::Kind;
use crate::source::{RemoteUrl, TransferSource};

/// What a provider can do beyond browsing and downloading; the UI and engine adapt to these flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Documents have several downloadable versions.
    pub versions: bool,
    /// Listings nest (folders or studies); otherwise a location is a flat filter.
    pub folders: bool,
    /// The server renders its own HTML previews.
    pub server_previews: bool,
    /// Download URLs honour `Range`.
    pub ranges: bool,
    /// Download URLs may be used only once.
    pub single_use_links: bool,
}

/// What `prepare` reports while the server works on a download before any byte flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepareStatus {
    /// The server is preparing the file (an Ansarada job PENDING or PROCESSING); `state` is its own word.
    WaitingForServer { state: String },
}

/// Receives `PrepareStatus` updates; the transfer engine forwards them as progress.
pub trait PrepareObserver: Send + Sync {
    fn status(&self, status: PrepareStatus);
}

/// An observer for callers that do not show preparation progress.
pub struct IgnoreStatus;

impl PrepareObserver for IgnoreStatus {
    fn status(&self, _status: PrepareStatus) {}
}

#[async_trait]
pub trait Provider: Send + Sync {
    fn kind(&self) -> Kind;

    fn capabilities(&self) -> Capabilities;

    /// The server's address as the remote was configured: what a downloaded file records as its origin. `None`
    /// where there is no one address (test doubles).
    fn base_url(&self) -> Option<&str> {
        None
    }

    /// One page of the listing at `location`; pass the previous page's `next` to continue.
    async fn list(
        &self,
        location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError>;

    /// One document's metadata.
    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError>;

    /// The document's versions, newest first; empty where the API has no versions.
    async fn versions(&self, doc: &DocRef) -> Result<Vec<Version>, ProviderError>;

    /// What the transfer engine needs to move the bytes. Called again whenever a link or credential expires,
    /// and for every request when links are single-use.
    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError>;

    /// What a failed GET of one of this provider's download URLs means: an expired short link, a claimed
    /// single-use URL, an expired presigned signature. The default is the generic HTTP meaning.
    fn link_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        http::status_error(status, headers, http::excerpt(body))
    }

    /// Frees a staged file by the handle a `ChunkSource` reported (`StagedFile::handle`), without the source
    /// object: how a restarted engine releases what a crashed run left staged. A handle the server no longer
    /// knows counts as released. Providers that stage nothing keep the default.
    async fn release_staged(&self, _handle: &str) -> Result<(), ProviderError> {
        Ok(())
    }

    /// A server-rendered preview (HTML for CSV/XML/TXT on Sage Active), where the server has one.
    async fn server_preview(&self, _doc: &DocRef) -> Result<Option<RemoteUrl>, ProviderError> {
        Ok(None)
    }

    /// Every entry at `location`, following pages to the end: at most [`MAX_LISTING_PAGES`] pages, so a server
    /// that hands out fresh cursors for ever is an error, not an endless listing.
    async fn list_all(&self, location: &Location) -> Result<Vec<Entry>, ProviderError> {
        self.list_all_paged(location, &mut |_| {}).await
    }

    /// [`Provider::list_all`], telling `on_page` each page as it arrives (so a window can show the first rows of
    /// a long listing while the rest are still coming).
    async fn list_all_paged(
        &self,
        location: &Location,
        on_page: &mut (dyn for<'p> FnMut(&'p [Entry]) + Send),
    ) -> Result<Vec<Entry>, ProviderError> {
        let mut entries = Vec::new();
        let mut next: Option<PageToken> = None;
        for _ in 0..MAX_LISTING_PAGES {
            let page = self.list(location, next.as_ref()).await?;
            on_page(&page.items);
            entries.extend(page.items);
            match page.next {
                Some(token) if Some(&token) != next.as_ref() => next = Some(token),
                Some(_) => {
                    return Err(ProviderError::protocol(
                        "the server returned the same page cursor twice",
                    ))
                }
                None => return Ok(entries),
            }
        }
        Err(ProviderError::protocol(format!(
            "the server still promised more after {MAX_LISTING_PAGES} pages of one listing ({} entries)",
            entries.len()
        )))
    }
}

/// The most pages one listing may take: a million entries at the smallest page any vendor uses.
pub const MAX_LISTING_PAGES: usize = 50_000;
