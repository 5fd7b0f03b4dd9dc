//! The bytes pdf.js renders. pdf.js needs the whole file (or range requests Docket's servers cannot all do), so a
//! PDF previews from its downloaded file, or, when it is small, from the whole document fetched through the
//! prefix path; a larger one waits for its download. The bytes cross IPC as one binary response, not JSON.

use docket_core::{DocRef, Provider};
use docket_store::{Catalog, LocalState};
use specta::datatype::DataType;
use tauri::ipc::{InvokeResponseBody, IpcResponse, Response};

use super::{fetch_prefix, PREFIX_TIMEOUT};
use crate::connections::Connections;
use crate::error::{ErrorCode, IpcError};

/// A PDF not downloaded yet previews when it is at most this big.
pub const PDF_FETCH_BYTES: u64 = 8 * 1024 * 1024;
/// A downloaded PDF larger than this is not loaded into the window whole.
pub const PDF_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A whole PDF, sent to the window as an `ArrayBuffer`.
pub struct PdfBytes(Vec<u8>);

impl PdfBytes {
    #[cfg(test)]
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl IpcResponse for PdfBytes {
    fn body(self) -> tauri::Result<InvokeResponseBody> {
        Response::new(self.0).body()
    }
}

impl specta::Type for PdfBytes {
    fn definition(_: &mut specta::Types) -> DataType {
        DataType::Reference(specta_typescript::define("ArrayBuffer"))
    }
}

/// Whether the window can render a PDF of `total_bytes` that is not downloaded.
pub fn fetchable(total_bytes: Option<u64>, whole_at_hand: bool) -> bool {
    whole_at_hand || total_bytes.is_some_and(|total| total <= PDF_FETCH_BYTES)
}

fn download_first(size: Option<u64>) -> IpcError {
    let size = size
        .map(|bytes| format!(" ({})", super::human_bytes(bytes)))
        .unwrap_or_default();
    IpcError::invalid(format!(
        "This PDF{size} is larger than {}: download it to preview it.",
        super::human_bytes(PDF_FETCH_BYTES)
    ))
}

/// The whole PDF: the downloaded file when there is one, else the document if it is small enough to fetch.
pub async fn pdf_bytes(
    connections: &Connections,
    catalog: &Catalog,
    remote: &str,
    doc_id: &str,
) -> Result<PdfBytes, IpcError> {
    let local = catalog
        .local_copy(remote, doc_id)
        .await?
        .filter(|copy| copy.state == LocalState::Present && copy.path.is_file());
    if let Some(copy) = local {
        let path = copy.path;
        let size = tokio::fs::metadata(&path)
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        if size > PDF_FILE_BYTES {
            return Err(IpcError::invalid(format!(
                "This PDF is {}; Docket previews PDFs up to {}. Open it with its app.",
                super::human_bytes(size),
                super::human_bytes(PDF_FILE_BYTES)
            )));
        }
        let bytes = tokio::fs::read(&path).await.map_err(|err| {
            IpcError::new(
                ErrorCode::NotFound,
                format!("Could not read {}: {err}", path.display()),
            )
        })?;
        return Ok(PdfBytes(bytes));
    }

    let provider = connections.provider(remote)?;
    fetch_whole(
        provider.as_ref(),
        &connections.http,
        remote,
        &DocRef::new(doc_id),
    )
    .await
}

/// A document that is not downloaded, whole, when it is at most [`PDF_FETCH_BYTES`].
pub async fn fetch_whole(
    provider: &dyn Provider,
    http: &reqwest::Client,
    remote: &str,
    doc: &DocRef,
) -> Result<PdfBytes, IpcError> {
    // One byte more than allowed tells a too-large document from one exactly at the limit.
    let fetch = fetch_prefix(provider, http, doc, PDF_FETCH_BYTES + 1);
    let prefix = match tokio::time::timeout(PREFIX_TIMEOUT, fetch).await {
        Ok(result) => result.map_err(|err| IpcError::from_provider(remote, &err))?,
        Err(_) => {
            return Err(IpcError::new(
                ErrorCode::Unreachable,
                format!(
                    "{remote} did not send the PDF within {} s; try again later.",
                    PREFIX_TIMEOUT.as_secs()
                ),
            ))
        }
    };
    let got = prefix.bytes.len() as u64;
    if got > PDF_FETCH_BYTES || prefix.total_size.is_some_and(|t| t > PDF_FETCH_BYTES) {
        return Err(download_first(prefix.total_size));
    }
    if prefix.total_size.is_some_and(|total| total != got) {
        return Err(IpcError::new(
            ErrorCode::Unreachable,
            format!("{remote} sent only part of the PDF; try again."),
        ));
    }
    Ok(PdfBytes(prefix.bytes))
}
