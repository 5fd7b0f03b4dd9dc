//! Downloads by route: an older version, a UTF-8 name, a caller refused, and unknown files and versions.

use docket_core::{DocRef, ProviderError};

use crate::recording::{recorded, recorded_text, Caller, MANIFEST, RESUME_SHEET};
use crate::server::{is_empty, saved_name, RecordedServer};
use crate::support::{content_hash, download, provider_error};

#[tokio::test]
async fn a_developer_token_downloads_an_older_version_by_route_under_the_servers_versioned_name() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let saved = download(
        server.by_route(Caller::Developer).as_ref(),
        &DocRef::new(MANIFEST),
        Some("FV_886XHYWE"),
        dir.path(),
    )
    .await
    .unwrap();
    server.assert_the_recording_answered_every_request();
    let path = "/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q/version/FV_886XHYWE";
    let body = recorded_text(recorded("GET", path, Caller::Developer));
    assert_eq!(saved_name(&saved.path), "FV_886XHYWE_participants.csv");
    assert_eq!(saved.bytes, 87);
    assert_eq!(saved.content_hash, content_hash(body.as_bytes()));
    assert_eq!(std::fs::read_to_string(&saved.path).unwrap(), body);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].path, path);
    assert_eq!(requests[0].query, None);
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Token replay-developer-token")
    );
}

#[tokio::test]
async fn an_admin_downloads_the_latest_resume_sheet_under_its_rfc5987_utf8_name() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let saved = download(
        server.by_route(Caller::Admin).as_ref(),
        &DocRef::new(RESUME_SHEET),
        None,
        dir.path(),
    )
    .await
    .unwrap();
    server.assert_the_recording_answered_every_request();
    let path = "/download/study/SD_ME0WME0W/file/SF_5AK5GP98";
    let body = recorded_text(recorded("GET", path, Caller::Admin));
    assert_eq!(
        saved_name(&saved.path),
        "FV_SZ8VT2KT_Résumé data (final).csv"
    );
    assert_eq!(saved.bytes, 31);
    assert_eq!(saved.content_hash, content_hash(body.as_bytes()));
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].path, path);
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer replay.admin.jwt")
    );
}

#[tokio::test]
async fn a_user_of_another_study_is_refused_the_manifest_in_the_servers_words_and_nothing_is_left()
{
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let err = download(
        server.by_route(Caller::Outsider).as_ref(),
        &DocRef::new(MANIFEST),
        None,
        dir.path(),
    )
    .await
    .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        provider_error(err),
        ProviderError::Unauthorized {
            message: "Not authorized to download the file".into()
        }
    );
    assert!(is_empty(dir.path()));
}

#[tokio::test]
async fn an_unknown_file_is_not_found_in_the_servers_words() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let err = download(
        server.by_route(Caller::Admin).as_ref(),
        &DocRef::new("SD_ME0WME0W/SF_ZZZZZZZZ"),
        None,
        dir.path(),
    )
    .await
    .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        provider_error(err),
        ProviderError::NotFound {
            message: "No file exists with given ID".into()
        }
    );
    assert!(is_empty(dir.path()));
}

#[tokio::test]
async fn an_unknown_version_is_not_found_in_the_servers_words() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let err = download(
        server.by_route(Caller::Admin).as_ref(),
        &DocRef::new(MANIFEST),
        Some("FV_ZZZZZZZZ"),
        dir.path(),
    )
    .await
    .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        provider_error(err),
        ProviderError::NotFound {
            message: "No version exists with given ID".into()
        }
    );
    assert!(is_empty(dir.path()));
}
