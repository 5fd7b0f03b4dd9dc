//! Records a download's progress while its streams write, without ever making them wait: written marks often
//! (cheap; trusted after a crash of the process, in the same boot), and now and then an fsync of the partial
//! followed by durable marks (trusted after anything, a power loss included).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::error::TransferError;
use crate::job::Job;
use crate::partial::PartialFile;
use crate::written::WrittenRanges;

pub(crate) struct Checkpoints {
    pub written: Arc<WrittenRanges>,
    /// Held while ranges are recorded and while the file is started over, so a range from before a start over
    /// is never recorded after it.
    recording: tokio::sync::Mutex<()>,
    /// An fsync failed: bytes only written may be lost although the OS kept running, so no more written marks.
    sync_failed: AtomicBool,
}

impl Checkpoints {
    pub fn new(written: Arc<WrittenRanges>) -> Self {
        Checkpoints {
            written,
            recording: tokio::sync::Mutex::new(()),
            sync_failed: AtomicBool::new(false),
        }
    }

    /// Empties the partial and forgets its progress (a stream without `Range` starting again from zero).
    pub async fn start_over(&self, job: &Job, partial: &PartialFile) -> Result<(), TransferError> {
        let _recording = self.recording.lock().await;
        self.written.clear();
        job.engine.store.reset_progress(job.id()).await?;
        partial.truncate().await
    }

    /// Records progress until `done` turns true, then makes everything written durable once more.
    pub async fn run(
        &self,
        job: &Job,
        partial: &PartialFile,
        done: watch::Receiver<bool>,
    ) -> Result<(), TransferError> {
        let marks = self.record_written(job, done.clone());
        let durable = self.record_durable(job, partial, done);
        let (marks, durable) = tokio::join!(marks, durable);
        durable.and(marks)
    }

    async fn record_written(
        &self,
        job: &Job,
        mut done: watch::Receiver<bool>,
    ) -> Result<(), TransferError> {
        let Some(boot) = job.engine.config.boot_id.as_deref() else {
            return Ok(());
        };
        let mut recorded: Option<Vec<Range<u64>>> = None;
        loop {
            let finished = tick(&mut done, job.engine.config.mark_every).await;
            {
                let _recording = self.recording.lock().await;
                if self.sync_failed.load(Ordering::SeqCst) {
                    return Ok(());
                }
                let (written, _) = self.written.snapshot();
                if recorded.as_ref() != Some(&written) {
                    job.engine
                        .store
                        .mark_written(job.id(), &written, boot)
                        .await?;
                    recorded = Some(written);
                }
            }
            if finished {
                return Ok(());
            }
        }
    }

    /// fsyncs the partial every `checkpoint_bytes` (so the OS writes it out as it arrives and the last fsync has
    /// little left to do), and records what an fsync made durable at most every `checkpoint_every` (a commit
    /// that waits for the disk) and at the end.
    async fn record_durable(
        &self,
        job: &Job,
        partial: &PartialFile,
        mut done: watch::Receiver<bool>,
    ) -> Result<(), TransferError> {
        let config = &job.engine.config;
        let mut durable: Vec<Range<u64>> = Vec::new();
        let mut synced_bytes = 0u64;
        let mut synced_at = Instant::now();
        let mut recorded_at = Instant::now();
        loop {
            let finished = tick(&mut done, config.mark_every).await;
            let total = self.written.total();
            let due = finished
                || total >= synced_bytes.saturating_add(config.checkpoint_bytes)
                || (total > synced_bytes && synced_at.elapsed() >= config.checkpoint_every);
            if !due {
                continue;
            }
            let (written, generation) = self.written.snapshot();
            if let Err(err) = partial.sync().await {
                let _recording = self.recording.lock().await;
                self.sync_failed.store(true, Ordering::SeqCst);
                if let Some(boot) = config.boot_id.as_deref() {
                    // The failed fsync is the error to report; marks that cannot be cut back are only logged.
                    if let Err(err) = job
                        .engine
                        .store
                        .mark_written(job.id(), &durable, boot)
                        .await
                    {
                        tracing::warn!(
                            id = job.id(),
                            %err,
                            "could not cut the written marks back to the durable bytes"
                        );
                    }
                }
                return Err(err);
            }
            synced_bytes = written.iter().map(|r| r.end - r.start).sum();
            synced_at = Instant::now();
            if finished || recorded_at.elapsed() >= config.checkpoint_every {
                let _recording = self.recording.lock().await;
                if self.written.generation() == generation {
                    job.engine.store.mark_durable(job.id(), &written).await?;
                    durable = written;
                }
                recorded_at = Instant::now();
            }
            if finished {
                return Ok(());
            }
        }
    }
}

/// Waits `every`; true once `done` is (or its sender is gone).
async fn tick(done: &mut watch::Receiver<bool>, every: Duration) -> bool {
    if *done.borrow() {
        return true;
    }
    let woken = tokio::select! {
        _ = tokio::time::sleep(every) => false,
        _ = done.wait_for(|d| *d) => true,
    };
    woken || *done.borrow()
}
