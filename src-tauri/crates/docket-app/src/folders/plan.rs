//! What a sync does with each document: the server's listing (the batch's documents) against the local copies the
//! catalog recorded below the folder and the files actually there. A local file Docket did not save, or changed
//! since it saved it, is never overwritten: it is a conflict, kept and reported. Nothing here writes.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use docket_core::content_hash::file_matches;
use docket_core::sanitize_file_name;
use docket_store::batches::BatchDocument;
use docket_store::catalog::{mtime_ns, CopyBelow};
use docket_store::queue::{TransferRecord, TransferState};

/// What the server said of a document, as the copy saved from it records it: a different one means it changed.
pub fn signature(doc: &BatchDocument) -> String {
    format!(
        "v={};s={};m={}",
        doc.version.as_deref().unwrap_or(""),
        doc.size.map(|s| s.to_string()).unwrap_or_default(),
        doc.modified.as_deref().unwrap_or("")
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Not here yet (or deleted here), or its download was interrupted: download it (an interrupted one goes on).
    Add,
    /// Saved by a download that was killed before the catalog heard of it: recorded now, not fetched again.
    Adopt(Box<TransferRecord>),
    /// Changed on the server, unchanged here: download it over the earlier copy, which has `replaces_hash`.
    Update {
        replaces_hash: String,
        keep_replaced_as: Option<String>,
    },
    Unchanged {
        /// Its content was read again (its modification time had moved): the catalog should note the new time.
        rechecked: bool,
    },
    Conflict(String),
}

#[derive(Debug, Clone)]
pub struct PlannedDocument {
    pub doc: BatchDocument,
    pub path: PathBuf,
    pub action: Action,
}

/// A copy Docket saved below the folder whose document is no longer there on the server.
#[derive(Debug, Clone)]
pub struct GoneCopy {
    pub path: PathBuf,
    /// Still what Docket saved: it may be deleted when asked; otherwise it is a conflict.
    pub unchanged: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub documents: Vec<PlannedDocument>,
    pub gone: Vec<GoneCopy>,
}

/// The plan for `documents` (found below the folder) synced into `root`, given the catalog's `copies` there and
/// the queue's `transfers` of folder downloads there.
pub fn plan(
    root: &Path,
    documents: Vec<BatchDocument>,
    copies: &[CopyBelow],
    transfers: &[TransferRecord],
    keep_versions: bool,
) -> Plan {
    let by_path: HashMap<&Path, &CopyBelow> =
        copies.iter().map(|c| (c.path.as_path(), c)).collect();
    // The newest transfer to each path wins.
    let transfers: HashMap<PathBuf, &TransferRecord> = transfers
        .iter()
        .filter_map(|t| Some((t.dest_dir.join(&t.plan.as_ref()?.name), t)))
        .collect();
    let mut blocked_dirs: HashMap<String, Option<String>> = HashMap::new();
    let mut planned_paths = HashSet::new();
    let mut planned = Vec::with_capacity(documents.len());
    for doc in documents {
        let path = local_path(root, &doc.rel_dir, &doc.name);
        planned_paths.insert(path.clone());
        let blocked = blocked_dirs
            .entry(doc.rel_dir.clone())
            .or_insert_with(|| blocked_dir(root, &doc.rel_dir))
            .clone();
        let action = match blocked {
            Some(why) => Action::Conflict(why),
            None => decide(
                &doc,
                &path,
                by_path.get(path.as_path()).copied(),
                keep_versions,
            ),
        };
        let action = match (action, transfers.get(&path)) {
            (Action::Conflict(why), Some(transfer)) => {
                left_by(transfer, &doc, &path).unwrap_or(Action::Conflict(why))
            }
            (action, _) => action,
        };
        planned.push(PlannedDocument { doc, path, action });
    }
    let gone = copies
        .iter()
        // Only copies a folder download saved: a document downloaded here by hand is not the sync's to delete.
        .filter(|c| c.source_signature.is_some() && !planned_paths.contains(&c.path))
        .map(|c| GoneCopy {
            path: c.path.clone(),
            unchanged: matches!(local_file(&c.path), Local::File(_)) && unchanged_here(c),
        })
        .collect();
    Plan {
        documents: planned,
        gone,
    }
}

/// Where a document of `rel_dir` named `name` goes below `root`.
pub fn local_path(root: &Path, rel_dir: &str, name: &str) -> PathBuf {
    let mut path = root.to_owned();
    for part in rel_dir.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
    }
    path.push(name);
    path
}

fn decide(
    doc: &BatchDocument,
    path: &Path,
    copy: Option<&CopyBelow>,
    keep_versions: bool,
) -> Action {
    match (local_file(path), copy) {
        (Local::Absent, _) => Action::Add,
        (Local::Other, _) => Action::Conflict(
            "something other than a file (a folder or a symlink) is there; it was left alone"
                .into(),
        ),
        (Local::File(_), None) => {
            Action::Conflict("a file Docket did not save is there; it was left as it is".into())
        }
        (Local::File(metadata), Some(copy)) => {
            let same_time =
                copy.file_mtime_ns.is_some() && copy.file_mtime_ns == mtime_ns(&metadata);
            let unchanged = if same_time && metadata.len() == copy.bytes {
                Some(false)
            } else if unchanged_here(copy) {
                Some(true)
            } else {
                None
            };
            match unchanged {
                None => Action::Conflict(
                    "changed here since Docket saved it; it was kept as it is".into(),
                ),
                Some(rechecked) if copy.doc_id == doc.doc_id && !changed_on_server(doc, copy) => {
                    Action::Unchanged { rechecked }
                }
                Some(_) => Action::Update {
                    replaces_hash: copy.content_hash.clone(),
                    keep_replaced_as: keep_versions.then(|| kept_name(&doc.name, copy)),
                },
            }
        }
    }
}

/// What a file the catalog does not know is, when a download of this sync put it there: a completed one whose
/// bytes are still there is adopted; an unfinished one (killed after its rename) goes on and adopts it itself.
fn left_by(transfer: &TransferRecord, doc: &BatchDocument, path: &Path) -> Option<Action> {
    if transfer.document != doc.doc_id {
        return None;
    }
    match transfer.state {
        TransferState::Completed => {
            let hash = transfer.content_hash.as_deref()?;
            file_matches(path, hash)
                .unwrap_or(false)
                .then(|| Action::Adopt(Box::new(transfer.clone())))
        }
        TransferState::Cancelled => None,
        _ => Some(Action::Add),
    }
}

fn changed_on_server(doc: &BatchDocument, copy: &CopyBelow) -> bool {
    match &copy.source_signature {
        Some(saved) => *saved != signature(doc),
        None => copy.version != doc.version || doc.size.is_some_and(|size| size != copy.bytes),
    }
}

/// The name an earlier copy is kept under when versions are kept: `report (version 3).pdf`.
fn kept_name(name: &str, copy: &CopyBelow) -> String {
    let version = copy.version.clone().unwrap_or_else(|| {
        let hex = copy.content_hash.rsplit(':').next().unwrap_or_default();
        hex.chars().take(8).collect()
    });
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    sanitize_file_name(&format!("{stem} (version {version}){extension}"))
}

enum Local {
    Absent,
    File(std::fs::Metadata),
    Other,
}

/// What is at `path`, never following a symlink.
fn local_file(path: &Path) -> Local {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_file() => Local::File(metadata),
        Ok(_) => Local::Other,
        Err(_) => Local::Absent,
    }
}

/// The file at the copy's path still has the content Docket saved.
fn unchanged_here(copy: &CopyBelow) -> bool {
    file_matches(&copy.path, &copy.content_hash).unwrap_or(false)
}

/// Why documents of `rel_dir` cannot go below `root`: a component there that is not a folder (a file, or a
/// symlink Docket did not make, which it never follows).
fn blocked_dir(root: &Path, rel_dir: &str) -> Option<String> {
    let mut path = root.to_owned();
    for part in rel_dir.split('/').filter(|p| !p.is_empty()) {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.is_dir() => {}
            Ok(_) => {
                return Some(format!(
                "{} is not a folder (a file or a symlink); what belongs in it was not downloaded",
                path.display()
            ))
            }
            Err(_) => return None,
        }
    }
    None
}
