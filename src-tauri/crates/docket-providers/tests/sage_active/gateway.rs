//! The gateway: the four required headers, wrong credentials, a remote without its organization, busy and
//! throttled servers, and the forms of the address that work.

use std::sync::Arc;
use std::time::Duration;

use docket_core::{http, Credentials, DocRef, Location, Provider, ProviderError};
use docket_demo::library::sample;
use docket_demo::sage_active::{catalog, gateway};
use docket_demo::{DemoServer, Failure, Target};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{document, file_id, ids, provider_for, remote, API};
use crate::support::{connect_remote, demo, fetch};

fn provider_with(server: &DemoServer, credentials: Credentials) -> Arc<dyn Provider> {
    let (config, _) = remote(server);
    connect_remote(config, credentials)
}

async fn graphql_with_headers(
    server: &DemoServer,
    headers: &[(&str, String)],
) -> (StatusCode, Value) {
    let mut request = http::client()
        .unwrap()
        .post(format!("{}/graphql", server.base_url(API)))
        .json(&json!({ "query": "{ files(first: 1) { totalCount } }" }));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

fn four_headers() -> Vec<(&'static str, String)> {
    vec![
        (
            "Authorization",
            format!("Bearer {}", docket_demo::sage_active::TOKEN),
        ),
        ("X-TenantId", docket_demo::sage_active::TENANT_ID.to_owned()),
        (
            "X-OrganizationId",
            docket_demo::sage_active::ORGANIZATION_ID.to_owned(),
        ),
        ("x-api-key", docket_demo::sage_active::API_KEY.to_owned()),
    ]
}

#[tokio::test]
async fn the_demo_refuses_a_call_missing_any_of_the_four_headers_and_the_provider_sends_them_all() {
    let server = demo().await;
    let (status, _) = graphql_with_headers(&server, &four_headers()).await;
    assert_eq!(status, StatusCode::OK);
    for (left_out, message) in [
        ("Authorization", gateway::INVALID_TOKEN),
        ("X-TenantId", gateway::MISSING_TENANT),
        ("X-OrganizationId", gateway::MISSING_ORGANIZATION),
        ("x-api-key", gateway::MISSING_KEY),
    ] {
        let headers: Vec<_> = four_headers()
            .into_iter()
            .filter(|(n, _)| *n != left_out)
            .collect();
        let (status, body) = graphql_with_headers(&server, &headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "without {left_out}");
        assert_eq!(body["message"], message, "without {left_out}");
    }
    let before = server.state().stats.get(API, "/graphql").requests;
    provider_for(&server)
        .list_all(&Location::root())
        .await
        .unwrap();
    assert!(server.state().stats.get(API, "/graphql").requests > before);
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_with_the_gateways_own_message() {
    let server = demo().await;
    let (config, good) = remote(&server);
    let secret = |key: &str| good.get(key).unwrap().expose().to_owned();
    let wrong_key = Credentials::new(&config.name)
        .with("token", secret("token"))
        .with("api_key", "stolen");
    let wrong_token = Credentials::new(&config.name)
        .with("token", "expired")
        .with("api_key", secret("api_key"));
    for (credentials, message) in [
        (wrong_key, gateway::INVALID_KEY),
        (wrong_token, gateway::INVALID_TOKEN),
    ] {
        let err = provider_with(&server, credentials)
            .list(&Location::root(), None)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            ProviderError::Unauthorized {
                message: message.into()
            }
        );
    }

    let mut other_tenant = config.clone();
    other_tenant
        .settings
        .insert("tenant_id".into(), "someone-else".into());
    let provider = connect_remote(other_tenant, good);
    let err = provider
        .stat(&DocRef::new(file_id(&server, sample::REPORT_PDF)))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: gateway::UNKNOWN_TENANT.into()
        }
    );
}

#[tokio::test]
async fn a_remote_without_its_organization_is_refused_before_any_call() {
    let server = demo().await;
    let (mut config, credentials) = remote(&server);
    config.settings.remove("organization_id");
    let err = docket_providers::connect(config, credentials, http::client().unwrap())
        .err()
        .unwrap();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
    assert!(err.message().contains("organization_id"), "{err}");
    assert_eq!(server.state().stats.api(API).requests, 0);
}

#[tokio::test]
async fn a_busy_server_is_transient_and_a_throttled_one_rate_limited() {
    let server = demo().await;
    let provider = provider_for(&server);
    let state = server.state();
    let graphql = || Target::new(API, "/graphql");
    state.faults.fail_next(
        graphql(),
        1,
        Failure::status(StatusCode::SERVICE_UNAVAILABLE).body("text/plain", "busy"),
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(err, ProviderError::transient("busy"));

    let limited =
        json!({ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds." });
    state.faults.fail_next(
        graphql(),
        1,
        Failure::status(StatusCode::TOO_MANY_REQUESTS)
            .body("application/json", limited.to_string())
            .retry_after(7),
    );
    let err = provider.list(&Location::root(), None).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::RateLimited {
            message: "Rate limit is exceeded. Try again in 7 seconds.".into(),
            retry_after: Some(Duration::from_secs(7)),
        }
    );
    assert!(
        provider.list(&Location::root(), None).await.is_ok(),
        "the faults were one-shot"
    );
}

#[tokio::test]
async fn a_url_ending_in_graphql_and_locations_with_stray_slashes_work_as_well() {
    let server = demo().await;
    let (mut config, credentials) = remote(&server);
    config.url = format!("{}/graphql/", server.base_url(API));
    let provider = connect_remote(config, credentials);
    let state = server.state();
    let report = document(&state, sample::REPORT_PDF);
    let (entity_type, entity_id) = catalog::entity_of(report);
    let listed = provider
        .list_all(&Location::at(format!("/{entity_type}/{entity_id}/")))
        .await
        .unwrap();
    assert!(ids(&listed).contains(&catalog::file_id(report)));
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &catalog::file_id(report), dir.path())
        .await
        .unwrap();
    assert_eq!(saved.content_hash, report.latest().content.content_hash());
}
