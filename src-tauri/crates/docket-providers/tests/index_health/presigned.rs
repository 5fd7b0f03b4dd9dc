//! Downloads through presigned URLs: every sample byte for byte, the hour they last, ranges and If-Range,
//! and expiry.

use std::time::{Duration, SystemTime};

use docket_core::{ProviderError, RangeSupport};
use docket_demo::index_health::catalog;
use docket_demo::library::sample;
use reqwest::header::{CONTENT_RANGE, ETAG, IF_RANGE, RANGE};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{downloadable, library_document, provider_for, requests, API};
use crate::support::{assert_same_bytes, demo, fetch, url_of, LARGE_FILE_SIZE};

#[tokio::test]
async fn every_downloadable_sample_arrives_byte_for_byte_through_its_url_of() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let documents = downloadable(&state);
    assert!(documents.iter().any(|d| d.path() == sample::LARGE_FILE));
    assert_eq!(
        documents.len(),
        state.library.documents().len() - 1,
        "all but the URL-based one"
    );
    let dir = tempfile::tempdir().unwrap();
    for document in documents {
        let saved = fetch(
            provider.as_ref(),
            &catalog::document_id(document),
            dir.path(),
        )
        .await
        .unwrap_or_else(|err| panic!("{}: {err}", document.path()));
        assert_same_bytes(&saved, document);
        assert_eq!(
            saved.path.file_name().unwrap().to_str(),
            Some(document.name.as_str())
        );
    }
    assert_eq!(
        requests(&server, "/s3"),
        state.library.documents().len() as u64 - 1
    );
    assert_eq!(requests(&server, "/generate-client-auth-token"), 1);
}

#[tokio::test]
async fn a_presigned_url_expires_one_hour_after_it_was_asked_for_and_takes_ranges() {
    let server = demo().await;
    let (id, _) = library_document(&server, sample::LARGE_FILE);
    let hour = Duration::from_secs(3600);
    let before = SystemTime::now();
    let url = url_of(provider_for(&server).as_ref(), &id).await;
    let after = SystemTime::now();
    let expires = url.expires_at.unwrap();
    assert!(
        expires >= before + hour && expires <= after + hour,
        "{expires:?}"
    );
    assert_eq!(url.ranges, RangeSupport::Supported);
    assert_eq!(url.file_name.as_deref(), Some("telemetry-archive.bin"));
    assert!(url.redacted().ends_with("?<redacted>") && !url.redacted().contains("Signature"));
}

#[tokio::test]
async fn the_presigned_url_sends_a_range_and_honours_if_range_only_while_the_etag_matches() {
    let server = demo().await;
    let (id, state) = library_document(&server, sample::LARGE_FILE);
    let url = url_of(provider_for(&server).as_ref(), &id).await;
    let content = &state
        .library
        .document_by_path(sample::LARGE_FILE)
        .unwrap()
        .latest()
        .content;
    let client = reqwest::Client::new();

    let part = client
        .get(&url.url)
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[CONTENT_RANGE],
        format!("bytes 1000-1999/{LARGE_FILE_SIZE}").as_str()
    );
    let etag = part.headers()[ETAG].to_str().unwrap().to_owned();
    assert_eq!(part.bytes().await.unwrap(), content.read(1000..2000));

    let same = client
        .get(&url.url)
        .header(RANGE, "bytes=-10")
        .header(IF_RANGE, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        same.bytes().await.unwrap(),
        content.read(LARGE_FILE_SIZE - 10..LARGE_FILE_SIZE)
    );

    let changed = client
        .get(&url.url)
        .header(RANGE, "bytes=0-9")
        .header(IF_RANGE, "\"not-this-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.content_length(), Some(LARGE_FILE_SIZE));
}

#[tokio::test]
async fn a_presigned_url_past_its_hour_is_a_link_expiry_and_preparing_again_gives_a_working_one() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, state) = library_document(&server, sample::REPORT_PDF);
    let url = url_of(provider.as_ref(), &id).await;
    let client = reqwest::Client::new();
    state.expiry.advance(Duration::from_secs(59 * 60));
    assert_eq!(
        client.get(&url.url).send().await.unwrap().status(),
        StatusCode::OK
    );
    state.expiry.advance(Duration::from_secs(2 * 60));
    let expired = client.get(&url.url).send().await.unwrap();
    let status = expired.status();
    let headers = expired.headers().clone();
    let body = expired.text().await.unwrap();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    let err = provider.link_failure(status, &headers, &body);
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: "Request has expired".into()
        }
    );
    assert!(err.is_retryable());
    // The token is past its hour too: preparing again issues a new one and a fresh URL.
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &id, dir.path()).await.unwrap();
    let document = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    assert_eq!(saved.content_hash, document.latest().content.content_hash());
    assert_eq!(requests(&server, "/generate-client-auth-token"), 2);
}

#[tokio::test]
async fn a_url_expired_by_the_demo_is_refused_with_the_s3_expiry_message() {
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, _) = library_document(&server, sample::README_TXT);
    let url = url_of(provider.as_ref(), &id).await;
    let client = reqwest::Client::new();
    let expire = client
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({ "api": "index-health" }))
        .send()
        .await
        .unwrap();
    assert!(expire.status().is_success());
    let refused = client.get(&url.url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("<Message>Request has expired</Message>"),
        "{body}"
    );
}

#[tokio::test]
async fn a_document_whose_name_the_caller_knows_costs_one_request_for_its_url_and_none_for_details()
{
    let server = demo().await;
    let provider = provider_for(&server);
    let (id, _) = library_document(&server, sample::LARGE_FILE);
    let named = docket_core::DocRef::new(id.clone()).with_known_name("from the listing.bin");
    let source = provider
        .prepare(&named, None, &docket_core::IgnoreStatus)
        .await
        .unwrap();
    let docket_core::TransferSource::Url(url) = source else {
        panic!("Index Health answers a URL");
    };
    assert_eq!(url.file_name.as_deref(), Some("from the listing.bin"));
    assert_eq!(requests(&server, "/get-document-details"), 0);
    assert_eq!(requests(&server, "/download"), 1);

    // Without a known name the details give it, at one request more.
    url_of(provider.as_ref(), &id).await;
    assert_eq!(requests(&server, "/get-document-details"), 1);
}
