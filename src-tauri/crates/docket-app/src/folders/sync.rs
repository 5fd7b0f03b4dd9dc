//! A folder sync from start to end, around the transfer queue: the batch is opened (an interrupted one goes on),
//! the server's tree walked, the plan made against the local copies, new and changed documents queued with their
//! planned places; the caller runs the queue; then what each transfer became is reported, copies of documents
//! gone from the server are deleted when asked, and the batch is finished.

use std::collections::HashMap;
use std::path::PathBuf;

use docket_core::Provider;
use docket_store::batches::{FolderBatch, FolderBatches};
use docket_store::catalog::SavedDownload;
use docket_store::queue::{FilePlan, NewTransfer, TransferRecord, TransferState};
use docket_store::Catalog;
use docket_transfer::{RetryPolicy, TransferQueue};

use super::error::FolderError;
use super::plan::{plan, signature, Action, Plan, PlannedDocument};
use super::report::{relative, Problem, SyncReport};
use super::walk::{walk, WalkLimits, WalkProgress};

/// A folder of a remote (`None`: the whole remote) to be kept in `dest_root`.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub remote: String,
    /// The folder's location id.
    pub folder: Option<String>,
    pub dest_root: PathBuf,
    pub dry_run: bool,
    /// Delete local copies of documents gone from the server (only those still as Docket saved them).
    pub delete: bool,
    /// Keep the earlier copy of a document that changed, named with its version.
    pub keep_versions: bool,
}

/// What a sync talks to.
pub struct FolderSync<'a> {
    pub provider: &'a dyn Provider,
    pub catalog: &'a Catalog,
    pub batches: FolderBatches,
    pub queue: &'a TransferQueue,
    pub retry: RetryPolicy,
    pub limits: WalkLimits,
}

/// A sync planned, its downloads queued; the caller runs the queue for [`PreparedSync::transfer_ids`], then
/// calls [`FolderSync::complete`].
pub struct PreparedSync {
    pub request: SyncRequest,
    batch: FolderBatch,
    /// Whether an interrupted batch was taken up again.
    pub resumed: bool,
    plan: Plan,
    queued: HashMap<i64, usize>,
}

impl PreparedSync {
    pub fn transfer_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.queued.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Documents to download, and their bytes where the server said.
    pub fn to_download(&self) -> (usize, u64) {
        let downloads = self
            .plan
            .documents
            .iter()
            .filter(|d| matches!(d.action, Action::Add | Action::Update { .. }));
        downloads.fold((0, 0), |(n, bytes), d| {
            (n + 1, bytes + d.doc.size.unwrap_or(0))
        })
    }
}

impl FolderSync<'_> {
    /// Walks (or goes on walking) the folder, plans, and queues what is to be downloaded (nothing when dry).
    pub async fn prepare(
        &self,
        request: SyncRequest,
        on_walk: impl FnMut(WalkProgress),
    ) -> Result<PreparedSync, FolderError> {
        let root_location = request.folder.clone().unwrap_or_default();
        let (batch, resumed) = self
            .batches
            .open(
                &request.remote,
                request.folder.as_deref(),
                &root_location,
                &request.dest_root,
                request.dry_run,
            )
            .await?;
        if !batch.walked {
            walk(
                self.provider,
                &self.batches,
                &batch,
                &self.retry,
                self.limits,
                on_walk,
            )
            .await?;
        }
        let documents = self.batches.documents(batch.id).await?;
        let copies = self
            .catalog
            .copies_below(&request.remote, &request.dest_root)
            .await?;
        let transfers = self
            .queue
            .store()
            .planned_below(&request.remote, &request.dest_root)
            .await?;
        let (root, keep_versions) = (request.dest_root.clone(), request.keep_versions);
        let plan = tokio::task::spawn_blocking(move || {
            plan(&root, documents, &copies, &transfers, keep_versions)
        })
        .await
        .map_err(|err| FolderError::Local {
            path: request.dest_root.clone(),
            source: std::io::Error::other(err),
        })?;
        let mut queued = HashMap::new();
        if !request.dry_run {
            let (indexes, transfers): (Vec<usize>, Vec<(NewTransfer, FilePlan)>) = plan
                .documents
                .iter()
                .enumerate()
                .filter_map(|(index, planned)| {
                    to_queue(&request, planned).map(|transfer| (index, transfer))
                })
                .unzip();
            let answers = self.queue.enqueue_planned_many(&transfers).await?;
            for (index, answer) in indexes.into_iter().zip(answers) {
                queued.insert(answer.id(), index);
            }
        }
        Ok(PreparedSync {
            request,
            batch,
            resumed,
            plan,
            queued,
        })
    }

    /// Reports what each queued transfer became, deletes copies of documents gone from the server when asked, and
    /// finishes the batch (the next sync walks the server again).
    pub async fn complete(&self, prepared: PreparedSync) -> Result<SyncReport, FolderError> {
        let root = prepared.request.dest_root.clone();
        let dry_run = prepared.request.dry_run;
        let mut report = SyncReport {
            dry_run,
            ..SyncReport::default()
        };
        let outcomes = self.outcomes(&prepared).await?;
        for (index, planned) in prepared.plan.documents.iter().enumerate() {
            let shown = relative(&root, &planned.path);
            match (&planned.action, outcomes.get(&index)) {
                (Action::Conflict(reason), _) => report.conflicts.push(Problem {
                    path: shown,
                    reason: reason.clone(),
                }),
                (Action::Adopt(transfer), _) => {
                    report.unchanged += 1;
                    if !dry_run {
                        self.adopt(transfer).await?;
                    }
                }
                (Action::Unchanged { rechecked }, _) => {
                    report.unchanged += 1;
                    if *rechecked && !dry_run {
                        self.catalog.confirm_unchanged(&planned.path).await?;
                    }
                }
                (_, Some(Err(reason))) => report.failed.push(Problem {
                    path: shown,
                    reason: reason.clone(),
                }),
                (Action::Add, _) => report.added.push(shown),
                (Action::Update { .. }, _) => report.updated.push(shown),
            }
        }
        for gone in &prepared.plan.gone {
            let shown = relative(&root, &gone.path);
            if !prepared.request.delete {
                continue;
            }
            if !gone.unchanged {
                report.conflicts.push(Problem {
                    path: shown,
                    reason:
                        "gone from the server, but changed here since Docket saved it; it was kept"
                            .into(),
                });
                continue;
            }
            if !dry_run {
                match std::fs::remove_file(&gone.path) {
                    Ok(()) => {}
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => {
                        report.failed.push(Problem {
                            path: shown,
                            reason: format!("could not delete it: {err}"),
                        });
                        continue;
                    }
                }
                self.catalog.forget_download(&gone.path).await?;
            }
            report.deleted.push(shown);
        }
        self.batches.finish(prepared.batch.id).await?;
        Ok(report)
    }

    /// Records in the catalog what a download killed before it could saved.
    async fn adopt(&self, transfer: &TransferRecord) -> Result<(), FolderError> {
        let (Some(path), Some(hash)) = (&transfer.saved_path, &transfer.content_hash) else {
            return Ok(());
        };
        let signature = transfer
            .plan
            .as_ref()
            .and_then(|p| p.source_signature.as_deref());
        self.catalog
            .record_download(&SavedDownload {
                remote: &transfer.remote,
                doc_id: &transfer.document,
                version: transfer.version.as_deref(),
                path,
                content_hash: hash,
                bytes: transfer.bytes_done,
                source_signature: signature,
            })
            .await?;
        Ok(())
    }

    /// How each queued document ended: `Ok` when saved, else why not (by its index in the plan).
    async fn outcomes(
        &self,
        prepared: &PreparedSync,
    ) -> Result<HashMap<usize, Result<(), String>>, FolderError> {
        let mut outcomes = HashMap::new();
        let ids: Vec<i64> = prepared.queued.keys().copied().collect();
        // A thousand records at a time: a sync of 10,000 documents read at once held them all in memory.
        let mut records = Vec::new();
        for some in ids.chunks(1000) {
            records.extend(
                self.queue
                    .store()
                    .get_many(some)
                    .await?
                    .into_iter()
                    .map(|record| (record.id, record.state, record.last_error)),
            );
        }
        for (id, state, last_error) in records {
            let Some(&index) = prepared.queued.get(&id) else {
                continue;
            };
            let outcome = match state {
                TransferState::Completed => Ok(()),
                TransferState::Failed => {
                    Err(last_error.unwrap_or_else(|| "the download failed".to_owned()))
                }
                other => Err(format!(
                    "not downloaded yet ({}); run the sync again to finish it",
                    other.as_str()
                )),
            };
            outcomes.insert(index, outcome);
        }
        // A transfer deleted from the queue meanwhile (in the window) was not downloaded by this sync.
        for &index in prepared.queued.values() {
            outcomes.entry(index).or_insert_with(|| {
                Err(
                    "its download was removed from the queue; run the sync again to fetch it"
                        .to_owned(),
                )
            });
        }
        Ok(outcomes)
    }
}

/// The transfer a planned document needs, with its plan; `None` when it needs no download.
fn to_queue(request: &SyncRequest, planned: &PlannedDocument) -> Option<(NewTransfer, FilePlan)> {
    let (replaces_hash, keep_replaced_as) = match &planned.action {
        Action::Add => (None, None),
        Action::Update {
            replaces_hash,
            keep_replaced_as,
        } => (Some(replaces_hash.clone()), keep_replaced_as.clone()),
        Action::Unchanged { .. } | Action::Adopt(_) | Action::Conflict(_) => return None,
    };
    let dest_dir = planned
        .path
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| request.dest_root.clone());
    let transfer = NewTransfer {
        remote: request.remote.clone(),
        document: planned.doc.doc_id.clone(),
        version: None,
        dest_dir,
        priority: 0,
    };
    let file = FilePlan {
        name: planned.doc.name.clone(),
        replaces_hash,
        keep_replaced_as,
        source_signature: Some(signature(&planned.doc)),
    };
    Some((transfer, file))
}
