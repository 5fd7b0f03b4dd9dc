//! Walking a folder's tree on the server: a few listings at once, each retried as downloads are, and each
//! recorded as soon as it is in (subfolders to list, documents found) so a walk interrupted by a kill goes on from
//! the folders not listed yet. What a server's answers drive is bounded: folders, documents and depth.

use std::time::Duration;

use docket_core::{EntryKind, Location, Provider, ProviderError};
use docket_store::batches::{BatchDocument, BatchFolder, FolderBatch, FolderBatches};
use docket_transfer::{Decision, RetryPolicy};
use futures_util::stream::{self, StreamExt};

use super::error::FolderError;
use super::names::local_names;

/// How much of a server's tree a walk takes on.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    pub listings_at_once: usize,
    pub max_folders: usize,
    pub max_documents: usize,
    pub max_depth: usize,
}

impl Default for WalkLimits {
    fn default() -> Self {
        WalkLimits {
            listings_at_once: 4,
            max_folders: 100_000,
            max_documents: 1_000_000,
            max_depth: 64,
        }
    }
}

/// How far a walk is: folders listed and documents found so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkProgress {
    pub folders_listed: usize,
    pub documents_found: usize,
}

/// Lists every folder of `batch` not listed yet, and the folders found meanwhile, until none is left.
pub async fn walk(
    provider: &dyn Provider,
    batches: &FolderBatches,
    batch: &FolderBatch,
    retry: &RetryPolicy,
    limits: WalkLimits,
    mut on_progress: impl FnMut(WalkProgress),
) -> Result<(), FolderError> {
    let mut progress = WalkProgress {
        folders_listed: batches.folders(batch.id).await?.len()
            - batches.unlisted(batch.id).await?.len(),
        documents_found: batches.documents(batch.id).await?.len(),
    };
    loop {
        let unlisted = batches.unlisted(batch.id).await?;
        if unlisted.is_empty() {
            batches.mark_walked(batch.id).await?;
            return Ok(());
        }
        let known = progress.folders_listed + unlisted.len();
        if known > limits.max_folders {
            return Err(FolderError::TooLarge(format!(
                "the server's tree has more than {} folders",
                limits.max_folders
            )));
        }
        let mut listings = stream::iter(unlisted)
            .map(|folder| async move {
                let entries = list_with_retry(provider, &folder.location, retry).await;
                (folder, entries)
            })
            .buffer_unordered(limits.listings_at_once.max(1));
        while let Some((folder, entries)) = listings.next().await {
            let entries = entries.map_err(|source| FolderError::Listing {
                folder: shown(&folder),
                source,
            })?;
            let names = local_names(&entries);
            let depth = folder.rel_dir.split('/').filter(|p| !p.is_empty()).count();
            let mut subfolders = Vec::new();
            let mut documents = Vec::new();
            for (entry, name) in entries.into_iter().zip(names) {
                let rel = join(&folder.rel_dir, &name);
                match entry.kind {
                    EntryKind::Folder if depth + 1 >= limits.max_depth => {
                        return Err(FolderError::TooLarge(format!(
                            "the server's tree is more than {} folders deep (at {rel})",
                            limits.max_depth
                        )));
                    }
                    EntryKind::Folder => subfolders.push(BatchFolder {
                        location: entry.id,
                        rel_dir: rel,
                    }),
                    EntryKind::Document => documents.push(BatchDocument {
                        doc_id: entry.id,
                        rel_dir: folder.rel_dir.clone(),
                        name,
                        version: entry.version,
                        size: entry.size,
                        modified: entry.modified,
                    }),
                }
            }
            progress.folders_listed += 1;
            progress.documents_found += documents.len();
            if progress.documents_found > limits.max_documents {
                return Err(FolderError::TooLarge(format!(
                    "the server's tree has more than {} documents",
                    limits.max_documents
                )));
            }
            batches
                .record_listing(batch.id, &folder, &subfolders, &documents)
                .await?;
            on_progress(progress);
        }
    }
}

/// `name` below `dir` (both `/`-separated, already safe).
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

fn shown(folder: &BatchFolder) -> String {
    if folder.rel_dir.is_empty() {
        "the top folder".to_owned()
    } else {
        format!("`{}`", folder.rel_dir)
    }
}

/// A whole listing, asked again after what the retry policy says for trouble that passes.
async fn list_with_retry(
    provider: &dyn Provider,
    location: &str,
    retry: &RetryPolicy,
) -> Result<Vec<docket_core::Entry>, ProviderError> {
    let location = Location::at(location);
    let mut failures = 0;
    loop {
        let error = match provider.list_all(&location).await {
            Ok(entries) => return Ok(entries),
            Err(error) => error,
        };
        let delay: Duration = match retry.decide(&error, failures, true) {
            Decision::RetryAfter(delay) => delay,
            Decision::Refresh if failures < retry.max_attempts => retry.backoff(failures),
            Decision::Refresh | Decision::Fail => return Err(error),
        };
        failures += 1;
        tracing::info!(?delay, "listing again after: {error}");
        tokio::time::sleep(delay).await;
    }
}
