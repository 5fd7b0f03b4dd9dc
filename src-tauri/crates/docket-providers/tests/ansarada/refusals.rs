//! The documented refusals: no bearer header, a wrong token, missing documents and malformed ids, gateway
//! failures and throttling, and a page size out of range.

use std::time::Duration;

use docket_core::{http, DocRef, IgnoreStatus, Location, ProviderError};
use docket_demo::ansarada::{document_id, folder_id, ADMIN_TOKEN};
use docket_demo::{Failure, Target};
use reqwest::header::AUTHORIZATION;
use reqwest::StatusCode;
use serde_json::json;

use crate::room::{provider_for, provider_with, remote, API};
use crate::support::demo;

#[tokio::test]
async fn a_request_without_the_bearer_header_is_refused_while_the_providers_requests_succeed() {
    let server = demo().await;
    let endpoint = format!("{}/graphql", server.base_url(API));
    let query = json!({"query": "{ dataRoomDocumentIndex { items { edges { cursor } } } }"});
    let client = http::client().unwrap();
    let bare = client.post(&endpoint).json(&query).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = bare.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let authorised = client
        .post(&endpoint)
        .header(AUTHORIZATION, format!("Bearer {ADMIN_TOKEN}"))
        .json(&query)
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = authorised.json().await.unwrap();
    assert!(body["errors"].is_null(), "{body}");
    assert!(provider_for(&server)
        .list(&Location::root(), None)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let provider = provider_with(&server, ("page_size", "10"), "not-the-room-token");
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "Invalid or expired access token".into()
        }
    );
}

#[tokio::test]
async fn a_missing_document_is_not_found_and_a_malformed_id_is_an_invalid_request() {
    let server = demo().await;
    let provider = provider_for(&server);
    let missing = DocRef::new(document_id(999_999));
    let err = provider
        .prepare(&missing, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
    assert!(err.message().contains("was not found"), "{err}");
    let err = provider
        .prepare(&DocRef::new("1001"), None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    let err = provider
        .list(&Location::at(folder_id(999)), None)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn gateway_failures_are_transient_and_throttling_carries_its_retry_after() {
    let server = demo().await;
    let provider = provider_for(&server);
    let faults = &server.state().faults;
    faults.fail_next(
        Target::new(API, "/graphql"),
        1,
        Failure::status(StatusCode::SERVICE_UNAVAILABLE)
            .body("text/html", "<html>Service Unavailable</html>"),
    );
    faults.fail_next(
        Target::new(API, "/graphql"),
        1,
        Failure::status(StatusCode::TOO_MANY_REQUESTS).retry_after(3),
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert!(
        matches!(err, ProviderError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3)),
        "{err:?}"
    );
    assert!(provider.list(&Location::root(), None).await.is_ok());
}

#[tokio::test]
async fn a_page_size_outside_one_to_a_hundred_is_refused_when_connecting() {
    let server = demo().await;
    let (mut config, credentials) = remote(&server);
    config.settings.insert("page_size".into(), "500".into());
    let err = docket_providers::connect(config, credentials, http::client().unwrap())
        .err()
        .unwrap();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(err.message().contains("page_size"), "{err}");
}
