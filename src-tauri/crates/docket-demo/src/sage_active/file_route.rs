//! `GET /files/{code}`: a short link path, consumed with a plain GET and no headers. Download links stream the
//! file as an attachment and honour a single `Range`; preview links are inline, HTML for CSV, XML and text.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::catalog::FileState;
use super::links::{LinkKind, Resolved};
use super::preview;
use super::SageDemo;
use crate::serve::{Disposition, FileResponse};

pub const EXPIRED: &str = "The link path has expired. Please request a new link and try again.";
pub const REMOVED: &str = "The associated file could not be found. It may have been removed.";

/// Files larger than this are previewed as they are, never rendered to HTML in memory.
const MAX_RENDERED: u64 = 16 * 1024 * 1024;

pub async fn open(
    State(demo): State<Arc<SageDemo>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    let link = match demo.links.resolve(&demo.state.expiry, &code) {
        Resolved::Valid(link) => link,
        Resolved::Expired => return not_found(EXPIRED),
    };
    let catalog = demo.catalog();
    let Some(file) = catalog.file(&link.file_id) else {
        return not_found(REMOVED);
    };
    let FileState::Available { document_id } = file.state else {
        return not_found(REMOVED);
    };
    let Some(document) = demo.state.library.document(document_id) else {
        return not_found(REMOVED);
    };
    let content = &document.latest().content;
    let response = FileResponse {
        content,
        mime: &file.mime,
        name: Some(&file.file_name),
        disposition: Disposition::Attachment,
        ranges: true,
        last_modified: Some(file.uploaded),
    };
    match link.kind {
        LinkKind::Download => response.respond(&headers),
        LinkKind::Preview => {
            let rendered = (!content.is_generated() && content.len() <= MAX_RENDERED)
                .then(|| {
                    preview::render(
                        &file.extension,
                        &file.file_name,
                        &content.read(0..content.len()),
                    )
                })
                .flatten();
            match rendered {
                Some(page) => html(page),
                None => FileResponse {
                    disposition: Disposition::Inline,
                    ranges: false,
                    ..response
                }
                .respond(&headers),
            }
        }
    }
}

fn html(page: String) -> Response {
    let mut response = page.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn not_found(message: &str) -> Response {
    let body = json!({ "statusCode": 404, "message": message });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}
