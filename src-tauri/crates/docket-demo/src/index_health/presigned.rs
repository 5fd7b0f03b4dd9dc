//! Presigned URLs on an S3-like route of the same listener: `GET /s3/<bucket>/<key>?X-Amz-…&X-Amz-Signature=…`,
//! valid one hour (or until the framework expires them), answering S3's XML errors, `Range` and `If-Range`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_RANGE, LAST_MODIFIED,
    RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::expiry::Stamp;
use crate::library::Document;
use crate::range::{self, RangeRequest};
use crate::samples::xml_escape;
use crate::state::DemoState;

pub const URL_TTL: Duration = Duration::from_secs(60 * 60);
pub const BUCKET: &str = "index-health-documents";
/// What S3 says about a presigned URL past its expiry.
pub const REQUEST_EXPIRED: &str = "Request has expired";

#[derive(Debug, Clone)]
struct Grant {
    key: String,
    document: u32,
    stamp: Stamp,
}

#[derive(Debug, Default)]
pub struct Presigned {
    /// By signature.
    grants: Mutex<HashMap<String, Grant>>,
    serial: AtomicU64,
}

impl Presigned {
    /// A URL for `key` (the document's file path) that lets anyone GET it for an hour.
    pub fn sign(&self, state: &DemoState, document: &Document, key: &str) -> String {
        let stamp = state.expiry.issue();
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        let date = compact_date(&stamp.issued_at().rfc3339());
        let digest = Sha256::digest(format!("{key}:{serial}:{date}"));
        let signature: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.lock().insert(
            signature.clone(),
            Grant {
                key: key.to_owned(),
                document: document.id,
                stamp,
            },
        );
        let path: Vec<String> = key.split('/').map(encode).collect();
        format!(
            "{}/s3/{BUCKET}/{}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIADOCKETDEMO%2F{}%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date={date}&X-Amz-Expires={}&X-Amz-SignedHeaders=host&X-Amz-Signature={signature}",
            state.base_url(docket_providers::index_health::KIND),
            path.join("/"),
            &date[..8],
            URL_TTL.as_secs(),
        )
    }

    /// `GET /s3/<bucket>/<key>`.
    pub fn get(
        &self,
        state: &DemoState,
        bucket: &str,
        key: &str,
        query: &HashMap<String, String>,
        headers: &HeaderMap,
    ) -> Response {
        let Some(signature) = query.get("X-Amz-Signature") else {
            return s3_error(
                StatusCode::FORBIDDEN,
                "AccessDenied",
                "Query-string authentication requires the Signature, Expires and Credential parameters",
                "",
            );
        };
        let grant = self.lock().get(signature).cloned();
        let grant = match grant {
            Some(grant) if bucket == BUCKET && grant.key == key => grant,
            _ => return s3_error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
                "",
            ),
        };
        if state
            .expiry
            .is_expired(grant.stamp, docket_providers::index_health::KIND, URL_TTL)
        {
            let expired = format!(
                "<X-Amz-Expires>{}</X-Amz-Expires><Expires>{}</Expires>",
                URL_TTL.as_secs(),
                grant.stamp.expires_at(URL_TTL).rfc3339()
            );
            return s3_error(
                StatusCode::FORBIDDEN,
                "AccessDenied",
                REQUEST_EXPIRED,
                &expired,
            );
        }
        let Some(document) = state.library.document(grant.document) else {
            return s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchKey",
                "The specified key does not exist.",
                "",
            );
        };
        object(document, headers)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Grant>> {
        self.grants.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The object's bytes: the whole file, or the one range asked for when `If-Range` (if sent) still matches.
fn object(document: &Document, headers: &HeaderMap) -> Response {
    let version = document.latest();
    let len = version.size();
    let etag = etag(document);
    let last_modified = version.modified.http_date();
    let wanted = headers.get(RANGE).and_then(|v| v.to_str().ok());
    let still_same = headers
        .get(IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|validator| validator == etag || validator == last_modified);
    let (status, span) = match range::parse(wanted.filter(|_| still_same), len) {
        RangeRequest::Full => (StatusCode::OK, 0..len),
        RangeRequest::Partial(span) => (StatusCode::PARTIAL_CONTENT, span),
        RangeRequest::Unsatisfiable => {
            let mut response = s3_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable",
                &format!(
                    "<RangeRequested>{}</RangeRequested>",
                    xml_escape(wanted.unwrap_or_default())
                ),
            );
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{len}")) {
                response.headers_mut().insert(CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let mut response = Response::new(Body::from_stream(version.content.stream(span.clone())));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(CONTENT_TYPE, HeaderValue::from_static(document.mime));
    h.insert(CONTENT_LENGTH, HeaderValue::from(span.end - span.start));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&last_modified) {
        h.insert(LAST_MODIFIED, value);
    }
    if status == StatusCode::PARTIAL_CONTENT {
        let value = format!("bytes {}-{}/{len}", span.start, span.end.saturating_sub(1));
        if let Ok(value) = HeaderValue::from_str(&value) {
            h.insert(CONTENT_RANGE, value);
        }
    }
    response
}

/// A strong validator that changes with the content: document, version, size and date (hashing the large file
/// for every request would take seconds in a debug build).
fn etag(document: &Document) -> String {
    let version = document.latest();
    let digest = Sha256::digest(format!(
        "{}:{}:{}:{}",
        document.id,
        version.number,
        version.size(),
        version.modified.unix()
    ));
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// S3's error document.
fn s3_error(status: StatusCode, code: &str, message: &str, extra: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message>{extra}\
         <RequestId>DOCKETDEMO</RequestId><HostId>docket-demo</HostId></Error>",
        xml_escape(message)
    );
    (status, [(CONTENT_TYPE, "application/xml")], body).into_response()
}

/// `2024-06-15T09:30:00Z` → `20240615T093000Z`.
fn compact_date(rfc3339: &str) -> String {
    rfc3339.chars().filter(|c| *c != '-' && *c != ':').collect()
}

/// Percent-encodes one key segment (RFC 3986 unreserved characters stay).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_segments_are_percent_encoded_as_utf8() {
        assert_eq!(
            encode("Notizen von Zoë.txt"),
            "Notizen%20von%20Zo%C3%AB.txt"
        );
    }

    #[test]
    fn the_amz_date_is_the_compact_form() {
        assert_eq!(compact_date("2024-06-15T09:30:00Z"), "20240615T093000Z");
    }
}
