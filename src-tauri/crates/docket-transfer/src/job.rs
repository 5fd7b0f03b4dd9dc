//! One transfer from claim to completion: prepare, fetch (ranged or chunked), verify from disk, rename into
//! place; retries, refreshes and start-overs decided by the retry policy; pause and cancel honoured at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use docket_core::{
    DocRef, PrepareObserver, PrepareStatus, Provider, ProviderError, TransferSource,
};
use docket_store::catalog::SavedDownload;
use docket_store::queue::{TransferRecord, TransferState};
use tokio::sync::watch;

use crate::engine::{Control, Engine};
use crate::error::TransferError;
use crate::large_slots::LargeSlot;
use crate::lookup;
use crate::partial::{Digests, PartialFile};
use crate::pause_point;
use crate::progress::ProgressMeter;
use crate::retry::Decision;
use crate::settle::{settle, JobEnd, Run};
use crate::{chunked, ranged};
use docket_core::block_hash::BlockHashes;

/// How often the document may change under a transfer before it gives up.
const MAX_START_OVERS: u32 = 3;

/// What a fetch hands to verification.
pub(crate) struct Fetched {
    pub partial: PartialFile,
    pub size: Option<u64>,
    pub crc32: Option<u32>,
    /// The blocks hashed (read back) while it downloaded; verification reads the rest.
    pub blocks: Option<BlockHashes>,
    /// The digests of a small file written and synced in one step, from the very bytes written.
    pub whole: Option<Digests>,
}

/// Everything the streams of one transfer share.
pub(crate) struct Job {
    pub engine: Arc<Engine>,
    pub record: TransferRecord,
    pub provider: Arc<dyn Provider>,
    pub doc: DocRef,
    pub meter: Arc<ProgressMeter>,
    pub stop: watch::Receiver<Control>,
    /// The one re-authentication a refusal allows was spent.
    pub reauthenticated: AtomicBool,
}

impl Job {
    pub fn id(&self) -> i64 {
        self.record.id
    }

    pub fn stopped(&self) -> bool {
        *self.stop.borrow() != Control::Run
    }

    /// Sleeps, unless the transfer is paused or cancelled first.
    pub async fn pause_for(&self, delay: Duration) -> Result<(), TransferError> {
        tokio::select! {
            _ = tokio::time::sleep(delay) => Ok(()),
            stopped = self.until_stopped() => Err(stopped),
        }
    }

    /// Resolves once the transfer is paused or cancelled: a request racing it is dropped, so a person's pause
    /// or cancel takes effect at once rather than after a slow chunk arrives.
    pub async fn until_stopped(&self) -> TransferError {
        let mut stop = self.stop.clone();
        // An error means the engine dropped the sender: that is a stop as well.
        let _ = stop.wait_for(|c| *c != Control::Run).await;
        TransferError::Stopped
    }

    /// Prepares the document again: a fresh link, ticket or staged file.
    pub async fn prepare(&self) -> Result<TransferSource, ProviderError> {
        let observer = WaitingObserver { job: self };
        self.provider
            .prepare(&self.doc, self.record.version.as_deref(), &observer)
            .await
    }

    /// Applies the retry policy to `error`: waits and answers `Ok(false)` to retry, answers `Ok(true)` when a
    /// refresh is due, or gives the error back when it is final. `failures` counts retries since the last
    /// progress.
    pub async fn recover(
        &self,
        error: ProviderError,
        failures: &mut u32,
        refreshes: &mut u32,
    ) -> Result<bool, TransferError> {
        if self.stopped() {
            return Err(TransferError::Stopped);
        }
        // A server that cannot be reached at all is waited for, not retried until the retries run out.
        if matches!(error, ProviderError::Transient { .. }) {
            if let Some(reason) = self.engine.unreachable(&self.record.remote).await {
                return Err(TransferError::RemoteOffline {
                    remote: self.record.remote.clone(),
                    reason,
                });
            }
        }
        let policy = &self.engine.config.retry;
        let decision = policy.decide(
            &error,
            *failures,
            self.reauthenticated.load(Ordering::SeqCst),
        );
        self.engine
            .store
            .note_error(self.id(), &error.to_string())
            .await?;
        match decision {
            Decision::RetryAfter(delay) => {
                *failures += 1;
                self.engine.store.count_attempt(self.id()).await?;
                tracing::info!(id = self.id(), ?delay, "retrying after: {error}");
                self.pause_for(delay).await?;
                Ok(false)
            }
            Decision::Refresh => {
                *refreshes += 1;
                if *refreshes > policy.max_refreshes {
                    return Err(error.into());
                }
                if matches!(error, ProviderError::Unauthorized { .. }) {
                    self.reauthenticated.store(true, Ordering::SeqCst);
                }
                self.engine.store.count_refresh(self.id()).await?;
                tracing::info!(id = self.id(), "refreshing after: {error}");
                // Shown until bytes flow again (the meter's next bytes, the store's next committed range).
                self.meter
                    .state(TransferState::Refreshing, Some(error.to_string()));
                self.engine
                    .store
                    .advance(self.id(), &self.engine.owner, TransferState::Refreshing)
                    .await?;
                Ok(true)
            }
            Decision::Fail => Err(error.into()),
        }
    }
}

/// Waits for one of the slots of large transfers, shown as queued with why, unless paused or cancelled first.
pub(crate) async fn wait_for_slot(job: &Job) -> Result<LargeSlot, TransferError> {
    let at_once = job.engine.transfers_at_once();
    job.meter.state(
        TransferState::Queued,
        Some(format!(
            "waiting for one of the {at_once} large transfers at once to finish"
        )),
    );
    let mut stop = job.stop.clone();
    let slot = tokio::select! {
        slot = job.engine.large.take() => slot,
        _ = stop.wait_for(|c| *c != Control::Run) => return Err(TransferError::Stopped),
    };
    job.meter.state(TransferState::Downloading, None);
    Ok(slot)
}

/// Records "waiting for server" while a provider polls a job.
struct WaitingObserver<'a> {
    job: &'a Job,
}

impl PrepareObserver for WaitingObserver<'_> {
    fn status(&self, status: PrepareStatus) {
        let PrepareStatus::WaitingForServer { state } = status;
        self.job
            .meter
            .state(TransferState::WaitingForServer, Some(state));
        let engine = Arc::clone(&self.job.engine);
        let id = self.job.id();
        tokio::spawn(async move {
            // Only what the row shows while the server works: the run goes on either way.
            if let Err(err) = engine
                .store
                .advance(id, &engine.owner, TransferState::WaitingForServer)
                .await
            {
                tracing::warn!(id, %err, "could not record that the server is preparing the file");
            }
        });
    }
}

pub(crate) async fn run(
    engine: Arc<Engine>,
    record: TransferRecord,
    stop: watch::Receiver<Control>,
) -> JobEnd {
    let meter = Arc::new(engine.hub.meter(
        record.id,
        TransferState::Preparing,
        record.bytes_done,
        record.bytes_total,
    ));
    let provider = match lookup::provider(&engine, &record, &stop).await {
        Ok(provider) => provider,
        // Waiting for a keyring or a server, or stopped meanwhile: settled like any run that ends so.
        Err(err @ (TransferError::RemoteOffline { .. } | TransferError::Stopped)) => {
            let run = Run {
                engine: &engine,
                record: &record,
                meter: &meter,
                stop: &stop,
            };
            let end = settle(run, Err(err)).await;
            if let Err(err) = engine.store.unclaim(record.id, &engine.owner).await {
                tracing::warn!(id = record.id, %err, "could not give up the claim");
            }
            meter.finish().await;
            return end;
        }
        Err(err) => {
            let message = err.to_string();
            if let Err(err) = engine.store.fail(record.id, &message).await {
                tracing::warn!(id = record.id, %err, "could not record the failure");
            }
            meter.state(TransferState::Failed, Some(message.clone()));
            meter.finish().await;
            return JobEnd::Failed(message);
        }
    };
    let job = Job {
        doc: known_document(&record),
        engine: Arc::clone(&engine),
        record,
        provider,
        meter: Arc::clone(&meter),
        stop,
        reauthenticated: AtomicBool::new(false),
    };
    pause_point::reached("claimed").await;
    release_left_staged(&job).await;
    let outcome = attempt(&job).await;
    let run = Run {
        engine: &job.engine,
        record: &job.record,
        meter: &job.meter,
        stop: &job.stop,
    };
    let end = settle(run, outcome).await;
    // Completing gave the claim up already.
    if end != JobEnd::Completed {
        // A claim that cannot be given up lapses: the runner stops renewing it.
        if let Err(err) = engine.store.unclaim(job.id(), &engine.owner).await {
            tracing::warn!(id = job.id(), %err, "could not give up the claim");
        }
    }
    meter.finish().await;
    end
}

/// The document to fetch; a folder's plan fixed its file name already, so the server need not be asked for one.
fn known_document(record: &TransferRecord) -> DocRef {
    let doc = DocRef::new(record.document.clone());
    match &record.plan {
        Some(plan) => doc.with_known_name(plan.name.clone()),
        None => doc,
    }
}

/// A staged file an earlier run of this transfer left (it crashed before releasing it) is freed first; the
/// claim on the row means no other runner is using it.
async fn release_left_staged(job: &Job) {
    let Some(handle) = job.record.staged_handle.as_deref() else {
        return;
    };
    let released = {
        let _permit = job.engine.limits.acquire(&job.record.remote).await;
        job.provider.release_staged(handle).await
    };
    match released {
        Ok(()) => {
            tracing::info!(
                id = job.id(),
                "released the staged file an earlier run left"
            );
            if let Err(err) = job.engine.store.set_staged(job.id(), None).await {
                tracing::warn!(id = job.id(), %err, "could not forget the released staged file");
            }
        }
        Err(err) => tracing::warn!(id = job.id(), "could not release a staged file: {err}"),
    }
}

async fn attempt(job: &Job) -> Result<std::path::PathBuf, TransferError> {
    if let Some(path) = adopt_promoted(job).await {
        return Ok(path);
    }
    let store = &job.engine.store;
    let owner = &job.engine.owner;
    let mut start_overs = 0;
    let mut failures = 0;
    let mut refreshes = 0;
    // The claim that started this run recorded it as preparing already, and read the row: until a start-over
    // changes it, the fetch can work from that reading.
    let mut preparing = job.record.state == TransferState::Preparing;
    let mut claimed = Some(&job.record);
    loop {
        if !std::mem::replace(&mut preparing, false)
            && !store
                .advance(job.id(), owner, TransferState::Preparing)
                .await?
        {
            return Err(TransferError::Stopped);
        }
        job.meter.state(TransferState::Preparing, None);
        let prepared = {
            let _permit = job.engine.limits.acquire(&job.record.remote).await;
            job.prepare().await
        };
        let source = match prepared {
            Ok(source) => source,
            Err(err) => {
                job.recover(err, &mut failures, &mut refreshes).await?;
                continue;
            }
        };
        if !store
            .advance(job.id(), owner, TransferState::Downloading)
            .await?
        {
            if let TransferSource::Chunked(staged) = source {
                chunked::release_all(job, &[Arc::from(staged)]).await;
            }
            return Err(TransferError::Stopped);
        }
        job.meter.state(TransferState::Downloading, None);
        let fetched = match source {
            TransferSource::Url(url) => ranged::fetch(job, url, claimed.take()).await,
            TransferSource::Chunked(staged) => chunked::fetch(job, staged).await,
        };
        let fetched = match fetched {
            Ok(fetched) => fetched,
            Err(TransferError::Changed(why)) if start_overs < MAX_START_OVERS => {
                start_overs += 1;
                tracing::warn!(id = job.id(), "{why}; starting over");
                store
                    .note_error(job.id(), &format!("{why}; started over"))
                    .await?;
                store.reset_progress(job.id()).await?;
                job.meter.set_done(0, None);
                continue;
            }
            Err(err) => return Err(err),
        };
        match verify(job, fetched).await {
            Ok(path) => return Ok(path),
            Err(TransferError::Provider(err @ ProviderError::Integrity { .. })) => {
                store.reset_progress(job.id()).await?;
                job.meter.set_done(0, None);
                job.recover(err, &mut failures, &mut refreshes).await?;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Size and CRC32 read back from disk against what the server announced; the content hash recorded; renamed into
/// place.
async fn verify(job: &Job, fetched: Fetched) -> Result<std::path::PathBuf, TransferError> {
    let store = &job.engine.store;
    let digests = match fetched.whole {
        // Digested as it was written: nothing to read back, no time spent verifying to show.
        Some(digests) => digests,
        None => {
            if !store
                .advance(job.id(), &job.engine.owner, TransferState::Verifying)
                .await?
            {
                return Err(TransferError::Stopped);
            }
            job.meter.state(TransferState::Verifying, None);
            fetched.partial.digests_with(fetched.blocks).await?
        }
    };
    tracing::debug!(id = job.id(), bytes = digests.size, "read back and hashed");
    let mismatch = match (fetched.size, fetched.crc32) {
        (Some(size), _) if size != digests.size => Some(format!(
            "the file on disk has {} bytes, the server announced {size}",
            digests.size
        )),
        (_, Some(crc)) if crc != digests.crc32 => Some(format!(
            "whole-file CRC32 is {:08x}, the server said {crc:08x}",
            digests.crc32
        )),
        _ => None,
    };
    if let Some(message) = mismatch {
        fetched.partial.remove().await;
        return Err(ProviderError::Integrity { message }.into());
    }
    pause_point::reached("verified").await;
    let path = fetched
        .partial
        .promote(store, job.id(), job.record.plan.as_ref())
        .await?;
    crate::origin::mark(&path, job.provider.base_url(), &job.record).await;
    store
        .complete(job.id(), &path, digests.size, &digests.content_hash)
        .await?;
    record_in_catalog(job, &path, digests.size, &digests.content_hash).await;
    job.meter.set_done(digests.size, Some(digests.size));
    job.meter.state(TransferState::Completed, None);
    tracing::info!(id = job.id(), path = %path.display(), "completed");
    Ok(path)
}

/// A run killed between renaming the verified file into place and recording it complete leaves the file under
/// its final name, no partial, and every byte committed: that file is this transfer's, finished. It is adopted
/// (its size, and its CRC32 where the server gave one, checked again) rather than downloaded a second time
/// beside it as `name (1)`.
async fn adopt_promoted(job: &Job) -> Option<std::path::PathBuf> {
    let store = &job.engine.store;
    // Read in the statement that claimed the transfer: no other runner has touched it since.
    let record = &job.record;
    let name = record.file_name.as_deref()?;
    let total = record.bytes_total?;
    if record.bytes_done != total || PartialFile::recorded(record).is_some() {
        return None;
    }
    let path = record.dest_dir.join(name);
    if !path.is_file() {
        return None;
    }
    let promoted = PartialFile {
        final_path: path.clone(),
        path: path.clone(),
        identity: None,
    };
    let digests = promoted.digests().await.ok()?;
    let crc32 = record
        .validator
        .as_deref()
        .and_then(|v| v.split(';').find_map(|part| part.strip_prefix("crc32=")))
        .and_then(|hex| u32::from_str_radix(hex, 16).ok());
    if digests.size != total || crc32.is_some_and(|crc| crc != digests.crc32) {
        return None;
    }
    crate::origin::mark(&path, job.provider.base_url(), record).await;
    if let Err(err) = store
        .complete(job.id(), &path, digests.size, &digests.content_hash)
        .await
    {
        // Not adopted then: the run downloads it as usual.
        tracing::warn!(id = job.id(), %err, "could not record the file in place as completed");
        return None;
    }
    record_in_catalog(job, &path, digests.size, &digests.content_hash).await;
    job.meter.set_done(digests.size, Some(digests.size));
    job.meter.state(TransferState::Completed, None);
    tracing::info!(
        id = job.id(),
        path = %path.display(),
        "completed: the file was in place already, from a run that stopped before recording it"
    );
    Some(path)
}

/// Links the completed file to its catalog entry, so browsing shows it downloaded (and the watcher guards it).
/// The file is complete either way: a catalog that cannot record it only costs the mark.
async fn record_in_catalog(job: &Job, path: &std::path::Path, bytes: u64, content_hash: &str) {
    let Some(catalog) = job.engine.catalog() else {
        return;
    };
    let record = &job.record;
    if let Err(err) = catalog
        .record_download(&SavedDownload {
            remote: &record.remote,
            doc_id: &record.document,
            version: record.version.as_deref(),
            path,
            content_hash,
            bytes,
            source_signature: record
                .plan
                .as_ref()
                .and_then(|plan| plan.source_signature.as_deref()),
        })
        .await
    {
        tracing::warn!(
            id = job.id(),
            "could not record the download in the catalog: {err}"
        );
    }
}
