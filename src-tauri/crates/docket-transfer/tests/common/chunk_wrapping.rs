//! A provider that is another one, except that the staged files it prepares are read through a wrapper: how the
//! tests make a real (demo) infoRouter answer short, slow or never.

use std::sync::Arc;

use async_trait::async_trait;
use docket_core::{
    Capabilities, ChunkSource, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver,
    Provider, ProviderError, TransferSource, Version,
};

type Wrap = dyn Fn(Box<dyn ChunkSource>) -> Box<dyn ChunkSource> + Send + Sync;

pub struct ChunkWrapping {
    inner: Arc<dyn Provider>,
    wrap: Box<Wrap>,
}

impl ChunkWrapping {
    pub fn new(
        inner: Arc<dyn Provider>,
        wrap: impl Fn(Box<dyn ChunkSource>) -> Box<dyn ChunkSource> + Send + Sync + 'static,
    ) -> Self {
        ChunkWrapping {
            inner,
            wrap: Box::new(wrap),
        }
    }
}

#[async_trait]
impl Provider for ChunkWrapping {
    fn kind(&self) -> Kind {
        self.inner.kind()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    async fn list(
        &self,
        location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        self.inner.list(location, page).await
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        self.inner.stat(doc).await
    }

    async fn versions(&self, doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        self.inner.versions(doc).await
    }

    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        match self.inner.prepare(doc, version, observer).await? {
            TransferSource::Chunked(inner) => Ok(TransferSource::Chunked((self.wrap)(inner))),
            url => Ok(url),
        }
    }

    async fn release_staged(&self, handle: &str) -> Result<(), ProviderError> {
        self.inner.release_staged(handle).await
    }
}
