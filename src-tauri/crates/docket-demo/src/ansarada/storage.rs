//! The storage behind presigned URLs, answering like S3: `Range` (206 with `Content-Range`), `If-Range`, ETag and
//! Last-Modified, and S3's XML errors: 403 `AccessDenied` "Request has expired", 403 `SignatureDoesNotMatch`,
//! 400 `AuthorizationQueryParametersError`, 404 `NoSuchKey`, 416 `InvalidRange`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::jobs::DocumentTransferStatus;
use super::presign::{self, Refusal};
use super::Room;
use crate::library::Document;
use crate::range::{self, RangeRequest};
use crate::samples::xml_escape;
use crate::serve::{content_disposition, Disposition};
use crate::timestamp::Timestamp;

pub async fn get_object(State(room): State<Arc<Room>>, uri: Uri, headers: HeaderMap) -> Response {
    let signed = match presign::verify(uri.path(), uri.query().unwrap_or("")) {
        Ok(signed) => signed,
        Err(Refusal::MissingParameters) => {
            return s3_error(
                StatusCode::BAD_REQUEST,
                "AuthorizationQueryParametersError",
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, \
                 X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
                "",
            )
        }
        Err(Refusal::BadSignature) => {
            return s3_error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. \
                 Check your key and signing method.",
                "",
            )
        }
    };
    let ttl = Duration::from_secs(signed.expires_in);
    let expires = signed.issued.plus(ttl);
    let job = room.jobs.get(&signed.job);
    let expired = Timestamp::now() >= expires
        || job.as_ref().is_some_and(|j| {
            room.state
                .expiry
                .is_expired(j.stamp, docket_providers::ansarada::KIND, ttl)
        });
    if expired {
        let detail = format!(
            "<X-Amz-Expires>{}</X-Amz-Expires><Expires>{}</Expires><ServerTime>{}</ServerTime>",
            signed.expires_in,
            expires.rfc3339(),
            Timestamp::now().rfc3339()
        );
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Request has expired",
            &detail,
        );
    }
    let document = job
        .filter(|j| j.status() == DocumentTransferStatus::Completed)
        .and_then(|j| room.state.library.document(j.document));
    let Some(document) = document else {
        let key = uri.path().trim_start_matches("/s3/");
        return s3_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
            &format!("<Key>{}</Key>", xml_escape(key)),
        );
    };
    serve(document, &headers)
}

fn serve(document: &Document, headers: &HeaderMap) -> Response {
    let version = document.latest();
    let size = version.size();
    let etag = etag(document);
    let last_modified = version.modified.http_date();
    let range_applies = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|validator| validator == etag || validator == last_modified);
    let requested = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| range_applies);
    let (status, range) = match range::parse(requested, size) {
        RangeRequest::Full => (StatusCode::OK, 0..size),
        RangeRequest::Partial(range) => (StatusCode::PARTIAL_CONTENT, range),
        RangeRequest::Unsatisfiable => {
            let mut response = s3_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable",
                &format!("<ActualObjectSize>{size}</ActualObjectSize>"),
            );
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
    };
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, document.mime)
        .header(header::CONTENT_LENGTH, range.end - range.start)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, &last_modified)
        .header(
            header::CONTENT_DISPOSITION,
            content_disposition(Disposition::Attachment, &document.name),
        );
    if status == StatusCode::PARTIAL_CONTENT {
        response = response.header(
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{size}", range.start, range.end - 1),
        );
    }
    let body = Body::from_stream(version.content.stream(range));
    response
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// A strong validator that changes whenever the document's current bytes do, without hashing them (the large
/// file is generated and hashing it takes seconds).
fn etag(document: &Document) -> String {
    let latest = document.latest();
    let digest = Sha256::digest(format!(
        "{}:{}:{}:{}",
        document.id,
        latest.number,
        latest.size(),
        latest.modified.unix()
    ));
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn s3_error(status: StatusCode, code: &str, message: &str, detail: &str) -> Response {
    let request_id = request_id(code, message);
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message>{detail}\
         <RequestId>{request_id}</RequestId><HostId>ZGVtby1ob3N0LWlk</HostId></Error>",
        xml_escape(message)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "application/xml"),
            (
                header::HeaderName::from_static("x-amz-request-id"),
                request_id.as_str(),
            ),
        ],
        body,
    )
        .into_response()
}

fn request_id(code: &str, message: &str) -> String {
    let digest = Sha256::digest(format!("{code}{message}{}", Timestamp::now().unix()));
    digest[..8].iter().map(|b| format!("{b:02X}")).collect()
}
