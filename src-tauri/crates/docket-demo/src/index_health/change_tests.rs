//! Index Health on a running demo server after the library changed: an added document is in its collection and
//! downloads its bytes through a presigned URL, a new version changes `updated_at` and the bytes, a removed
//! document is gone from its collection and not found.

use serde_json::{json, Value};

use super::catalog::document_id;
use super::envelope::{DOCUMENT_NOT_FOUND, NOT_FOUND};
use super::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use crate::content::Content;
use crate::library::sample;
use crate::test_server::small_demo;
use crate::DemoServer;

const REPORTS: &str = "/Finance/Reports/2024";
const FINANCE: &str = "col-finance";

/// A signed-in client of the Index Health listener.
struct Client {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl Client {
    async fn sign_in(server: &DemoServer) -> Client {
        let mut client = Client {
            base: server.base_url(docket_providers::index_health::KIND),
            http: reqwest::Client::new(),
            token: String::new(),
        };
        let body = json!({
            "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET, "fingerprint": "test",
            "user": {"first_name": "T", "last_name": "Est", "email": "t@example.com", "group_name": "g"},
        });
        let (_, answer) = client.post("/generate-client-auth-token", body).await;
        client.token = answer["data"]["access_token"].as_str().unwrap().to_owned();
        client
    }

    /// The HTTP status and the envelope.
    async fn post(&self, route: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{route}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    /// The records of the collection.
    async fn documents(&self, collection: &str) -> Vec<Value> {
        let (_, answer) = self
            .post("/get-documents", json!({ "collection_id": collection }))
            .await;
        answer["data"]
            .as_array()
            .expect("a list of records")
            .clone()
    }

    async fn details(&self, document: &str) -> (u16, Value) {
        self.post("/get-document-details", json!({ "document_id": document }))
            .await
    }

    /// The bytes a client gets: a presigned URL, then a GET of it.
    async fn download(&self, document: &str) -> Vec<u8> {
        let (status, answer) = self
            .post("/download", json!({ "document_id": document }))
            .await;
        assert_eq!(status, 200, "{answer}");
        let url = answer["data"]["download_url"].as_str().unwrap();
        let response = self.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap().to_vec()
    }
}

fn listed<'a>(records: &'a [Value], document: &str) -> Option<&'a Value> {
    records.iter().find(|r| r["document_id"] == document)
}

#[tokio::test]
async fn an_added_document_is_in_its_collection_and_downloads_its_bytes() {
    let server = small_demo().await;
    let client = Client::sign_in(&server).await;
    let before = client.documents(FINANCE).await;
    let state = server.state();
    let id = state
        .library
        .add_document(REPORTS, "Q2-Report.pdf", Content::stored("Q2 2024 report"))
        .unwrap();
    let document = document_id(state.library.document(id).unwrap());

    let after = client.documents(FINANCE).await;
    assert_eq!(after.len(), before.len() + 1);
    let record = listed(&after, &document).expect("the new document is listed");
    assert_eq!(record["document_name"], "Q2-Report.pdf");
    assert_eq!(record["document_tags"], json!(["Reports", "2024"]));
    assert_eq!(client.download(&document).await, b"Q2 2024 report");
    server.shutdown().await;
}

#[tokio::test]
async fn a_new_version_changes_updated_at_and_the_bytes() {
    let server = small_demo().await;
    let client = Client::sign_in(&server).await;
    let state = server.state();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let (id, document) = (report.id, document_id(report));
    let (_, before) = client.details(&document).await;
    state
        .library
        .add_version(id, Content::stored("%PDF-1.4 revised"))
        .unwrap();

    let (_, after) = client.details(&document).await;
    let (old, new) = (
        before["data"]["updated_at"].as_str(),
        after["data"]["updated_at"].as_str(),
    );
    assert!(new > old, "{new:?} is later than {old:?}");
    assert_eq!(after["data"]["created_at"], before["data"]["created_at"]);
    let records = client.documents(FINANCE).await;
    assert_eq!(
        listed(&records, &document).unwrap()["updated_at"],
        after["data"]["updated_at"]
    );
    assert_eq!(client.download(&document).await, b"%PDF-1.4 revised");
    server.shutdown().await;
}

#[tokio::test]
async fn a_removed_document_leaves_its_collection_and_is_not_found() {
    let server = small_demo().await;
    let client = Client::sign_in(&server).await;
    let state = server.state();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let (id, document) = (report.id, document_id(report));
    let before = client.documents(FINANCE).await;
    state.library.remove_document(id).unwrap();

    let after = client.documents(FINANCE).await;
    assert_eq!(after.len(), before.len() - 1);
    assert!(listed(&after, &document).is_none(), "{after:?}");
    let (status, answer) = client.details(&document).await;
    assert_eq!(
        (status, answer["message"].clone()),
        (NOT_FOUND, json!(DOCUMENT_NOT_FOUND))
    );
    let (status, _) = client
        .post("/download", json!({ "document_id": document }))
        .await;
    assert_eq!(status, NOT_FOUND);
    server.shutdown().await;
}
