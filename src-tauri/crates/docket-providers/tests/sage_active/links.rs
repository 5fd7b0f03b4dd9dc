//! The short download links: expiry and preparing again, their ten minutes, no credentials, ranges, and a
//! link failing with a server error.

use std::time::{Duration, SystemTime};

use docket_core::{http, Provider, ProviderError, RangeSupport, RemoteUrl};
use docket_demo::library::sample;
use docket_demo::sage_active::{catalog, EXPIRED};
use docket_demo::{Failure, Target};
use reqwest::header::{CONTENT_DISPOSITION, RANGE};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{document, file_id, provider_for, API};
use crate::support::{demo, fetch, provider_error, url_of, LARGE_FILE_SIZE};

/// GETs a link the way the transfer engine does and maps a failure through the provider.
async fn get_link(
    provider: &dyn Provider,
    url: &RemoteUrl,
) -> Result<reqwest::Response, ProviderError> {
    let response = http::client().unwrap().get(&url.url).send().await.unwrap();
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Err(provider.link_failure(status, &headers, &body))
}

#[tokio::test]
async fn an_expired_link_is_link_expired_and_preparing_again_gives_a_working_link() {
    let server = demo().await;
    let provider = provider_for(&server);
    let id = file_id(&server, sample::REPORT_PDF);
    let stale = url_of(provider.as_ref(), &id).await;
    assert!(get_link(provider.as_ref(), &stale).await.is_ok());

    let expired = http::client()
        .unwrap()
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({ "api": "sage-active" }))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), StatusCode::OK);

    let err = get_link(provider.as_ref(), &stale).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: EXPIRED.into()
        }
    );
    assert!(err.is_retryable());

    let fresh = url_of(provider.as_ref(), &id).await;
    assert_ne!(fresh.url, stale.url);
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &id, dir.path()).await.unwrap();
    assert_eq!(
        saved.content_hash,
        document(&server.state(), sample::REPORT_PDF)
            .latest()
            .content
            .content_hash()
    );
}

#[tokio::test]
async fn a_link_works_for_ten_minutes_and_the_provider_says_so() {
    let server = demo().await;
    let provider = provider_for(&server);
    let before = SystemTime::now();
    let link = url_of(provider.as_ref(), &file_id(&server, sample::README_TXT)).await;
    let expires = link.expires_at.unwrap();
    assert!(expires >= before + Duration::from_secs(600) - Duration::from_secs(1));
    assert!(expires <= SystemTime::now() + Duration::from_secs(600));

    server.state().expiry.advance(Duration::from_secs(599));
    assert!(get_link(provider.as_ref(), &link).await.is_ok());
    assert!(
        get_link(provider.as_ref(), &link).await.is_ok(),
        "a short link is not single-use"
    );
    server.state().expiry.advance(Duration::from_secs(1));
    let err = get_link(provider.as_ref(), &link).await.unwrap_err();
    assert!(matches!(err, ProviderError::LinkExpired { .. }), "{err:?}");
}

#[tokio::test]
async fn a_download_link_carries_no_credentials_is_an_attachment_and_honours_a_range() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let large = document(&state, sample::LARGE_FILE);
    let link = url_of(provider.as_ref(), &catalog::file_id(large)).await;
    assert!(link.headers.is_empty());
    assert!(!link.url.contains(docket_demo::sage_active::TOKEN));
    assert_eq!(link.ranges, RangeSupport::Supported);
    assert!(provider.capabilities().ranges);
    assert_eq!(link.size, Some(LARGE_FILE_SIZE));
    assert_eq!(link.file_name.as_deref(), Some("telemetry-archive.bin"));

    let response = http::client()
        .unwrap()
        .get(&link.url)
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert!(response.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes, large.latest().content.read(1000..2000));
}

#[tokio::test]
async fn a_link_that_fails_with_a_server_error_is_transient() {
    let server = demo().await;
    let provider = provider_for(&server);
    server.state().faults.fail_next(
        Target::new(API, "/files/"),
        1,
        Failure::status(StatusCode::BAD_GATEWAY),
    );
    let dir = tempfile::tempdir().unwrap();
    let err = provider_error(
        fetch(
            provider.as_ref(),
            &file_id(&server, sample::LOGO_PNG),
            dir.path(),
        )
        .await
        .unwrap_err(),
    );
    assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
}
