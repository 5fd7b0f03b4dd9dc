//! The URL shape: HTTP GET streamed to disk. The first response tells whether the server honours `Range` (a 206
//! whose `Content-Range` starts where asked); then a large file is fetched by several streams over a
//! work-stealing segment board, each with its own `Range` + `If-Range` request. Without range support it is one
//! stream, started again from zero (with a fresh link) after any failure.
//!
//! [`fetch`] runs in named steps: [`Resume::read`] (what of the partial may be trusted), [`FirstRequest::plan`]
//! (the first request asks only for bytes no other stream will), [`admit`] (the first answer: a small file is
//! written in one step, a large one waits for a slot), [`continue_partial`] (whether the partial still belongs
//! to the file the server sends), then [`download`] (segments or one stream, checkpoints and block hashes).

mod answer;
mod streams;

use std::ops::Range;
use std::sync::Arc;

use docket_core::RemoteUrl;
use docket_store::queue::TransferRecord;
use futures_util::future::try_join_all;
use tokio::sync::watch;

use crate::block_follower;
use crate::checkpoint::Checkpoints;
use crate::config::EngineConfig;
use crate::continuity;
use crate::error::TransferError;
use crate::job::{wait_for_slot, Fetched, Job};
use crate::large_slots::LargeSlot;
use crate::limits::ConnectionPermit;
use crate::link::LinkRefresher;
use crate::partial::PartialFile;
use crate::small;
use crate::splitter::{missing, SegmentBoard};
use crate::written::WrittenRanges;
use answer::{if_range_value, probe, FirstAnswer};
use streams::{segment_stream, whole_stream, Segments};

#[cfg(feature = "fuzzing")]
pub(crate) use answer::content_range_value;
pub(crate) use streams::open_segment;

/// The largest document the URL shape downloads: far beyond any real document, far below what a hostile
/// `Content-Range`, `Content-Length` or announced size could claim. A larger one is refused before a segment
/// is planned or a block table allocated for it.
pub(crate) const MAX_DOCUMENT_BYTES: u64 = 1 << 40;

/// Files up to this size are hashed block by block as they arrive; a larger one is hashed from disk at the end,
/// so the table of block digests (about 56 bytes per MiB) stays a few MiB whatever size a server claims.
const MAX_FOLLOWED_BYTES: u64 = 64 << 30;

/// An open response and what it holds: its connection slot and the link generation it came from.
pub(crate) struct Opened {
    permit: ConnectionPermit,
    generation: u64,
    pub response: reqwest::Response,
}

/// Downloads the file behind `first`; `claimed` is the transfer's row as its claim read it, when nothing has
/// changed it since (else it is read again).
pub(crate) async fn fetch(
    job: &Job,
    first: RemoteUrl,
    claimed: Option<&TransferRecord>,
) -> Result<Fetched, TransferError> {
    let links = LinkRefresher::new(first);
    let mut resume = Resume::read(job, claimed).await?;
    let request = FirstRequest::plan(
        &job.engine.config,
        &resume.committed,
        resume.record.bytes_total,
    );
    let admitted = match admit(job, &links, &resume, request).await? {
        Admission::Small(fetched) => return Ok(fetched),
        Admission::Streamed(admitted) => admitted,
    };
    let partial = continue_partial(job, &links, &mut resume, &admitted.answer).await?;
    download(job, &links, &resume.committed, request, *admitted, partial).await
}

/// Where a transfer resumes from: its row, and the byte ranges of its partial file it may trust.
struct Resume {
    record: TransferRecord,
    committed: Vec<Range<u64>>,
}

impl Resume {
    async fn read(job: &Job, claimed: Option<&TransferRecord>) -> Result<Resume, TransferError> {
        let store = &job.engine.store;
        let record = match claimed {
            Some(record) => record.clone(),
            None => store.get(job.id()).await?,
        };
        // A transfer that owns no partial file has no bytes anywhere to resume.
        let committed = match record.partial_name {
            Some(_) => {
                store
                    .resumable(job.id(), job.engine.config.boot_id.as_deref())
                    .await?
            }
            None => Vec::new(),
        };
        Ok(Resume { record, committed })
    }
}

/// The span the first request is for: the first window of the first planned segment only (or the first
/// `min_segment` bytes when the size is not known yet), so no stream is ever asked for bytes another one will
/// fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FirstRequest {
    /// Where the first segment starts.
    start: u64,
    /// Where the first segment ends.
    end: u64,
    /// Where the bytes the first request asks for end.
    asked_end: u64,
}

impl FirstRequest {
    fn plan(config: &EngineConfig, committed: &[Range<u64>], total: Option<u64>) -> FirstRequest {
        let planned = total.map(|total| {
            SegmentBoard::planned(
                &missing(committed, total),
                config.segments_per_transfer,
                config.min_segment,
            )
        });
        let first_window = config.min_segment.max(1);
        let (start, end) = match planned.as_ref().and_then(|board| {
            let index = board.take()?;
            Some(board.span(index))
        }) {
            Some(span) => (span.start, span.end),
            None => (0, first_window),
        };
        FirstRequest {
            start,
            end,
            asked_end: end.min(start + first_window),
        }
    }
}

/// How the first answer was taken in.
enum Admission {
    /// A small file that came whole in the first answer, written in one step.
    Small(Fetched),
    /// A file fetched in streams from here on.
    Streamed(Box<Admitted>),
}

/// The first answer of a file fetched in streams, with what it holds.
struct Admitted {
    opened: Opened,
    url: RemoteUrl,
    answer: FirstAnswer,
    /// Held to the end of the fetch by a transfer that is not small (or of unknown size).
    slot: Option<LargeSlot>,
}

/// Sends the first request until an answer comes. A small file that came whole in it is kept in memory and
/// written in one step; any other transfer takes one of the slots of large transfers first, giving its
/// connection back while it waits for one.
async fn admit(
    job: &Job,
    links: &LinkRefresher,
    resume: &Resume,
    request: FirstRequest,
) -> Result<Admission, TransferError> {
    let config = &job.engine.config;
    let mut failures = 0;
    let mut refreshes = 0;
    let mut slot: Option<LargeSlot> = None;
    loop {
        let (opened, url, asked) = probe(
            job,
            links,
            request.start..request.asked_end,
            resume.record.validator.as_deref(),
        )
        .await?;
        let answer = FirstAnswer::read(job, &opened, &url, asked, request.start)?;
        let whole = match answer.total {
            Some(total) if resume.committed.is_empty() && total <= config.small_transfer_bytes => {
                let whole_file =
                    !answer.partial_content || (request.start == 0 && total <= request.asked_end);
                whole_file.then_some(total)
            }
            _ => None,
        };
        let Some(total) = whole else {
            let small = answer
                .total
                .is_some_and(|total| total <= config.small_transfer_bytes);
            if slot.is_none() && !small {
                slot = job.engine.large.try_take();
                if slot.is_none() {
                    // Every slot is taken: the connection goes back while this transfer waits its turn.
                    drop(opened);
                    slot = Some(wait_for_slot(job).await?);
                    continue;
                }
            }
            return Ok(Admission::Streamed(Box::new(Admitted {
                opened,
                url,
                answer,
                slot,
            })));
        };
        let Opened {
            permit,
            generation,
            response,
        } = opened;
        let gathered = small::gather(job, response, total).await;
        drop(permit);
        match gathered {
            Ok(body) => {
                let record = &resume.record;
                return small::store(job, record, answer.name, body, &answer.validator)
                    .await
                    .map(Admission::Small);
            }
            Err(TransferError::Provider(err)) => {
                if job.recover(err, &mut failures, &mut refreshes).await? {
                    links.expire(generation).await;
                }
            }
            Err(err) => return Err(err),
        }
    }
}

/// Keeps what of the partial download still belongs to the file the first answer describes (a server that sends
/// the whole file starts it from zero; a different file is a start-over), opens the partial and records the
/// target. Without a validator only the bytes themselves can tell the file is still the same one.
async fn continue_partial(
    job: &Job,
    links: &LinkRefresher,
    resume: &mut Resume,
    answer: &FirstAnswer,
) -> Result<PartialFile, TransferError> {
    let store = &job.engine.store;
    if !resume.committed.is_empty() {
        if !answer.partial_content {
            tracing::info!(
                id = job.id(),
                "the server sent the whole file; starting from zero"
            );
            store.reset_progress(job.id()).await?;
            resume.committed.clear();
        } else if resume
            .record
            .validator
            .as_deref()
            .is_some_and(|v| v != answer.validator)
        {
            return Err(TransferError::Changed(
                "its size, ETag or modification date differ from the partial download's".into(),
            ));
        }
    }
    let partial = open_partial(job, &resume.record, &answer.name, &mut resume.committed).await?;
    store
        .set_target(
            job.id(),
            &partial.name(),
            answer.total,
            Some(&answer.validator),
        )
        .await?;
    if let (Some(total), true, None) = (
        answer.total,
        answer.partial_content,
        if_range_value(&answer.headers),
    ) {
        if let Some(span) = continuity::overlap_span(&resume.committed) {
            continuity::check(job, links, &partial, span, total).await?;
        }
    }
    Ok(partial)
}

/// The recorded partial when it is still there (emptied when none of its bytes are trusted); else a newly
/// reserved one (reserving forgets the committed ranges of the one that is gone).
async fn open_partial(
    job: &Job,
    record: &TransferRecord,
    name: &str,
    committed: &mut Vec<Range<u64>>,
) -> Result<PartialFile, TransferError> {
    let (partial, kept) =
        PartialFile::recorded_or_reserved(&job.engine.store, record, name).await?;
    if kept && committed.is_empty() {
        partial.truncate().await?;
    }
    if !kept && !committed.is_empty() {
        tracing::warn!(
            id = job.id(),
            "the partial file is gone; starting from zero"
        );
        committed.clear();
    }
    Ok(partial)
}

/// Fetches every byte not yet on disk (in segments where the server honours `Range` and the size is known, else
/// in one stream), while checkpoints record progress and, where bytes are never written twice, blocks are hashed
/// as they land.
async fn download(
    job: &Job,
    links: &LinkRefresher,
    committed: &[Range<u64>],
    request: FirstRequest,
    admitted: Admitted,
    partial: PartialFile,
) -> Result<Fetched, TransferError> {
    let Admitted {
        opened,
        url,
        answer,
        slot: _slot,
    } = admitted;
    let FirstAnswer {
        partial_content,
        total,
        headers,
        ..
    } = answer;
    let done: u64 = committed.iter().map(|r| r.end - r.start).sum();
    job.meter.set_done(done, total);

    let checkpoints = Checkpoints::new(Arc::new(WrittenRanges::new(committed)));
    let (done, finished) = watch::channel(false);
    let download = async {
        let size = match total {
            Some(total) if partial_content => {
                let config = &job.engine.config;
                let board = plan_segments(config, committed, total, request);
                let first_span = request.start..request.end.min(total);
                let mut first = Some((board.add_owned(first_span, request.asked_end), opened));
                let if_range = if_range_value(&headers);
                let segments = Segments {
                    board: &board,
                    total,
                    if_range: if_range.as_deref(),
                };
                let mut streams = Vec::new();
                for _ in 0..config.segments_per_transfer.max(1) {
                    streams.push(segment_stream(
                        job,
                        links,
                        segments,
                        &partial,
                        &checkpoints,
                        first.take(),
                    ));
                }
                try_join_all(streams).await.map(|_| Some(total))
            }
            // A 206 without a known length cannot be planned: fetch the whole file instead.
            _ => {
                let first = (!partial_content).then_some(opened);
                whole_stream(job, links, &partial, &checkpoints, url.size, first).await
            }
        };
        done.send_replace(true);
        size
    };
    // One stream of a known length is followed too: it writes each byte once, in order (a start over from zero
    // stops the follower and verification reads the whole file), so verification no longer reads the whole
    // file back after the last byte arrived.
    let blocks = hash_blocks(&partial, &checkpoints, total, &finished);
    let (size, checkpointed, blocks) = tokio::join!(
        download,
        checkpoints.run(job, &partial, finished.clone()),
        blocks
    );
    let size = size?;
    checkpointed?;
    tracing::debug!(
        id = job.id(),
        blocks_left = blocks.as_ref().map(|b| b.missing().count()),
        "every byte is on disk"
    );
    Ok(Fetched {
        partial,
        size,
        crc32: None,
        blocks,
        whole: None,
    })
}

/// The board of the segments the other streams fetch: every gap in `committed` but the first request's segment,
/// which the first stream owns.
fn plan_segments(
    config: &EngineConfig,
    committed: &[Range<u64>],
    total: u64,
    request: FirstRequest,
) -> SegmentBoard {
    let rest: Vec<Range<u64>> = missing(committed, total)
        .iter()
        .filter_map(|gap| {
            let start = gap.start.max(if gap.start <= request.start {
                request.end
            } else {
                0
            });
            (start < gap.end).then_some(start..gap.end)
        })
        .collect();
    SegmentBoard::planned(
        &rest,
        config.segments_per_transfer.saturating_sub(1).max(1),
        config.min_segment,
    )
}

/// Hashes the blocks of a download of `total` bytes as they land, until `finished`; nothing where the length is
/// unknown, bytes may be written twice (one stream started over) or the file is too large to follow.
async fn hash_blocks(
    partial: &PartialFile,
    checkpoints: &Checkpoints,
    total: Option<u64>,
    finished: &watch::Receiver<bool>,
) -> Option<docket_core::block_hash::BlockHashes> {
    let total = total.filter(|total| *total <= MAX_FOLLOWED_BYTES)?;
    block_follower::follow(
        partial.path.clone(),
        Arc::clone(&checkpoints.written),
        total,
        finished.clone(),
    )
    .await
}
