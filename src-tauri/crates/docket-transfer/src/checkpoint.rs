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

    async fn record_durable(
        &self,
        job: &Job,
        partial: &PartialFile,
        mut done: watch::Receiver<bool>,
    ) -> Result<(), TransferError> {
        let config = &job.engine.config;
        let mut durable: Vec<Range<u64>> = Vec::new();
        let mut durable_bytes = 0;
        let mut since = Instant::now();
        loop {
            let finished = tick(&mut done, config.mark_every).await;
            let total = self.written.total();
            let due = finished
                || total >= durable_bytes + config.checkpoint_bytes
                || (total > durable_bytes && since.elapsed() >= config.checkpoint_every);
            if !due {
                continue;
            }
            let (written, generation) = self.written.snapshot();
            if let Err(err) = partial.sync().await {
                let _recording = self.recording.lock().await;
                self.sync_failed.store(true, Ordering::SeqCst);
                if let Some(boot) = config.boot_id.as_deref() {
                    let _ = job
                        .engine
                        .store
                        .mark_written(job.id(), &durable, boot)
                        .await;
                }
                return Err(err);
            }
            {
                let _recording = self.recording.lock().await;
                if self.written.generation() == generation {
                    job.engine.store.mark_durable(job.id(), &written).await?;
                    durable_bytes = written.iter().map(|r| r.end - r.start).sum();
                    durable = written;
                }
            }
            since = Instant::now();
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
