//! The IndexSDK routes. Every route but the token route checks the bearer token first, then the body, as the
//! API page orders its errors.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::catalog;
use super::envelope::{
    self, Refusal, COLLECTION_ID_REQUIRED, COLLECTION_NOT_FOUND, DOCUMENT_ID_REQUIRED,
    DOCUMENT_NOT_FOUND, MISSING_FIELDS, NOT_FOUND, NO_FILE_PATH,
};
use super::presigned::Presigned;
use super::tokens::Tokens;
use crate::library::Document;
use crate::serve::rfc5987;
use crate::state::DemoState;

pub struct IndexHealthDemo {
    pub state: Arc<DemoState>,
    pub tokens: Tokens,
    pub presigned: Presigned,
}

type Shared = State<Arc<IndexHealthDemo>>;

pub async fn generate_token(State(demo): Shared, headers: HeaderMap, body: Bytes) -> Response {
    match envelope::json_body(&headers, &body) {
        Ok(body) => demo.tokens.generate(&demo.state, &body),
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /get-documents {collection_id}`: every document of the collection, no paging.
pub async fn get_documents(State(demo): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let body = match demo.authorised_body(&headers, &body) {
        Ok(body) => body,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(collection_id) = envelope::text(&body, "collection_id") else {
        return envelope::refuse(MISSING_FIELDS, COLLECTION_ID_REQUIRED);
    };
    let library = demo.state.library.current();
    let Some(collection) = catalog::collection(library, &collection_id) else {
        return envelope::refuse(NOT_FOUND, COLLECTION_NOT_FOUND);
    };
    let records: Vec<Value> = catalog::documents_in(library, collection)
        .into_iter()
        .map(|d| catalog::record(library, d))
        .collect();
    envelope::okay(Value::Array(records))
}

/// `POST /get-document-details {document_id}`.
pub async fn get_document_details(
    State(demo): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match demo.requested_document(&headers, &body) {
        Ok(document) => envelope::okay(catalog::record(&demo.state.library, document)),
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /download {document_id}`: a presigned URL valid one hour.
pub async fn presign(State(demo): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let document = match demo.requested_document(&headers, &body) {
        Ok(document) => document,
        Err(refusal) => return refusal.into_response(),
    };
    let Some(key) = catalog::file_path(&demo.state.library, document) else {
        return envelope::refuse(MISSING_FIELDS, NO_FILE_PATH);
    };
    let url = demo.presigned.sign(&demo.state, document, &key);
    envelope::okay(json!({ "download_url": url }))
}

/// `GET /download/:document_id`: the file itself, with its type and name, never cached.
pub async fn direct(
    State(demo): Shared,
    Path(document_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = demo.tokens.check(&demo.state, &headers) {
        return refusal.into_response();
    }
    let library = demo.state.library.current();
    let Some(document) = catalog::document(library, document_id.trim()) else {
        return envelope::refuse(NOT_FOUND, DOCUMENT_NOT_FOUND);
    };
    if catalog::file_path(library, document).is_none() {
        return envelope::refuse(MISSING_FIELDS, NO_FILE_PATH);
    }
    let content = &document.latest().content;
    let mut response = Response::new(Body::from_stream(content.stream(0..content.len())));
    *response.status_mut() = StatusCode::OK;
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(document.mime));
    h.insert(CONTENT_LENGTH, HeaderValue::from(content.len()));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&attachment(&document.name)) {
        h.insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// `GET /s3/<bucket>/<key>` with the presigned query.
pub async fn s3_object(
    State(demo): Shared,
    Path((bucket, key)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    demo.presigned
        .get(&demo.state, &bucket, &key, &query, &headers)
}

impl IndexHealthDemo {
    fn authorised_body(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<serde_json::Map<String, Value>, Refusal> {
        self.tokens.check(&self.state, headers)?;
        envelope::json_body(headers, body)
    }

    /// The document named by the body's `document_id`, or the 403/435/437 the API answers instead.
    fn requested_document(&self, headers: &HeaderMap, body: &[u8]) -> Result<&Document, Refusal> {
        let body = self.authorised_body(headers, body)?;
        let id = envelope::text(&body, "document_id")
            .ok_or_else(|| Refusal::new(MISSING_FIELDS, DOCUMENT_ID_REQUIRED))?;
        catalog::document(&self.state.library, id.trim())
            .ok_or_else(|| Refusal::new(NOT_FOUND, DOCUMENT_NOT_FOUND))
    }
}

/// `attachment; filename="…"` as on the API page; a name beyond ASCII also gets the RFC 5987 form, with `?` in
/// the plain one, as Express's `res.attachment()` does.
fn attachment(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '?',
        })
        .collect();
    if name.is_ascii() {
        return format!("attachment; filename=\"{plain}\"");
    }
    format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
        rfc5987(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ascii_name_is_sent_in_the_plain_form_only() {
        assert_eq!(
            attachment("Q1-Report.pdf"),
            "attachment; filename=\"Q1-Report.pdf\""
        );
    }

    #[test]
    fn a_utf8_name_also_gets_the_extended_form() {
        assert_eq!(
            attachment("Zoë.txt"),
            "attachment; filename=\"Zo?.txt\"; filename*=UTF-8''Zo%C3%AB.txt"
        );
    }
}
