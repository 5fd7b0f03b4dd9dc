//! Index Health IndexSDK: `001_ebab945a7eb0f5d0.txt` (Download Document API) and the README's "Index Health:
//! browsing".

mod browsing;
mod downloads;
mod page_copies;
mod tokens;

use std::sync::Arc;

use axum::http::Method;
use docket_core::{DocRef, IgnoreStatus, Provider, ProviderError};
use serde_json::Value;

use crate::server::{connect, fixture, remote, Answer, VendorServer};

/// The document of the page's example requests.
const DOCUMENT_ID: &str = "doc-abc-123-def-456";
/// The access token of the page's example answer, `...` included.
const PAGE_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...";
/// The `auth_token` in the auth page's form (the README gives the shape, not a value).
const AUTH_PAGE_TOKEN: &str = "auth-page-token-7c1d";
const COLLECTION: &str = "col-reports";

fn page(name: &str) -> String {
    fixture(&format!("index-health/{name}"))
}

fn parsed(name: &str) -> Value {
    serde_json::from_str(&page(name)).unwrap()
}

/// A page's answer at the HTTP status its `statusCode` names, as the page pairs them.
fn served(name: &str) -> Answer {
    let status = parsed(name)["statusCode"].as_u64().unwrap();
    Answer::new(status as u16, "application/json", page(name))
}

/// The remote the page's example token request describes.
fn provider(server: &VendorServer) -> Arc<dyn Provider> {
    let config = remote(
        server,
        docket_providers::index_health::KIND,
        &[
            ("client_id", "your-client-id"),
            ("fingerprint", "device-fingerprint-123"),
            ("first_name", "John"),
            ("last_name", "Doe"),
            ("email", "john.doe@example.com"),
            ("group_name", "my-domain"),
            ("collections", COLLECTION),
        ],
    );
    connect(config, &[("client_secret", "your-client-secret")])
}

/// A server that issues the download page's token and knows the example document.
async fn vendor() -> VendorServer {
    let server = VendorServer::start().await;
    server.answer(
        Method::POST,
        "/generate-client-auth-token",
        served("token-download-page.json"),
    );
    server.answer(
        Method::POST,
        "/get-document-details",
        served("get-document-details.json"),
    );
    server.answer(Method::POST, "/get-documents", served("get-documents.json"));
    server
}

fn bearers(server: &VendorServer, path: &str) -> Vec<String> {
    server
        .requests_to(path)
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect()
}

async fn prepare_error(server: &VendorServer) -> ProviderError {
    provider(server)
        .prepare(&DocRef::new(DOCUMENT_ID), None, &IgnoreStatus)
        .await
        .unwrap_err()
}
