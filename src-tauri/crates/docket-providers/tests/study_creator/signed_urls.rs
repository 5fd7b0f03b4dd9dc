//! Single-use signed URLs: their address and lifetime, use once, HEAD requests, expiry, and the mutation
//! that mints them.

use std::time::{Duration, SystemTime};

use docket_core::{ProviderError, RangeSupport};
use docket_demo::library::sample;
use docket_demo::study_creator as demo;

use crate::helpers::{
    base, by_route, by_signed_url, doc, fetch, file_of, provider_latest, study_of,
};
use crate::support::{demo, download, http, prepared_url};

#[tokio::test]
async fn a_signed_url_is_built_on_the_configured_address_and_lives_thirty_seconds() {
    let server = demo().await;
    let report = doc(&server, sample::REPORT_PDF);
    let latest = provider_latest(&by_route(&server), &report).await;
    let url = prepared_url(by_signed_url(&server).as_ref(), &report, None).await;
    let route = format!(
        "{}/download/study/{}/file/{}/version/{latest}?token=",
        base(&server),
        study_of(&report),
        file_of(&report)
    );
    assert!(url.url.starts_with(&route), "{}", url.redacted());
    assert!(url.single_use);
    assert!(url.headers.is_empty(), "a signed URL needs no credential");
    assert_eq!(url.ranges, RangeSupport::Unsupported);
    let left = url
        .expires_at
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left <= Duration::from_secs(30) && left > Duration::from_secs(20),
        "{left:?}"
    );
    assert!(!url.redacted().contains("token="));
}

#[tokio::test]
async fn a_signed_url_works_once_and_then_means_minting_another() {
    let server = demo().await;
    let provider = by_signed_url(&server);
    let report = doc(&server, sample::REPORT_PDF);
    let url = prepared_url(provider.as_ref(), &report, None).await;
    assert_eq!(fetch(&url).await.0, 200);
    let (status, headers, body) = fetch(&url).await;
    assert_eq!(status, 401);
    assert_eq!(
        provider.link_failure(status, &headers, &String::from_utf8_lossy(&body)),
        ProviderError::LinkExpired {
            message: demo::NOT_AUTHORIZED.into()
        }
    );
    let fresh = prepared_url(provider.as_ref(), &report, None).await;
    assert_ne!(fresh.url, url.url);
    assert_eq!(fetch(&fresh).await.0, 200);
}

#[tokio::test]
async fn a_head_request_claims_a_signed_url_too() {
    let server = demo().await;
    let url = prepared_url(
        by_signed_url(&server).as_ref(),
        &doc(&server, sample::README_TXT),
        None,
    )
    .await;
    assert_eq!(http().head(&url.url).send().await.unwrap().status(), 200);
    assert_eq!(fetch(&url).await.0, 401);
}

#[tokio::test]
async fn after_the_demo_expires_its_tokens_a_fresh_prepare_downloads_again() {
    let server = demo().await;
    let provider = by_signed_url(&server);
    let readme = doc(&server, sample::README_TXT);
    let stale = prepared_url(provider.as_ref(), &readme, None).await;
    let expired = http()
        .post(format!("{}/_demo/expire", base(&server)))
        .json(&serde_json::json!({ "api": "study-creator" }))
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 200);
    let (status, headers, body) = fetch(&stale).await;
    let err = provider.link_failure(status, &headers, &String::from_utf8_lossy(&body));
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: demo::NOT_AUTHORIZED.into()
        }
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = download(provider.as_ref(), &readme, None, dir.path())
        .await
        .unwrap();
    let state = server.state();
    assert_eq!(
        saved.content_hash,
        state
            .library
            .document_by_path(sample::README_TXT)
            .unwrap()
            .latest()
            .content
            .content_hash()
    );
}

#[tokio::test]
async fn a_signed_url_older_than_thirty_seconds_is_refused_as_expired() {
    let server = demo().await;
    let provider = by_signed_url(&server);
    let url = prepared_url(provider.as_ref(), &doc(&server, sample::README_TXT), None).await;
    server.state().expiry.advance(demo::SIGNED_URL_LIFETIME);
    let (status, headers, body) = fetch(&url).await;
    assert!(matches!(
        provider.link_failure(status, &headers, &String::from_utf8_lossy(&body)),
        ProviderError::LinkExpired { .. }
    ));
}

#[tokio::test]
async fn the_signed_url_mutation_mints_the_same_kind_of_url() {
    let server = demo().await;
    let report = doc(&server, sample::REPORT_PDF);
    let answer: serde_json::Value = http()
        .post(format!("{}/graphql", base(&server)))
        .bearer_auth(demo::demo_jwt())
        .json(&serde_json::json!({
            "query": "mutation($s: String!, $f: String!) { signedUrl(studyId: $s, fileId: $f) { url } }",
            "variables": { "s": study_of(&report), "f": file_of(&report) }
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = answer["data"]["signedUrl"]["url"].as_str().unwrap();
    assert!(path.starts_with(&format!(
        "/download/study/{}/file/{}/version/FV_",
        study_of(&report),
        file_of(&report)
    )));
    let once = http()
        .get(format!("{}{path}", base(&server)))
        .send()
        .await
        .unwrap();
    assert_eq!(once.status(), 200);
}
