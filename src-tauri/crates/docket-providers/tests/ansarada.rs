//! Ansarada data rooms against the in-process demo server: browsing the index page by page, every documented
//! refusal, download jobs (completed, failed, slow), presigned URLs that expire or are tampered with, and every
//! sample document byte for byte.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use docket_core::{
    http, Credentials, DocRef, Entry, EntryKind, IgnoreStatus, Kind, Location, PrepareObserver,
    PrepareStatus, Provider, ProviderError, RangeSupport, RemoteConfig, TransferSource,
};
use docket_demo::ansarada::{
    demo_remote, document_id, folder_id, ADMIN_TOKEN, FAILURE_REASON, GUEST_TOKEN,
    PENDING_JOBS_GAUGE,
};
use docket_demo::library::sample;
use docket_demo::{DemoServer, Failure, Target};
use docket_providers::ansarada::{Ansarada, PollPolicy};
use docket_transfer::DownloadError;
use reqwest::header::{AUTHORIZATION, CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use serde_json::json;
use support::{assert_same_bytes, connect_remote, demo, fetch, url_of, LARGE_FILE_SIZE};

const API: Kind = docket_providers::ansarada::KIND;

fn remote(server: &DemoServer) -> (RemoteConfig, Credentials) {
    demo_remote(&server.base_url(API))
}

fn provider_for(server: &DemoServer) -> Arc<dyn Provider> {
    let (config, credentials) = remote(server);
    connect_remote(config, credentials)
}

fn provider_with(server: &DemoServer, setting: (&str, &str), token: &str) -> Arc<dyn Provider> {
    let (mut config, _) = remote(server);
    config.settings.insert(setting.0.into(), setting.1.into());
    let credentials = Credentials::new(&config.name).with("token", token);
    connect_remote(config, credentials)
}

fn doc_id(server: &DemoServer, path: &str) -> String {
    document_id(server.state().library.document_by_path(path).unwrap().id)
}

fn folder_at(server: &DemoServer, path: &str) -> Location {
    Location::at(folder_id(
        server.state().library.folder_by_path(path).unwrap().id,
    ))
}

/// What a GET of `url` means to the provider when it fails, or its bytes.
async fn get(provider: &dyn Provider, url: &str) -> Result<Vec<u8>, ProviderError> {
    let response = http::client().unwrap().get(url).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap();
    if status.is_success() {
        Ok(body.to_vec())
    } else {
        Err(provider.link_failure(status, &headers, &String::from_utf8_lossy(&body)))
    }
}

/// Every document in the data room by its library path, found by walking the index from the root.
async fn documents_by_path(provider: &dyn Provider) -> BTreeMap<String, Entry> {
    let mut found = BTreeMap::new();
    let mut folders = vec![(Location::root(), String::new())];
    while let Some((location, path)) = folders.pop() {
        for entry in provider.list_all(&location).await.unwrap() {
            let child = format!("{path}/{}", entry.name);
            match entry.kind {
                EntryKind::Folder => folders.push((Location::at(entry.id.clone()), child)),
                EntryKind::Document => {
                    found.insert(child, entry);
                }
            }
        }
    }
    found
}

/// Collects the states the provider reports while the server prepares a download.
#[derive(Default)]
struct RecordedStates(Mutex<Vec<String>>);

impl PrepareObserver for RecordedStates {
    fn status(&self, status: PrepareStatus) {
        let PrepareStatus::WaitingForServer { state } = status;
        self.0.lock().unwrap().push(state);
    }
}

#[tokio::test]
async fn the_root_lists_the_top_folders_in_index_order() {
    let server = demo().await;
    let provider = provider_for(&server);
    let page = provider.list(&Location::root(), None).await.unwrap();
    let names: Vec<&str> = page.items.iter().map(|e| e.name.as_str()).collect();
    let state = server.state();
    let expected: Vec<&str> = state
        .library
        .subfolders(state.library.root().id)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, expected);
    assert!(page
        .items
        .iter()
        .all(|e| e.kind == EntryKind::Folder && e.parent.is_none()));
    assert_eq!(page.items[0].extra["number"], "1");
    assert!(page.next.is_none());
}

#[tokio::test]
async fn a_small_page_size_is_followed_through_every_relay_page_to_the_end() {
    let server = demo().await;
    let provider = provider_with(&server, ("page_size", "2"), ADMIN_TOKEN);
    let mut pages = 0;
    let mut names = Vec::new();
    let mut next = None;
    loop {
        let page = provider
            .list(&Location::root(), next.as_ref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        pages += 1;
        names.extend(page.items.into_iter().map(|e| e.name));
        match page.next {
            Some(token) => next = Some(token),
            None => break,
        }
    }
    let all = provider_for(&server)
        .list_all(&Location::root())
        .await
        .unwrap();
    assert_eq!(
        names,
        all.iter().map(|e| e.name.clone()).collect::<Vec<_>>()
    );
    assert_eq!(pages, all.len().div_ceil(2));
    assert!(pages >= 3, "only {pages} pages");
}

#[tokio::test]
async fn a_folder_lists_its_documents_with_name_and_modification_time_and_no_size_the_api_lacks() {
    let server = demo().await;
    let provider = provider_for(&server);
    let reports = folder_at(&server, "/Finance/Reports/2024");
    let entries = provider.list_all(&reports).await.unwrap();
    let state = server.state();
    let report = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    let listed = entries.iter().find(|e| e.name == "Q1-Report.pdf").unwrap();
    assert_eq!(listed.kind, EntryKind::Document);
    assert_eq!(listed.id, document_id(report.id));
    // The vendor's `File` type has no size: the listing says none rather than inventing one.
    assert_eq!(listed.size, None);
    assert_eq!(
        listed.modified.as_deref(),
        Some(report.modified().rfc3339().as_str())
    );
    assert_eq!(listed.parent.as_deref(), reports.as_deref());
    assert_eq!(listed.extra["createdDate"], report.created().rfc3339());
    assert_eq!(entries.len(), 2);
}

#[tokio::test]
async fn a_guest_sees_documents_without_a_created_date() {
    let server = demo().await;
    let guest = provider_with(&server, ("page_size", "100"), GUEST_TOKEN);
    let entries = guest
        .list_all(&folder_at(&server, "/Engineering"))
        .await
        .unwrap();
    let readme = entries.iter().find(|e| e.name == "README.txt").unwrap();
    assert!(readme.extra["createdDate"].is_null());
    assert!(readme.modified.is_some());
}

#[tokio::test]
async fn stat_walks_the_index_to_a_nested_document_and_reports_a_missing_one() {
    let server = demo().await;
    let provider = provider_for(&server);
    let notes = provider
        .stat(&DocRef::new(doc_id(&server, sample::NOTES_TXT)))
        .await
        .unwrap();
    assert_eq!(notes.name, "Notizen von Zoë.txt");
    let err = provider
        .stat(&DocRef::new(document_id(999_999)))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn the_api_has_no_versions_and_refuses_to_download_one() {
    let server = demo().await;
    let provider = provider_for(&server);
    let doc = DocRef::new(doc_id(&server, sample::CONTRACT_DOCX));
    assert!(!provider.capabilities().versions);
    assert!(provider.versions(&doc).await.unwrap().is_empty());
    let err = provider
        .prepare(&doc, Some("2"), &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ProviderError::InvalidRequest { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn every_sample_document_downloads_byte_for_byte_except_the_one_whose_job_fails() {
    let server = demo().await;
    let provider = provider_for(&server);
    let listed = documents_by_path(provider.as_ref()).await;
    let state = server.state();
    let paths: Vec<String> = state.library.documents().iter().map(|d| d.path()).collect();
    assert_eq!(listed.keys().cloned().collect::<Vec<_>>(), {
        let mut sorted = paths.clone();
        sorted.sort();
        sorted
    });
    let dir = tempfile::tempdir().unwrap();
    for document in state.library.documents() {
        let entry = &listed[&document.path()];
        let outcome = fetch(provider.as_ref(), &entry.id, dir.path()).await;
        if document.flags.job_fails {
            let err = outcome.unwrap_err();
            assert!(
                matches!(
                    err,
                    DownloadError::Provider(ProviderError::JobFailed { .. })
                ),
                "{}: {err:?}",
                document.path()
            );
            continue;
        }
        let saved = outcome.unwrap_or_else(|e| panic!("{}: {e}", document.path()));
        assert_same_bytes(&saved, document);
        assert_eq!(
            saved.path.file_name().unwrap().to_str().unwrap(),
            document.name
        );
    }
    assert_eq!(state.gauges.get(PENDING_JOBS_GAUGE).value, 0);
}

#[tokio::test]
async fn the_restricted_document_ends_as_a_failed_job_with_the_servers_reason() {
    let server = demo().await;
    let provider = provider_for(&server);
    let doc = DocRef::new(doc_id(&server, sample::BOARD_MINUTES_PDF));
    let err = provider
        .prepare(&doc, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::JobFailed {
            message: FAILURE_REASON.into()
        }
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn preparing_reports_each_pending_state_and_polls_no_faster_than_twice_a_second() {
    let server = demo().await;
    let provider = provider_for(&server);
    let observer = RecordedStates::default();
    let started = std::time::Instant::now();
    let source = provider
        .prepare(
            &DocRef::new(doc_id(&server, sample::README_TXT)),
            None,
            &observer,
        )
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let states = observer.0.lock().unwrap().clone();
    assert_eq!(states.first().map(String::as_str), Some("PENDING"));
    assert!(states.iter().any(|s| s == "PROCESSING"), "{states:?}");
    let polls = server.state().stats.get(API, "/graphql").requests - 1;
    assert!(polls >= 1);
    assert!(
        elapsed >= Duration::from_millis(500) * polls as u32,
        "{polls} polls in {elapsed:?}"
    );
    let TransferSource::Url(url) = source else {
        panic!("not a URL")
    };
    assert!(
        url.headers.is_empty(),
        "a presigned URL needs no credentials"
    );
    assert_eq!(url.ranges, RangeSupport::Supported);
    assert_eq!(url.file_name.as_deref(), Some("README.txt"));
    let expires = url.expires_at.unwrap();
    let lifetime = expires.duration_since(SystemTime::now()).unwrap();
    assert!(lifetime > Duration::from_secs(14 * 60) && lifetime <= Duration::from_secs(15 * 60));
}

#[tokio::test]
async fn a_job_still_running_past_the_give_up_time_is_a_transient_failure() {
    let server = demo().await;
    let (config, credentials) = remote(&server);
    let provider = Ansarada::new(&config, &credentials, http::client().unwrap())
        .unwrap()
        .with_poll_policy(PollPolicy {
            give_up_after: Duration::from_millis(600),
            ..PollPolicy::default()
        });
    let doc = DocRef::new(doc_id(&server, sample::README_TXT));
    let err = provider
        .prepare(&doc, None, &IgnoreStatus)
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    assert!(err.message().contains("still preparing"), "{err}");
}

/// Expires everything the demo issued the first time the provider reports waiting, i.e. before its first poll.
struct ExpireOnFirstWait(Arc<docket_demo::DemoState>);

impl PrepareObserver for ExpireOnFirstWait {
    fn status(&self, _status: PrepareStatus) {
        self.0.expiry.expire(Some(API));
    }
}

#[tokio::test]
async fn a_job_that_expires_while_being_polled_is_link_expired_and_a_fresh_prepare_succeeds() {
    let server = demo().await;
    let provider = provider_for(&server);
    let doc = DocRef::new(doc_id(&server, sample::PHOTO_JPG));
    let err = provider
        .prepare(&doc, None, &ExpireOnFirstWait(server.state()))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::LinkExpired { .. }), "{err:?}");
    assert!(err.message().contains("has expired"), "{err}");
    assert!(err.is_retryable());
    assert!(provider.prepare(&doc, None, &IgnoreStatus).await.is_ok());
}

#[tokio::test]
async fn the_presigned_url_honours_byte_ranges() {
    let server = demo().await;
    let provider = provider_for(&server);
    let url = url_of(provider.as_ref(), &doc_id(&server, sample::LARGE_FILE)).await;
    let response = http::client()
        .unwrap()
        .get(&url.url)
        .header(RANGE, "bytes=1000-1999")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        response.headers()[CONTENT_RANGE],
        format!("bytes 1000-1999/{LARGE_FILE_SIZE}").as_str()
    );
    let state = server.state();
    let content = &state
        .library
        .document_by_path(sample::LARGE_FILE)
        .unwrap()
        .latest()
        .content;
    assert_eq!(response.bytes().await.unwrap(), content.read(1000..2000));
}

#[tokio::test]
async fn an_expired_presigned_url_is_link_expired_and_preparing_again_downloads() {
    let server = demo().await;
    let provider = provider_for(&server);
    let doc = doc_id(&server, sample::CATALOG_XML);
    let url = url_of(provider.as_ref(), &doc).await;
    let expired = http::client()
        .unwrap()
        .post(format!("{}/_demo/expire", server.base_url(API)))
        .json(&json!({"api": "ansarada"}))
        .send()
        .await
        .unwrap();
    assert!(expired.status().is_success());
    let err = get(provider.as_ref(), &url.url).await.unwrap_err();
    assert_eq!(
        err,
        ProviderError::LinkExpired {
            message: "Request has expired".into()
        }
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = fetch(provider.as_ref(), &doc, dir.path()).await.unwrap();
    let state = server.state();
    let catalog = state.library.document_by_path(sample::CATALOG_XML).unwrap();
    assert_eq!(saved.content_hash, catalog.latest().content.content_hash());
}

#[tokio::test]
async fn a_tampered_presigned_url_is_refused_as_a_signature_mismatch() {
    let server = demo().await;
    let provider = provider_for(&server);
    let url = url_of(provider.as_ref(), &doc_id(&server, sample::LOGO_PNG)).await;
    let tampered = url.url.replace("X-Amz-Expires=900", "X-Amz-Expires=604800");
    assert_ne!(tampered, url.url);
    let err = get(provider.as_ref(), &tampered).await.unwrap_err();
    assert!(matches!(err, ProviderError::Unauthorized { .. }), "{err:?}");
    assert!(
        err.message()
            .contains("signature we calculated does not match"),
        "{err}"
    );
    assert!(get(provider.as_ref(), &url.url).await.is_ok());
}

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
