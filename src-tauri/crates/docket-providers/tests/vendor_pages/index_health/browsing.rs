//! Browsing as the pages print it: a collection's documents, the configured collection at the root, stat.

use docket_core::{DocRef, Entry, EntryKind, Location, Version};
use serde_json::{json, Value};

use super::{provider, vendor, COLLECTION, DOCUMENT_ID};

#[tokio::test]
async fn a_collection_lists_its_documents_with_ids_names_types_dates_and_links() {
    let server = vendor().await;
    let page = provider(&server)
        .list(&Location::at(COLLECTION), None)
        .await
        .unwrap();
    assert_eq!(page.next, None, "the API does not page");
    let in_collection =
        |id: &str, name: &str, mime: Option<&str>, modified: &str, extra: Value| Entry {
            mime: mime.map(str::to_owned),
            modified: Some(modified.to_owned()),
            parent: Some(COLLECTION.to_owned()),
            extra,
            ..Entry::document(id, name)
        };
    // No size: the API has no such field.
    assert_eq!(
        page.items,
        [
            in_collection(
                "doc-abc-123-def-456",
                "document-name.pdf",
                Some("application/pdf"),
                "2024-04-02T08:15:00.000Z",
                json!({
                    "document_type": "pdf",
                    "document_tags": ["Finance", "Q1"],
                    "created_at": "2024-01-10T09:00:00.000Z",
                    "collection_name": "Reports",
                }),
            ),
            // No document_type: the type comes from the stored file's extension.
            in_collection(
                "550e8400-e29b-41d4-a716-446655440000",
                "Minutes",
                Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                "2024-02-05T16:30:00.000Z",
                json!({ "created_at": "2024-02-01T10:00:00.000Z" }),
            ),
            // URL-based: said up front, before a download is refused.
            in_collection(
                "doc-123",
                "Intranet guide",
                None,
                "2024-03-01T12:00:00.000Z",
                json!({
                    "document_url": "https://intranet.example.com/guide",
                    "created_at": "2024-03-01T12:00:00.000Z",
                    "collection_name": "Reports",
                    "downloadable": false,
                }),
            ),
        ]
    );
}

#[tokio::test]
async fn the_root_lists_a_configured_collection_named_after_its_documents() {
    let server = vendor().await;
    let root = provider(&server)
        .list(&Location::root(), None)
        .await
        .unwrap();
    let folders: Vec<(&str, &str, EntryKind)> = root
        .items
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str(), e.kind))
        .collect();
    assert_eq!(folders, [(COLLECTION, "Reports", EntryKind::Folder)]);
    assert_eq!(root.items[0].extra["document_count"], 3);
}

#[tokio::test]
async fn stat_reads_the_details_of_one_document() {
    let server = vendor().await;
    let entry = provider(&server)
        .stat(&DocRef::new(DOCUMENT_ID))
        .await
        .unwrap();
    assert_eq!(
        server.only_request_to("/get-document-details").json(),
        json!({ "document_id": DOCUMENT_ID })
    );
    assert_eq!(
        (entry.id.as_str(), entry.name.as_str(), entry.kind),
        (DOCUMENT_ID, "document-name.pdf", EntryKind::Document)
    );
    assert_eq!(entry.mime.as_deref(), Some("application/pdf"));
    assert_eq!(entry.modified.as_deref(), Some("2024-04-02T08:15:00.000Z"));
    assert_eq!(entry.parent.as_deref(), Some(COLLECTION));
    assert_eq!(
        provider(&server)
            .versions(&DocRef::new(DOCUMENT_ID))
            .await
            .unwrap(),
        Vec::<Version>::new(),
        "the API has no versions"
    );
}
