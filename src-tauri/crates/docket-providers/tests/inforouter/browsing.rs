//! Browsing by path: the root after login, a folder's documents, paging to the end, a missing folder, and
//! stat without staging.

use std::sync::Arc;

use docket_core::{DocRef, EntryKind, Location, PageToken, ProviderError};
use docket_demo::inforouter::{self, Settings, OPEN_HANDLERS};
use docket_demo::library::sample;
use docket_demo::{DemoState, Library};

use crate::helpers::{connect, provider, requests};
use crate::support::demo;

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
