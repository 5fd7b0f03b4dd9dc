//! A provider that is another one, except that the staged files it prepares are read through a wrapper: how the
//! tests make a real (demo) infoRouter answer short, slow or never.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use docket_core::{
    Capabilities, ChunkSource, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver,
    Provider, ProviderError, TransferSource, Version,
};
use docket_demo::library::sample;
use docket_store::queue::NewTransfer;
use docket_store::QueueStore;
use docket_transfer::TransferQueue;

use super::{quick_config, Bench, Remotes};

/// A queue in `bench`'s data dir whose infoRouter remote is the demo's read through `wrap`, with the large file
/// queued into `bench`'s download folder; answers the queue and the transfer's id.
pub async fn large_file_through(
    bench: &Bench,
    wrap: impl Fn(Box<dyn ChunkSource>) -> Box<dyn ChunkSource> + Send + Sync + 'static,
) -> (TransferQueue, i64) {
    let remote = bench.remote(docket_providers::inforouter::KIND);
    let wrapping = ChunkWrapping::new(bench.provider(docket_providers::inforouter::KIND), wrap);
    let providers: HashMap<String, Arc<dyn Provider>> =
        HashMap::from([(remote.clone(), Arc::new(wrapping) as Arc<dyn Provider>)]);
    let pool = docket_store::database::open(bench.data.path())
        .await
        .unwrap();
    let queue = TransferQueue::new(
        QueueStore::new(pool),
        Arc::new(Remotes(providers)),
        docket_core::http::client().unwrap(),
        quick_config(),
    );
    let id = queue
        .enqueue(&NewTransfer {
            remote,
            document: sample::LARGE_FILE.to_owned(),
            version: None,
            dest_dir: bench.dest.path().to_owned(),
            priority: 0,
        })
        .await
        .unwrap();
    (queue, id)
}

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
