//! A server that always has more to say does not keep Docket asking forever: a study creator promising one more
//! page of versions with a fresh cursor every time, and an Ansarada index that lists a folder inside itself,
//! both end in a clear answer within seconds; nor does a GraphQL answer nested 100,000 deep overflow the stack.

mod support;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use docket_core::{Credentials, DocRef, Kind, ProviderError, RemoteConfig};
use serde_json::{json, Value};
use support::connect_remote;

const DEADLINE: Duration = Duration::from_secs(20);

/// Answers every GraphQL operation as a server that never runs out: the study creator's file exists and its
/// versions go on page after page; the Ansarada root holds one folder, which holds itself.
/// Listing the studies answers JSON nested 100,000 arrays deep.
async fn endless(State(asked): State<Arc<AtomicU64>>, Json(request): Json<Value>) -> Response {
    let page = asked.fetch_add(1, Ordering::SeqCst);
    let answer = match request["operationName"].as_str().unwrap_or_default() {
        "Studies" => {
            let depth = 100_000;
            let body = format!(
                r#"{{"data":{{"allStudies":{}{}}}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            );
            return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
        }
        "File" => json!({ "data": { "fileByKfId": {
            "kfId": "SF_ABCDEFGH", "name": "endless.csv", "description": null,
            "study": { "kfId": "SD_ABCDEFGH" }, "versions": { "edges": [] }
        } } }),
        "Versions" => json!({ "data": { "allVersions": {
            "pageInfo": { "hasNextPage": true, "endCursor": format!("cursor-{page}") },
            "edges": []
        } } }),
        "DataRoomDocumentIndexItems" => json!({ "data": { "dataRoomDocumentIndex": {
            "id": "index",
            "items": {
                "edges": [{ "cursor": "c", "node": {
                    "__typename": "DataRoomFolder", "id": "loop", "name": "Loop", "hasChildren": true
                } }],
                "pageInfo": { "hasNextPage": false, "endCursor": null }
            }
        } } }),
        other => json!({ "errors": [{ "message": format!("unknown operation {other}") }] }),
    };
    Json(answer).into_response()
}

async fn serve(asked: Arc<AtomicU64>) -> SocketAddr {
    let app = Router::new()
        .route("/graphql", post(endless))
        .with_state(asked);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

fn remote(
    kind: Kind,
    address: SocketAddr,
    settings: &[(&str, &str)],
    secret: &str,
) -> Arc<dyn docket_core::Provider> {
    let config = RemoteConfig {
        name: "endless".into(),
        kind,
        url: format!("http://{address}"),
        settings: settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    };
    let credentials = Credentials::new("endless").with("token", secret);
    connect_remote(config, credentials)
}

#[tokio::test]
async fn versions_promised_without_end_stop_with_a_clear_error() {
    let asked = Arc::new(AtomicU64::new(0));
    let address = serve(Arc::clone(&asked)).await;
    let provider = remote(
        docket_providers::study_creator::KIND,
        address,
        &[("token_type", "bearer"), ("signed_urls", "false")],
        &docket_demo::study_creator::demo_jwt(),
    );
    let doc = DocRef::new("SD_ABCDEFGH/SF_ABCDEFGH");
    let outcome = tokio::time::timeout(DEADLINE, provider.versions(&doc))
        .await
        .expect("the versions ended in time");
    let err = outcome.unwrap_err();
    assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    assert!(
        err.message().contains("hasNextPage after 1000 pages"),
        "{err}"
    );
    assert!(
        asked.load(Ordering::SeqCst) <= 1001,
        "one request per page, and the file's"
    );
}

#[tokio::test]
async fn a_folder_listed_inside_itself_is_walked_once_when_looking_for_a_document() {
    let asked = Arc::new(AtomicU64::new(0));
    let address = serve(Arc::clone(&asked)).await;
    let provider = remote(docket_providers::ansarada::KIND, address, &[], "token");
    let doc = DocRef::new("nowhere");
    let outcome = tokio::time::timeout(DEADLINE, provider.stat(&doc))
        .await
        .expect("the search ended in time");
    let err = outcome.unwrap_err();
    assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        2,
        "the root and the folder, once each"
    );
}

#[tokio::test]
async fn a_graphql_answer_nested_100000_deep_is_a_clear_error_not_a_stack_overflow() {
    let address = serve(Arc::new(AtomicU64::new(0))).await;
    let provider = remote(
        docket_providers::study_creator::KIND,
        address,
        &[("token_type", "bearer"), ("signed_urls", "false")],
        &docket_demo::study_creator::demo_jwt(),
    );
    // On a runtime worker, whose stack is as small as the desktop app's.
    let listing = tokio::spawn(async move {
        provider
            .list(&docket_core::Location::root(), None)
            .await
            .map(|page| page.items.len())
    });
    let outcome = tokio::time::timeout(DEADLINE, listing)
        .await
        .expect("the listing ended in time")
        .expect("the listing did not panic");
    let err = outcome.unwrap_err();
    assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
}
