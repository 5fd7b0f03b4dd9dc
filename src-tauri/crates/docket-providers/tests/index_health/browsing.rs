//! Browsing collections and documents: the root, a collection's listing, stat, the URL-based document,
//! versions, and the refusals of unknown or malformed ids.

use docket_core::{DocRef, EntryKind, IgnoreStatus, Location, ProviderError};
use docket_demo::index_health::{catalog, demo_remote};
use docket_demo::library::sample;
use serde_json::json;

use crate::helpers::{library_document, provider_for, API};
use crate::support::{connect_remote, demo, fetch, provider_error};

#[tokio::test]
async fn the_root_lists_every_configured_collection_named_after_its_documents_collection_name() {
    let server = demo().await;
    let provider = provider_for(&server);
    let root = provider.list(&Location::root(), None).await.unwrap();
    let state = server.state();
    let expected: Vec<(String, String)> = catalog::collections(&state.library)
        .iter()
        .map(|c| (c.id(), c.name().to_owned()))
        .collect();
    let listed: Vec<(String, String)> = root
        .items
        .iter()
        .map(|e| (e.id.clone(), e.name.clone()))
        .collect();
    assert_eq!(listed, expected);
    assert!(listed.contains(&("col-finance".to_owned(), "Finance".to_owned())));
    assert!(root.items.iter().all(|e| e.kind == EntryKind::Folder));
    assert_eq!(root.next, None);
}

#[tokio::test]
async fn without_the_collections_setting_the_root_asks_for_a_collection_id() {
    let server = demo().await;
    let (mut config, credentials) = demo_remote(&server.base_url(API));
    config.settings.remove("collections");
    let provider = connect_remote(config, credentials);
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(
        err.message().contains("collection id") && err.message().contains("`collections`"),
        "{err}"
    );
    // A collection id still lists without the setting.
    assert!(!provider
        .list_all(&Location::at("col-finance"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_collection_lists_every_document_below_its_folder_in_one_page_as_the_api_does_not_page() {
    let server = demo().await;
    let provider = provider_for(&server);
    let engineering = Location::at("col-engineering");
    let page = provider.list(&engineering, None).await.unwrap();
    assert_eq!(page.next, None);
    let names: Vec<&str> = page.items.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["catalog.xml", "telemetry-archive.bin", "README.txt"]
    );
    assert_eq!(provider.list_all(&engineering).await.unwrap(), page.items);
    let catalog_xml = &page.items[0];
    assert_eq!(catalog_xml.kind, EntryKind::Document);
    assert_eq!(catalog_xml.parent.as_deref(), Some("col-engineering"));
    assert_eq!(catalog_xml.mime.as_deref(), Some("application/xml"));
    assert_eq!(
        catalog_xml.modified.as_deref(),
        Some("2024-06-01T12:00:00.000Z")
    );
    assert_eq!(catalog_xml.extra["document_tags"], json!(["Data"]));
}

#[tokio::test]
async fn an_unknown_collection_is_not_found_with_the_servers_message() {
    let server = demo().await;
    let err = provider_for(&server)
        .list(&Location::at("col-nowhere"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::NotFound {
            message: "Collection not found".into()
        }
    );
}

#[tokio::test]
async fn stat_gives_a_documents_name_type_collection_and_dates() {
    let server = demo().await;
    let (id, _) = library_document(&server, sample::CONTRACT_DOCX);
    let entry = provider_for(&server).stat(&DocRef::new(&id)).await.unwrap();
    assert_eq!(entry.id, id);
    assert_eq!(entry.name, "Master Services Agreement.docx");
    assert_eq!(entry.mime.as_deref(), Some(sample::DOCX));
    assert_eq!(entry.parent.as_deref(), Some("col-legal"));
    assert_eq!(entry.modified.as_deref(), Some("2024-05-02T11:45:00.000Z"));
    assert_eq!(entry.extra["created_at"], "2024-01-10T09:00:00.000Z");
    assert_eq!(entry.extra["collection_name"], "Legal");
}

#[tokio::test]
async fn a_missing_document_is_not_found_for_stat_and_download_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let missing = DocRef::new("doc-999999");
    let not_found = ProviderError::NotFound {
        message: "Document not found".into(),
    };
    assert_eq!(provider.stat(&missing).await.unwrap_err(), not_found);
    assert_eq!(
        provider
            .prepare(&missing, None, &IgnoreStatus)
            .await
            .unwrap_err(),
        not_found
    );
}

#[tokio::test]
async fn an_empty_document_id_is_an_invalid_request_with_the_servers_message() {
    let server = demo().await;
    let err = provider_for(&server)
        .prepare(&DocRef::new(""), None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::InvalidRequest {
            message: "Document ID is required".into()
        }
    );
}

#[tokio::test]
async fn the_url_based_document_is_listed_with_its_link_and_refused_as_not_downloadable() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::INTRANET_LINK);
    let listed = provider.list_all(&Location::at("col-links")).await.unwrap();
    let link = listed.iter().find(|e| e.id == id).unwrap();
    let url = state
        .library
        .document_by_path(sample::INTRANET_LINK)
        .unwrap()
        .url
        .clone()
        .unwrap();
    assert_eq!(link.extra["document_url"], url);
    assert_eq!(link.extra["downloadable"], false);
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(fetch(provider.as_ref(), &id, dir.path()).await.unwrap_err());
    assert_eq!(
        err,
        ProviderError::NotDownloadable {
            message: "Document has no file path".into()
        }
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn documents_have_no_versions_and_asking_for_one_is_an_invalid_request() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, _) = library_document(&server, sample::CONTRACT_DOCX);
    let doc = DocRef::new(&id);
    assert!(provider.versions(&doc).await.unwrap().is_empty());
    assert!(!provider.capabilities().versions);
    let err = provider
        .prepare(&doc, Some("2"), &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
}
