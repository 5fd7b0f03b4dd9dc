//! The streams of a URL download: segments worked from a shared board, each with its own `Range` + `If-Range`
//! request, or the whole file in one stream where the server has no ranges.

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docket_core::http;
use docket_core::{ProviderError, RemoteUrl};
use reqwest::header::{IF_RANGE, RANGE};
use reqwest::StatusCode;

use super::answer::content_range;
use super::Opened;
use crate::checkpoint::Checkpoints;
use crate::config::EngineConfig;
use crate::engine::Control;
use crate::error::TransferError;
use crate::job::Job;
use crate::link::LinkRefresher;
use crate::partial::{PartialFile, RangeWriter};
use crate::splitter::SegmentBoard;

/// What every stream of a segmented download works from: the board, the file's size and its `If-Range`.
#[derive(Clone, Copy)]
pub(super) struct Segments<'a> {
    pub board: &'a SegmentBoard,
    pub total: u64,
    pub if_range: Option<&'a str>,
}

/// One stream of a segmented download: works segments from the board until none is left worth taking.
pub(super) async fn segment_stream(
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
pub(super) async fn whole_stream(
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
pub(super) async fn send(
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
