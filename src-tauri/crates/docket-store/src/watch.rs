//! Watches the folders Docket downloaded into, so that a completed file deleted, moved or modified outside
//! Docket is marked missing or changed in the catalog (and back to present when it returns as it was).
//! Events are debounced; each folder's parent is watched too, so the watch survives the folder being removed
//! and created again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use docket_core::content_hash;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::catalog::{mtime_ns, Catalog, CatalogError, CatalogEvent, LocalState, RecordedDownload};

/// Quiet time after the last event before a folder is checked (editors save in bursts).
const DEBOUNCE: Duration = Duration::from_millis(200);
/// A folder that never stops changing is still checked this often.
const MAX_DELAY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("could not watch the download folders: {0}")]
    Notify(#[from] notify::Error),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// The running watcher; dropping it stops watching.
pub struct DownloadWatch {
    task: JoinHandle<()>,
}

impl DownloadWatch {
    /// Checks every recorded download once, then watches their folders, adding new folders as downloads
    /// complete (`Catalog::record_download`). Must run inside a Tokio runtime.
    pub async fn start(catalog: Catalog) -> Result<DownloadWatch, WatchError> {
        let (sender, fs_events) = mpsc::unbounded_channel();
        let watcher = notify::recommended_watcher(move |event| {
            // The receiver is gone only when the watch stopped.
            let _ = sender.send(event);
        })?;
        let catalog_events = catalog.subscribe();
        let mut watch = WatchLoop {
            catalog,
            watcher,
            folders: HashSet::new(),
        };
        let downloads = watch.catalog.recorded_downloads().await?;
        watch.folders = downloads.iter().filter_map(folder_of).collect();
        let folders: Vec<PathBuf> = watch.folders.iter().cloned().collect();
        for folder in &folders {
            watch.check_folder(folder).await;
        }
        let task = tokio::spawn(watch.run(fs_events, catalog_events));
        Ok(DownloadWatch { task })
    }

    pub fn stop(self) {}
}

impl Drop for DownloadWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct WatchLoop {
    catalog: Catalog,
    watcher: RecommendedWatcher,
    /// Folders holding at least one recorded download.
    folders: HashSet<PathBuf>,
}

impl WatchLoop {
    async fn run(
        mut self,
        mut fs_events: mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
        mut catalog_events: broadcast::Receiver<CatalogEvent>,
    ) {
        let mut dirty: HashSet<PathBuf> = HashSet::new();
        let mut first_event: Option<Instant> = None;
        let mut deadline: Option<Instant> = None;
        loop {
            let due = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = fs_events.recv() => {
                    match event {
                        Some(Ok(event)) => {
                            for path in &event.paths {
                                self.mark_affected(path, &mut dirty);
                            }
                        }
                        Some(Err(err)) => {
                            // Events may have been lost (queue overflow): check everything.
                            tracing::warn!("download folder watch: {err}");
                            dirty.extend(self.folders.iter().cloned());
                        }
                        None => return,
                    }
                    if !dirty.is_empty() {
                        let now = Instant::now();
                        let first = *first_event.get_or_insert(now);
                        deadline = Some((now + DEBOUNCE).min(first + MAX_DELAY));
                    }
                }
                event = catalog_events.recv() => match event {
                    Ok(CatalogEvent::DownloadRecorded { path, .. }) => {
                        if let Some(folder) = path.parent() {
                            if self.folders.insert(folder.to_owned()) {
                                self.watch_folder(folder);
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if let Ok(downloads) = self.catalog.recorded_downloads().await {
                            self.folders.extend(downloads.iter().filter_map(folder_of));
                        }
                        dirty.extend(self.folders.iter().cloned());
                        deadline.get_or_insert_with(|| Instant::now() + DEBOUNCE);
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = due => {
                    deadline = None;
                    first_event = None;
                    for folder in std::mem::take(&mut dirty) {
                        self.check_folder(&folder).await;
                    }
                }
            }
        }
    }

    /// A path changed: the folder itself, a file in it, or an ancestor (the folder removed or re-created).
    fn mark_affected(&self, path: &Path, dirty: &mut HashSet<PathBuf>) {
        for folder in &self.folders {
            if path.parent() == Some(folder.as_path()) || folder.starts_with(path) {
                dirty.insert(folder.clone());
            }
        }
    }

    /// Watches the folder when it exists, and its nearest existing ancestor so that its removal and
    /// re-creation are seen. Watching again after a re-creation is what picks up the new folder.
    fn watch_folder(&mut self, folder: &Path) {
        if folder.is_dir() {
            if let Err(err) = self.watcher.watch(folder, RecursiveMode::NonRecursive) {
                tracing::warn!("could not watch {}: {err}", folder.display());
            }
        }
        let ancestor = folder.ancestors().skip(1).find(|a| a.is_dir());
        if let Some(ancestor) = ancestor {
            if let Err(err) = self.watcher.watch(ancestor, RecursiveMode::NonRecursive) {
                tracing::warn!("could not watch {}: {err}", ancestor.display());
            }
        }
    }

    async fn check_folder(&mut self, folder: &Path) {
        self.watch_folder(folder);
        let downloads = match self.catalog.recorded_downloads().await {
            Ok(downloads) => downloads,
            Err(err) => {
                tracing::warn!("download folder watch: {err}");
                return;
            }
        };
        for download in downloads
            .into_iter()
            .filter(|d| d.copy.path.parent() == Some(folder))
        {
            let (state, mtime) = check_file(download.clone()).await;
            if let Err(err) = self
                .catalog
                .set_local_state(&download.copy.path, state, mtime)
                .await
            {
                tracing::warn!("download folder watch: {err}");
            }
        }
    }
}

fn folder_of(download: &RecordedDownload) -> Option<PathBuf> {
    download.copy.path.parent().map(Path::to_owned)
}

/// What the file at a recorded path is now, and its modification time when its content is as downloaded.
async fn check_file(download: RecordedDownload) -> (LocalState, Option<i64>) {
    let metadata = match std::fs::metadata(&download.copy.path) {
        Ok(metadata) if metadata.is_file() => metadata,
        _ => return (LocalState::Missing, None),
    };
    if metadata.len() != download.copy.bytes {
        return (LocalState::Changed, None);
    }
    let mtime = mtime_ns(&metadata);
    if mtime.is_some()
        && mtime == download.file_mtime_ns
        && download.copy.state != LocalState::Changed
    {
        return (LocalState::Present, mtime);
    }
    // Same size, touched since: only the bytes can tell.
    let path = download.copy.path.clone();
    let recorded = download.copy.content_hash.clone();
    let hashed =
        tokio::task::spawn_blocking(move || content_hash::file_matches(&path, &recorded)).await;
    match hashed {
        Ok(Ok(true)) => (LocalState::Present, mtime),
        Ok(Ok(false)) => (LocalState::Changed, None),
        _ => (LocalState::Missing, None),
    }
}
