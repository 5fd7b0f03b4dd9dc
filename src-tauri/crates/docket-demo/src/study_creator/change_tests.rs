//! The study creator on a running demo server after the library changed: an added document is a file of its
//! study (page by page too) and downloads its bytes, a new version is the file's latest (kf_id, size, date) and
//! downloads its bytes while the old one stays, a removed document's file is gone and not found.

use serde_json::{json, Value};

use super::catalog::{file_kf_id, study_kf_id, version_kf_id};
use super::{demo_jwt, NO_FILE};
use crate::content::Content;
use crate::library::sample;
use crate::test_server::small_demo;
use crate::DemoServer;

const REPORTS: &str = "/Finance/Reports/2024";

const FILES: &str =
    "query($S: String, $after: String) { allFiles(study_KfId: $S, first: 1, after: $after) { \
    pageInfo { hasNextPage endCursor } \
    edges { node { kfId name versions { edges { node { kfId size createdAt } } } } } } }";

/// An administrator of the study creator listener.
struct Admin {
    base: String,
    http: reqwest::Client,
    jwt: String,
}

impl Admin {
    fn of(server: &DemoServer) -> Admin {
        Admin {
            base: server.base_url(docket_providers::study_creator::KIND),
            http: reqwest::Client::new(),
            jwt: demo_jwt(),
        }
    }

    async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(&self.jwt)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    /// Every file of the study, one page of one file at a time.
    async fn files(&self, study: &str) -> Vec<Value> {
        let mut files = Vec::new();
        let mut after = Value::Null;
        loop {
            let answer = self
                .graphql(FILES, json!({ "S": study, "after": after }))
                .await;
            let connection = &answer["data"]["allFiles"];
            let edges = connection["edges"].as_array().expect("a page of files");
            files.extend(edges.iter().map(|edge| edge["node"].clone()));
            if connection["pageInfo"]["hasNextPage"] != true {
                return files;
            }
            after = connection["pageInfo"]["endCursor"].clone();
        }
    }

    /// The status and body of a download path (`/download/study/S/file/F[/version/V]`).
    async fn download(&self, path: &str) -> (u16, Vec<u8>) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.jwt)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    }
}

/// The study of `/Finance`, which holds the reports folder.
fn finance(server: &DemoServer) -> String {
    study_kf_id(
        server
            .state()
            .library
            .folder_by_path("/Finance")
            .unwrap()
            .id,
    )
}

fn file<'a>(files: &'a [Value], kf_id: &str) -> Option<&'a Value> {
    files.iter().find(|f| f["kfId"] == kf_id)
}

fn versions(file: &Value) -> Vec<Value> {
    let edges = file["versions"]["edges"].as_array().expect("versions");
    edges.iter().map(|edge| edge["node"].clone()).collect()
}

#[tokio::test]
async fn an_added_document_is_a_file_of_its_study_and_downloads_its_bytes() {
    let server = small_demo().await;
    let admin = Admin::of(&server);
    let study = finance(&server);
    let before = admin.files(&study).await;
    let id = server
        .state()
        .library
        .add_document(REPORTS, "Q2-Report.pdf", Content::stored("Q2 2024 report"))
        .unwrap();

    let after = admin.files(&study).await;
    assert_eq!(after.len(), before.len() + 1);
    let added = file(&after, &file_kf_id(id)).expect("the new document is a file");
    assert_eq!(added["name"], "Q2-Report.pdf");
    let listed = versions(added);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["kfId"].clone(), listed[0]["size"].clone()),
        (json!(version_kf_id(id, 1)), json!(14))
    );
    let path = format!("/download/study/{study}/file/{}", file_kf_id(id));
    assert_eq!(
        admin.download(&path).await,
        (200, b"Q2 2024 report".to_vec())
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_new_version_is_the_files_latest_and_downloads_its_bytes() {
    let server = small_demo().await;
    let admin = Admin::of(&server);
    let study = finance(&server);
    let state = server.state();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let (id, old_bytes) = (report.id, report.latest().content.read(0..report.size()));
    state
        .library
        .add_version(id, Content::stored("%PDF-1.4 revised"))
        .unwrap();

    let files = admin.files(&study).await;
    let listed = versions(file(&files, &file_kf_id(id)).unwrap());
    assert_eq!(listed.len(), 2);
    let (first, latest) = (&listed[0], &listed[1]);
    assert_eq!(latest["kfId"], version_kf_id(id, 2));
    assert_eq!(latest["size"], 16);
    assert!(
        latest["createdAt"].as_str() > first["createdAt"].as_str(),
        "{listed:?}"
    );
    let path = format!("/download/study/{study}/file/{}", file_kf_id(id));
    assert_eq!(
        admin.download(&path).await,
        (200, b"%PDF-1.4 revised".to_vec())
    );
    let first_path = format!("{path}/version/{}", version_kf_id(id, 1));
    assert_eq!(admin.download(&first_path).await, (200, old_bytes.to_vec()));
    server.shutdown().await;
}

#[tokio::test]
async fn a_removed_documents_file_is_gone_and_not_found() {
    let server = small_demo().await;
    let admin = Admin::of(&server);
    let study = finance(&server);
    let id = server
        .state()
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .id;
    let before = admin.files(&study).await;
    server.state().library.remove_document(id).unwrap();

    let after = admin.files(&study).await;
    assert_eq!(after.len(), before.len() - 1);
    assert!(file(&after, &file_kf_id(id)).is_none(), "{after:?}");
    let path = format!("/download/study/{study}/file/{}", file_kf_id(id));
    let (status, body) = admin.download(&path).await;
    assert_eq!(
        (status, String::from_utf8_lossy(&body).into_owned()),
        (404, NO_FILE.to_owned())
    );
    server.shutdown().await;
}
