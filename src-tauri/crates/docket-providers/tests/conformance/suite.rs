//! The conformance checks, each a function over one kind's [`Fixture`], so every registered kind (see
//! `main.rs`) and a kind defined inside a test file (see `tests/toy_kind.rs`) go through the same checks.

// Each test binary that includes the suite calls its own subset of these.
#![allow(dead_code)]

use std::sync::Arc;

use docket_core::{
    Credentials, DocRef, EntryKind, Location, Provider, ProviderError, RemoteConfig,
};
use docket_providers::ProviderEntry;
use docket_transfer::DownloadError;

use crate::support::{content_hash, download, http};

/// What the suite needs to know about one kind's remote.
pub struct Fixture {
    /// The kind's registry entry (or a test's own entry): how the suite connects.
    pub entry: &'static ProviderEntry,
    pub remote: (RemoteConfig, Credentials),
    pub wrong_credentials: Credentials,
    /// A location below the root that holds `document`.
    pub folder: Location,
    pub document: DocRef,
    pub document_content_hash: String,
    /// An id of the right shape that does not exist.
    pub missing_document: DocRef,
}

impl Fixture {
    /// The provider for the fixture's remote with `credentials`, built the way every remote is.
    fn connect_with(&self, credentials: Credentials) -> Arc<dyn Provider> {
        let config = self.remote.0.clone();
        docket_providers::connect_entry(self.entry, config, credentials, http())
            .expect("the remote's settings are complete")
    }

    fn connect(&self) -> Arc<dyn Provider> {
        self.connect_with(self.remote.1.clone())
    }

    fn kind(&self) -> docket_core::Kind {
        self.entry.kind
    }
}

/// Every check, in order.
pub async fn passes_every_check(fixture: &Fixture) {
    lists_its_root_to_the_end_with_named_entries(fixture).await;
    lists_the_fixture_document_in_its_folder_with_its_metadata(fixture).await;
    downloads_the_fixture_document_byte_for_byte(fixture).await;
    says_not_found_for_a_document_that_does_not_exist(fixture).await;
    refuses_wrong_credentials_as_unauthorized(fixture).await;
    reports_capabilities_that_match_its_versions(fixture).await;
}

async fn fetch(provider: &dyn Provider, doc: &DocRef) -> Result<(Vec<u8>, String), DownloadError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = download(provider, doc, None, dir.path()).await?;
    let bytes = std::fs::read(&saved.path).expect("saved file readable");
    assert_eq!(bytes.len() as u64, saved.bytes);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.path() != saved.path)
        .collect();
    assert!(
        leftovers.is_empty(),
        "only the finished file remains: {leftovers:?}"
    );
    Ok((bytes, saved.content_hash))
}

pub async fn lists_its_root_to_the_end_with_named_entries(fixture: &Fixture) {
    let kind = fixture.kind();
    let entries = fixture
        .connect()
        .list_all(&Location::root())
        .await
        .unwrap_or_else(|err| panic!("{kind}: listing the root failed: {err}"));
    assert!(!entries.is_empty(), "{kind}: the root lists something");
    let mut ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        entries.len(),
        "{kind}: ids in a listing are unique"
    );
    assert!(
        entries.iter().all(|e| !e.name.trim().is_empty()),
        "{kind}: every entry has a name"
    );
}

pub async fn lists_the_fixture_document_in_its_folder_with_its_metadata(fixture: &Fixture) {
    let kind = fixture.kind();
    let provider = fixture.connect();
    let entries = provider
        .list_all(&fixture.folder)
        .await
        .unwrap_or_else(|err| panic!("{kind}: listing {:?} failed: {err}", fixture.folder));
    let listed = entries
        .iter()
        .find(|e| e.id == fixture.document.id())
        .unwrap_or_else(|| {
            panic!(
                "{kind}: {:?} is listed in {:?}",
                fixture.document, fixture.folder
            )
        });
    assert_eq!(listed.kind, EntryKind::Document, "{kind}");
    let stat = provider
        .stat(&fixture.document)
        .await
        .unwrap_or_else(|err| panic!("{kind}: stat failed: {err}"));
    assert_eq!(
        stat.name, listed.name,
        "{kind}: stat and listing agree on the name"
    );
    assert_eq!(stat.kind, EntryKind::Document, "{kind}");
}

pub async fn downloads_the_fixture_document_byte_for_byte(fixture: &Fixture) {
    let kind = fixture.kind();
    let provider = fixture.connect();
    let (bytes, hash) = fetch(provider.as_ref(), &fixture.document)
        .await
        .unwrap_or_else(|err| panic!("{kind}: download failed: {err}"));
    assert_eq!(
        content_hash(&bytes),
        fixture.document_content_hash,
        "{kind}: bytes match the source"
    );
    assert_eq!(
        hash, fixture.document_content_hash,
        "{kind}: the reported content hash is right"
    );
}

pub async fn says_not_found_for_a_document_that_does_not_exist(fixture: &Fixture) {
    let kind = fixture.kind();
    let provider = fixture.connect();
    match fetch(provider.as_ref(), &fixture.missing_document).await {
        Err(DownloadError::Provider(ProviderError::NotFound { message })) => {
            assert!(
                !message.trim().is_empty(),
                "{kind}: the server's message is kept"
            )
        }
        other => panic!("{kind}: expected NotFound, got {other:?}"),
    }
}

pub async fn refuses_wrong_credentials_as_unauthorized(fixture: &Fixture) {
    let kind = fixture.kind();
    let provider = fixture.connect_with(fixture.wrong_credentials.clone());
    let browse = provider.list_all(&fixture.folder).await;
    let get = fetch(provider.as_ref(), &fixture.document).await;
    let browse_refused = matches!(browse, Err(ProviderError::Unauthorized { .. }));
    let get_refused = matches!(
        get,
        Err(DownloadError::Provider(ProviderError::Unauthorized { .. }))
    );
    assert!(
        browse_refused || get_refused,
        "{kind}: wrong credentials give Unauthorized (browse: {browse:?}, get: {get:?})"
    );
    assert!(
        get.is_err(),
        "{kind}: nothing is downloaded with wrong credentials"
    );
}

pub async fn reports_capabilities_that_match_its_versions(fixture: &Fixture) {
    let kind = fixture.kind();
    let provider = fixture.connect();
    let versions = provider
        .versions(&fixture.document)
        .await
        .unwrap_or_else(|err| panic!("{kind}: versions failed: {err}"));
    if !versions.is_empty() {
        assert!(
            provider.capabilities().versions,
            "{kind}: has versions, so says so"
        );
    }
    assert_eq!(provider.kind(), kind);
}
