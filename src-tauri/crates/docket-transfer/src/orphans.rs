//! `.docket-part` files in the download folders that no transfer of this queue owns: left by an older Docket
//! killed at the wrong moment, by another data dir, or copied there. They are reported, never reused, and
//! removed only when the user asks.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use docket_store::{QueueError, QueueStore};
use serde::Serialize;

use crate::destination::PARTIAL_SUFFIX;

/// A partial that changed this recently may be one another Docket (another data dir) is writing.
const IN_USE_WITHIN_MS: i64 = 60_000;

/// Folders with more entries than this are not read to the end (a download folder is not a file store).
const MAX_ENTRIES_READ: usize = 100_000;

/// A partial file nobody owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrphanPartial {
    pub path: PathBuf,
    pub bytes: u64,
    /// Unix milliseconds of its last change, when the OS says.
    pub modified_ms: Option<i64>,
    /// A symlink (or anything else) rather than a regular file: Docket never made it.
    pub not_a_file: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OrphanError {
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error("{} is not a partial file without a transfer (see `docket queue orphans`); it was left alone", .0.display())]
    NotAnOrphan(PathBuf),
    #[error("{} changed {seconds} s ago: another Docket (another data dir) may be writing it; it was left alone", path.display())]
    InUse { path: PathBuf, seconds: u64 },
    #[error("could not remove {}: {source}", path.display())]
    Remove { path: PathBuf, source: io::Error },
}

/// Every `.docket-part` in the folders transfers of `store` download into (and in `more_dirs`) that no transfer
/// owns, sorted by path.
pub async fn find(
    store: &QueueStore,
    more_dirs: &[PathBuf],
) -> Result<Vec<OrphanPartial>, QueueError> {
    let mut dirs: Vec<PathBuf> = store.download_dirs().await?;
    dirs.extend(more_dirs.iter().cloned());
    dirs.sort();
    dirs.dedup();
    let owned: HashSet<PathBuf> = store
        .owned_partials()
        .await?
        .into_iter()
        .map(|p| p.dest_dir.join(p.partial_name))
        .collect();
    let found = tokio::task::spawn_blocking(move || {
        let mut found: Vec<OrphanPartial> = dirs
            .iter()
            .flat_map(|dir| partials_in(dir))
            .filter(|partial| !owned.contains(&partial.path))
            .collect();
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    })
    .await
    .unwrap_or_default();
    Ok(found)
}

/// Removes `path` if it is one of the orphans [`find`] reports now for `more_dirs` (a symlink is removed itself,
/// never what it points to); any other path is refused, whoever names it.
pub async fn remove(
    store: &QueueStore,
    path: &Path,
    more_dirs: &[PathBuf],
) -> Result<(), OrphanError> {
    let orphan = reported(store, path, more_dirs).await?;
    let age_ms = docket_store::queue::now_ms() - orphan.modified_ms.unwrap_or(0);
    if !orphan.not_a_file && age_ms < IN_USE_WITHIN_MS {
        return Err(OrphanError::InUse {
            path: path.to_owned(),
            seconds: u64::try_from(age_ms.max(0) / 1000).unwrap_or(0),
        });
    }
    tokio::fs::remove_file(path)
        .await
        .map_err(|source| OrphanError::Remove {
            path: path.to_owned(),
            source,
        })
}

/// `path` when it is one of the orphans [`find`] reports now for `more_dirs`; refused otherwise.
pub async fn reported(
    store: &QueueStore,
    path: &Path,
    more_dirs: &[PathBuf],
) -> Result<OrphanPartial, OrphanError> {
    find(store, more_dirs)
        .await?
        .into_iter()
        .find(|orphan| orphan.path == path)
        .ok_or_else(|| OrphanError::NotAnOrphan(path.to_owned()))
}

/// The `.docket-part` entries of one folder (not its subfolders); a folder that cannot be read has none.
fn partials_in(dir: &Path) -> Vec<OrphanPartial> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .take(MAX_ENTRIES_READ)
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .ends_with(PARTIAL_SUFFIX)
        })
        .filter_map(|entry| {
            // Never followed: what a symlink points to is not looked at.
            let metadata = std::fs::symlink_metadata(entry.path()).ok()?;
            let modified_ms = metadata
                .modified()
                .ok()
                .and_then(|at| at.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|since| since.as_millis() as i64);
            Some(OrphanPartial {
                path: entry.path(),
                bytes: if metadata.is_file() {
                    metadata.len()
                } else {
                    0
                },
                modified_ms,
                not_a_file: !metadata.is_file(),
            })
        })
        .collect()
}
