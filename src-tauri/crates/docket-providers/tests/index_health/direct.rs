//! The direct download the provider falls back to when the server cannot presign, and its faults.

use docket_core::{DocRef, IgnoreStatus, ProviderError};
use docket_demo::library::sample;
use docket_demo::Target;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{api_refusal, library_document, provider_for, requests, API};
use crate::support::{demo, fetch, provider_error, url_of};

#[tokio::test]
async fn when_the_server_cannot_presign_the_direct_download_delivers_the_file() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::NOTES_TXT);
    let presign = Target::new(API, "/download").method(Method::POST);
    state.faults.fail_next(
        presign,
        1,
        api_refusal(500, "Failed to generate download URL"),
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &id, dir.path()).await.unwrap();
    let document = state.library.document_by_path(sample::NOTES_TXT).unwrap();
    assert_eq!(saved.content_hash, document.latest().content.content_hash());
    assert_eq!(
        saved.path.file_name().unwrap().to_str(),
        Some("Notizen von Zoë.txt")
    );
    assert_eq!(requests(&server, &format!("/download/{id}")), 1);
    assert_eq!(requests(&server, "/s3"), 0);
}

#[tokio::test]
async fn the_direct_download_sends_type_name_and_no_cache_and_wants_the_token() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::REPORT_PDF);
    let presign = Target::new(API, "/download").method(Method::POST);
    state.faults.fail_next(
        presign,
        1,
        api_refusal(500, "Failed to generate download URL"),
    );
    let url = url_of(provider.as_ref(), &id).await;
    assert!(
        url.url.ends_with(&format!("/download/{id}")),
        "{}",
        url.redacted()
    );
    let client = reqwest::Client::new();
    let mut get = client.get(&url.url);
    for (name, value) in &url.headers {
        get = get.header(name.as_str(), value.expose());
    }
    let response = get.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["content-type"], sample::PDF);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"Q1-Report.pdf\""
    );
    assert_eq!(headers["cache-control"], "no-cache");
    let anonymous = client.get(&url.url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::FORBIDDEN);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "statusCode": 403, "data": {}, "message": "UNAUTHORIZED" })
    );
}

#[tokio::test]
async fn a_fault_on_the_direct_download_is_transient_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::LOGO_PNG);
    let presign = Target::new(API, "/download").method(Method::POST);
    state.faults.fail_next(
        presign,
        1,
        api_refusal(500, "Failed to generate download URL"),
    );
    let direct = Target::new(API, format!("/download/{id}")).method(Method::GET);
    state
        .faults
        .fail_next(direct, 1, api_refusal(500, "Failed to download document"));
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(fetch(provider.as_ref(), &id, dir.path()).await.unwrap_err());
    assert_eq!(err, ProviderError::transient("Failed to download document"));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn any_other_presign_fault_is_transient_and_not_a_direct_download() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::LOGO_PNG);
    let presign = Target::new(API, "/download").method(Method::POST);
    state
        .faults
        .fail_next(presign, 1, api_refusal(503, "Service Unavailable"));
    let err = provider
        .prepare(&DocRef::new(&id), None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(err, ProviderError::transient("Service Unavailable"));
}
