//! The shared conformance suite (in the spirit of rclone's `fstest/fstests`): the same browse and download checks
//! (`suite.rs`) run over every registered provider against the demo server. A new protocol is done when its
//! fixture (one line in `fixtures/mod.rs`) passes here.

mod fixtures;
mod suite;
#[path = "../support/mod.rs"]
mod support;

use docket_core::{DocRef, EntryKind, Kind, Location};
use docket_demo::DemoServer;
use suite::Fixture;
use support::{connect_remote, demo_with_large_file, download};

/// The fixture of a registered kind; every registered kind has one (checked below).
fn fixture_for(kind: Kind, server: &DemoServer) -> Fixture {
    fixtures::FIXTURES
        .iter()
        .map(|fixture| fixture(server))
        .find(|fixture| fixture.entry.kind == kind)
        .unwrap_or_else(|| panic!("{kind} has no conformance fixture in fixtures/mod.rs"))
}

/// A small large sample keeps the suite quick; the per-vendor tests cover the big one.
async fn demo() -> DemoServer {
    demo_with_large_file(4 * 1024 * 1024).await
}

async fn fetch(
    provider: &dyn docket_core::Provider,
    doc: &DocRef,
) -> Result<(Vec<u8>, String), docket_transfer::DownloadError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = download(provider, doc, None, dir.path()).await?;
    let bytes = std::fs::read(&saved.path).expect("saved file readable");
    Ok((bytes, saved.content_hash))
}

#[test]
fn every_registered_kind_has_a_fixture() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(demo());
    for kind in docket_providers::registry::kinds() {
        assert_eq!(fixture_for(kind, &server).entry.kind, kind);
    }
}

#[tokio::test]
async fn every_kind_lists_its_root_to_the_end_with_named_entries() {
    let server = demo().await;
    for kind in docket_providers::registry::kinds() {
        suite::lists_its_root_to_the_end_with_named_entries(&fixture_for(kind, &server)).await;
    }
}

#[tokio::test]
async fn every_kind_lists_the_fixture_document_in_its_folder_with_its_metadata() {
    let server = demo().await;
    for kind in docket_providers::registry::kinds() {
        let fixture = fixture_for(kind, &server);
        suite::lists_the_fixture_document_in_its_folder_with_its_metadata(&fixture).await;
    }
}

#[tokio::test]
async fn every_kind_downloads_the_fixture_document_byte_for_byte() {
    let server = demo().await;
    for kind in docket_providers::registry::kinds() {
        suite::downloads_the_fixture_document_byte_for_byte(&fixture_for(kind, &server)).await;
    }
}

#[tokio::test]
async fn every_kind_says_not_found_for_a_document_that_does_not_exist() {
    let server = demo().await;
    for kind in docket_providers::registry::kinds() {
        suite::says_not_found_for_a_document_that_does_not_exist(&fixture_for(kind, &server)).await;
    }
}

#[tokio::test]
async fn every_kind_refuses_wrong_credentials_as_unauthorized() {
    let server = demo().await;
    for kind in docket_providers::registry::kinds() {
        suite::refuses_wrong_credentials_as_unauthorized(&fixture_for(kind, &server)).await;
    }
}

#[tokio::test]
async fn every_kind_reports_capabilities_that_match_its_versions() {
    let server = demo().await;
    for kind in docket_providers::registry::kinds() {
        suite::reports_capabilities_that_match_its_versions(&fixture_for(kind, &server)).await;
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
