//! The token: asked for with the page's request body, sent as a bearer, issued again once when refused.

use axum::http::Method;
use docket_core::{Location, ProviderError};
use serde_json::json;

use super::{
    bearers, page, parsed, provider, served, vendor, AUTH_PAGE_TOKEN, COLLECTION, PAGE_TOKEN,
};
use crate::server::Answer;

#[tokio::test]
async fn the_token_is_asked_for_with_the_pages_own_request_body() {
    let server = vendor().await;
    provider(&server)
        .list(&Location::at(COLLECTION), None)
        .await
        .unwrap();
    let token = server.only_request_to("/generate-client-auth-token");
    assert_eq!(token.method, Method::POST);
    assert_eq!(token.header("content-type"), Some("application/json"));
    assert_eq!(token.json(), parsed("token-request.json"));
}

#[tokio::test]
async fn the_download_pages_access_token_goes_as_a_bearer_with_every_call() {
    let server = vendor().await;
    provider(&server)
        .list(&Location::at(COLLECTION), None)
        .await
        .unwrap();
    let listing = server.only_request_to("/get-documents");
    assert_eq!(listing.method, Method::POST);
    assert_eq!(listing.header("content-type"), Some("application/json"));
    assert_eq!(
        listing.header("authorization"),
        Some(format!("Bearer {PAGE_TOKEN}").as_str())
    );
    assert_eq!(listing.json(), json!({ "collection_id": COLLECTION }));
}

#[tokio::test]
async fn the_auth_pages_auth_token_is_taken_as_well() {
    let server = vendor().await;
    server.answer(
        Method::POST,
        "/generate-client-auth-token",
        Answer::new(200, "application/json", page("token-auth-page.json")),
    );
    provider(&server)
        .list(&Location::at(COLLECTION), None)
        .await
        .unwrap();
    assert_eq!(
        bearers(&server, "/get-documents"),
        [format!("Bearer {AUTH_PAGE_TOKEN}")]
    );
}

#[tokio::test]
async fn a_refused_token_is_issued_again_once_and_the_call_repeated_with_the_new_one() {
    let server = vendor().await;
    server.answers(
        Method::POST,
        "/generate-client-auth-token",
        [
            served("token-download-page.json"),
            Answer::new(200, "application/json", page("token-auth-page.json")),
        ],
    );
    server.answers(
        Method::POST,
        "/get-documents",
        [
            served("error-403-unauthorized.json"),
            served("get-documents.json"),
        ],
    );
    let listed = provider(&server)
        .list(&Location::at(COLLECTION), None)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 3);
    assert_eq!(
        bearers(&server, "/get-documents"),
        [
            format!("Bearer {PAGE_TOKEN}"),
            format!("Bearer {AUTH_PAGE_TOKEN}")
        ]
    );
}

#[tokio::test]
async fn a_token_refused_twice_is_unauthorized_with_the_vendors_message() {
    let server = vendor().await;
    server.answer(
        Method::POST,
        "/get-documents",
        served("error-403-unauthorized.json"),
    );
    let err = provider(&server)
        .list(&Location::at(COLLECTION), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "UNAUTHORIZED".into()
        }
    );
    assert_eq!(server.requests_to("/generate-client-auth-token").len(), 2);
}
