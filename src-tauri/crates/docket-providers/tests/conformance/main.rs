//! The shared conformance suite (in the spirit of rclone's `fstest/fstests`): the same browse and download checks
//! run over every provider against the demo server. A new protocol is done when its fixture passes here.

mod fixtures;
#[path = "../support/mod.rs"]
mod support;

use docket_core::{
    Credentials, DocRef, EntryKind, Kind, Location, Provider, ProviderError, RemoteConfig,
};
use docket_demo::DemoServer;
use docket_transfer::DownloadError;
use support::{connect_remote, content_hash, demo_with_large_file, download};

/// What the suite needs to know about one kind's demo remote.
pub struct Fixture {
    pub remote: (RemoteConfig, Credentials),
    pub wrong_credentials: Credentials,
    /// A location below the root that holds `document`.
    pub folder: Location,
    pub document: DocRef,
    pub document_content_hash: String,
    /// An id of the right shape that does not exist.
    pub missing_document: DocRef,
}

fn fixture_for(kind: Kind, server: &DemoServer) -> Fixture {
    match kind {
        Kind::Ansarada => fixtures::ansarada::fixture(server),
        Kind::IndexHealth => fixtures::index_health::fixture(server),
        Kind::Inforouter => fixtures::inforouter::fixture(server),
        Kind::SageActive => fixtures::sage_active::fixture(server),
        Kind::StudyCreator => fixtures::study_creator::fixture(server),
    }
}

/// A small large sample keeps the suite quick; the per-vendor tests cover the big one.
async fn demo() -> DemoServer {
    demo_with_large_file(4 * 1024 * 1024).await
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

#[tokio::test]
async fn every_kind_lists_its_root_to_the_end_with_named_entries() {
    let server = demo().await;
    for kind in Kind::ALL {
        let fixture = fixture_for(kind, &server);
        let (config, credentials) = fixture.remote;
        let entries = connect_remote(config, credentials)
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
}

#[tokio::test]
async fn every_kind_lists_the_fixture_document_in_its_folder_with_its_metadata() {
    let server = demo().await;
    for kind in Kind::ALL {
        let fixture = fixture_for(kind, &server);
        let (config, credentials) = fixture.remote;
        let provider = connect_remote(config, credentials);
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
}

#[tokio::test]
async fn every_kind_downloads_the_fixture_document_byte_for_byte() {
    let server = demo().await;
    for kind in Kind::ALL {
        let fixture = fixture_for(kind, &server);
        let (config, credentials) = fixture.remote;
        let provider = connect_remote(config, credentials);
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
}

#[tokio::test]
async fn every_kind_says_not_found_for_a_document_that_does_not_exist() {
    let server = demo().await;
    for kind in Kind::ALL {
        let fixture = fixture_for(kind, &server);
        let (config, credentials) = fixture.remote;
        let provider = connect_remote(config, credentials);
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
}

#[tokio::test]
async fn every_kind_refuses_wrong_credentials_as_unauthorized() {
    let server = demo().await;
    for kind in Kind::ALL {
        let fixture = fixture_for(kind, &server);
        let (config, _) = fixture.remote;
        let provider = connect_remote(config, fixture.wrong_credentials);
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
}

#[tokio::test]
async fn every_kind_reports_capabilities_that_match_its_versions() {
    let server = demo().await;
    for kind in Kind::ALL {
        let fixture = fixture_for(kind, &server);
        let (config, credentials) = fixture.remote;
        let provider = connect_remote(config, credentials);
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
}

#[tokio::test]
async fn every_kind_lists_and_serves_the_documents_the_demo_server_was_asked_to_generate() {
    let generated = docket_demo::GeneratedDocuments::many_small(23, 10 * 1024);
    let server = DemoServer::start_with(
        docket_demo::DemoConfig {
            port_base: 0,
            large_file_size: 1024,
            bulk_study_files: 0,
        },
        std::slice::from_ref(&generated),
    )
    .await
    .expect("demo server starts");
    let state = server.state();
    let mut expected: Vec<String> = (0..generated.count).map(|i| generated.name(i)).collect();
    expected.sort();
    for (config, credentials) in docket_demo::demo_remotes(&server) {
        let kind = config.kind;
        let provider = connect_remote(config, credentials);
        // Walk the whole tree: each vendor maps the generated folder onto its own shape.
        let mut pending = std::collections::VecDeque::from([Location::root()]);
        let mut found = Vec::new();
        while let Some(location) = pending.pop_front() {
            let entries = provider
                .list_all(&location)
                .await
                .unwrap_or_else(|err| panic!("{kind}: listing failed: {err}"));
            for entry in entries {
                match entry.kind {
                    EntryKind::Folder => pending.push_back(Location::at(entry.id.clone())),
                    EntryKind::Document if entry.name.starts_with("small-") => found.push(entry),
                    EntryKind::Document => {}
                }
            }
        }
        let mut names: Vec<String> = found.iter().map(|e| e.name.clone()).collect();
        names.sort();
        assert_eq!(names, expected, "{kind}: every generated document, once");
        for index in [0, generated.count - 1] {
            let name = generated.name(index);
            let entry = found.iter().find(|e| e.name == name).unwrap();
            let (bytes, hash) = fetch(provider.as_ref(), &DocRef::new(entry.id.clone()))
                .await
                .unwrap_or_else(|err| panic!("{kind}: {name} did not download: {err}"));
            let document = state
                .library
                .document_by_path(&generated.path(index))
                .unwrap();
            assert_eq!(bytes.len() as u64, generated.size, "{kind}: {name}");
            assert_eq!(
                hash,
                document.latest().content.content_hash(),
                "{kind}: {name} has its own bytes"
            );
        }
    }
}
