//! Sage Active after the library changed under it. Its folders are entities: an added document is a file of its
//! folder's entity (page by page too) and downloads its bytes, a new version changes the file's size, upload date
//! and bytes, a removed document's file is gone and its links answer 404.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};

use super::tests::{app, query, send};
use super::{catalog, REMOVED};
use crate::content::Content;
use crate::library::sample;

const REPORTS: &str = "/Finance/Reports/2024";

const BY_ID: &str = "query ($Id: String!) { files(where: { id: { eq: $Id } }) {
    edges { node { id size uploadDate downloadPath } } } }";

const BY_ENTITY: &str = "query ($E: String!, $after: String) {
    files(where: { entityId: { eq: $E } }, first: 1, after: $after) {
        edges { node { id fileName size uploadDate } } pageInfo { hasNextPage endCursor } totalCount } }";

/// Every file of the entity, one page of one file at a time.
async fn entity_files(app: &Router, entity: &str) -> Vec<Value> {
    let mut files = Vec::new();
    let mut after = Value::Null;
    loop {
        let answer = query(app, BY_ENTITY, json!({ "E": entity, "after": after })).await;
        let connection = &answer["data"]["files"];
        let edges = connection["edges"].as_array().expect("a page of files");
        files.extend(edges.iter().map(|edge| edge["node"].clone()));
        if connection["pageInfo"]["hasNextPage"] != true {
            return files;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

/// The file as the id filter finds it (`Null` when there is none), with a fresh download link.
async fn by_id(app: &Router, id: &str) -> Value {
    let answer = query(app, BY_ID, json!({ "Id": id })).await;
    answer["data"]["files"]["edges"][0]["node"].clone()
}

async fn get(app: &Router, path: &str) -> (StatusCode, Vec<u8>) {
    let (status, _, body) = send(app, Request::get(path).body(Body::empty()).unwrap()).await;
    (status, body)
}

#[tokio::test]
async fn an_added_document_is_a_file_of_its_folders_entity_and_downloads_its_bytes() {
    let (app, state) = app();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let entity = catalog::entity_of(report).1;
    let before = entity_files(&app, &entity).await;
    let id = state
        .library
        .add_document(REPORTS, "Q2-Report.pdf", Content::stored("Q2 2024 report"))
        .unwrap();
    let file_id = catalog::file_id(state.library.document(id).unwrap());

    let after = entity_files(&app, &entity).await;
    assert_eq!(after.len(), before.len() + 1, "{after:?}");
    let added = after.iter().find(|f| f["id"] == file_id.as_str()).unwrap();
    assert_eq!(
        (added["fileName"].clone(), added["size"].clone()),
        (json!("Q2-Report.pdf"), json!(14))
    );
    let link = by_id(&app, &file_id).await["downloadPath"].clone();
    let (status, bytes) = get(&app, link.as_str().unwrap()).await;
    assert_eq!(
        (status, bytes.as_slice()),
        (StatusCode::OK, &b"Q2 2024 report"[..])
    );
}

#[tokio::test]
async fn a_new_version_changes_the_files_size_upload_date_and_bytes() {
    let (app, state) = app();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let (id, file_id) = (report.id, catalog::file_id(report));
    let before = by_id(&app, &file_id).await;
    state
        .library
        .add_version(id, Content::stored("%PDF-1.4 revised"))
        .unwrap();

    let after = by_id(&app, &file_id).await;
    assert_eq!(after["size"], 16);
    let (old, new) = (before["uploadDate"].as_str(), after["uploadDate"].as_str());
    assert!(new > old, "{new:?} is later than {old:?}");
    let (status, bytes) = get(&app, after["downloadPath"].as_str().unwrap()).await;
    assert_eq!(
        (status, bytes.as_slice()),
        (StatusCode::OK, &b"%PDF-1.4 revised"[..])
    );
    let (_, bytes) = get(&app, before["downloadPath"].as_str().unwrap()).await;
    assert_eq!(
        bytes, b"%PDF-1.4 revised",
        "a link names the file, not a version"
    );
}

#[tokio::test]
async fn a_removed_documents_file_is_gone_and_its_links_answer_404() {
    let (app, state) = app();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let (id, file_id, entity) = (
        report.id,
        catalog::file_id(report),
        catalog::entity_of(report).1,
    );
    let link = by_id(&app, &file_id).await["downloadPath"].clone();
    state.library.remove_document(id).unwrap();

    let files = entity_files(&app, &entity).await;
    assert!(
        files.iter().all(|f| f["id"] != file_id.as_str()),
        "{files:?}"
    );
    assert_eq!(files.len(), 1, "the ledger stays: {files:?}");
    assert!(by_id(&app, &file_id).await.is_null());
    let (status, body) = get(&app, link.as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["message"], REMOVED);
}
