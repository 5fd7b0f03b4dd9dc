//! What the preview panel shows of a document, built by `docket-preview`: from the downloaded file when Docket
//! has one, else from the document's first MiB fetched with one ranged or chunked read (never the whole file).
//! CSV tables stay open here so the panel pages through them; the server's own HTML preview (Sage Active) is
//! wrapped in a sandboxed frame.

mod pdf;
mod tables;
mod view;

use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use docket_core::DocRef;
use docket_preview::{
    open_preview, sandboxed_frame, ContentKind, PreviewContent, PreviewError, PreviewLimits,
    PreviewSource, DEFAULT_PREFIX_BYTES,
};
use docket_store::{Catalog, LocalState};
use serde::Serialize;

use crate::connections::Connections;
use crate::error::{ErrorCode, IpcError};
pub use docket_app::preview::{fetch_prefix, Prefix};
pub use pdf::{pdf_bytes, PdfBytes, PDF_FETCH_BYTES};
pub use tables::OpenTables;
pub use view::*;

/// What `docket-preview` calls a file that starts with `%PDF-`.
const PDF_FORMAT: &str = "PDF document";
/// Images up to this size are shown inline when the whole file is at hand.
const IMAGE_BYTES: u64 = 8 * 1024 * 1024;
/// A server that takes longer than this for the first MiB is reported as unreachable.
const PREFIX_TIMEOUT: Duration = Duration::from_secs(60);
/// A server preview page larger than this is cut.
const SERVER_PREVIEW_BYTES: usize = 4 * 1024 * 1024;
/// A page of rows asked for at once, at most.
const MAX_PAGE_ROWS: u32 = 1000;

pub struct PreviewTarget<'a> {
    pub remote: &'a str,
    pub doc_id: &'a str,
    pub name: &'a str,
}

/// Builds the preview of one document, keeping its CSV table open in `tables`.
pub async fn preview(
    connections: &Connections,
    catalog: &Catalog,
    tables: &OpenTables,
    target: PreviewTarget<'_>,
) -> Result<PreviewView, IpcError> {
    let local = catalog
        .local_copy(target.remote, target.doc_id)
        .await?
        .filter(|copy| copy.state == LocalState::Present && copy.path.is_file());
    let (source, from_download) = match local {
        Some(copy) => (PreviewSource::File(copy.path), true),
        None => {
            let prefix = remote_prefix(connections, target.remote, target.doc_id).await?;
            let source = PreviewSource::Prefix {
                bytes: prefix.bytes,
                total_size: prefix.total_size,
            };
            (source, false)
        }
    };
    let name = target.name.to_owned();
    let built = tokio::task::spawn_blocking(move || build(source, &name, from_download))
        .await
        .map_err(|err| IpcError::internal(format!("The previewer stopped: {err}")))??;
    let mut view = built.view;
    if let (Some(table), PreviewBody::Table(table_view)) = (built.table, &mut view.body) {
        table_view.preview_id = tables.insert(table);
    }
    Ok(view)
}

async fn remote_prefix(
    connections: &Connections,
    remote: &str,
    doc_id: &str,
) -> Result<Prefix, IpcError> {
    let provider = connections.provider(remote)?;
    let doc = DocRef::new(doc_id);
    let fetch = fetch_prefix(
        provider.as_ref(),
        &connections.http,
        &doc,
        DEFAULT_PREFIX_BYTES as u64,
    );
    match tokio::time::timeout(PREFIX_TIMEOUT, fetch).await {
        Ok(result) => result.map_err(|err| IpcError::from_provider(remote, &err)),
        Err(_) => Err(IpcError::new(
            ErrorCode::Unreachable,
            format!(
                "{remote} did not send the beginning of the document within {} s; try again later.",
                PREFIX_TIMEOUT.as_secs()
            ),
        )),
    }
}

struct Built {
    view: PreviewView,
    table: Option<docket_preview::csv::CsvTable>,
}

fn preview_error(err: PreviewError) -> IpcError {
    match err {
        PreviewError::Unreadable { .. } => IpcError::new(ErrorCode::NotFound, err.to_string()),
        PreviewError::Read { .. } | PreviewError::RowOutOfRange { .. } => {
            IpcError::internal(format!("Could not build the preview: {err}"))
        }
    }
}

fn build(source: PreviewSource, name: &str, from_download: bool) -> Result<Built, IpcError> {
    let limits = PreviewLimits::default();
    let whole_image = image_bytes(&source);
    let preview = open_preview(source, Some(name), &limits).map_err(preview_error)?;
    let mut notes: Vec<String> = preview.detection.note.iter().cloned().collect();
    let mut table = None;
    let (coverage, body) = match preview.content {
        PreviewContent::Table(mut csv) => {
            let summary = csv.summary();
            let first_page = csv
                .page(0, limits.page_rows)
                .map(rows_page)
                .map_err(preview_error)?;
            // The first page may have found the end: count again.
            let (rows, rows_exact) = row_count(csv.row_count());
            notes.extend(summary.notes);
            let body = PreviewBody::Table(TableView {
                preview_id: 0,
                delimiter: summary.dialect.delimiter.to_string(),
                encoding: summary.dialect.encoding.label().to_owned(),
                has_header: summary.dialect.has_header,
                columns: summary.columns.iter().map(column_view).collect(),
                rows,
                rows_exact,
                first_page,
            });
            table = Some(csv);
            (summary.coverage, body)
        }
        PreviewContent::Xml(xml) => {
            let coverage = xml.outline.coverage;
            (coverage, PreviewBody::Xml(xml_view(xml.outline, xml.raw)))
        }
        PreviewContent::Json(mut text) => {
            notes.append(&mut text.notes);
            (text.coverage, PreviewBody::Json(text_view(text)))
        }
        PreviewContent::Text(mut text) => {
            notes.append(&mut text.notes);
            (text.coverage, PreviewBody::Text(text_view(text)))
        }
        PreviewContent::Binary(binary) if binary.format.as_deref() == Some(PDF_FORMAT) => {
            let coverage = binary.coverage;
            let viewable = from_download || pdf::fetchable(coverage.total_bytes, !coverage.partial);
            let body = PreviewBody::Pdf(PdfView {
                viewable,
                fetch_limit_bytes: PDF_FETCH_BYTES,
            });
            (coverage, body)
        }
        PreviewContent::Binary(binary) => {
            let image = binary
                .format
                .as_deref()
                .and_then(image_mime)
                .zip(whole_image);
            let body = match image {
                Some((mime, bytes)) => PreviewBody::Image {
                    data_url: format!(
                        "data:{mime};base64,{}",
                        base64::engine::general_purpose::STANDARD.encode(bytes)
                    ),
                },
                None => {
                    if preview.detection.kind == ContentKind::Binary && notes.is_empty() {
                        notes.push(match &binary.format {
                            Some(format) => format!(
                                "This is a binary file ({format}); Docket shows its first bytes. Download it and \
                                 open it with its app."
                            ),
                            None => "This is a binary file; Docket shows its first bytes. Download it and open \
                                     it with its app."
                                .to_owned(),
                        });
                    }
                    notes.extend(binary.notes.iter().cloned());
                    PreviewBody::Binary(binary_view(&binary))
                }
            };
            (binary.coverage, body)
        }
    };
    let (available_bytes, total_bytes, partial) = coverage_fields(&coverage);
    notes.dedup();
    Ok(Built {
        view: PreviewView {
            name: name.to_owned(),
            from_download,
            available_bytes,
            total_bytes,
            partial,
            notes,
            body,
        },
        table,
    })
}

/// The whole file when it is small enough to be an inline image and nothing of it is missing.
fn image_bytes(source: &PreviewSource) -> Option<Vec<u8>> {
    match source {
        PreviewSource::File(path) => read_small(path),
        PreviewSource::Prefix { bytes, total_size } => {
            let whole = total_size.is_some_and(|total| total == bytes.len() as u64);
            (whole && bytes.len() as u64 <= IMAGE_BYTES).then(|| bytes.clone())
        }
    }
}

fn read_small(path: &Path) -> Option<Vec<u8>> {
    let len = std::fs::metadata(path).ok()?.len();
    if len > IMAGE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(bytes)
}

/// Raster formats the window shows inline (never SVG: it can carry scripts).
fn image_mime(format: &str) -> Option<&'static str> {
    match format {
        "PNG image" => Some("image/png"),
        "JPEG image" => Some("image/jpeg"),
        "GIF image" => Some("image/gif"),
        _ => None,
    }
}

/// Further rows of an open table.
pub async fn rows(
    tables: &OpenTables,
    preview_id: u32,
    first_row: u64,
    count: u32,
) -> Result<RowsPage, IpcError> {
    let table = tables.get(preview_id).ok_or_else(|| {
        IpcError::new(
            ErrorCode::NotFound,
            "This preview was closed; open the document's preview again.",
        )
    })?;
    let count = count.min(MAX_PAGE_ROWS) as usize;
    tokio::task::spawn_blocking(move || {
        let mut table = table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match table.page(first_row, count) {
            Ok(page) => Ok(rows_page(page)),
            Err(PreviewError::RowOutOfRange { .. }) => Ok(RowsPage {
                first_row,
                rows: Vec::new(),
                ragged: Vec::new(),
                end_of_table: true,
                stop: None,
                cut: None,
            }),
            Err(err) => Err(preview_error(err)),
        }
    })
    .await
    .map_err(|err| IpcError::internal(format!("The previewer stopped: {err}")))?
}

/// The server's own preview (Sage Active), ready for a sandboxed `<iframe>`.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ServerFrame {
    /// The iframe's `sandbox` attribute: empty, so no scripts, forms, popups or navigation.
    pub sandbox: String,
    /// The iframe's `srcdoc`: the server's HTML behind a CSP `<meta>` that allows no network access.
    pub srcdoc: String,
    pub referrer_policy: String,
    pub allow: String,
}

/// The HTML the server renders for a document, when its kind has server previews.
pub async fn server_preview(
    connections: &Connections,
    remote: &str,
    doc_id: &str,
) -> Result<Option<ServerFrame>, IpcError> {
    let provider = connections.provider(remote)?;
    let doc = DocRef::new(doc_id);
    let fail = |err: docket_core::ProviderError| IpcError::from_provider(remote, &err);
    let Some(url) = provider.server_preview(&doc).await.map_err(fail)? else {
        return Ok(None);
    };
    let mut get = connections.http.get(&url.url);
    for (name, value) in &url.headers {
        get = get.header(name.as_str(), value.expose());
    }
    let mut response = docket_core::redirects::send(get).await.map_err(fail)?;
    let status = response.status();
    if !status.is_success() {
        let headers = response.headers().clone();
        let body = docket_core::http::read_text(response)
            .await
            .unwrap_or_default();
        return Err(fail(provider.link_failure(status, &headers, &body)));
    }
    let mut body = Vec::new();
    while body.len() < SERVER_PREVIEW_BYTES {
        match response
            .chunk()
            .await
            .map_err(|err| fail(docket_core::ProviderError::from(err)))?
        {
            Some(chunk) => body.extend_from_slice(&chunk),
            None => break,
        }
    }
    body.truncate(SERVER_PREVIEW_BYTES);
    let frame = sandboxed_frame(&String::from_utf8_lossy(&body));
    Ok(Some(ServerFrame {
        sandbox: frame.sandbox,
        srcdoc: frame.srcdoc,
        referrer_policy: frame.referrer_policy,
        allow: frame.allow,
    }))
}

#[cfg(test)]
mod tests;
