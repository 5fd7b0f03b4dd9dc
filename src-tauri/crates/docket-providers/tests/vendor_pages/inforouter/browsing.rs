//! Browsing as the README prints it: a folder's folders and documents, a missing folder, and versions.

use docket_core::{DocRef, Entry, Location, ProviderError};
use serde_json::{json, Value};

use super::{form, forms, provider, script, served, vendor, DOCUMENT, TICKET};

#[tokio::test]
async fn a_folder_lists_its_folders_and_documents_identified_by_path() {
    let server = vendor().await;
    script(
        &server,
        "GetFoldersAndDocumentsByPage",
        [served("folder-listing.xml")],
    );
    let page = provider(&server)
        .list(&Location::at("/Finance/Reports"), None)
        .await
        .unwrap();
    assert_eq!(page.next, None, "itemcount 3: all on page 1");
    let parent = Some("/Finance/Reports".to_owned());
    let document =
        |id: &str, name: &str, size: u64, mdate: &str, version: &str, extra: Value| Entry {
            size: Some(size),
            modified: Some(mdate.to_owned()),
            version: Some(version.to_owned()),
            parent: parent.clone(),
            extra,
            ..Entry::document(id, name)
        };
    assert_eq!(
        page.items,
        [
            Entry {
                parent: parent.clone(),
                extra: json!({ "folder_id": "13" }),
                ..Entry::folder("/Finance/Reports/2024", "2024")
            },
            document(
                "/Finance/Reports/Q1-Report.pdf",
                "Q1-Report.pdf",
                2_097_152,
                "2024-06-15",
                "2000000",
                json!({
                    "short_id": "~D1001",
                    "created": "2024-04-02",
                    "format": "PDF",
                    "published_version": "2000000",
                    "document_type": "0",
                }),
            ),
            document(
                "/Finance/Reports/ledger-2024.csv",
                "ledger-2024.csv",
                538_214,
                "2024-04-03",
                "1000000",
                json!({
                    "short_id": "~D1002",
                    "created": "2024-04-03",
                    "format": "CSV",
                    "published_version": "1000000",
                    "document_type": "0",
                }),
            ),
        ]
    );
}

#[tokio::test]
async fn a_missing_folder_is_not_found_with_the_vendors_message() {
    let server = vendor().await;
    script(
        &server,
        "GetFoldersAndDocumentsByPage",
        [served("folder-not-found.xml")],
    );
    let err = provider(&server)
        .list(&Location::at("/Nowhere"), None)
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
async fn versions_as_the_readme_prints_them_are_read_by_their_number() {
    let server = vendor().await;
    script(
        &server,
        "GetDocumentVersions",
        [served("document-versions.xml")],
    );
    let versions = provider(&server)
        .versions(&DocRef::new(DOCUMENT))
        .await
        .unwrap();
    let read: Vec<(&str, &str, Option<u64>)> = versions
        .iter()
        .map(|v| (v.id.as_str(), v.label.as_str(), v.size))
        .collect();
    // `..` in place of the size is no number: the size is unknown rather than an error.
    assert_eq!(read, [("1000000", "Version 1", None)]);
    assert_eq!(
        forms(&server, "GetDocumentVersions"),
        [form(&[
            ("AuthenticationTicket", TICKET),
            ("Path", DOCUMENT)
        ])]
    );
}

#[tokio::test]
async fn versions_with_values_come_newest_first_with_size_and_checksum() {
    let server = vendor().await;
    script(
        &server,
        "GetDocumentVersions",
        [served("document-versions-with-values.xml")],
    );
    let versions = provider(&server)
        .versions(&DocRef::new(DOCUMENT))
        .await
        .unwrap();
    let read: Vec<(&str, &str, Option<u64>, Option<&str>)> = versions
        .iter()
        .map(|v| {
            (
                v.id.as_str(),
                v.label.as_str(),
                v.size,
                v.checksum.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            ("2000000", "Version 2", Some(2_097_152), Some("a3f1c29d")),
            ("1000000", "Version 1", Some(1_048_576), Some("5f0d6a1c")),
        ]
    );
}
