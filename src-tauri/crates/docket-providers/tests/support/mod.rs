//! What every provider test needs: an in-process demo server, the provider the registry builds for a remote,
//! a download through the transfer engine, the URL a provider prepares, and byte-for-byte checks.

// Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use docket_core::{
    Credentials, DocRef, IgnoreStatus, Provider, ProviderError, RemoteConfig, RemoteUrl,
    TransferSource,
};
use docket_demo::{DemoConfig, DemoServer, Document};
use docket_transfer::{DownloadError, DownloadRequest, NoProgress, SavedFile};

/// Big enough to take several chunks or ranges, small enough to keep the tests quick.
pub const LARGE_FILE_SIZE: u64 = 24 * 1024 * 1024;

/// A demo server on free ports whose large sample is `LARGE_FILE_SIZE` bytes.
pub async fn demo() -> DemoServer {
    demo_with_large_file(LARGE_FILE_SIZE).await
}

pub async fn demo_with_large_file(large_file_size: u64) -> DemoServer {
    DemoServer::start(DemoConfig {
        port_base: 0,
        large_file_size,
        bulk_study_files: 0,
    })
    .await
    .expect("the demo server starts")
}

pub fn http() -> reqwest::Client {
    docket_core::http::client().expect("http client")
}

/// The provider the registry builds for this remote.
pub fn connect_remote(config: RemoteConfig, credentials: Credentials) -> Arc<dyn Provider> {
    docket_providers::connect(config, credentials, http())
        .expect("the remote's settings are complete")
}

/// Downloads `doc` (at `version`, or the latest) into `dir` as the app does, without observers.
pub async fn download(
    provider: &dyn Provider,
    doc: &DocRef,
    version: Option<&str>,
    dir: &Path,
) -> Result<SavedFile, DownloadError> {
    let http = http();
    docket_transfer::download(DownloadRequest {
        provider,
        http: &http,
        doc,
        version,
        dest_dir: dir,
        observer: &IgnoreStatus,
        progress: &NoProgress,
    })
    .await
}

/// Downloads the document with this id at `version` into `dir`.
pub async fn fetch_version(
    provider: &dyn Provider,
    doc: &str,
    version: Option<&str>,
    dir: &Path,
) -> Result<SavedFile, DownloadError> {
    download(provider, &DocRef::new(doc), version, dir).await
}

/// Downloads the latest version of the document with this id into `dir`.
pub async fn fetch(
    provider: &dyn Provider,
    doc: &str,
    dir: &Path,
) -> Result<SavedFile, DownloadError> {
    fetch_version(provider, doc, None, dir).await
}

/// The URL the provider prepares for `doc`; anything but a URL fails the test.
pub async fn prepared_url(
    provider: &dyn Provider,
    doc: &DocRef,
    version: Option<&str>,
) -> RemoteUrl {
    match provider.prepare(doc, version, &IgnoreStatus).await.unwrap() {
        TransferSource::Url(url) => url,
        other => panic!("expected a URL, got {other:?}"),
    }
}

/// The URL the provider prepares for the latest version of the document with this id.
pub async fn url_of(provider: &dyn Provider, doc: &str) -> RemoteUrl {
    prepared_url(provider, &DocRef::new(doc), None).await
}

/// The provider's error inside a failed download; any other failure fails the test.
pub fn provider_error(err: DownloadError) -> ProviderError {
    match err {
        DownloadError::Provider(err) => err,
        other => panic!("expected a provider error, got {other}"),
    }
}

/// The content hash of `bytes`, as `SavedFile::content_hash` spells it.
pub fn content_hash(bytes: &[u8]) -> String {
    docket_core::content_hash::content_hash(bytes)
}

/// The saved file holds exactly the latest bytes of `document` in the demo library.
pub fn assert_same_bytes(saved: &SavedFile, document: &Document) {
    assert_eq!(
        saved.content_hash,
        document.latest().content.content_hash(),
        "{}",
        document.path()
    );
    assert_eq!(saved.bytes, document.size(), "{}", document.path());
}
