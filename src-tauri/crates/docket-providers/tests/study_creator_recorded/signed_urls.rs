//! Signed URLs: minted for the latest version on the configured address, for anyone signed in, fetched once
//! with their token, and the view's recorded 401.

use std::time::{Duration, SystemTime};

use axum::http::{header, HeaderMap, StatusCode};
use docket_core::{DocRef, ProviderError, RangeSupport};

use crate::recording::{query_token, recorded, recorded_text, Caller, MANIFEST, SIGNED_TOKEN};
use crate::server::{Answer, RecordedServer};
use crate::support::{download, prepared_url};

#[tokio::test]
async fn a_member_with_signed_urls_gets_a_single_use_url_for_the_latest_version_on_the_configured_address(
) {
    let server = RecordedServer::start().await;
    let url = prepared_url(
        server.by_signed_url(Caller::Member).as_ref(),
        &DocRef::new(MANIFEST),
        None,
    )
    .await;
    server.assert_the_recording_answered_every_request();
    // The server's answer is relative and names the latest version; Docket puts it on the configured address.
    assert_eq!(
        url.url,
        format!(
            "{}/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q/version/FV_FA4PEQ9E?token={SIGNED_TOKEN}",
            server.base
        )
    );
    assert!(url.single_use);
    assert!(url.headers.is_empty(), "a signed URL carries its own token");
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
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        requests[0].path,
        "/signed-url/study/SD_ME0WME0W/file/SF_GYNMMZ2Q"
    );
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer replay.member.jwt")
    );
}

#[tokio::test]
async fn a_user_of_another_study_is_handed_a_signed_url_too_as_the_real_server_mints_one_for_anyone_signed_in(
) {
    let server = RecordedServer::start().await;
    let url = prepared_url(
        server.by_signed_url(Caller::Outsider).as_ref(),
        &DocRef::new(MANIFEST),
        None,
    )
    .await;
    server.assert_the_recording_answered_every_request();
    assert!(url
        .url
        .ends_with("/version/FV_FA4PEQ9E?token=<single-use token>"));
}

#[tokio::test]
async fn a_signed_url_is_fetched_once_with_its_token_and_without_the_jwt() {
    // The recording holds no download through a signed token, so this asserts what Docket sends, not what it
    // makes of the answer.
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let outcome = download(
        server.by_signed_url(Caller::Member).as_ref(),
        &DocRef::new(MANIFEST),
        None,
        dir.path(),
    )
    .await;
    assert!(outcome.is_err(), "the replay has no bytes for a signed URL");
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/signed-url/study/SD_ME0WME0W/file/SF_GYNMMZ2Q",
            "/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q/version/FV_FA4PEQ9E",
        ]
    );
    let fetch = &requests[1];
    assert_eq!(
        query_token(fetch.query.as_deref()).as_deref(),
        Some(SIGNED_TOKEN)
    );
    assert_eq!(fetch.authorization, None);
    assert!(matches!(fetch.answer, Answer::NotRecorded(_)));
}

#[tokio::test]
async fn the_views_recorded_401_means_a_used_up_link_to_a_signed_remote_and_a_refused_caller_to_a_route_remote(
) {
    let server = RecordedServer::start().await;
    let refusal = recorded(
        "GET",
        "/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q",
        Caller::Outsider,
    );
    let status = StatusCode::from_u16(refusal.response.status).unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in &refusal.response.headers {
        headers.insert(
            header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let body = recorded_text(refusal);
    let message = "Not authorized to download the file".to_owned();
    assert_eq!(
        server
            .by_signed_url(Caller::Member)
            .link_failure(status, &headers, body),
        ProviderError::LinkExpired {
            message: message.clone()
        }
    );
    assert_eq!(
        server
            .by_route(Caller::Outsider)
            .link_failure(status, &headers, body),
        ProviderError::Unauthorized { message }
    );
}
