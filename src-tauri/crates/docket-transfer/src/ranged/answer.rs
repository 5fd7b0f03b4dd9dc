//! The first request of a URL download and what its answer tells: whether the server honours `Range`, the
//! file's size and name, and the validator that says which content the partial bytes came from.

use std::ops::Range;

use docket_core::content_disposition;
use docket_core::{sanitize_file_name, ProviderError, RangeSupport, RemoteUrl};
use reqwest::header::{HeaderMap, CONTENT_DISPOSITION, CONTENT_RANGE, ETAG, LAST_MODIFIED};
use reqwest::StatusCode;

use super::streams::send;
use super::{Opened, MAX_DOCUMENT_BYTES};
use crate::error::TransferError;
use crate::job::Job;
use crate::link::LinkRefresher;

/// What the first answer tells about the file.
pub(super) struct FirstAnswer {
    /// A 206 for the range asked: the server honours `Range`.
    pub partial_content: bool,
    pub total: Option<u64>,
    pub validator: String,
    /// The file name to save under, sanitized.
    pub name: String,
    pub headers: HeaderMap,
}

impl FirstAnswer {
    pub fn read(
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
pub(super) async fn probe(
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

/// `bytes 100-199/1000` → (100, Some(1000)); `*` as the length is `None`. A range that ends before it starts,
/// or past the length it gives, is not one.
pub(super) fn content_range(headers: &HeaderMap) -> Option<(u64, Option<u64>)> {
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
pub(super) fn if_range_value(headers: &HeaderMap) -> Option<String> {
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
