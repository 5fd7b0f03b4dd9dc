//! The data room answered in process: auth, the index, jobs, and the presigned storage.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::*;
use crate::library::{sample, Library};

pub(super) fn room() -> (Arc<DemoState>, Router) {
    let state = Arc::new(DemoState::new(Library::sample(4096)));
    let app = router(Arc::clone(&state));
    (state, app)
}

pub(super) async fn send(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

pub(super) async fn graphql(
    app: &Router,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (StatusCode, Value) {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = json!({"query": query, "variables": variables}).to_string();
    let (status, _, body) = send(app, request.body(Body::from(body)).unwrap()).await;
    (status, serde_json::from_slice(&body).unwrap())
}

pub(super) fn error_code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

const ITEMS: &str = "query($f: [ID!], $first: Int, $after: String) { dataRoomDocumentIndex { items(folderIds: $f, \
    first: $first, after: $after) { edges { cursor node { __typename ... on DataRoomFolder { id name number } \
    ... on DataRoomDocument { id name number createdDate file { extension } } } } \
    pageInfo { hasNextPage endCursor } } } }";
pub(super) const INITIATE: &str =
    "mutation($d: ID!) { initiateDataRoomDocumentDownload(input: {documentId: $d}) \
    { download { id status expiresAt failureReason } } }";
const POLL: &str =
    "query($id: ID!) { dataRoomDocumentDownload(id: $id) { id status downloadPresignedUrl \
    expiresAt failureReason document { name file { extension } } } }";

fn doc_id(state: &DemoState, path: &str) -> String {
    document_id(state.library.document_by_path(path).unwrap().id)
}

/// Initiates a download of `path`, polls the job as a client would until it has finished (about a second) and
/// answers that final poll.
pub(super) async fn finished_job(state: &DemoState, app: &Router, path: &str) -> Value {
    let (_, started) = graphql(
        app,
        Some(ADMIN_TOKEN),
        INITIATE,
        json!({"d": doc_id(state, path)}),
    )
    .await;
    let download = &started["data"]["initiateDataRoomDocumentDownload"]["download"];
    assert_eq!(download["status"], "PENDING");
    let limit = Duration::from_secs(10);
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let (_, polled) =
            graphql(app, Some(ADMIN_TOKEN), POLL, json!({"id": download["id"]})).await;
        let job = &polled["data"]["dataRoomDocumentDownload"];
        if job["status"] == "COMPLETED" || job["status"] == "FAILED" {
            return job.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job for {path} had not finished after {limit:?}: {polled}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(super) fn path_of(url: &str) -> String {
    url.trim_start_matches("http://ansarada.demo.invalid")
        .to_owned()
}

#[tokio::test]
async fn a_request_without_a_bearer_token_is_401_unauthenticated() {
    let (_, app) = room();
    let (status, answer) = graphql(&app, None, ITEMS, json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&answer), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_unknown_token_is_a_graphql_error_with_status_200() {
    let (_, app) = room();
    let (status, answer) = graphql(&app, Some("stolen"), ITEMS, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(error_code(&answer), "UNAUTHENTICATED");
    assert!(answer["data"].is_null());
}

#[tokio::test]
async fn the_root_lists_numbered_folders_in_pages_of_first_items() {
    let (_, app) = room();
    let (_, page) = graphql(&app, Some(ADMIN_TOKEN), ITEMS, json!({"first": 2})).await;
    let items = &page["data"]["dataRoomDocumentIndex"]["items"];
    assert_eq!(items["edges"][0]["node"]["name"], "Finance");
    assert_eq!(items["edges"][0]["node"]["number"], "1");
    assert_eq!(items["pageInfo"]["hasNextPage"], true);
    let after = items["pageInfo"]["endCursor"].clone();
    let (_, next) = graphql(
        &app,
        Some(ADMIN_TOKEN),
        ITEMS,
        json!({"first": 2, "after": after}),
    )
    .await;
    let next = &next["data"]["dataRoomDocumentIndex"]["items"]["edges"];
    assert_eq!(next[0]["node"]["number"], "3");
}

#[tokio::test]
async fn guests_see_no_created_date_and_administrators_do() {
    let (state, app) = room();
    let folder = state.library.folder_by_path("/Engineering").unwrap().id;
    let vars = json!({"f": [folder_id(folder)]});
    let readme = |answer: &Value| {
        answer["data"]["dataRoomDocumentIndex"]["items"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["name"] == "README")
            .map(|e| e["node"].clone())
            .unwrap()
    };
    let (_, admin) = graphql(&app, Some(ADMIN_TOKEN), ITEMS, vars.clone()).await;
    let (_, guest) = graphql(&app, Some(GUEST_TOKEN), ITEMS, vars).await;
    assert_eq!(readme(&admin)["createdDate"], "2024-01-15T09:00:00Z");
    assert_eq!(readme(&admin)["file"]["extension"], "txt");
    assert!(readme(&guest)["createdDate"].is_null());
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_malformed_ids_bad_input() {
    let (_, app) = room();
    let (_, missing) = graphql(
        &app,
        Some(ADMIN_TOKEN),
        INITIATE,
        json!({"d": document_id(999_999)}),
    )
    .await;
    assert_eq!(error_code(&missing), "NOT_FOUND");
    let (_, malformed) = graphql(&app, Some(ADMIN_TOKEN), INITIATE, json!({"d": "1001"})).await;
    assert_eq!(error_code(&malformed), "BAD_USER_INPUT");
    let (_, folder) = graphql(
        &app,
        Some(ADMIN_TOKEN),
        ITEMS,
        json!({"f": [folder_id(999)]}),
    )
    .await;
    assert_eq!(error_code(&folder), "NOT_FOUND");
}

#[tokio::test]
async fn a_completed_job_hands_out_a_presigned_url_that_honours_ranges() {
    let (state, app) = room();
    let job = finished_job(&state, &app, sample::README_TXT).await;
    assert_eq!(job["status"], "COMPLETED");
    let url = path_of(job["downloadPresignedUrl"].as_str().unwrap());
    let bytes = state
        .library
        .document_by_path(sample::README_TXT)
        .unwrap()
        .latest()
        .content
        .read(0..4096);

    let (status, headers, body) = send(&app, Request::get(&url).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();

    let ranged = Request::get(&url)
        .header(header::RANGE, "bytes=10-19")
        .header(header::IF_RANGE, &etag);
    let (status, headers, body) = send(&app, ranged.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        headers[header::CONTENT_RANGE],
        format!("bytes 10-19/{}", bytes.len())
    );
    assert_eq!(body, bytes[10..20]);

    let stale = Request::get(&url)
        .header(header::RANGE, "bytes=10-19")
        .header(header::IF_RANGE, "\"old\"");
    let (status, _, body) = send(&app, stale.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, bytes);
}

#[tokio::test]
async fn a_tampered_or_expired_presigned_url_is_refused_with_s3s_xml() {
    let (state, app) = room();
    let job = finished_job(&state, &app, sample::REPORT_PDF).await;
    let url = path_of(job["downloadPresignedUrl"].as_str().unwrap());

    let tampered = url.replace("X-Amz-Expires=900", "X-Amz-Expires=90000");
    let (status, _, body) = send(&app, Request::get(&tampered).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&body).contains("<Code>SignatureDoesNotMatch</Code>"));

    state.expiry.expire(Some(docket_providers::ansarada::KIND));
    let (status, _, body) = send(&app, Request::get(&url).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"),
        "{body}"
    );
}

#[tokio::test]
async fn the_restricted_board_minutes_job_fails_with_a_reason() {
    let (state, app) = room();
    let job = finished_job(&state, &app, sample::BOARD_MINUTES_PDF).await;
    assert_eq!(job["status"], "FAILED");
    assert_eq!(job["failureReason"], FAILURE_REASON);
    assert!(job["downloadPresignedUrl"].is_null());
    assert_eq!(state.gauges.get(PENDING_JOBS_GAUGE).value, 0);
}

#[tokio::test]
async fn an_expired_job_is_no_longer_found() {
    let (state, app) = room();
    let (_, started) = graphql(
        &app,
        Some(ADMIN_TOKEN),
        INITIATE,
        json!({"d": doc_id(&state, sample::CATALOG_XML)}),
    )
    .await;
    let id = started["data"]["initiateDataRoomDocumentDownload"]["download"]["id"].clone();
    state.expiry.expire(None);
    let (_, polled) = graphql(&app, Some(ADMIN_TOKEN), POLL, json!({"id": id})).await;
    assert_eq!(error_code(&polled), "NOT_FOUND");
    assert!(polled["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
}
