//! Downloads as the Download Document page describes them: the presigned answer, the direct route, and each
//! documented refusal of either.

use std::time::{Duration, SystemTime};

use axum::http::Method;
use docket_core::{DocRef, IgnoreStatus, ProviderError, RangeSupport, TransferSource};

use super::{page, parsed, prepare_error, provider, served, vendor, DOCUMENT_ID, PAGE_TOKEN};
use crate::server::Answer;
use crate::support::{fetch, provider_error};

#[tokio::test]
async fn the_presigned_answer_is_a_url_valid_one_hour_that_carries_no_bearer() {
    let server = vendor().await;
    server.answer(Method::POST, "/download", served("presigned-url.json"));
    let hour = Duration::from_secs(3600);
    let before = SystemTime::now();
    let source = provider(&server)
        .prepare(&DocRef::new(DOCUMENT_ID), None, &IgnoreStatus)
        .await
        .unwrap();
    let after = SystemTime::now();
    let TransferSource::Url(url) = source else {
        panic!("expected a URL, got {source:?}");
    };
    assert_eq!(
        url.url,
        "https://s3.amazonaws.com/bucket/documents/my-document.pdf?X-Amz-Algorithm=..."
    );
    assert!(url.headers.is_empty(), "the bearer stays with the API");
    let expires = url.expires_at.unwrap();
    assert!(expires >= before + hour && expires <= after + hour);
    assert_eq!(url.ranges, RangeSupport::Supported);
    assert_eq!(url.file_name.as_deref(), Some("document-name.pdf"));
    assert_eq!(url.mime.as_deref(), Some("application/pdf"));

    let asked = server.only_request_to("/download");
    assert_eq!(asked.method, Method::POST);
    assert_eq!(asked.header("content-type"), Some("application/json"));
    assert_eq!(
        asked.header("authorization"),
        Some(format!("Bearer {PAGE_TOKEN}").as_str())
    );
    assert_eq!(asked.json(), parsed("download-request.json"));
}

/// The page's direct-download answer: its three headers, and bytes.
fn direct_download(body: &[u8]) -> Answer {
    let headers = page("direct-download-headers.txt")
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    Answer {
        status: 200,
        headers,
        body: body.to_vec(),
    }
}

#[tokio::test]
async fn when_the_server_cannot_presign_the_direct_route_is_downloaded_with_the_bearer() {
    let server = vendor().await;
    server.answer(
        Method::POST,
        "/download",
        served("error-500-failed-to-generate-download-url.json"),
    );
    let content = b"%PDF-1.7\n% the page's binary file content\n%%EOF\n";
    let direct = format!("/download/{DOCUMENT_ID}");
    server.answer(Method::GET, &direct, direct_download(content));
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider(&server).as_ref(), DOCUMENT_ID, dir.path())
        .await
        .unwrap();
    assert_eq!(std::fs::read(&saved.path).unwrap(), content);
    assert_eq!(
        saved.path.file_name().unwrap().to_str(),
        Some("document-name.pdf")
    );
    let get = server.only_request_to(&direct);
    assert_eq!(get.method, Method::GET);
    assert_eq!(
        get.header("authorization"),
        Some(format!("Bearer {PAGE_TOKEN}").as_str())
    );
}

#[tokio::test]
async fn each_documented_refusal_of_post_download_is_its_own_error_with_the_vendors_message() {
    let cases = [
        (
            "error-435-document-id-required.json",
            ProviderError::InvalidRequest {
                message: "Document ID is required".into(),
            },
        ),
        (
            "error-435-no-file-path.json",
            ProviderError::NotDownloadable {
                message: "Document has no file path".into(),
            },
        ),
        (
            "error-437-document-not-found.json",
            ProviderError::NotFound {
                message: "Document not found".into(),
            },
        ),
        (
            "error-403-unauthorized.json",
            ProviderError::Unauthorized {
                message: "UNAUTHORIZED".into(),
            },
        ),
        (
            "error-500-failed-to-download-document.json",
            ProviderError::transient("Failed to download document"),
        ),
    ];
    for (refusal, expected) in cases {
        let server = vendor().await;
        server.answer(Method::POST, "/download", served(refusal));
        assert_eq!(prepare_error(&server).await, expected, "{refusal}");
    }
}

#[tokio::test]
async fn each_documented_refusal_of_the_direct_route_is_its_own_error_with_the_vendors_message() {
    let cases = [
        // The direct route is authorised by the bearer: once it expires, preparing again issues a new one.
        (
            "error-403-unauthorized.json",
            ProviderError::LinkExpired {
                message: "UNAUTHORIZED".into(),
            },
        ),
        (
            "error-437-document-not-found.json",
            ProviderError::NotFound {
                message: "Document not found".into(),
            },
        ),
        (
            "error-435-no-file-path.json",
            ProviderError::NotDownloadable {
                message: "Document has no file path".into(),
            },
        ),
        (
            "error-435-document-id-required.json",
            ProviderError::InvalidRequest {
                message: "Document ID is required".into(),
            },
        ),
        (
            "error-500-failed-to-download-document.json",
            ProviderError::transient("Failed to download document"),
        ),
    ];
    for (refusal, expected) in cases {
        let server = vendor().await;
        server.answer(
            Method::POST,
            "/download",
            served("error-500-failed-to-generate-download-url.json"),
        );
        server.answer(
            Method::GET,
            &format!("/download/{DOCUMENT_ID}"),
            served(refusal),
        );
        let dir = tempfile::tempdir().unwrap();
        let err = fetch(provider(&server).as_ref(), DOCUMENT_ID, dir.path())
            .await
            .unwrap_err();
        assert_eq!(provider_error(err), expected, "{refusal}");
    }
}

#[tokio::test]
async fn a_document_the_details_do_not_find_is_not_found_before_any_download_is_asked_for() {
    let server = vendor().await;
    server.answer(
        Method::POST,
        "/get-document-details",
        served("error-437-document-not-found.json"),
    );
    let not_found = ProviderError::NotFound {
        message: "Document not found".into(),
    };
    assert_eq!(
        provider(&server)
            .stat(&DocRef::new(DOCUMENT_ID))
            .await
            .unwrap_err(),
        not_found
    );
    assert_eq!(prepare_error(&server).await, not_found);
    assert!(server.requests_to("/download").is_empty());
}
