//! infoRouter after the library changed under it: an added document is in its folder's page and downloads its
//! bytes, a new version is listed (version, size, date) and staged as current, a removed document is gone.

use std::collections::HashMap;

use base64::Engine;
use quick_xml::events::Event;

use super::tests::{element, root, Demo};
use crate::content::Content;
use crate::library::sample;

const REPORTS: &str = "/Finance/Reports/2024";

/// The attributes of the `<d>` (document) children of a listing.
fn documents(xml: &str) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"d" => {
                found.push(element(&e).attrs)
            }
            Event::Eof => return found,
            _ => {}
        }
    }
}

impl Demo {
    /// Page 1 of the folder: its `itemcount` and its documents.
    async fn page(&self, ticket: &str, folder: &str) -> (String, Vec<HashMap<String, String>>) {
        let query = [
            ("AuthenticationTicket", ticket),
            ("Path", folder),
            ("PageNumber", "1"),
        ];
        let xml = self
            .post("GetFoldersAndDocumentsByPage", &query)
            .await
            .text()
            .await
            .unwrap();
        (root(&xml).attrs["itemcount"].clone(), documents(&xml))
    }

    async fn download_document(&self, ticket: &str, path: &str) -> Vec<u8> {
        let query = [("AuthenticationTicket", ticket), ("Path", path)];
        let raw = self.get("DownloadDocument", &query).await;
        raw.bytes().await.unwrap().to_vec()
    }
}

fn named<'a>(
    listed: &'a [HashMap<String, String>],
    name: &str,
) -> Option<&'a HashMap<String, String>> {
    listed.iter().find(|d| d["n"] == name)
}

#[tokio::test]
async fn an_added_document_is_on_its_folders_page_and_downloads_its_bytes() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let (count, _) = demo.page(&ticket, REPORTS).await;
    let id = demo
        .state
        .library
        .add_document(REPORTS, "Q2-Report.pdf", Content::stored("Q2 2024 report"))
        .unwrap();

    let (count_after, listed) = demo.page(&ticket, REPORTS).await;
    assert_eq!(
        count_after,
        (count.parse::<usize>().unwrap() + 1).to_string()
    );
    let added = named(&listed, "Q2-Report.pdf").expect("the new document is listed");
    assert_eq!(added["id"], id.to_string());
    assert_eq!(added["size"], "14");
    assert_eq!(added["version"], "1000000");
    let path = format!("{REPORTS}/Q2-Report.pdf");
    assert_eq!(
        demo.download_document(&ticket, &path).await,
        b"Q2 2024 report"
    );
    let short = format!("~D{id}");
    assert_eq!(
        demo.download_document(&ticket, &short).await,
        b"Q2 2024 report"
    );
}

#[tokio::test]
async fn a_new_version_is_listed_and_staged_as_the_current_one() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let (_, listed) = demo.page(&ticket, REPORTS).await;
    let before = named(&listed, "Q1-Report.pdf").unwrap().clone();
    let report = demo
        .state
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .id;
    demo.state
        .library
        .add_version(report, Content::stored("%PDF-1.4 revised"))
        .unwrap();

    let (_, listed) = demo.page(&ticket, REPORTS).await;
    let after = named(&listed, "Q1-Report.pdf").unwrap();
    assert_eq!(after["version"], "2000000");
    assert_eq!(after["size"], "16");
    assert!(
        after["mdate"] > before["mdate"],
        "{after:?} after {before:?}"
    );
    let versions = demo
        .post(
            "GetDocumentVersions",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::REPORT_PDF),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        versions.contains(r#"<Version Number="2000000">"#),
        "{versions}"
    );
    assert!(
        versions.contains("<VersionSize>16</VersionSize>"),
        "{versions}"
    );

    let staged = demo
        .post(
            "GetDownloadHandler",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::REPORT_PDF),
                ("PreferedChunkSize", "0"),
            ],
        )
        .await;
    let staged = root(&staged.text().await.unwrap());
    assert_eq!(staged.attrs["Size"], "16");
    let chunk = demo
        .post(
            "DownloadFileChunk",
            &[
                ("AuthenticationTicket", &ticket),
                ("DownloadHandler", &staged.attrs["downloadhandler"]),
                ("StartOffset", "0"),
                ("ChunkSize", "262144"),
            ],
        )
        .await;
    let chunk = root(&chunk.text().await.unwrap());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(chunk.text.trim())
        .unwrap();
    assert_eq!(bytes, b"%PDF-1.4 revised");
}

#[tokio::test]
async fn a_removed_document_leaves_its_folders_page_and_is_not_found() {
    let demo = Demo::start().await;
    let ticket = demo.ticket().await;
    let report = demo
        .state
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .id;
    demo.state.library.remove_document(report).unwrap();

    let (count, listed) = demo.page(&ticket, REPORTS).await;
    assert_eq!(count, "1", "the ledger stays");
    assert!(named(&listed, "Q1-Report.pdf").is_none(), "{listed:?}");
    let info = demo
        .post(
            "GetDownloadInfo",
            &[
                ("AuthenticationTicket", &ticket),
                ("Path", sample::REPORT_PDF),
            ],
        )
        .await;
    let info = root(&info.text().await.unwrap());
    assert_eq!(info.attrs["success"], "false");
    assert_eq!(info.attrs["error"], "Document not found");
}
