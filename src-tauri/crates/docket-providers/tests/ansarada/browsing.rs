//! Browsing the data room index: the root, relay paging, folder listings as admin and guest, and stat.

use docket_core::{DocRef, EntryKind, Location, ProviderError};
use docket_demo::ansarada::{document_id, ADMIN_TOKEN, GUEST_TOKEN};
use docket_demo::library::sample;

use crate::room::{doc_id, folder_at, provider_for, provider_with};
use crate::support::demo;

#[tokio::test]
async fn the_root_lists_the_top_folders_in_index_order() {
    let server = demo().await;
    let provider = provider_for(&server);
    let page = provider.list(&Location::root(), None).await.unwrap();
    let names: Vec<&str> = page.items.iter().map(|e| e.name.as_str()).collect();
    let state = server.state();
    let expected: Vec<&str> = state
        .library
        .subfolders(state.library.root().id)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, expected);
    assert!(page
        .items
        .iter()
        .all(|e| e.kind == EntryKind::Folder && e.parent.is_none()));
    assert_eq!(page.items[0].extra["number"], "1");
    assert!(page.next.is_none());
}

#[tokio::test]
async fn a_small_page_size_is_followed_through_every_relay_page_to_the_end() {
    let server = demo().await;
    let provider = provider_with(&server, ("page_size", "2"), ADMIN_TOKEN);
    let mut pages = 0;
    let mut names = Vec::new();
    let mut next = None;
    loop {
        let page = provider
            .list(&Location::root(), next.as_ref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        pages += 1;
        names.extend(page.items.into_iter().map(|e| e.name));
        match page.next {
            Some(token) => next = Some(token),
            None => break,
        }
    }
    let all = provider_for(&server)
        .list_all(&Location::root())
        .await
        .unwrap();
    assert_eq!(
        names,
        all.iter().map(|e| e.name.clone()).collect::<Vec<_>>()
    );
    assert_eq!(pages, all.len().div_ceil(2));
    assert!(pages >= 3, "only {pages} pages");
}

#[tokio::test]
async fn a_folder_lists_its_documents_with_name_and_modification_time_and_no_size_the_api_lacks() {
    let server = demo().await;
    let provider = provider_for(&server);
    let reports = folder_at(&server, "/Finance/Reports/2024");
    let entries = provider.list_all(&reports).await.unwrap();
    let state = server.state();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let listed = entries.iter().find(|e| e.name == "Q1-Report.pdf").unwrap();
    assert_eq!(listed.kind, EntryKind::Document);
    assert_eq!(listed.id, document_id(report.id));
    // The vendor's `File` type has no size: the listing says none rather than inventing one.
    assert_eq!(listed.size, None);
    assert_eq!(
        listed.modified.as_deref(),
        Some(report.modified().rfc3339().as_str())
    );
    assert_eq!(listed.parent.as_deref(), reports.as_deref());
    assert_eq!(listed.extra["createdDate"], report.created().rfc3339());
    assert_eq!(entries.len(), 2);
}

#[tokio::test]
async fn a_guest_sees_documents_without_a_created_date() {
    let server = demo().await;
    let guest = provider_with(&server, ("page_size", "100"), GUEST_TOKEN);
    let entries = guest
        .list_all(&folder_at(&server, "/Engineering"))
        .await
        .unwrap();
    let readme = entries.iter().find(|e| e.name == "README.txt").unwrap();
    assert!(readme.extra["createdDate"].is_null());
    assert!(readme.modified.is_some());
}

#[tokio::test]
async fn stat_walks_the_index_to_a_nested_document_and_reports_a_missing_one() {
    let server = demo().await;
    let provider = provider_for(&server);
    let notes = provider
        .stat(&DocRef::new(doc_id(&server, sample::NOTES_TXT)))
        .await
        .unwrap();
    assert_eq!(notes.name, "Notizen von Zoë.txt");
    let err = provider
        .stat(&DocRef::new(document_id(999_999)))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
}
