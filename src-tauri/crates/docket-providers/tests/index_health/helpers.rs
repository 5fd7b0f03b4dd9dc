//! What the Index Health tests share: the provider for the demo, library ids, request counts, the API's
//! refusals and the documents that can be downloaded.

use std::sync::Arc;

use docket_core::{Kind, Provider};
use docket_demo::index_health::{catalog, demo_remote};
use docket_demo::{DemoServer, Document, Failure};
use reqwest::StatusCode;
use serde_json::json;

use crate::support::connect_remote;

pub(crate) const API: Kind = docket_providers::index_health::KIND;

pub(crate) fn provider_for(server: &DemoServer) -> Arc<dyn Provider> {
    let (config, credentials) = demo_remote(&server.base_url(API));
    connect_remote(config, credentials)
}

pub(crate) fn library_document(
    server: &DemoServer,
    path: &str,
) -> (String, Arc<docket_demo::DemoState>) {
    let state = server.state();
    let id = catalog::document_id(state.library.document_by_path(path).unwrap());
    (id, state)
}

pub(crate) fn requests(server: &DemoServer, prefix: &str) -> u64 {
    server.state().stats.get(API, prefix).requests
}

pub(crate) fn api_refusal(status: u16, message: &str) -> Failure {
    let body = json!({ "statusCode": status, "data": {}, "message": message }).to_string();
    Failure::status(StatusCode::from_u16(status).unwrap()).body("application/json", body)
}

pub(crate) fn downloadable(state: &docket_demo::DemoState) -> Vec<&Document> {
    state
        .library
        .documents()
        .iter()
        .filter(|d| !d.flags.url_only && catalog::collection_of(&state.library, d).is_some())
        .collect()
}
