//! The URL shape: HTTP GET streamed to disk. The first response tells whether the server honours `Range` (a 206
//! whose `Content-Range` starts where asked); then a large file is fetched by several streams over a
//! work-stealing segment board, each with its own `Range` + `If-Range` request. Without range support it is one
//! stream, started again from zero (with a fresh link) after any failure.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docket_core::content_disposition;
use docket_core::http;
use docket_core::{sanitize_file_name, ProviderError, RangeSupport, RemoteUrl};
use docket_store::queue::TransferRecord;
use futures_util::future::try_join_all;
use reqwest::header::{
    HeaderMap, CONTENT_DISPOSITION, CONTENT_RANGE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE,
};
use reqwest::StatusCode;
use tokio::sync::watch;

use crate::block_follower;
use crate::checkpoint::Checkpoints;
use crate::config::EngineConfig;
use crate::continuity;
use crate::engine::Control;
use crate::error::TransferError;
use crate::job::{wait_for_slot, Fetched, Job};
use crate::large_slots::LargeSlot;
use crate::limits::ConnectionPermit;
use crate::link::LinkRefresher;
use crate::partial::{PartialFile, RangeWriter};
use crate::small;
use crate::splitter::{missing, SegmentBoard};
use crate::written::WrittenRanges;

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
    let store = &job.engine.store;
    let links = LinkRefresher::new(first);
    let record = match claimed {
        Some(record) => record.clone(),
        None => store.get(job.id()).await?,
    };
    // A transfer that owns no partial file has no bytes anywhere to resume.
    let mut committed = match record.partial_name {
        Some(_) => {
            store
                .resumable(job.id(), job.engine.config.boot_id.as_deref())
                .await?
        }
        None => Vec::new(),
    };
    let planned = record.bytes_total.map(|total| {
        SegmentBoard::planned(
            &missing(&committed, total),
            job.engine.config.segments_per_transfer,
            job.engine.config.min_segment,
        )
    });
    // The first request asks for the first window of the first planned segment only (or the first
    // `min_segment` bytes when the size is not known yet), so no stream is ever asked for bytes another one will
    // fetch.
    let first_window = job.engine.config.min_segment.max(1);
    let (probe_start, probe_end) = match planned.as_ref().and_then(|board| {
        let index = board.take()?;
        Some(board.span(index))
    }) {
        Some(span) => (span.start, span.end),
        None => (0, first_window),
    };
    let probe_asked = probe_end.min(probe_start + first_window);
    let mut failures = 0;
    let mut refreshes = 0;
    // Held from here to the end of the fetch by a transfer that is not small (or of unknown size).
    let mut slot: Option<LargeSlot> = None;
    let (opened, url, answer) = loop {
        let (opened, url, asked) = probe(
            job,
            &links,
            probe_start..probe_asked,
            record.validator.as_deref(),
        )
        .await?;
        let answer = FirstAnswer::read(job, &opened, &url, asked, probe_start)?;
        // A small file that came whole in this answer is kept in memory and written in one step.
        let whole = match answer.total {
            Some(total)
                if committed.is_empty() && total <= job.engine.config.small_transfer_bytes =>
            {
                let whole_file =
                    !answer.partial_content || (probe_start == 0 && total <= probe_asked);
                whole_file.then_some(total)
            }
            _ => None,
        };
        let Some(total) = whole else {
            let small = answer
                .total
                .is_some_and(|total| total <= job.engine.config.small_transfer_bytes);
            if slot.is_none() && !small {
                slot = job.engine.large.try_take();
                if slot.is_none() {
                    // Every slot is taken: the connection goes back while this transfer waits its turn.
                    drop(opened);
                    slot = Some(wait_for_slot(job).await?);
                    continue;
                }
            }
            break (opened, url, answer);
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
                return small::store(job, &record, answer.name, body, &answer.validator).await
            }
            Err(TransferError::Provider(err)) => {
                if job.recover(err, &mut failures, &mut refreshes).await? {
                    links.expire(generation).await;
                }
            }
            Err(err) => return Err(err),
        }
    };
    let FirstAnswer {
        partial_content,
        total,
        validator,
        name,
        headers,
    } = answer;
    if !committed.is_empty() {
        if !partial_content {
            tracing::info!(
                id = job.id(),
                "the server sent the whole file; starting from zero"
            );
            store.reset_progress(job.id()).await?;
            committed.clear();
        } else if record.validator.as_deref().is_some_and(|v| v != validator) {
            return Err(TransferError::Changed(
                "its size, ETag or modification date differ from the partial download's".into(),
            ));
        }
    }
    let partial = open_partial(job, &record, &name, &mut committed).await?;
    store
        .set_target(job.id(), &partial.name(), total, Some(&validator))
        .await?;
    // Without a validator only the bytes themselves can tell that the file is still the same one.
    if let (Some(total), true, None) = (total, partial_content, if_range_value(&headers)) {
        if let Some(span) = continuity::overlap_span(&committed) {
            continuity::check(job, &links, &partial, span, total).await?;
        }
    }
    let done: u64 = committed.iter().map(|r| r.end - r.start).sum();
    job.meter.set_done(done, total);

    let checkpoints = Checkpoints::new(Arc::new(WrittenRanges::new(&committed)));
    let (done, finished) = watch::channel(false);
    let segmented = partial_content && total.is_some();
    let download = async {
        let size = match total {
            Some(total) if partial_content => {
                let gaps = missing(&committed, total);
                let rest: Vec<Range<u64>> = gaps
                    .iter()
                    .filter_map(|gap| {
                        let start = gap.start.max(if gap.start <= probe_start {
                            probe_end
                        } else {
                            0
                        });
                        (start < gap.end).then_some(start..gap.end)
                    })
                    .collect();
                let streams = job.engine.config.segments_per_transfer;
                let board = SegmentBoard::planned(
                    &rest,
                    streams.saturating_sub(1).max(1),
                    job.engine.config.min_segment,
                );
                let first_span = probe_start..probe_end.min(total);
                let mut first = Some((board.add_owned(first_span, probe_asked), opened));
                let if_range = if_range_value(&headers);
                let segments = Segments {
                    board: &board,
                    total,
                    if_range: if_range.as_deref(),
                };
                let mut streams = Vec::new();
                for _ in 0..job.engine.config.segments_per_transfer.max(1) {
                    streams.push(segment_stream(
                        job,
                        &links,
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
                whole_stream(job, &links, &partial, &checkpoints, url.size, first).await
            }
        };
        done.send_replace(true);
        size
    };
    // Blocks are hashed as they are written only where bytes are never written twice (segments).
    let blocks = async {
        match total {
            Some(total) if segmented && total <= MAX_FOLLOWED_BYTES => {
                block_follower::follow(
                    partial.path.clone(),
                    Arc::clone(&checkpoints.written),
                    total,
                    finished.clone(),
                )
                .await
            }
            _ => None,
        }
    };
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

/// What the first answer tells about the file.
struct FirstAnswer {
    /// A 206 for the range asked: the server honours `Range`.
    partial_content: bool,
    total: Option<u64>,
    validator: String,
    /// The file name to save under, sanitized.
    name: String,
    headers: HeaderMap,
}

impl FirstAnswer {
    fn read(
        job: &Job,
        opened: &Opened,
        url: &RemoteUrl,
        asked: Option<u64>,
        probe_start: u64,
    ) -> Result<FirstAnswer, TransferError> {
        let headers = opened.response.headers().clone();
        let partial_content =
            asked.is_some() && opened.response.status() == StatusCode::PARTIAL_CONTENT;
        let total = if partial_content {
            let (start, total) = content_range(&headers).ok_or_else(|| {
                ProviderError::protocol("a 206 answer without a readable Content-Range")
            })?;
            if start != probe_start {
                return Err(ProviderError::protocol(format!(
                    "asked for bytes from {probe_start}, the server sent them from {start}"
                ))
                .into());
            }
            total
        } else {
            // The size the API announced outranks the header of one response, which may lie or be cut short.
            url.size.or(opened.response.content_length())
        };
        if let Some(total) = total.filter(|total| *total > MAX_DOCUMENT_BYTES) {
            let field = if partial_content {
                "Content-Range"
            } else if url.size.is_some() {
                "the announced size"
            } else {
                "Content-Length"
            };
            return Err(ProviderError::protocol(format!(
                "the server gave a size of {total} bytes ({field}), more than the {} TiB Docket accepts for one \
                 document",
                MAX_DOCUMENT_BYTES >> 40
            ))
            .into());
        }
        let suggested = url.file_name.clone().or_else(|| {
            headers
                .get(CONTENT_DISPOSITION)
                .and_then(|v| v.to_str().ok())
                .and_then(content_disposition::file_name)
        });
        Ok(FirstAnswer {
            partial_content,
            total,
            validator: validator(total, &headers),
            name: sanitize_file_name(suggested.as_deref().unwrap_or(job.doc.id())),
            headers,
        })
    }
}

/// The first request: from `start` with `Range` unless the link says the server has none.
async fn probe(
    job: &Job,
    links: &LinkRefresher,
    span: Range<u64>,
    validator: Option<&str>,
) -> Result<(Opened, RemoteUrl, Option<u64>), TransferError> {
    let mut failures = 0;
    let mut refreshes = 0;
    loop {
        let permit = job.engine.limits.acquire(&job.record.remote).await;
        let (generation, url) = match links.get(job).await {
            Ok(link) => link,
            Err(err) => {
                drop(permit);
                job.recover(err, &mut failures, &mut refreshes).await?;
                links.invalidate().await;
                continue;
            }
        };
        let asked = (url.ranges != RangeSupport::Unsupported).then_some(span.start);
        let if_range = validator.and_then(stored_if_range);
        let range = asked.map(|start| (start, Some(span.end)));
        match send(job, &url, range, if_range.as_deref()).await {
            Ok(response) => {
                return Ok((
                    Opened {
                        permit,
                        generation,
                        response,
                    },
                    url,
                    asked,
                ))
            }
            Err(err) => {
                drop(permit);
                if job.recover(err, &mut failures, &mut refreshes).await? {
                    links.expire(generation).await;
                }
            }
        }
    }
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

/// What every stream of a segmented download works from: the board, the file's size and its `If-Range`.
#[derive(Clone, Copy)]
struct Segments<'a> {
    board: &'a SegmentBoard,
    total: u64,
    if_range: Option<&'a str>,
}

/// One stream of a segmented download: works segments from the board until none is left worth taking.
async fn segment_stream(
    job: &Job,
    links: &LinkRefresher,
    segments: Segments<'_>,
    partial: &PartialFile,
    checkpoints: &Checkpoints,
    mut first: Option<(usize, Opened)>,
) -> Result<(), TransferError> {
    let Segments {
        board,
        total,
        if_range,
    } = segments;
    loop {
        let (index, mut opened) = match first.take() {
            Some((index, opened)) => (index, Some(opened)),
            None => match board.take() {
                Some(index) => (index, None),
                None => return Ok(()),
            },
        };
        let mut failures = 0;
        let mut refreshes = 0;
        let mut window = job.engine.config.min_segment.max(1);
        loop {
            let span = board.span(index);
            if span.is_empty() {
                break;
            }
            let opened = match opened.take() {
                Some(opened) => opened,
                None => match open_segment(job, links, board.ask(index, window), total, if_range)
                    .await
                {
                    Ok(opened) => opened,
                    Err(TransferError::Provider(err)) => {
                        if job.recover(err, &mut failures, &mut refreshes).await? {
                            links.invalidate().await;
                        }
                        continue;
                    }
                    Err(err) => return Err(err),
                },
            };
            let mut writer = partial
                .writer(span.start, Some(Arc::clone(&checkpoints.written)))
                .await?;
            let generation = opened.generation;
            let started = Instant::now();
            let (written, outcome) = stream(job, Some((board, index)), opened, &mut writer).await;
            if written > 0 {
                failures = 0;
                refreshes = 0;
            }
            match outcome {
                Ok(()) => window = next_window(&job.engine.config, written, started.elapsed()),
                Err(TransferError::Provider(err)) => {
                    // Not from what was received: bytes a failed write never put on disk are fetched again.
                    board.rewind(index, writer.written());
                    if job.recover(err, &mut failures, &mut refreshes).await? {
                        links.expire(generation).await;
                    }
                }
                Err(err) => return Err(err),
            }
        }
    }
}

/// About how long one window of a segment should take to arrive: long enough that the round trip before the
/// next one costs little, short enough that the end of the file is shared out finely.
const WINDOW_TIME: Duration = Duration::from_millis(500);

/// The next window of a stream that got `bytes` in `took`: [`WINDOW_TIME`] at that speed, between one and eight
/// minimum segments.
fn next_window(config: &EngineConfig, bytes: u64, took: Duration) -> u64 {
    let min = config.min_segment.max(1);
    let rate = bytes as f64 / took.as_secs_f64().max(0.001);
    ((rate * WINDOW_TIME.as_secs_f64()) as u64).clamp(min, 8 * min)
}

/// A request for exactly `span`, which must come back as a 206 of the same file.
pub(crate) async fn open_segment(
    job: &Job,
    links: &LinkRefresher,
    span: Range<u64>,
    total: u64,
    if_range: Option<&str>,
) -> Result<Opened, TransferError> {
    let permit = job.engine.limits.acquire(&job.record.remote).await;
    let (generation, url) = links.get(job).await?;
    let response = match send(job, &url, Some((span.start, Some(span.end))), if_range).await {
        Ok(response) => response,
        Err(err) => {
            links.expire(generation).await;
            return Err(err.into());
        }
    };
    if response.status() != StatusCode::PARTIAL_CONTENT {
        return Err(TransferError::Changed(
            "the server answered a segment request with the whole file".into(),
        ));
    }
    match content_range(response.headers()) {
        Some((start, Some(size))) if start == span.start && size == total => Ok(Opened {
            permit,
            generation,
            response,
        }),
        Some((_, Some(size))) if size != total => Err(TransferError::Changed(format!(
            "its size is now {size} bytes instead of {total}"
        ))),
        _ => Err(ProviderError::protocol(format!(
            "asked for bytes {}-{}, the server sent another range",
            span.start,
            span.end - 1
        ))
        .into()),
    }
}

/// The whole file in one stream; any failure starts it again from zero. Each response is held to the size the
/// API announced, or else to its own `Content-Length` (so one lying response does not condemn the retries).
/// Answers the size the bytes on disk were checked against.
async fn whole_stream(
    job: &Job,
    links: &LinkRefresher,
    partial: &PartialFile,
    checkpoints: &Checkpoints,
    announced: Option<u64>,
    first: Option<Opened>,
) -> Result<Option<u64>, TransferError> {
    let mut failures = 0;
    let mut refreshes = 0;
    let mut next = first;
    loop {
        let opened = match next.take() {
            Some(opened) => opened,
            None => {
                let permit = job.engine.limits.acquire(&job.record.remote).await;
                let opened = match links.get(job).await {
                    Ok((generation, url)) => match send(job, &url, None, None).await {
                        Ok(response) => Ok(Opened {
                            permit,
                            generation,
                            response,
                        }),
                        Err(err) => {
                            links.expire(generation).await;
                            Err(err)
                        }
                    },
                    Err(err) => {
                        links.invalidate().await;
                        Err(err)
                    }
                };
                match opened {
                    Ok(opened) => opened,
                    Err(err) => {
                        job.recover(err, &mut failures, &mut refreshes).await?;
                        continue;
                    }
                }
            }
        };
        if checkpoints.written.total() > 0 {
            checkpoints.start_over(job, partial).await?;
        }
        let total = announced.or(opened.response.content_length());
        job.meter.set_done(0, total);
        let mut writer = partial
            .writer(0, Some(Arc::clone(&checkpoints.written)))
            .await?;
        let generation = opened.generation;
        let (_, outcome) = stream(job, None, opened, &mut writer).await;
        let outcome = match (outcome, total) {
            (Ok(()), Some(total)) if writer.position() != total => {
                Err(TransferError::Provider(ProviderError::transient(format!(
                    "the connection closed after {} of {total} bytes",
                    writer.position()
                ))))
            }
            (outcome, _) => outcome,
        };
        match outcome {
            Ok(()) => return Ok(total),
            Err(TransferError::Provider(err)) => {
                // Without Range the bytes so far cannot be continued: the next try starts from zero.
                links.expire(generation).await;
                job.recover(err, &mut failures, &mut refreshes).await?;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Streams a response to the writer. Answers the bytes written and how it ended.
async fn stream(
    job: &Job,
    segment: Option<(&SegmentBoard, usize)>,
    opened: Opened,
    writer: &mut RangeWriter,
) -> (u64, Result<(), TransferError>) {
    let Opened {
        permit: _permit,
        mut response,
        ..
    } = opened;
    let started = writer.position();
    let mut stop = job.stop.clone();
    let outcome = loop {
        let next = tokio::select! {
            next = response.chunk() => next,
            _ = stop.wait_for(|c| *c != Control::Run) => break Err(TransferError::Stopped),
        };
        let bytes = match next {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                break match segment {
                    Some((board, index)) if board.window_left(index) > 0 => {
                        Err(ProviderError::transient(format!(
                            "the connection closed at byte {} before the segment ended",
                            writer.position()
                        ))
                        .into())
                    }
                    _ => Ok(()),
                }
            }
            // A body that breaks off is a broken connection, whatever reqwest calls it.
            Err(err) => {
                break Err(ProviderError::transient(format!(
                    "the connection broke at byte {}: {}",
                    writer.position(),
                    docket_core::network_failure::cause(&err)
                ))
                .into())
            }
        };
        let allowed = match segment {
            Some((board, index)) => board.reserve(index, bytes.len() as u64) as usize,
            None => bytes.len(),
        };
        if let Err(err) = writer.write(bytes.slice(..allowed)).await {
            break Err(err);
        }
        job.meter.add(allowed as u64);
        if let Some(limit) = &job.engine.bandwidth {
            limit.spend(allowed as u64).await;
        }
        let window_done = segment.is_some_and(|(board, index)| board.window_left(index) == 0);
        if allowed < bytes.len() {
            break Ok(());
        }
        if window_done {
            // Read the end of the body, so the connection goes back to the pool for the next window.
            let _ = tokio::time::timeout(Duration::from_secs(1), response.chunk()).await;
            break Ok(());
        }
    };
    // What arrived before the stream ended is kept, whatever ended it (the checkpoints record it).
    let flushed = writer.flush().await;
    let outcome = outcome.and(flushed);
    (writer.position() - started, outcome)
}

/// One GET; a failure status becomes the provider's typed error for it.
async fn send(
    job: &Job,
    url: &RemoteUrl,
    range: Option<(u64, Option<u64>)>,
    if_range: Option<&str>,
) -> Result<reqwest::Response, ProviderError> {
    let mut request = job.engine.http.get(&url.url);
    for (name, value) in &url.headers {
        request = request.header(name.as_str(), value.expose());
    }
    if let Some((start, end)) = range {
        let value = match end {
            Some(end) => format!("bytes={start}-{}", end.saturating_sub(1)),
            None => format!("bytes={start}-"),
        };
        request = request.header(RANGE, value);
        if let Some(validator) = if_range {
            request = request.header(IF_RANGE, validator);
        }
    }
    tracing::debug!(id = job.id(), url = %url.redacted(), ?range, "GET");
    // Followed to another origin without the link's headers (a storage host gets no credential of ours).
    let response = docket_core::redirects::send(request).await?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let body = http::read_text(response).await.unwrap_or_default();
    Err(job.provider.link_failure(status, &headers, &body))
}

/// `bytes 100-199/1000` → (100, Some(1000)); `*` as the length is `None`. A range that ends before it starts,
/// or past the length it gives, is not one.
fn content_range(headers: &HeaderMap) -> Option<(u64, Option<u64>)> {
    content_range_value(headers.get(CONTENT_RANGE)?.to_str().ok()?)
}

pub(crate) fn content_range_value(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    let total = match total.trim() {
        "*" => None,
        length => Some(length.parse::<u64>().ok()?),
    };
    if end < start || total.is_some_and(|total| end >= total) {
        return None;
    }
    Some((start, total))
}

/// What identifies the content the partial bytes came from.
fn validator(total: Option<u64>, headers: &HeaderMap) -> String {
    let size = total.map_or_else(|| "?".to_owned(), |t| t.to_string());
    match if_range_value(headers) {
        Some(tag) => format!("size={size};tag={tag}"),
        None => format!("size={size}"),
    }
}

/// A strong ETag, else Last-Modified: what `If-Range` may carry.
fn if_range_value(headers: &HeaderMap) -> Option<String> {
    let etag = headers
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.starts_with("W/"));
    etag.or_else(|| headers.get(LAST_MODIFIED).and_then(|v| v.to_str().ok()))
        .map(str::to_owned)
}

fn stored_if_range(validator: &str) -> Option<String> {
    validator.split_once(";tag=").map(|(_, tag)| tag.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn content_range_gives_the_start_and_the_full_length() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_RANGE,
            HeaderValue::from_static("bytes 100-199/1000"),
        );
        assert_eq!(content_range(&headers), Some((100, Some(1000))));
        headers.insert(CONTENT_RANGE, HeaderValue::from_static("bytes 0-9/*"));
        assert_eq!(content_range(&headers), Some((0, None)));
    }

    #[test]
    fn a_content_range_that_contradicts_itself_is_not_read() {
        for value in [
            "bytes 200-100/1000",
            "bytes 0-1000/1000",
            "bytes 0-9/ten",
            "bytes 0-/1000",
            "bytes 5-9/99999999999999999999999",
            "items 0-9/10",
        ] {
            assert_eq!(content_range_value(value), None, "{value}");
        }
    }

    #[test]
    fn the_validator_prefers_a_strong_etag_and_feeds_if_range() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LAST_MODIFIED,
            HeaderValue::from_static("Sat, 15 Jun 2024 09:30:00 GMT"),
        );
        let with_date = validator(Some(5), &headers);
        assert_eq!(with_date, "size=5;tag=Sat, 15 Jun 2024 09:30:00 GMT");
        headers.insert(ETAG, HeaderValue::from_static("\"abc\""));
        let with_tag = validator(Some(5), &headers);
        assert_eq!(stored_if_range(&with_tag).as_deref(), Some("\"abc\""));
        assert_eq!(stored_if_range("size=5"), None);
    }
}
