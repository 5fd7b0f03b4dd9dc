//! The watched download folder: files deleted, moved or modified outside Docket are marked, and the watch
//! survives the folder being removed and created again.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::catalog_with_remote;
use docket_core::content_hash::content_hash;
use docket_store::{Catalog, CatalogEvent, DownloadWatch, LocalState};
use tokio::sync::broadcast;
use tokio::time::Instant;

async fn downloaded(catalog: &Catalog, folder: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap();
    catalog
        .record_download(&docket_store::catalog::SavedDownload {
            remote: "files",
            doc_id: name,
            version: Some("1"),
            path: &path,
            content_hash: &content_hash(bytes),
            bytes: bytes.len() as u64,
            source_signature: None,
        })
        .await
        .unwrap();
    path
}

/// Waits for the state change of `path`, failing after `limit`.
async fn told(
    events: &mut broadcast::Receiver<CatalogEvent>,
    path: &Path,
    limit: Duration,
) -> LocalState {
    next_state(events, path, Instant::now() + limit)
        .await
        .unwrap_or_else(|| panic!("no state change of {} within {limit:?}", path.display()))
}

/// The next state change of `path`, or `None` once `deadline` passed without one.
async fn next_state(
    events: &mut broadcast::Receiver<CatalogEvent>,
    path: &Path,
    deadline: Instant,
) -> Option<LocalState> {
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .ok()?
            .unwrap();
        if let CatalogEvent::LocalCopyChanged {
            path: changed,
            state,
            ..
        } = event
        {
            if changed == path {
                return Some(state);
            }
        }
    }
}

/// Waits until the watch covers `folder`. Adding a folder (a new download's, or one created again) happens
/// inside the watch with nothing to observe but its reaction to a change: so a probe download recorded there
/// is rewritten until the watch reports it changed. A rewrite made before the folder was watched goes
/// unseen, hence the retries.
async fn until_watched(
    catalog: &Catalog,
    events: &mut broadcast::Receiver<CatalogEvent>,
    folder: &Path,
    limit: Duration,
) {
    let probe = downloaded(catalog, folder, "watch-probe.txt", b"probe").await;
    let deadline = Instant::now() + limit;
    for attempt in 1.. {
        // Another size: marked changed without hashing.
        std::fs::write(&probe, format!("probe rewritten {attempt}")).unwrap();
        // Longer than the watch's debounce, so a seen rewrite is reported before the next one.
        let retry = (Instant::now() + Duration::from_millis(500)).min(deadline);
        if next_state(events, &probe, retry).await == Some(LocalState::Changed) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} was not watched within {limit:?}: rewriting a file there was never reported",
            folder.display()
        );
    }
}

async fn stored_state(catalog: &Catalog, doc: &str) -> LocalState {
    catalog
        .local_copy("files", doc)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downloaded_file_deleted_on_disk_is_marked_missing_within_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let downloads = dir.path().join("Downloads");
    let path = downloaded(&catalog, &downloads, "report.pdf", b"%PDF report").await;
    let _watch = DownloadWatch::start(catalog.clone()).await.unwrap();
    let mut events = catalog.subscribe();

    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        told(&mut events, &path, Duration::from_secs(2)).await,
        LocalState::Missing
    );
    assert_eq!(
        stored_state(&catalog, "report.pdf").await,
        LocalState::Missing
    );
    let attention = catalog.downloads_needing_attention().await.unwrap();
    assert_eq!(attention.len(), 1, "offered for download again");
    assert_eq!(attention[0].doc_id, "report.pdf");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modified_file_is_marked_changed_and_a_moved_one_missing() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let downloads = dir.path().join("Downloads");
    let edited = downloaded(&catalog, &downloads, "notes.txt", b"original text").await;
    let moved = downloaded(&catalog, &downloads, "moved.csv", b"a,b\n1,2\n").await;
    let _watch = DownloadWatch::start(catalog.clone()).await.unwrap();
    let mut events = catalog.subscribe();

    // Same size, other bytes: only the content check can tell.
    std::fs::write(&edited, b"edited! text!").unwrap();
    assert_eq!(
        told(&mut events, &edited, Duration::from_secs(2)).await,
        LocalState::Changed
    );

    std::fs::rename(&moved, dir.path().join("elsewhere.csv")).unwrap();
    assert_eq!(
        told(&mut events, &moved, Duration::from_secs(2)).await,
        LocalState::Missing
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watch_survives_the_folder_being_removed_and_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let downloads = dir.path().join("Downloads");
    let path = downloaded(&catalog, &downloads, "deck.pdf", b"slides").await;
    let _watch = DownloadWatch::start(catalog.clone()).await.unwrap();
    let mut events = catalog.subscribe();

    std::fs::remove_dir_all(&downloads).unwrap();
    assert_eq!(
        told(&mut events, &path, Duration::from_secs(2)).await,
        LocalState::Missing
    );

    // The folder comes back with the very file Docket saved: present again.
    std::fs::create_dir(&downloads).unwrap();
    std::fs::write(&path, b"slides").unwrap();
    assert_eq!(
        told(&mut events, &path, Duration::from_secs(2)).await,
        LocalState::Present
    );

    // And the re-created folder is watched itself: a later deletion is still seen.
    until_watched(&catalog, &mut events, &downloads, Duration::from_secs(2)).await;
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        told(&mut events, &path, Duration::from_secs(2)).await,
        LocalState::Missing
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_deleted_while_docket_was_closed_are_found_at_start_and_new_folders_are_watched() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let gone = downloaded(&catalog, &dir.path().join("Old"), "gone.pdf", b"bytes").await;
    std::fs::remove_file(&gone).unwrap();
    let _watch = DownloadWatch::start(catalog.clone()).await.unwrap();
    assert_eq!(
        stored_state(&catalog, "gone.pdf").await,
        LocalState::Missing
    );

    let mut events = catalog.subscribe();
    let new_folder = dir.path().join("New");
    let later = downloaded(&catalog, &new_folder, "later.pdf", b"later").await;
    until_watched(&catalog, &mut events, &new_folder, Duration::from_secs(2)).await;
    std::fs::remove_file(&later).unwrap();
    assert_eq!(
        told(&mut events, &later, Duration::from_secs(2)).await,
        LocalState::Missing
    );
}
