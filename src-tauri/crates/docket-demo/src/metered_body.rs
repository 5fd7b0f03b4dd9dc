//! The response body as the fault layer hands it to the connection: counts the bytes sent, keeps the request in
//! flight until the body ends or is dropped, throttles, and aborts after K bytes when a drop fault says so.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::stats::RequestMeter;

pub(crate) struct MeteredBody {
    inner: Body,
    /// The unsent rest of a frame split for throttling or a drop.
    pending: Option<Bytes>,
    sent: u64,
    drop_after: Option<u64>,
    throttle: Option<Throttle>,
    meter: RequestMeter,
    /// Set once the drop limit is reached: the pause before the reset.
    dropping: Option<Pin<Box<Sleep>>>,
    finished: bool,
}

/// How long a dropped response waits before the reset: hyper keeps written bytes in its buffer until it gets a
/// chance to flush, and an error would discard them, so the client would not see the first K bytes.
const FLUSH_BEFORE_DROP: Duration = Duration::from_millis(100);

struct Throttle {
    bytes_per_sec: u64,
    /// Bytes per frame: ten frames a second keeps the rate smooth.
    piece: usize,
    started: Option<Instant>,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl MeteredBody {
    pub(crate) fn new(
        inner: Body,
        meter: RequestMeter,
        drop_after: Option<u64>,
        bytes_per_sec: Option<u64>,
    ) -> MeteredBody {
        MeteredBody {
            inner,
            pending: None,
            sent: 0,
            drop_after,
            throttle: bytes_per_sec.map(|rate| Throttle {
                bytes_per_sec: rate,
                piece: usize::try_from(rate / 10).unwrap_or(usize::MAX).max(1),
                started: None,
                sleep: None,
            }),
            meter,
            dropping: None,
            finished: false,
        }
    }
}

impl Throttle {
    /// Ready once `sent` bytes are within the rate since the first byte.
    fn poll_wait(&mut self, cx: &mut Context<'_>, sent: u64) -> Poll<()> {
        let started = *self.started.get_or_insert_with(Instant::now);
        let due = started + Duration::from_secs_f64(sent as f64 / self.bytes_per_sec as f64);
        if due <= Instant::now() {
            self.sleep = None;
            return Poll::Ready(());
        }
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
        ready!(sleep.as_mut().poll(cx));
        self.sleep = None;
        Poll::Ready(())
    }
}

impl http_body::Body for MeteredBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        if let Some(pause) = &mut this.dropping {
            ready!(pause.as_mut().poll(cx));
            this.finished = true;
            let limit = this.sent;
            tracing::info!(after_bytes = limit, "demo fault: dropping the connection");
            let reset = io::Error::new(
                io::ErrorKind::ConnectionReset,
                format!("demo fault: connection dropped after {limit} bytes"),
            );
            return Poll::Ready(Some(Err(axum::Error::new(reset))));
        }
        if let Some(throttle) = &mut this.throttle {
            ready!(throttle.poll_wait(cx, this.sent));
        }
        let mut data = match this.pending.take() {
            Some(data) => data,
            None => match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                None => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Some(Err(error)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => data,
                    Err(trailers) => return Poll::Ready(Some(Ok(trailers))),
                },
            },
        };
        let mut take = data.len();
        if let Some(limit) = this.drop_after {
            if this.sent >= limit && !data.is_empty() {
                // Kept so the body does not look finished during the pause.
                this.pending = Some(data);
                this.dropping = Some(Box::pin(tokio::time::sleep(FLUSH_BEFORE_DROP)));
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            take = take.min(usize::try_from(limit - this.sent).unwrap_or(usize::MAX));
        }
        if let Some(throttle) = &this.throttle {
            take = take.min(throttle.piece);
        }
        if take < data.len() {
            this.pending = Some(data.split_off(take));
        }
        this.sent += data.len() as u64;
        this.meter.add_bytes(data.len() as u64);
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.finished || (self.pending.is_none() && self.inner.is_end_stream())
    }

    /// The inner body's hint, so a known length still goes out as `Content-Length` and a dropped body shows as
    /// truncated rather than complete.
    fn size_hint(&self) -> SizeHint {
        let hint = self.inner.size_hint();
        let pending = self.pending.as_ref().map_or(0, |p| p.len() as u64);
        let mut adjusted = SizeHint::new();
        adjusted.set_lower(hint.lower() + pending);
        if let Some(upper) = hint.upper() {
            adjusted.set_upper(upper + pending);
        }
        adjusted
    }
}
