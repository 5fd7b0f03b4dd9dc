//! A refresh told page by page: every page is heard as it arrives, and the cache changes only once the last one
//! did, so a window can paint the first rows of a long listing without a truncated listing ever being cached.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use common::{catalog_with_remote, document, integrity, ScriptedProvider};
use docket_core::{
    Capabilities, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver, Provider,
    ProviderError, TransferSource, Version,
};
use docket_store::catalog::PageListener;
use tokio::sync::{mpsc, Semaphore};

fn documents(count: usize) -> Vec<Entry> {
    (0..count)
        .map(|i| document(&i.to_string(), &format!("doc-{i:03}.pdf"), i as u64))
        .collect()
}

/// A listener that keeps the size of every page it hears.
fn page_sizes() -> (PageListener, Arc<Mutex<Vec<usize>>>) {
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let kept = sizes.clone();
    let listener: PageListener = Arc::new(move |page: &[Entry]| {
        kept.lock().unwrap().push(page.len());
    });
    (listener, sizes)
}

#[tokio::test]
async fn a_refresh_tells_each_page_as_it_arrives_and_caches_the_whole_listing_once() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::at("/Scans");
    let provider = ScriptedProvider::new(documents(10), 3);
    let (listener, sizes) = page_sizes();

    let diff = catalog
        .refresh_paged("files", &location, &provider, listener.as_ref())
        .await
        .unwrap();

    assert_eq!(*sizes.lock().unwrap(), [3, 3, 3, 1]);
    assert_eq!(diff.added.len(), 10);
    let cached = catalog.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(cached.entries.len(), 10);
    integrity(&catalog).await;
}

#[tokio::test]
async fn a_paged_refresh_caches_exactly_what_a_plain_refresh_caches() {
    let dir = tempfile::tempdir().unwrap();
    let plain = catalog_with_remote(dir.path(), "files").await;
    let other = tempfile::tempdir().unwrap();
    let paged = catalog_with_remote(other.path(), "files").await;
    let location = Location::root();
    let provider = ScriptedProvider::new(documents(25), 4);

    plain.refresh("files", &location, &provider).await.unwrap();
    paged
        .refresh_paged("files", &location, &provider, &|_| {})
        .await
        .unwrap();

    let plain = plain.cached("files", &location).await.unwrap().unwrap();
    let paged = paged.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(paged.entries, plain.entries);
}

#[tokio::test]
async fn a_listing_interrupted_half_way_tells_its_first_pages_but_caches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::at("/Scans");
    let provider = ScriptedProvider::new(documents(10), 3);
    provider.fail_page(
        2,
        ProviderError::Transient {
            message: "connection reset".into(),
        },
    );
    let (listener, sizes) = page_sizes();

    let err = catalog
        .refresh_paged("files", &location, &provider, listener.as_ref())
        .await
        .unwrap_err();

    assert!(err.is_unreachable(), "{err}");
    assert_eq!(*sizes.lock().unwrap(), [3, 3]);
    assert_eq!(
        catalog.cached("files", &location).await.unwrap(),
        None,
        "no truncated listing is cached as if complete"
    );
    integrity(&catalog).await;
}

#[tokio::test]
async fn browsing_a_place_never_listed_tells_its_pages_before_the_listing_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::at("/Scans");
    let gate = Arc::new(Semaphore::new(0));
    let provider = Arc::new(GatedProvider {
        inner: ScriptedProvider::new(documents(10), 4),
        gate: gate.clone(),
    });
    let (told, mut heard) = mpsc::unbounded_channel();
    let listener: PageListener = Arc::new(move |page: &[Entry]| {
        let _ = told.send(page.len());
    });

    let browse = catalog
        .browse("files", &location, provider, Some(listener))
        .await
        .unwrap();
    assert!(browse.cached.is_none(), "never listed");
    let first = tokio::time::timeout(Duration::from_secs(5), heard.recv())
        .await
        .expect("the first page is told while the others wait");
    assert_eq!(first, Some(4));
    assert_eq!(
        catalog.cached("files", &location).await.unwrap(),
        None,
        "nothing is cached while pages are still coming"
    );

    gate.add_permits(100);
    browse
        .refresh
        .expect("a refresh runs")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(heard.recv().await, Some(4));
    assert_eq!(heard.recv().await, Some(2));
    let cached = catalog.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(cached.entries.len(), 10);
}

/// Serves the first page at once and every later page only when the test lets it through.
struct GatedProvider {
    inner: ScriptedProvider,
    gate: Arc<Semaphore>,
}

#[async_trait]
impl Provider for GatedProvider {
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
        if page.is_some() {
            let _pass = self.gate.acquire().await.unwrap();
        }
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
        self.inner.prepare(doc, version, observer).await
    }
}
