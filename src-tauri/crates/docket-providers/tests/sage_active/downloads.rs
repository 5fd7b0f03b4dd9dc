//! Downloads: every sample byte for byte, files missing, still being scanned or with their bytes removed,
//! and no versions beyond the latest.

use docket_core::{DocRef, IgnoreStatus, Location, ProviderError};
use docket_demo::library::sample;
use docket_demo::sage_active::{catalog, REMOVED};

use crate::helpers::{document, file_id, ids, provider_for};
use crate::support::{assert_same_bytes, demo, fetch, provider_error, LARGE_FILE_SIZE};

#[tokio::test]
async fn every_sample_document_downloads_byte_for_byte() {
    let server = demo().await;
    let state = server.state();
    let provider = provider_for(&server);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(state.library.documents().len(), 12);
    for doc in state.library.documents() {
        let saved = fetch(provider.as_ref(), &catalog::file_id(doc), dir.path())
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", doc.path()));
        assert_same_bytes(&saved, doc);
        assert_eq!(
            saved.path.file_name().unwrap().to_string_lossy(),
            doc.name,
            "{}",
            doc.path()
        );
    }
    let large = document(&state, sample::LARGE_FILE);
    assert_eq!(large.size(), LARGE_FILE_SIZE);
}

#[tokio::test]
async fn a_file_id_that_does_not_exist_is_not_found_everywhere() {
    let server = demo().await;
    let provider = provider_for(&server);
    let missing = DocRef::new("00000000000000000000000000000000.pdf");
    for err in [
        provider.stat(&missing).await.unwrap_err(),
        provider.versions(&missing).await.unwrap_err(),
        provider
            .prepare(&missing, None, &IgnoreStatus)
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
        assert!(
            err.message()
                .contains("00000000000000000000000000000000.pdf"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn a_file_still_being_scanned_is_not_listed_and_cannot_be_downloaded_yet() {
    let server = demo().await;
    let provider = provider_for(&server);
    let uploads = Location::at(format!("Customer/{}", catalog::uploads_entity_id()));
    let listed = ids(&provider.list_all(&uploads).await.unwrap());
    assert_eq!(listed, [catalog::REMOVED_FILE_ID]);

    let pending = DocRef::new(catalog::PENDING_FILE_ID);
    assert_eq!(
        provider.stat(&pending).await.unwrap().name,
        "receipt-scan.pdf"
    );
    let err = provider
        .prepare(&pending, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::NotDownloadable { .. }),
        "{err:?}"
    );
    assert_eq!(
        provider
            .server_preview(&pending)
            .await
            .unwrap()
            .map(|u| u.url),
        None
    );
}

#[tokio::test]
async fn a_file_whose_stored_bytes_were_removed_is_not_found_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch(provider.as_ref(), catalog::REMOVED_FILE_ID, dir.path())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: REMOVED.into()
        }
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "a partial file was left behind"
    );
}

#[tokio::test]
async fn sage_active_has_no_versions_and_refuses_a_version_on_download() {
    let server = demo().await;
    let provider = provider_for(&server);
    assert!(!provider.capabilities().versions);
    let contract = DocRef::new(file_id(&server, sample::CONTRACT_DOCX));
    assert_eq!(provider.versions(&contract).await.unwrap(), []);
    let err = provider
        .prepare(&contract, Some("2"), &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_contract_downloads_as_its_latest_version() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let contract = document(&state, sample::CONTRACT_DOCX);
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &catalog::file_id(contract), dir.path())
        .await
        .unwrap();
    assert_eq!(saved.content_hash, contract.latest().content.content_hash());
    assert_ne!(
        saved.content_hash,
        contract.versions[0].content.content_hash()
    );
}
