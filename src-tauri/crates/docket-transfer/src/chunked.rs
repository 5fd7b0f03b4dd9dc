//! The chunked shape (a staged file read by offset): several chunk reads in flight (as many as fit in
//! `chunk_bytes_in_flight`), each already checked against its own CRC32 by the provider, written at its offset,
//! fsynced (together with the other readers' chunks, see [`crate::chunk_file`]) and committed. A vanished
//! handler is staged again and the transfer continues only if the document is unchanged (size, CRC32,
//! modification date). Every staged file is released, also after failure and cancel; the queue remembers the
//! handle until then.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use docket_core::{sanitize_file_name, ChunkSource, ProviderError, StagedFile, TransferSource};
use futures_util::future::join_all;
use tokio::sync::Mutex as AsyncMutex;

use crate::chunk_file::ChunkFile;
use crate::error::TransferError;
use crate::job::{wait_for_slot, Fetched, Job};
use crate::partial::PartialFile;
use crate::splitter::missing;

/// The staged file being read now, and every one staged during this transfer (all are released at the end).
struct Staging {
    current: AsyncMutex<(u64, Arc<dyn ChunkSource>)>,
    all: Mutex<Vec<Arc<dyn ChunkSource>>>,
    original: StagedFile,
}

pub(crate) async fn fetch(
    job: &Job,
    source: Box<dyn ChunkSource>,
) -> Result<Fetched, TransferError> {
    let source: Arc<dyn ChunkSource> = Arc::from(source);
    let staging = Staging {
        original: source.staged().clone(),
        current: AsyncMutex::new((0, Arc::clone(&source))),
        all: Mutex::new(vec![source]),
    };
    job.engine
        .store
        .set_staged(job.id(), Some(&staging.original.handle))
        .await?;
    let outcome = read_all(job, &staging).await;
    let sources = staging
        .all
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if release_all(job, &sources).await {
        job.engine.store.set_staged(job.id(), None).await?;
    }
    outcome
}

/// Releases staged files; true when every one is freed.
pub(crate) async fn release_all(job: &Job, sources: &[Arc<dyn ChunkSource>]) -> bool {
    let mut all = true;
    for source in sources {
        let _permit = job.engine.limits.acquire(&job.record.remote).await;
        if let Err(err) = source.release().await {
            tracing::warn!(id = job.id(), "could not release the staged file: {err}");
            all = false;
        }
    }
    all
}

fn validator(staged: &StagedFile) -> String {
    format!(
        "size={};crc32={};modified={}",
        staged.size,
        staged
            .crc32
            .map_or_else(|| "?".into(), |c| format!("{c:08x}")),
        staged.modified.as_deref().unwrap_or("?")
    )
}

async fn read_all(job: &Job, staging: &Staging) -> Result<Fetched, TransferError> {
    // Its size is known from staging: a large one waits for its slot before reading.
    let _slot = if staging.original.size > job.engine.config.small_transfer_bytes {
        match job.engine.large.try_take() {
            Some(slot) => Some(slot),
            None => Some(wait_for_slot(job).await?),
        }
    } else {
        None
    };
    let store = &job.engine.store;
    let staged = &staging.original;
    let record = store.get(job.id()).await?;
    let mut committed = store.committed(job.id()).await?;
    let validator = validator(staged);
    if !committed.is_empty() && record.validator.as_deref() != Some(validator.as_str()) {
        return Err(TransferError::Changed(
            "its size, CRC32 or modification date differ from the partial download's".into(),
        ));
    }
    let name = sanitize_file_name(staged.file_name.as_deref().unwrap_or(job.doc.id()));
    let (partial, kept) = PartialFile::recorded_or_reserved(store, &record, &name).await?;
    if !kept {
        // A new partial: reserving it forgot what was recorded of the one that is gone.
        committed.clear();
    }
    if committed.is_empty() {
        partial.truncate().await?;
    }
    store
        .set_target(
            job.id(),
            &partial.name(),
            Some(staged.size),
            Some(&validator),
        )
        .await?;
    let done: u64 = committed.iter().map(|r| r.end - r.start).sum();
    job.meter.set_done(done, Some(staged.size));

    let chunk = staged.chunk_size.max(1);
    let plan = Mutex::new(ChunkPlan::new(missing(&committed, staged.size), chunk));
    let file = ChunkFile::open(&partial).await?;
    // After a reader fails the others take no new chunk, but finish (and commit) the one they are writing: a
    // chunk on disk is not thrown away because another one did not fit.
    let readers = (0..job.engine.config.chunk_reads(chunk)).map(|_| async {
        let outcome = chunk_reader(job, staging, &plan, &file).await;
        if outcome.is_err() {
            plan.lock().unwrap_or_else(|e| e.into_inner()).clear();
        }
        outcome
    });
    let outcomes = join_all(readers).await;
    drop(file);
    outcomes
        .into_iter()
        .collect::<Result<Vec<()>, TransferError>>()?;
    Ok(Fetched {
        partial,
        size: Some(staged.size),
        crc32: staged.crc32,
        blocks: None,
        whole: None,
    })
}

/// The chunks still to read, handed out one at a time: a cursor over the missing ranges, so its memory is that of
/// the gaps (one per run of committed chunks), never one entry per chunk whatever the size and chunk size.
#[derive(Debug)]
struct ChunkPlan {
    /// Ranges handed back to be read first (the rest of a chunk that came short).
    again: VecDeque<Range<u64>>,
    /// What is missing, in order; the front one is cut into chunks as they are taken.
    gaps: VecDeque<Range<u64>>,
    chunk: u64,
}

impl ChunkPlan {
    fn new(gaps: Vec<Range<u64>>, chunk: u64) -> Self {
        ChunkPlan {
            again: VecDeque::new(),
            gaps: gaps.into_iter().filter(|gap| !gap.is_empty()).collect(),
            chunk: chunk.max(1),
        }
    }

    /// The next chunk to read: a handed-back range first, else the next `chunk` bytes of the first gap.
    fn pop_front(&mut self) -> Option<Range<u64>> {
        if let Some(range) = self.again.pop_front() {
            return Some(range);
        }
        let gap = self.gaps.front_mut()?;
        let start = gap.start;
        let end = start.saturating_add(self.chunk).min(gap.end);
        gap.start = end;
        if gap.is_empty() {
            self.gaps.pop_front();
        }
        Some(start..end)
    }

    /// Hands a range back, to be read before anything else.
    fn push_front(&mut self, range: Range<u64>) {
        self.again.push_front(range);
    }

    fn clear(&mut self) {
        self.again.clear();
        self.gaps.clear();
    }
}

async fn chunk_reader(
    job: &Job,
    staging: &Staging,
    plan: &Mutex<ChunkPlan>,
    file: &ChunkFile,
) -> Result<(), TransferError> {
    // One buffer per reader, reused chunk after chunk: allocating a chunk-sized buffer per read (and freeing it
    // on another thread) left the allocator holding far more memory than was ever in use at once.
    let mut spare: Vec<u8> = Vec::new();
    loop {
        let next = plan.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
        let Some(range) = next else {
            return Ok(());
        };
        let mut failures = 0;
        let mut refreshes = 0;
        loop {
            if job.stopped() {
                return Err(TransferError::Stopped);
            }
            let (generation, source) = {
                let current = staging.current.lock().await;
                (current.0, Arc::clone(&current.1))
            };
            let read = tokio::select! {
                read = async {
                    let _permit = job.engine.limits.acquire(&job.record.remote).await;
                    source
                        .read_reusing(
                            range.start,
                            range.end - range.start,
                            std::mem::take(&mut spare),
                        )
                        .await
                } => read,
                stopped = job.until_stopped() => return Err(stopped),
            };
            let expected = (range.end - range.start) as usize;
            let outcome = read.and_then(|chunk| match chunk.bytes.len() {
                // A server may send less than asked (its chunk length is what counts, per the page); the rest is
                // asked for next. Nothing, or more than asked, is not an answer.
                arrived if arrived > 0 && arrived <= expected => Ok(chunk.bytes),
                arrived => Err(ProviderError::Integrity {
                    message: format!(
                        "asked for {expected} bytes at offset {}, {arrived} arrived",
                        range.start
                    ),
                }),
            });
            match outcome {
                Ok(bytes) => {
                    let arrived = bytes.len() as u64;
                    if arrived < range.end - range.start {
                        plan.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push_front(range.start + arrived..range.end);
                    }
                    let bytes = file.write(range.start, bytes).await?;
                    file.settle(job).await?;
                    job.meter.add(bytes.len() as u64);
                    if let Some(limit) = &job.engine.bandwidth {
                        limit.spend(bytes.len() as u64).await;
                    }
                    spare = bytes;
                    break;
                }
                Err(err) => {
                    if job.recover(err, &mut failures, &mut refreshes).await? {
                        restage(job, staging, generation).await?;
                    }
                }
            }
        }
    }
}

/// Stages the document again after its handler vanished, once for all readers; the same document continues,
/// a changed one starts over.
async fn restage(job: &Job, staging: &Staging, seen: u64) -> Result<(), TransferError> {
    let mut current = staging.current.lock().await;
    if current.0 != seen {
        return Ok(());
    }
    let prepared = {
        let _permit = job.engine.limits.acquire(&job.record.remote).await;
        job.prepare().await?
    };
    let fresh: Arc<dyn ChunkSource> = match prepared {
        TransferSource::Chunked(source) => Arc::from(source),
        TransferSource::Url(_) => {
            return Err(ProviderError::protocol(
                "the server switched from a staged file to a download link mid-transfer",
            )
            .into())
        }
    };
    staging
        .all
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Arc::clone(&fresh));
    let now = fresh.staged();
    let original = &staging.original;
    if now.size != original.size || now.crc32 != original.crc32 || now.modified != original.modified
    {
        return Err(TransferError::Changed(format!(
            "it was {} bytes, CRC32 {}, modified {}; now {} bytes, CRC32 {}, modified {}",
            original.size,
            original.crc32.map_or("?".into(), |c| format!("{c:08x}")),
            original.modified.as_deref().unwrap_or("?"),
            now.size,
            now.crc32.map_or("?".into(), |c| format!("{c:08x}")),
            now.modified.as_deref().unwrap_or("?"),
        )));
    }
    job.engine
        .store
        .set_staged(job.id(), Some(&now.handle))
        .await?;
    tracing::info!(
        id = job.id(),
        "staged again; continuing at the committed chunks"
    );
    *current = (seen + 1, fresh);
    Ok(())
}

#[cfg(test)]
// A plan of one gap is what these tests mean, not a range to collect.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn drain(plan: &mut ChunkPlan) -> Vec<Range<u64>> {
        std::iter::from_fn(|| plan.pop_front()).collect()
    }

    #[test]
    fn the_gaps_are_cut_into_chunks_in_order_with_a_short_last_one() {
        let mut plan = ChunkPlan::new(vec![0..10, 20..25], 4);
        assert_eq!(drain(&mut plan), [0..4, 4..8, 8..10, 20..24, 24..25]);
    }

    #[test]
    fn a_handed_back_range_is_read_before_the_next_chunk() {
        let mut plan = ChunkPlan::new(vec![0..12], 4);
        assert_eq!(plan.pop_front(), Some(0..4));
        plan.push_front(2..4);
        assert_eq!(drain(&mut plan), [2..4, 4..8, 8..12]);
    }

    #[test]
    fn an_exabyte_in_one_byte_chunks_is_planned_without_a_list_of_chunks() {
        let size = i64::MAX as u64;
        let mut plan = ChunkPlan::new(vec![0..size], 1);
        assert_eq!(plan.pop_front(), Some(0..1));
        assert_eq!(plan.pop_front(), Some(1..2));
        assert_eq!(plan.gaps.len() + plan.again.len(), 1);
        let mut near_the_end = ChunkPlan::new(vec![u64::MAX - 3..u64::MAX], u64::MAX);
        assert_eq!(drain(&mut near_the_end), [u64::MAX - 3..u64::MAX]);
    }

    #[test]
    fn a_cleared_plan_hands_out_nothing() {
        let mut plan = ChunkPlan::new(vec![0..100], 10);
        plan.push_front(0..1);
        plan.clear();
        assert_eq!(plan.pop_front(), None);
    }
}
