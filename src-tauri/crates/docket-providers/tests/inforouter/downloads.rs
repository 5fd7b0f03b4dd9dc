//! Downloads through chunks: every sample byte for byte, short ids, versions, and the documents that are
//! missing, offline or met by a system error.

use docket_core::{sanitize_file_name, DocRef, ProviderError};
use docket_demo::inforouter::OPEN_HANDLERS;
use docket_demo::library::sample;

use crate::helpers::{content_hash_in_library, open_handlers, provider, requests, script_answer};
use crate::support::{assert_same_bytes, demo, fetch_version, provider_error};

#[tokio::test]
async fn every_sample_document_downloads_byte_for_byte_through_chunks() {
    let server = demo().await;
    let provider = provider(&server);
    let dir = tempfile::tempdir().unwrap();
    let state = server.state();
    let mut downloaded = 0;
    for doc in state
        .library
        .documents()
        .iter()
        .filter(|d| !d.flags.offline)
    {
        let path = doc.path();
        let saved = fetch_version(provider.as_ref(), &path, None, dir.path())
            .await
            .unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_same_bytes(&saved, doc);
        assert_eq!(
            saved.path.file_name().unwrap().to_str().unwrap(),
            sanitize_file_name(&doc.name),
            "{path}"
        );
        downloaded += 1;
    }
    assert_eq!(downloaded, state.library.documents().len() - 1);
    // 24 MiB in 4 MiB chunks is six chunks; the small files take one each.
    assert!(requests(&server, "DownloadFileChunk") >= 6 + downloaded as u64 - 1);
    assert_eq!(open_handlers(&server), 0, "every handler was deleted");
    assert_eq!(
        requests(&server, "DeleteDownloadHandler"),
        requests(&server, "GetDownloadHandler")
    );
}

#[tokio::test]
async fn short_ids_with_and_without_extension_download_the_same_bytes() {
    let server = demo().await;
    let provider = provider(&server);
    let dir = tempfile::tempdir().unwrap();
    let id = server
        .state()
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .id;
    let expected = content_hash_in_library(&server, sample::REPORT_PDF);
    for short in [format!("~D{id}"), format!("~D{id}.pdf"), id.to_string()] {
        let saved = fetch_version(provider.as_ref(), &short, None, dir.path())
            .await
            .unwrap();
        assert_eq!(saved.content_hash, expected, "{short}");
    }
}

#[tokio::test]
async fn versions_come_newest_first_and_each_downloads_its_own_bytes() {
    let server = demo().await;
    let provider = provider(&server);
    let doc = DocRef::new(sample::CONTRACT_DOCX);
    let versions = provider.versions(&doc).await.unwrap();
    let ids: Vec<&str> = versions.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["3000000", "2000000", "1000000"]);
    let state = server.state();
    let stored = state
        .library
        .document_by_path(sample::CONTRACT_DOCX)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (listed, number) in versions.iter().zip([3, 2, 1]) {
        let expected = stored.version(number).unwrap();
        assert_eq!(listed.size, Some(expected.size()));
        assert_eq!(
            listed.checksum.as_deref(),
            Some(format!("{:08x}", expected.content.crc32()).as_str())
        );
        let saved = fetch_version(provider.as_ref(), doc.id(), Some(&listed.id), dir.path())
            .await
            .unwrap();
        assert_eq!(
            saved.content_hash,
            expected.content.content_hash(),
            "version {number}"
        );
    }
    let short_form = fetch_version(provider.as_ref(), doc.id(), Some("1"), dir.path())
        .await
        .unwrap();
    assert_eq!(
        short_form.content_hash,
        stored.version(1).unwrap().content.content_hash()
    );
    assert_eq!(open_handlers(&server), 0);
}

#[tokio::test]
async fn a_version_that_does_not_exist_is_not_found() {
    let server = demo().await;
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch_version(
            provider(&server).as_ref(),
            sample::CONTRACT_DOCX,
            Some("9000000"),
            dir.path(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: "Version not found.".into()
        }
    );
}

#[tokio::test]
async fn a_missing_document_is_not_found_with_the_servers_message() {
    let server = demo().await;
    let provider = provider(&server);
    let dir = tempfile::tempdir().unwrap();
    let not_found = ProviderError::NotFound {
        message: "Document not found".into(),
    };
    let err = provider_error(
        fetch_version(provider.as_ref(), "/Finance/Nope.pdf", None, dir.path())
            .await
            .unwrap_err(),
    );
    assert_eq!(err, not_found);
    assert_eq!(
        provider.stat(&DocRef::new("~D999999")).await.unwrap_err(),
        not_found
    );
    assert_eq!(
        provider
            .versions(&DocRef::new("/Finance/Nope.pdf"))
            .await
            .unwrap_err(),
        not_found
    );
}

#[tokio::test]
async fn the_offline_document_cannot_be_downloaded_and_nothing_stays_staged() {
    let server = demo().await;
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch_version(
            provider(&server).as_ref(),
            sample::ARCHIVED_PDF,
            None,
            dir.path(),
        )
        .await
        .unwrap_err(),
    );
    assert!(
        matches!(err, ProviderError::NotDownloadable { .. }),
        "{err:?}"
    );
    assert!(err.message().starts_with("Offline document error"), "{err}");
    assert_eq!(server.state().gauges.get(OPEN_HANDLERS).max, 0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn a_system_error_is_transient_with_the_servers_message() {
    let server = demo().await;
    script_answer(
        &server,
        "GetDownloadHandler",
        1,
        r#"<response success="false" error="SystemError: the staging disk is full" />"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch_version(
            provider(&server).as_ref(),
            sample::README_TXT,
            None,
            dir.path(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        err,
        ProviderError::Transient {
            message: "SystemError: the staging disk is full".into()
        }
    );
}
