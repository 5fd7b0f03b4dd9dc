//! Download jobs: every sample byte for byte, the job that fails, the pending states and polling pace, giving
//! up, and a job that expires while polled; the API has no versions to download.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use docket_core::{
    http, DocRef, Entry, EntryKind, IgnoreStatus, Location, PrepareObserver, PrepareStatus,
    Provider, ProviderError, RangeSupport, TransferSource,
};
use docket_demo::ansarada::{FAILURE_REASON, PENDING_JOBS_GAUGE};
use docket_demo::library::sample;
use docket_providers::ansarada::{Ansarada, PollPolicy};
use docket_transfer::DownloadError;

use crate::room::{doc_id, provider_for, remote, API};
use crate::support::{assert_same_bytes, demo, fetch};

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
