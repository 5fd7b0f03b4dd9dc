//! The session: a wrong password, a ticket replaced by logging in again once or refused for good, and the
//! form content type every POST needs.

use docket_core::{Credentials, Location, ProviderError};
use docket_demo::inforouter;

use crate::helpers::{base_url, provider, requests, script_answer};
use crate::support::{connect_remote, demo};

#[tokio::test]
async fn a_wrong_password_is_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let (config, _) = inforouter::demo_remote(&base_url(&server));
    let wrong = Credentials::new(config.name.clone()).with("password", "not-the-password");
    let provider = connect_remote(config, wrong);
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "[900] Authentication failed".into()
        }
    );
}

#[tokio::test]
async fn an_expired_ticket_is_replaced_by_logging_in_again_once() {
    let server = demo().await;
    let provider = provider(&server);
    provider.list(&Location::root(), None).await.unwrap();
    let expired = reqwest::Client::new()
        .post(format!("{}/_demo/expire", base_url(&server)))
        .body(r#"{"api": "inforouter"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 200);
    let page = provider.list(&Location::at("/Legal"), None).await.unwrap();
    assert!(!page.items.is_empty());
    assert_eq!(requests(&server, "AuthenticateUser"), 2);
    assert_eq!(requests(&server, "GetFoldersAndDocumentsByPage"), 3);
}

#[tokio::test]
async fn a_ticket_refused_again_after_logging_in_is_unauthorized_with_the_servers_message() {
    let server = demo().await;
    let provider = provider(&server);
    script_answer(
        &server,
        "GetFoldersAndDocumentsByPage",
        2,
        r#"<response success="false" error="[901] Session expired or Invalid ticket" />"#,
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "[901] Session expired or Invalid ticket".into()
        }
    );
    assert_eq!(
        requests(&server, "AuthenticateUser"),
        2,
        "one login, one re-login"
    );
}

#[tokio::test]
async fn posts_need_the_form_content_type_and_the_providers_requests_carry_it() {
    let server = demo().await;
    let url = format!("{}/srv.asmx/AuthenticateUser", base_url(&server));
    let http = reqwest::Client::new();
    let plain = http
        .post(&url)
        .header("content-type", "text/plain")
        .body("UID=demo&PWD=demo-password")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 500);
    assert!(plain
        .text()
        .await
        .unwrap()
        .contains("Request format is invalid"));
    let form = http
        .post(&url)
        .form(&[("UID", "demo"), ("PWD", "demo-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains(r#"success="true""#));
    let missing = http
        .post(&url)
        .form(&[("UID", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 500);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("Missing parameter: PWD"));
    provider(&server)
        .list(&Location::root(), None)
        .await
        .unwrap();
}
