//! The client token: re-issued once after expiry, shared by concurrent calls, wrong client credentials, and
//! the demo refusing requests without the bearer or the JSON content type.

use docket_core::{DocRef, IgnoreStatus, Location, Provider, ProviderError};
use docket_demo::index_health::{demo_remote, DEMO_CLIENT_ID};
use docket_demo::library::sample;
use docket_demo::Target;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{api_refusal, library_document, provider_for, requests, API};
use crate::support::{connect_remote, demo};

#[tokio::test]
async fn after_the_demo_expires_the_token_the_provider_issues_a_new_one_once_and_carries_on() {
    let server = demo().await;
    let provider = provider_for(&server);
    provider
        .list(&Location::at("col-media"), None)
        .await
        .unwrap();
    assert_eq!(requests(&server, "/generate-client-auth-token"), 1);
    let expire = reqwest::Client::new()
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({ "api": "index-health" }))
        .send()
        .await
        .unwrap();
    assert!(expire.status().is_success());
    let media = provider
        .list(&Location::at("col-media"), None)
        .await
        .unwrap();
    assert_eq!(media.items.len(), 2);
    assert_eq!(requests(&server, "/generate-client-auth-token"), 2);
    assert_eq!(
        requests(&server, "/get-documents"),
        3,
        "one refused, two answered"
    );
}

#[tokio::test]
async fn a_token_refused_again_after_the_reissue_gives_up_as_unauthorized() {
    let server = demo().await;
    let provider = provider_for(&server);
    let target = Target::new(API, "/get-documents").method(Method::POST);
    server
        .state()
        .faults
        .fail_next(target, 2, api_refusal(403, "UNAUTHORIZED"));
    let err = provider
        .list(&Location::at("col-media"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "UNAUTHORIZED".into()
        }
    );
    assert_eq!(
        requests(&server, "/generate-client-auth-token"),
        2,
        "the first token and one re-issue"
    );
    assert_eq!(requests(&server, "/get-documents"), 2, "no third try");
}

#[tokio::test]
async fn concurrent_calls_share_one_token() {
    let server = demo().await;
    let provider = provider_for(&server);
    let locations = ["col-finance", "col-legal", "col-media", "col-archive"].map(Location::at);
    let listings = futures_join(provider.as_ref(), &locations).await;
    assert!(listings.iter().all(|l| !l.is_empty()));
    assert_eq!(requests(&server, "/generate-client-auth-token"), 1);
}

async fn futures_join(
    provider: &dyn Provider,
    locations: &[Location; 4],
) -> Vec<Vec<docket_core::Entry>> {
    let (a, b, c, d) = tokio::join!(
        provider.list_all(&locations[0]),
        provider.list_all(&locations[1]),
        provider.list_all(&locations[2]),
        provider.list_all(&locations[3]),
    );
    vec![a.unwrap(), b.unwrap(), c.unwrap(), d.unwrap()]
}

#[tokio::test]
async fn wrong_client_credentials_are_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let (config, _) = demo_remote(&server.base_url(API));
    let wrong = docket_core::Credentials::new(config.name.clone()).with("client_secret", "guess");
    let provider = connect_remote(config, wrong);
    let err = provider
        .list(&Location::at("col-finance"), None)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "Invalid client credentials".into()
        }
    );
    assert_eq!(
        requests(&server, "/get-documents"),
        0,
        "nothing is asked without a token"
    );
}

#[tokio::test]
async fn the_demo_refuses_requests_missing_the_bearer_token_or_the_json_content_type() {
    let server = demo().await;
    let base = server.base_url(API);
    let (id, _) = library_document(&server, sample::README_TXT);
    let client = reqwest::Client::new();
    let issued: Value = client
        .post(format!("{base}/generate-client-auth-token"))
        .json(&json!({
            "client_id": DEMO_CLIENT_ID, "client_secret": docket_demo::index_health::DEMO_CLIENT_SECRET,
            "fingerprint": "test", "user": {"first_name": "A", "last_name": "B", "email": "a@b.c", "group_name": "g"}
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&issued["statusCode"], &issued["message"]),
        (&json!(200), &json!("OKAY"))
    );
    let token = issued["data"]["access_token"].as_str().unwrap().to_owned();
    let body = json!({ "document_id": id }).to_string();

    let no_token = client
        .post(format!("{base}/download"))
        .header("Content-Type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        no_token.json::<Value>().await.unwrap()["message"],
        "UNAUTHORIZED"
    );

    let not_json = client
        .post(format!("{base}/download"))
        .bearer_auth(&token)
        .header("Content-Type", "text/plain")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 435);
    assert_eq!(
        not_json.json::<Value>().await.unwrap(),
        json!({ "statusCode": 435, "data": {}, "message": "Document ID is required" })
    );

    let proper = client
        .post(format!("{base}/download"))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(proper.status(), StatusCode::OK);
    // And the provider's own requests carry both.
    let provider = provider_for(&server);
    assert!(provider
        .prepare(&DocRef::new(&id), None, &IgnoreStatus)
        .await
        .is_ok());
}
