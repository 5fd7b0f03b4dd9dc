//! The Index Health IndexSDK (REST) over the sample library.
//!
//! - `POST /generate-client-auth-token` issues a client token for the demo client ([`DEMO_CLIENT_ID`],
//!   [`DEMO_CLIENT_SECRET`]), valid one hour or until the framework's expire epoch; every other route wants it as
//!   `Authorization: Bearer` and answers 403 `UNAUTHORIZED` without it.
//! - Each top-level library folder is a collection (`col-finance`); documents are `doc-<library id>`.
//!   `POST /get-documents {collection_id}` lists a collection, `POST /get-document-details {document_id}` one
//!   document. The library's URL-only document is listed with `document_url` and no `document_file_path`.
//! - `POST /download {document_id}` answers a presigned URL on `/s3/…` of the same listener, valid one hour,
//!   honouring `Range`/`If-Range`, and answering S3's 403 `Request has expired` once expired.
//!   `GET /download/:document_id` sends the file directly.
//! - Bodies are read only when sent as `Content-Type: application/json`, so a body without it lacks its fields
//!   (435). Errors are `{statusCode, data: {}, message}` with the HTTP status equal to `statusCode`. The 500s
//!   ("Failed to generate download URL", "Failed to download document") come from the framework's fault rules.

pub mod catalog;
#[cfg(test)]
mod change_tests;
pub mod envelope;
pub mod presigned;
mod routes;
pub mod tokens;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use docket_core::{Credentials, RemoteConfig};

use crate::apis::{AnswerFormat, DemoApi};
use crate::library::Library;
use crate::state::DemoState;
use routes::IndexHealthDemo;

pub const DEMO_CLIENT_ID: &str = "docket-demo-client";
pub const DEMO_CLIENT_SECRET: &str = "docket-demo-client-secret";

/// How the demo serves this kind (registered in `crate::apis`).
pub const DEMO: DemoApi = DemoApi {
    kind: docket_providers::index_health::KIND,
    router,
    sample_remote: demo_remote_for,
    bytes_path: "/s3",
    prepare_call: (Some("POST"), "/download"),
    prepare_answer: AnswerFormat::Json,
};

pub fn router(state: Arc<DemoState>) -> Router {
    let demo = Arc::new(IndexHealthDemo {
        state,
        tokens: Default::default(),
        presigned: Default::default(),
    });
    Router::new()
        .route("/generate-client-auth-token", post(routes::generate_token))
        .route("/get-documents", post(routes::get_documents))
        .route("/get-document-details", post(routes::get_document_details))
        .route("/download", post(routes::presign))
        .route("/download/{document_id}", get(routes::direct))
        .route("/s3/{bucket}/{*key}", get(routes::s3_object))
        .with_state(demo)
}

/// The remote a user would register for this demo server: the demo client, a demo user, and every collection of
/// the sample library.
pub fn demo_remote(base_url: &str) -> (RemoteConfig, Credentials) {
    // The sample library is the same on every run; its large file's size does not change the collections.
    demo_remote_for(base_url, &Library::sample(0))
}

/// The same, with every collection of `library` (a server started with generated documents has more).
pub fn demo_remote_for(base_url: &str, library: &Library) -> (RemoteConfig, Credentials) {
    let name = "demo-index-health";
    let collections: Vec<String> = catalog::collections(library)
        .iter()
        .map(catalog::Collection::id)
        .collect();
    let settings = [
        ("client_id", DEMO_CLIENT_ID.to_owned()),
        ("fingerprint", "docket-demo-device".to_owned()),
        ("first_name", "Dana".to_owned()),
        ("last_name", "Demo".to_owned()),
        ("email", "dana.demo@example.com".to_owned()),
        ("group_name", "docket-demo".to_owned()),
        ("collections", collections.join(",")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = RemoteConfig {
        name: name.to_owned(),
        kind: docket_providers::index_health::KIND,
        url: base_url.trim_end_matches('/').to_owned(),
        settings,
    };
    let credentials = Credentials::new(name).with("client_secret", DEMO_CLIENT_SECRET);
    (config, credentials)
}
