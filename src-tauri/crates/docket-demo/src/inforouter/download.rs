//! Downloads: `GetDownloadInfo`, staging with `GetDownloadHandler[ByVersion]`, `DownloadFileChunk`,
//! `DeleteDownloadHandler`, and the unchunked `DownloadDocument`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::library::{Document, Version};
use crate::state::DemoState;

use super::lookup::{self, VERSION_STEP};
use super::reply::{failure, Tag};
use super::request::{Call, Refused};
use super::{Api, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};

const OFFLINE: &str =
    "Offline document error: the document is in an offline library and cannot be downloaded.";
const VERSION_NOT_FOUND: &str = "Version not found.";
const HANDLER_NOT_FOUND: &str = "Download handler not found.";

/// Size, version and CRC32 of the latest version, without staging anything.
pub(super) async fn info(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let path = call.required("Path")?;
    api.user(ticket)?;
    let Some(doc) = lookup::document(&api.state.library, path) else {
        return Ok(failure(lookup::DOCUMENT_NOT_FOUND));
    };
    let version = doc.latest();
    let crc = crc32_of(&api.state, doc.id, version.number).await?;
    Ok(Tag::success()
        .attr("Size", version.size())
        .attr("VersionNumber", u64::from(version.number) * VERSION_STEP)
        .attr("ContentType", doc.mime)
        .attr("ModificationDate", version.modified.date())
        .attr("AlterDocumentName", &doc.name)
        .attr("CRC32", format!("{crc:08x}"))
        .respond())
}

/// Stages the latest version (or `VersionNumber`, when `by_version`) and answers the handler with the
/// clamped chunk size.
pub(super) async fn stage(api: &Api, call: &Call, by_version: bool) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let path = call.required("Path")?;
    let preferred = call.number("PreferedChunkSize")?;
    let asked_version = if by_version {
        Some(call.number("VersionNumber")?)
    } else {
        None
    };
    let user = api.user(ticket)?;
    let Some(doc) = lookup::document(&api.state.library, path) else {
        return Ok(failure(lookup::DOCUMENT_NOT_FOUND));
    };
    let Some(version) = pick_version(doc, asked_version) else {
        return Ok(failure(VERSION_NOT_FOUND));
    };
    if doc.flags.offline {
        return Ok(failure(OFFLINE));
    }
    let chunk_size = u64::try_from(preferred)
        .unwrap_or(0)
        .clamp(MIN_CHUNK_SIZE, MAX_CHUNK_SIZE);
    let crc = crc32_of(&api.state, doc.id, version.number).await?;
    let handler = api.handlers.stage(
        &api.state.expiry,
        user.id,
        doc.id,
        version.number,
        chunk_size,
    );
    // GetDownloadHandler always reports 0 (the latest); the by-version form reports what it staged.
    let reported = if by_version {
        u64::from(version.number) * VERSION_STEP
    } else {
        0
    };
    Ok(Tag::new("response")
        .attr("success", "true")
        .attr("Size", version.size())
        .attr("ContentType", doc.mime)
        .attr("ModificationDate", version.modified.date())
        .attr("VersionNumber", reported)
        .attr("AlterDocumentName", &doc.name)
        .attr("RenderedContent", "false")
        .attr("CRC32", format!("{crc:08x}"))
        .attr("ChunkSize", chunk_size)
        .attr("downloadhandler", handler)
        .respond())
}

/// `0` (or none) is the latest; otherwise a multiple of 1,000,000 naming a stored version.
fn pick_version(doc: &Document, asked: Option<i64>) -> Option<&Version> {
    match asked {
        None | Some(0) => Some(doc.latest()),
        Some(number) => {
            let number = u64::try_from(number).ok()?;
            if number % VERSION_STEP != 0 {
                return None;
            }
            doc.version(u32::try_from(number / VERSION_STEP).ok()?)
        }
    }
}

/// Up to `ChunkSize` bytes of the staged file from `StartOffset`, base64, with their own CRC32.
pub(super) fn chunk(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let handler = call.required("DownloadHandler")?;
    let offset = call.number("StartOffset")?;
    let wanted = call.number("ChunkSize")?;
    let user = api.user(ticket)?;
    let Some(staged) = api.handlers.find(
        &api.state.expiry,
        api.settings.handler_ttl,
        user.id,
        handler,
    ) else {
        return Ok(failure(HANDLER_NOT_FOUND));
    };
    let Some(content) = api
        .state
        .library
        .document(staged.document_id)
        .and_then(|doc| doc.version(staged.version))
        .map(|version| &version.content)
    else {
        return Ok(failure("SystemError: the staged file is missing"));
    };
    let length = content.len();
    let (Ok(offset), Ok(wanted)) = (u64::try_from(offset), u64::try_from(wanted)) else {
        return Ok(failure("Invalid StartOffset or ChunkSize."));
    };
    if offset > length || wanted == 0 {
        return Ok(failure("Invalid StartOffset or ChunkSize."));
    }
    let end = length.min(offset.saturating_add(wanted.min(MAX_CHUNK_SIZE)));
    let bytes = content.read(offset..end);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    Ok(Tag::new("response")
        .attr("success", "true")
        .attr("filelength", length)
        .attr("chunklength", bytes.len())
        .attr("lastchunk", if end >= length { "true" } else { "false" })
        .attr("chunkCRC32", format!("{:08x}", crc32fast::hash(&bytes)))
        .text(&encoded)
        .respond())
}

pub(super) fn delete(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let handler = call.required("DownloadHandler")?;
    let user = api.user(ticket)?;
    if api.handlers.delete(
        &api.state.expiry,
        api.settings.handler_ttl,
        user.id,
        handler,
    ) {
        Ok(Tag::success().respond())
    } else {
        Ok(failure(HANDLER_NOT_FOUND))
    }
}

/// The latest version's raw bytes; any failure is an empty body without a message, as documented.
pub(super) fn document(api: &Api, call: &Call) -> Result<Response, Refused> {
    let ticket = call.required("AuthenticationTicket")?;
    let path = call.required("Path")?;
    let found = api
        .user(ticket)
        .ok()
        .and_then(|_| lookup::document(&api.state.library, path))
        .filter(|doc| !doc.flags.offline);
    let Some(doc) = found else {
        return Ok((
            [(header::CONTENT_TYPE, "application/octet-stream")],
            Body::empty(),
        )
            .into_response());
    };
    let content = &doc.latest().content;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, content.len().to_string()),
        ],
        Body::from_stream(content.stream(0..content.len())),
    )
        .into_response())
}

/// CRC32 of one stored version. Computed off the async threads: the first time, the large file is read whole.
pub(super) async fn crc32_of(
    state: &Arc<DemoState>,
    document_id: u32,
    version: u32,
) -> Result<u32, Refused> {
    let state = Arc::clone(state);
    let computed = tokio::task::spawn_blocking(move || {
        state
            .library
            .document(document_id)
            .and_then(|doc| doc.version(version))
            .map(|v| v.content.crc32())
    })
    .await;
    match computed {
        Ok(Some(crc)) => Ok(crc),
        Ok(None) => Err(failure(lookup::DOCUMENT_NOT_FOUND).into()),
        Err(err) => Err(failure(&format!("SystemError: {err}")).into()),
    }
}
