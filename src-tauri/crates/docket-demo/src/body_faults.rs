//! Faults that break a real response on the wire rather than replace it: the connection reset before any header
//! arrives, a body cut short but ended cleanly under its full `Content-Length`, and a `Content-Length` that
//! lies about the body. The fault layer applies them to the vendor router's answer.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use bytes::Bytes;
use http_body::{Frame, SizeHint};

/// How a response is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    /// The connection is reset before the status line and headers leave the server, and before the request
    /// reached the vendor (as a proxy or a crashed worker would): nothing is done on the server.
    ResetBeforeHeaders,
    /// Headers (with the full `Content-Length`) go out, then only `after_bytes` of the body, then the body
    /// ends as if complete.
    Truncate { after_bytes: u64 },
    /// `Content-Length` claims `delta` bytes more (positive) or fewer (negative) than the body has.
    WrongLength { delta: i64 },
}

impl BodyFault {
    /// Whether the vendor router handles the request before the answer is broken.
    pub(crate) fn reaches_vendor(self) -> bool {
        !matches!(self, BodyFault::ResetBeforeHeaders)
    }

    pub(crate) fn apply(self, response: Response) -> Response {
        let (mut parts, body) = response.into_parts();
        let length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .or_else(|| http_body::Body::size_hint(&body).exact());
        let body = match self {
            BodyFault::ResetBeforeHeaders => Body::new(BrokenBody {
                inner: body,
                mode: Mode::ResetAtOnce,
                sent: 0,
            }),
            BodyFault::Truncate { after_bytes } => {
                if let Some(length) = length {
                    parts
                        .headers
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
                }
                Body::new(BrokenBody {
                    inner: body,
                    mode: Mode::EndAfter(after_bytes),
                    sent: 0,
                })
            }
            BodyFault::WrongLength { delta } => {
                if let Some(length) = length {
                    let claimed = length.saturating_add_signed(delta);
                    parts
                        .headers
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(claimed));
                }
                // An unknown size hint, so hyper sends the lying header instead of the body's own length.
                Body::new(BrokenBody {
                    inner: body,
                    mode: Mode::EndAfter(u64::MAX),
                    sent: 0,
                })
            }
        };
        tracing::info!(fault = ?self, "demo fault: breaking the response");
        Response::from_parts(parts, body)
    }
}

enum Mode {
    ResetAtOnce,
    EndAfter(u64),
}

struct BrokenBody {
    inner: Body,
    mode: Mode,
    sent: u64,
}

impl http_body::Body for BrokenBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let limit = match this.mode {
            // Failing before hyper flushed anything: it drops the connection with the headers still buffered.
            Mode::ResetAtOnce => {
                let reset = std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "demo fault: connection reset before the headers",
                );
                return Poll::Ready(Some(Err(axum::Error::new(reset))));
            }
            Mode::EndAfter(limit) => limit,
        };
        if this.sent >= limit {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(mut data) => {
                    let room = usize::try_from(limit - this.sent).unwrap_or(usize::MAX);
                    data.truncate(room);
                    this.sent += data.len() as u64;
                    Poll::Ready(Some(Ok(Frame::data(data))))
                }
                Err(frame) => Poll::Ready(Some(Ok(frame))),
            },
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        match self.mode {
            Mode::ResetAtOnce => false,
            Mode::EndAfter(limit) => self.sent >= limit || self.inner.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
