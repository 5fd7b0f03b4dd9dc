//! Staged files and their download handlers: chunk size clamping, what a staged file reports, corrupted and
//! failed chunks, expired handlers, another user's ticket, and handlers always deleted.

use axum::http::StatusCode;
use docket_core::{DocRef, IgnoreStatus, ProviderError, TransferSource};
use docket_demo::faults::{Failure, Target};
use docket_demo::inforouter::{MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, OPEN_HANDLERS};
use docket_demo::library::sample;

use crate::helpers::{
    base_url, connect, content_hash_in_library, open_handlers, provider, requests, script_answer,
};
use crate::support::{demo, fetch_version, provider_error};

const CHUNK: &str = "/srv.asmx/DownloadFileChunk";

#[tokio::test]
async fn the_server_clamps_the_preferred_chunk_size() {
    let server = demo().await;
    for (asked, granted) in [
        ("1024", MIN_CHUNK_SIZE),
        ("1073741824", MAX_CHUNK_SIZE),
        ("1048576", 1_048_576),
    ] {
        let provider = connect(&base_url(&server), &[("chunk_size", asked)]);
        let source = provider
            .prepare(&DocRef::new(sample::LEDGER_CSV), None, &IgnoreStatus)
            .await
            .unwrap();
        let TransferSource::Chunked(chunks) = source else {
            panic!("infoRouter downloads are chunked");
        };
        assert_eq!(chunks.staged().chunk_size, granted, "asked {asked}");
        chunks.release().await.unwrap();
    }
    assert_eq!(open_handlers(&server), 0);
}

#[tokio::test]
async fn the_staged_file_reports_size_crc_type_and_the_documents_name() {
    let server = demo().await;
    let source = provider(&server)
        .prepare(&DocRef::new(sample::NOTES_TXT), None, &IgnoreStatus)
        .await
        .unwrap();
    let TransferSource::Chunked(chunks) = source else {
        panic!("infoRouter downloads are chunked");
    };
    let state = server.state();
    let notes = state.library.document_by_path(sample::NOTES_TXT).unwrap();
    let staged = chunks.staged();
    assert_eq!(staged.size, notes.size());
    assert_eq!(staged.crc32, Some(notes.latest().content.crc32()));
    assert_eq!(staged.file_name.as_deref(), Some("Notizen von Zoë.txt"));
    assert_eq!(staged.mime.as_deref(), Some(sample::TXT));
    assert_eq!(open_handlers(&server), 1);
    chunks.release().await.unwrap();
    chunks.release().await.unwrap();
    assert_eq!(open_handlers(&server), 0);
    assert_eq!(
        requests(&server, "DeleteDownloadHandler"),
        1,
        "released once"
    );
}

#[tokio::test]
async fn a_corrupted_chunk_is_an_integrity_error_and_its_handler_is_still_deleted() {
    let server = demo().await;
    let state = server.state();
    let readme = state.library.document_by_path(sample::README_TXT).unwrap();
    let bytes = readme.latest().content.read(0..readme.size());
    let wrong_crc = crc32fast::hash(&bytes) ^ 1;
    let body = format!(
        r#"<response success="true" filelength="{len}" chunklength="{len}" lastchunk="true" chunkCRC32="{wrong_crc:08x}">{}</response>"#,
        base64_of(&bytes),
        len = bytes.len()
    );
    script_answer(&server, "DownloadFileChunk", 1, &body);
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
    assert!(matches!(err, ProviderError::Integrity { .. }), "{err:?}");
    assert_eq!(
        open_handlers(&server),
        0,
        "the handler was deleted after the failure"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file is left"
    );
}

#[tokio::test]
async fn a_handler_that_expired_is_link_expired_and_preparing_again_works() {
    let server = demo().await;
    let provider = provider(&server);
    let source = provider
        .prepare(&DocRef::new(sample::CATALOG_XML), None, &IgnoreStatus)
        .await
        .unwrap();
    let TransferSource::Chunked(chunks) = source else {
        panic!("infoRouter downloads are chunked");
    };
    server
        .state()
        .expiry
        .expire(Some(docket_providers::inforouter::KIND));
    let err = chunks
        .read(0, chunks.staged().chunk_size)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: "Download handler not found.".into()
        }
    );
    chunks.release().await.unwrap();
    assert_eq!(open_handlers(&server), 0);
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch_version(provider.as_ref(), sample::CATALOG_XML, None, dir.path())
        .await
        .unwrap();
    assert_eq!(
        saved.content_hash,
        content_hash_in_library(&server, sample::CATALOG_XML)
    );
}

#[tokio::test]
async fn a_failed_chunk_request_still_deletes_the_handler() {
    let server = demo().await;
    server.state().faults.fail_next(
        Target::new(docket_providers::inforouter::KIND, CHUNK),
        1,
        Failure::status(StatusCode::SERVICE_UNAVAILABLE).body("text/plain", "maintenance"),
    );
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch_version(
            provider(&server).as_ref(),
            sample::LOGO_PNG,
            None,
            dir.path(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(err, ProviderError::transient("maintenance"));
    assert_eq!(open_handlers(&server), 0);
    assert_eq!(server.state().gauges.get(OPEN_HANDLERS).max, 1);
}

#[tokio::test]
async fn a_handler_cannot_be_read_with_another_users_ticket() {
    let server = demo().await;
    let source = provider(&server)
        .prepare(&DocRef::new(sample::README_TXT), None, &IgnoreStatus)
        .await
        .unwrap();
    let TransferSource::Chunked(chunks) = source else {
        panic!("infoRouter downloads are chunked");
    };
    let base = base_url(&server);
    let http = reqwest::Client::new();
    let login = http
        .get(format!(
            "{base}/srv.asmx/AuthenticateUser?UID=auditor&PWD=auditor-password"
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ticket = login
        .split("ticket=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let answer = http
        .post(format!("{base}/srv.asmx/DownloadFileChunk"))
        .form(&[
            ("AuthenticationTicket", ticket),
            ("DownloadHandler", chunks.staged().handle.as_str()),
            ("StartOffset", "0"),
            ("ChunkSize", "262144"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        answer.contains(r#"error="Download handler not found.""#),
        "{answer}"
    );
    chunks.release().await.unwrap();
    assert_eq!(open_handlers(&server), 0);
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
