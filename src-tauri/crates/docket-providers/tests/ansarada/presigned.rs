//! The presigned URLs a finished job hands out: byte ranges, expiry and tampering.

use docket_core::{http, Provider, ProviderError};
use docket_demo::library::sample;
use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use serde_json::json;

use crate::room::{doc_id, provider_for, API};
use crate::support::{demo, fetch, url_of, LARGE_FILE_SIZE};

/// What a GET of `url` means to the provider when it fails, or its bytes.
async fn get(provider: &dyn Provider, url: &str) -> Result<Vec<u8>, ProviderError> {
    let response = http::client().unwrap().get(url).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    if status.is_success() {
        Ok(body.to_vec())
    } else {
        Err(provider.link_failure(status, &headers, &String::from_utf8_lossy(&body)))
    }
}

#[tokio::test]
async fn the_presigned_url_honours_byte_ranges() {
    let server = demo().await;
    let provider = provider_for(&server);
    let url = url_of(provider.as_ref(), &doc_id(&server, sample::LARGE_FILE)).await;
    let response = http::client()
        .unwrap()
        .get(&url.url)
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        response.headers()[CONTENT_RANGE],
        format!("bytes 1000-1999/{LARGE_FILE_SIZE}").as_str()
    );
    let state = server.state();
    let content = &state
        .library
        .document_by_path(sample::LARGE_FILE)
        .unwrap()
        .latest()
        .content;
    assert_eq!(response.bytes().await.unwrap(), content.read(1000..2000));
}

#[tokio::test]
async fn an_expired_presigned_url_is_link_expired_and_preparing_again_downloads() {
    let server = demo().await;
    let provider = provider_for(&server);
    let doc = doc_id(&server, sample::CATALOG_XML);
    let url = url_of(provider.as_ref(), &doc).await;
    let expired = http::client()
        .unwrap()
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({"api": "ansarada"}))
        .send()
        .await
        .unwrap();
    assert!(expired.status().is_success());
    let err = get(provider.as_ref(), &url.url).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: "Request has expired".into()
        }
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &doc, dir.path()).await.unwrap();
    let state = server.state();
    let catalog = state.library.document_by_path(sample::CATALOG_XML).unwrap();
    assert_eq!(saved.content_hash, catalog.latest().content.content_hash());
}

#[tokio::test]
async fn a_tampered_presigned_url_is_refused_as_a_signature_mismatch() {
    let server = demo().await;
    let provider = provider_for(&server);
    let url = url_of(provider.as_ref(), &doc_id(&server, sample::LOGO_PNG)).await;
    let tampered = url.url.replace("X-Amz-Expires=900", "X-Amz-Expires=604800");
    assert_ne!(tampered, url.url);
    let err = get(provider.as_ref(), &tampered).await.unwrap_err();
    assert!(matches!(err, ProviderError::Unauthorized { .. }), "{err:?}");
    assert!(
        err.message()
            .contains("signature we calculated does not match"),
        "{err}"
    );
    assert!(get(provider.as_ref(), &url.url).await.is_ok());
}
