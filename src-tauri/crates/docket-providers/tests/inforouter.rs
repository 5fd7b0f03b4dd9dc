//! infoRouter against the in-process demo server: login and re-login, paged browsing, versions, staged chunked
//! downloads checked byte for byte, every documented error with the server's own message, and handlers that
//! are always deleted.

mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use docket_core::{
    sanitize_file_name, Credentials, DocRef, EntryKind, IgnoreStatus, Location, PageToken,
    Provider, ProviderError, TransferSource,
};
use docket_demo::faults::{Failure, Target};
use docket_demo::inforouter::{self, Settings, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, OPEN_HANDLERS};
use docket_demo::library::sample;
use docket_demo::{DemoServer, DemoState, Library};
use support::{assert_same_bytes, connect_remote, demo, fetch_version, provider_error};

const CHUNK: &str = "/srv.asmx/DownloadFileChunk";

fn base_url(server: &DemoServer) -> String {
    server.base_url(docket_providers::inforouter::KIND)
}

/// The provider as a user would register the demo server.
fn provider(server: &DemoServer) -> Arc<dyn Provider> {
    connect(&base_url(server), &[])
}

fn connect(base_url: &str, settings: &[(&str, &str)]) -> Arc<dyn Provider> {
    let (mut config, credentials) = inforouter::demo_remote(base_url);
    for (key, value) in settings {
        config
            .settings
            .insert((*key).to_owned(), (*value).to_owned());
    }
    connect_remote(config, credentials)
}

fn open_handlers(server: &DemoServer) -> i64 {
    server.state().gauges.get(OPEN_HANDLERS).value
}

fn requests(server: &DemoServer, method: &str) -> u64 {
    server
        .state()
        .stats
        .get(
            docket_providers::inforouter::KIND,
            &format!("/srv.asmx/{method}"),
        )
        .requests
}

fn content_hash_in_library(server: &DemoServer, path: &str) -> String {
    let state = server.state();
    state
        .library
        .document_by_path(path)
        .unwrap()
        .latest()
        .content
        .content_hash()
}

/// Answers the next `count` calls of `method` with this XML instead of the demo's own.
fn script_answer(server: &DemoServer, method: &str, count: u32, xml: &str) {
    server.state().faults.fail_next(
        Target::new(
            docket_providers::inforouter::KIND,
            format!("/srv.asmx/{method}"),
        ),
        count,
        Failure::status(StatusCode::OK).body("text/xml; charset=utf-8", xml),
    );
}

/// Serves the infoRouter API alone with non-default server settings.
async fn serve_with(settings: Settings) -> String {
    let state = Arc::new(DemoState::new(Library::sample(1024)));
    let app = inforouter::router_with(state, settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_demo_account_logs_in_and_lists_the_root_folders_by_path() {
    let server = demo().await;
    let page = provider(&server)
        .list(&Location::root(), None)
        .await
        .unwrap();
    let ids: Vec<&str> = page.items.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "/Finance",
            "/Legal",
            "/Engineering",
            "/Media",
            "/Projects",
            "/Archive",
            "/Links"
        ]
    );
    assert!(page.items.iter().all(|e| e.kind == EntryKind::Folder));
    assert_eq!(page.next, None);
    assert_eq!(requests(&server, "AuthenticateUser"), 1);
}

#[tokio::test]
async fn a_folder_lists_its_documents_with_size_date_version_and_short_id() {
    let server = demo().await;
    let entries = provider(&server)
        .list_all(&Location::at("/Finance/Reports/2024"))
        .await
        .unwrap();
    let report = entries.iter().find(|e| e.id == sample::REPORT_PDF).unwrap();
    let state = server.state();
    let expected = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    assert_eq!(report.kind, EntryKind::Document);
    assert_eq!(report.name, "Q1-Report.pdf");
    assert_eq!(report.size, Some(expected.size()));
    assert_eq!(report.version.as_deref(), Some("1000000"));
    assert_eq!(report.modified.as_deref(), Some("2024-04-02 08:15:00"));
    assert_eq!(report.extra["short_id"], format!("~D{}", expected.id));
    assert_eq!(report.parent.as_deref(), Some("/Finance/Reports/2024"));
}

#[tokio::test]
async fn paging_follows_every_page_to_the_end() {
    let base = serve_with(Settings {
        page_size: 3,
        ..Settings::default()
    })
    .await;
    let provider = connect(&base, &[]);
    let first = provider.list(&Location::root(), None).await.unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(first.next, Some(PageToken("2".into())));
    let third = provider
        .list(&Location::root(), Some(&PageToken("3".into())))
        .await
        .unwrap();
    assert_eq!(third.items.len(), 1);
    assert_eq!(third.next, None);
    let all = provider.list_all(&Location::root()).await.unwrap();
    let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Finance",
            "Legal",
            "Engineering",
            "Media",
            "Projects",
            "Archive",
            "Links"
        ]
    );
}

#[tokio::test]
async fn a_missing_folder_is_not_found_with_the_servers_message() {
    let server = demo().await;
    let err = provider(&server)
        .list(&Location::at("/No/Such/Folder"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: "Folder not found.".into()
        }
    );
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let (config, _) = inforouter::demo_remote(&base_url(&server));
    let wrong = Credentials::new(config.name.clone()).with("password", "not-the-password");
    let provider = connect_remote(config, wrong);
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "[900] Authentication failed".into()
        }
    );
}

#[tokio::test]
async fn an_expired_ticket_is_replaced_by_logging_in_again_once() {
    let server = demo().await;
    let provider = provider(&server);
    provider.list(&Location::root(), None).await.unwrap();
    let expired = reqwest::Client::new()
        .post(format!("{}/_demo/expire", base_url(&server)))
        .body(r#"{"api": "inforouter"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 200);
    let page = provider.list(&Location::at("/Legal"), None).await.unwrap();
    assert!(!page.items.is_empty());
    assert_eq!(requests(&server, "AuthenticateUser"), 2);
    assert_eq!(requests(&server, "GetFoldersAndDocumentsByPage"), 3);
}

#[tokio::test]
async fn a_ticket_refused_again_after_logging_in_is_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let provider = provider(&server);
    script_answer(
        &server,
        "GetFoldersAndDocumentsByPage",
        2,
        r#"<response success="false" error="[901] Session expired or Invalid ticket" />"#,
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "[901] Session expired or Invalid ticket".into()
        }
    );
    assert_eq!(
        requests(&server, "AuthenticateUser"),
        2,
        "one login, one re-login"
    );
}

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
async fn stat_reads_name_size_and_type_without_staging() {
    let server = demo().await;
    let id = server
        .state()
        .library
        .document_by_path(sample::LEDGER_CSV)
        .unwrap()
        .id;
    let entry = provider(&server)
        .stat(&DocRef::new(format!("~D{id}")))
        .await
        .unwrap();
    assert_eq!(entry.name, "ledger-2024.csv");
    assert_eq!(entry.mime.as_deref(), Some(sample::CSV));
    let state = server.state();
    assert_eq!(entry.size, Some(state.library.document(id).unwrap().size()));
    assert_eq!(state.gauges.get(OPEN_HANDLERS).max, 0, "nothing was staged");
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
async fn posts_need_the_form_content_type_and_the_providers_requests_carry_it() {
    let server = demo().await;
    let url = format!("{}/srv.asmx/AuthenticateUser", base_url(&server));
    let http = reqwest::Client::new();
    let plain = http
        .post(&url)
        .header("content-type", "text/plain")
        .body("UID=demo&PWD=demo-password")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 500);
    assert!(plain
        .text()
        .await
        .unwrap()
        .contains("Request format is invalid"));
    let form = http
        .post(&url)
        .form(&[("UID", "demo"), ("PWD", "demo-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains(r#"success="true""#));
    let missing = http
        .post(&url)
        .form(&[("UID", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 500);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("Missing parameter: PWD"));
    provider(&server)
        .list(&Location::root(), None)
        .await
        .unwrap();
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
