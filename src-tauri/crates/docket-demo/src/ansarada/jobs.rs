//! Download jobs: created by `initiateDataRoomDocumentDownload`, they move PENDING → PROCESSING → COMPLETED (or
//! FAILED for the document flagged `job_fails`) over about a second of wall time, like the vendor's watermarking
//! pipeline. A job and its presigned URL live [`JOB_TTL`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_graphql::Enum;
use sha2::{Digest, Sha256};

use crate::expiry::Stamp;
use crate::gauges::Gauge;

/// How long a download request and its presigned URL stay valid (S3's `X-Amz-Expires`).
pub const JOB_TTL: Duration = Duration::from_secs(15 * 60);
/// Until then a job is PENDING (queued).
const PENDING_FOR: Duration = Duration::from_millis(300);
/// Until then a job is PROCESSING (permission checks, watermarking, encryption).
const PROCESSING_UNTIL: Duration = Duration::from_millis(900);
/// What the vendor says when watermarking a restricted document fails.
pub const FAILURE_REASON: &str =
    "Watermarking failed: the PDF is encrypted with owner restrictions that prevent the viewer watermark from being applied.";

/// `DocumentTransferStatus`, with every value the vendor's schema declares. A demo job goes PENDING (the state the
/// vendor's download page names), PROCESSING, then COMPLETED or FAILED; an expired job is gone, as the vendor's is
/// once its request is no longer known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum DocumentTransferStatus {
    Initiated,
    Pending,
    Uploading,
    Processing,
    Completed,
    Failed,
    Expired,
}

impl DocumentTransferStatus {
    fn finished(self) -> bool {
        matches!(
            self,
            DocumentTransferStatus::Completed
                | DocumentTransferStatus::Failed
                | DocumentTransferStatus::Expired
        )
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    pub uuid: String,
    pub document: u32,
    pub stamp: Stamp,
    created: Instant,
    fails: bool,
    /// Set once a poll has seen the job finished, so the pending gauge drops exactly once.
    settled: bool,
}

impl Job {
    pub fn status(&self) -> DocumentTransferStatus {
        let age = self.created.elapsed();
        if age < PENDING_FOR {
            DocumentTransferStatus::Pending
        } else if age < PROCESSING_UNTIL {
            DocumentTransferStatus::Processing
        } else if self.fails {
            DocumentTransferStatus::Failed
        } else {
            DocumentTransferStatus::Completed
        }
    }

    /// When the job last changed state, for `updatedAt`.
    pub fn updated_after(&self) -> Duration {
        match self.status() {
            DocumentTransferStatus::Initiated
            | DocumentTransferStatus::Pending
            | DocumentTransferStatus::Uploading => Duration::ZERO,
            DocumentTransferStatus::Processing => PENDING_FOR,
            DocumentTransferStatus::Completed
            | DocumentTransferStatus::Failed
            | DocumentTransferStatus::Expired => PROCESSING_UNTIL,
        }
    }
}

#[derive(Debug)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
    next: AtomicU64,
    pending: Gauge,
}

impl Jobs {
    /// `pending` counts jobs no poll has yet seen finished (`ansarada.pending_jobs`).
    pub fn new(pending: Gauge) -> Jobs {
        Jobs {
            jobs: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            pending,
        }
    }

    pub fn create(&self, document: u32, fails: bool, stamp: Stamp) -> Job {
        let serial = self.next.fetch_add(1, Ordering::SeqCst);
        let job = Job {
            uuid: uuid(serial, stamp),
            document,
            stamp,
            created: Instant::now(),
            fails,
            settled: false,
        };
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        // Forget jobs long past their lifetime so a long-running demo does not grow without bound.
        jobs.retain(|_, j| j.created.elapsed() < JOB_TTL * 2);
        jobs.insert(job.uuid.clone(), job.clone());
        self.pending.increment();
        job
    }

    /// The job as a poll sees it now.
    pub fn poll(&self, uuid: &str) -> Option<Job> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        let job = jobs.get_mut(uuid)?;
        if !job.settled && job.status().finished() {
            job.settled = true;
            self.pending.decrement();
        }
        Some(job.clone())
    }

    pub fn get(&self, uuid: &str) -> Option<Job> {
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.get(uuid).cloned()
    }
}

/// A version-4-looking UUID, unique per job and unguessable enough for a demo.
fn uuid(serial: u64, stamp: Stamp) -> String {
    let digest = Sha256::digest(format!(
        "ansarada-job:{serial}:{}",
        stamp.issued_at().unix()
    ));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expiry::Expiry;

    #[test]
    fn a_job_moves_from_pending_through_processing_to_completed() {
        let jobs = Jobs::new(Gauge::default());
        let job = jobs.create(1001, false, Expiry::default().issue());
        assert_eq!(job.status(), DocumentTransferStatus::Pending);
        std::thread::sleep(PENDING_FOR);
        assert_eq!(
            jobs.poll(&job.uuid).unwrap().status(),
            DocumentTransferStatus::Processing
        );
        std::thread::sleep(PROCESSING_UNTIL - PENDING_FOR);
        assert_eq!(
            jobs.poll(&job.uuid).unwrap().status(),
            DocumentTransferStatus::Completed
        );
    }

    #[test]
    fn a_failing_job_ends_failed_and_leaves_the_pending_gauge() {
        let pending = Gauge::default();
        let jobs = Jobs::new(pending.clone());
        let job = jobs.create(1004, true, Expiry::default().issue());
        assert_eq!(pending.value(), 1);
        std::thread::sleep(PROCESSING_UNTIL);
        assert_eq!(
            jobs.poll(&job.uuid).unwrap().status(),
            DocumentTransferStatus::Failed
        );
        jobs.poll(&job.uuid);
        assert_eq!(pending.value(), 0);
    }

    #[test]
    fn job_ids_look_like_uuids_and_differ() {
        let expiry = Expiry::default();
        let a = uuid(1, expiry.issue());
        let b = uuid(2, expiry.issue());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }
}
