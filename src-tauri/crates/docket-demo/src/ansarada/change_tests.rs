//! The data room after the library changed under it: an added document is listed (page by page too) and downloads
//! its bytes, a new version is listed with its later date and downloads its bytes, a removed document is gone.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use super::tests::{error_code, finished_job, graphql, path_of, room, send, INITIATE};
use super::*;
use crate::content::Content;
use crate::library::sample;

const REPORTS: &str = "/Finance/Reports/2024";

const LISTING: &str = "query($f: [ID!], $first: Int, $after: String) { dataRoomDocumentIndex { \
    items(folderIds: $f, first: $first, after: $after) { edges { node { __typename \
    ... on DataRoomFolder { id name } ... on DataRoomDocument { id name number lastModifiedDate file { extension } } } } \
    pageInfo { hasNextPage endCursor } } } }";

/// Every item of the folder, read `first` at a time by following the cursors.
async fn listing(app: &Router, folder: u32, first: i32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut after = Value::Null;
    loop {
        let variables = json!({"f": [folder_id(folder)], "first": first, "after": after});
        let (_, page) = graphql(app, Some(ADMIN_TOKEN), LISTING, variables).await;
        let connection = &page["data"]["dataRoomDocumentIndex"]["items"];
        let edges = connection["edges"].as_array().expect("a page of items");
        items.extend(edges.iter().map(|edge| edge["node"].clone()));
        if connection["pageInfo"]["hasNextPage"] != true {
            return items;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

fn item(items: &[Value], document: u32) -> Option<&Value> {
    items
        .iter()
        .find(|node| node["id"] == document_id(document))
}

/// The bytes of `path` as a client gets them: a job, then its presigned URL.
async fn download(state: &DemoState, app: &Router, path: &str) -> Vec<u8> {
    let job = finished_job(state, app, path).await;
    assert_eq!(job["status"], "COMPLETED", "{job}");
    let url = path_of(job["downloadPresignedUrl"].as_str().unwrap());
    let (status, _, body) = send(app, Request::get(&url).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    body
}

#[tokio::test]
async fn an_added_document_is_listed_in_its_folder_and_downloads_its_bytes() {
    let (state, app) = room();
    let folder = state.library.folder_by_path(REPORTS).unwrap().id;
    let before = listing(&app, folder, 1).await;
    let id = state
        .library
        .add_document(REPORTS, "Q2-Report.pdf", Content::stored("Q2 2024 report"))
        .unwrap();

    let after = listing(&app, folder, 1).await;
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    let added = item(&after, id).expect("the new document is listed");
    assert_eq!(added["name"], "Q2-Report");
    assert_eq!(added["file"]["extension"], "pdf");
    // Numbered after the report and the ledger: the index was numbered again.
    assert_eq!(added["number"], "1.1.1.3");
    let path = format!("{REPORTS}/Q2-Report.pdf");
    assert_eq!(download(&state, &app, &path).await, b"Q2 2024 report");
}

#[tokio::test]
async fn a_new_version_is_listed_as_current_and_downloads_its_bytes() {
    let (state, app) = room();
    let folder = state.library.folder_by_path(REPORTS).unwrap().id;
    let report = state
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .id;
    let modified = |items: &[Value]| item(items, report).unwrap()["lastModifiedDate"].clone();
    let before = modified(&listing(&app, folder, 50).await);

    state
        .library
        .add_version(report, Content::stored("%PDF-1.4 revised"))
        .unwrap();
    let after = modified(&listing(&app, folder, 50).await);
    assert!(
        after.as_str() > before.as_str(),
        "{after} is later than {before}"
    );
    let bytes = download(&state, &app, sample::REPORT_PDF).await;
    assert_eq!(bytes, b"%PDF-1.4 revised");
}

#[tokio::test]
async fn a_removed_document_leaves_its_folder_and_cannot_be_downloaded() {
    let (state, app) = room();
    let folder = state.library.folder_by_path(REPORTS).unwrap().id;
    let report = state
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .id;
    state.library.remove_document(report).unwrap();

    let items = listing(&app, folder, 50).await;
    assert!(item(&items, report).is_none(), "{items:?}");
    assert_eq!(items.len(), 1, "the ledger stays: {items:?}");
    let (_, started) = graphql(
        &app,
        Some(ADMIN_TOKEN),
        INITIATE,
        json!({"d": document_id(report)}),
    )
    .await;
    assert_eq!(error_code(&started), "NOT_FOUND");
}
