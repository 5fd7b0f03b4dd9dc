//! Builds file responses the same way for every vendor that streams a document straight from the library:
//! length, type, disposition, optional byte ranges and Last-Modified. Vendors with quirks (a wrong
//! Content-Length, no ranges) build their own from `Content::stream`.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::content::Content;
use crate::range::{self, RangeRequest};
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Save as a file (`Content-Disposition: attachment`).
    Attachment,
    /// Show in the browser (`Content-Disposition: inline`).
    Inline,
}

/// One file response; set the fields, then call [`FileResponse::respond`].
#[derive(Debug, Clone, Copy)]
pub struct FileResponse<'a> {
    pub content: &'a Content,
    pub mime: &'a str,
    /// File name for `Content-Disposition`; no header when `None`.
    pub name: Option<&'a str>,
    pub disposition: Disposition,
    /// Honour `Range` and send `Accept-Ranges: bytes`.
    pub ranges: bool,
    pub last_modified: Option<Timestamp>,
}

impl<'a> FileResponse<'a> {
    /// An attachment without range support or Last-Modified.
    pub fn attachment(content: &'a Content, mime: &'a str, name: &'a str) -> FileResponse<'a> {
        FileResponse {
            content,
            mime,
            name: Some(name),
            disposition: Disposition::Attachment,
            ranges: false,
            last_modified: None,
        }
    }

    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        let len = self.content.len();
        let wanted = if self.ranges {
            let value = request_headers
                .get(header::RANGE)
                .and_then(|v| v.to_str().ok());
            range::parse(value, len)
        } else {
            RangeRequest::Full
        };
        let mut headers = HeaderMap::new();
        if self.ranges {
            headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        }
        let (status, range) = match wanted {
            RangeRequest::Full => (StatusCode::OK, 0..len),
            RangeRequest::Partial(range) => {
                let content_range = format!("bytes {}-{}/{len}", range.start, range.end - 1);
                insert(&mut headers, header::CONTENT_RANGE, &content_range);
                (StatusCode::PARTIAL_CONTENT, range)
            }
            RangeRequest::Unsatisfiable => {
                insert(
                    &mut headers,
                    header::CONTENT_RANGE,
                    &format!("bytes */{len}"),
                );
                return (StatusCode::RANGE_NOT_SATISFIABLE, headers).into_response();
            }
        };
        insert(&mut headers, header::CONTENT_TYPE, self.mime);
        headers.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(range.end - range.start),
        );
        if let Some(name) = self.name {
            let value = content_disposition(self.disposition, name);
            insert(&mut headers, header::CONTENT_DISPOSITION, &value);
        }
        if let Some(modified) = self.last_modified {
            insert(&mut headers, header::LAST_MODIFIED, &modified.http_date());
        }
        let body = Body::from_stream(self.content.stream(range));
        (status, headers, body).into_response()
    }
}

/// `attachment; filename="Notizen von Zo_.txt"; filename*=UTF-8''Notizen%20von%20Zo%C3%AB.txt`: an ASCII
/// fallback for old clients and the exact name in RFC 5987 form.
pub fn content_disposition(disposition: Disposition, name: &str) -> String {
    let kind = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        rfc5987(name)
    )
}

/// Percent-encodes everything but RFC 5987 `attr-char`.
pub fn rfc5987(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Values built here from names and numbers are valid header values; one that is not is left out rather than
/// failing the response.
fn insert(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(response: Response) -> Vec<u8> {
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec()
    }

    fn ranged(content: &Content) -> FileResponse<'_> {
        FileResponse {
            ranges: true,
            last_modified: Some(Timestamp::utc(2024, 6, 15, 9, 30, 0)),
            ..FileResponse::attachment(content, "text/plain", "a.txt")
        }
    }

    fn asking(range: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(range).unwrap());
        headers
    }

    #[tokio::test]
    async fn a_whole_file_comes_with_length_type_and_disposition() {
        let content = Content::stored(&b"hello world"[..]);
        let response =
            FileResponse::attachment(&content, "text/plain", "a.txt").respond(&HeaderMap::new());
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_LENGTH], "11");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain");
        assert!(response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert!(response.headers().get(header::ACCEPT_RANGES).is_none());
        assert_eq!(body_of(response).await, b"hello world");
    }

    #[tokio::test]
    async fn a_range_is_ignored_unless_ranges_are_enabled() {
        let content = Content::stored(&b"hello world"[..]);
        let response =
            FileResponse::attachment(&content, "text/plain", "a.txt").respond(&asking("bytes=0-1"));
        assert_eq!(response.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn a_satisfiable_range_answers_206_with_those_bytes() {
        let content = Content::generated(10_000, 3);
        let response = ranged(&content).respond(&asking("bytes=100-199"));
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            response.headers()[header::CONTENT_RANGE],
            "bytes 100-199/10000"
        );
        assert_eq!(response.headers()[header::CONTENT_LENGTH], "100");
        assert_eq!(
            response.headers()[header::LAST_MODIFIED],
            "Sat, 15 Jun 2024 09:30:00 GMT"
        );
        assert_eq!(body_of(response).await, content.read(100..200));
    }

    #[tokio::test]
    async fn a_range_past_the_end_answers_416_with_the_length() {
        let content = Content::stored(&b"abc"[..]);
        let response = ranged(&content).respond(&asking("bytes=3-"));
        assert_eq!(response.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(response.headers()[header::CONTENT_RANGE], "bytes */3");
    }

    #[test]
    fn content_disposition_gives_an_ascii_fallback_and_the_utf8_name() {
        assert_eq!(
            content_disposition(Disposition::Inline, "Zoë \"x\".txt"),
            "inline; filename=\"Zo_ _x_.txt\"; filename*=UTF-8''Zo%C3%AB%20%22x%22.txt"
        );
    }
}
