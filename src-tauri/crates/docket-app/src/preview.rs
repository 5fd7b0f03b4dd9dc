//! The beginning of a document that is not downloaded: one ranged GET of a URL source, or one chunked read of a
//! staged file (released afterwards), never the whole document.

use docket_core::ProviderError;
use docket_core::{ChunkSource, DocRef, IgnoreStatus, Provider, RemoteUrl, TransferSource};
use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;

/// The first bytes of a document and its full size where the server says it.
#[derive(Debug)]
pub struct Prefix {
    pub bytes: Vec<u8>,
    pub total_size: Option<u64>,
}

/// Fetches at most `limit` bytes from the start of `doc`.
pub async fn fetch_prefix(
    provider: &dyn Provider,
    http: &reqwest::Client,
    doc: &DocRef,
    limit: u64,
) -> Result<Prefix, ProviderError> {
    match provider.prepare(doc, None, &IgnoreStatus).await? {
        TransferSource::Url(url) => fetch_url_prefix(provider, http, &url, limit).await,
        TransferSource::Chunked(source) => {
            let read = read_chunked_prefix(source.as_ref(), limit).await;
            // A staged file holds server resources: free it whether the read worked or not.
            if let Err(err) = source.release().await {
                tracing::warn!("could not release the file staged for a preview: {err}");
            }
            read
        }
    }
}

async fn fetch_url_prefix(
    provider: &dyn Provider,
    http: &reqwest::Client,
    url: &RemoteUrl,
    limit: u64,
) -> Result<Prefix, ProviderError> {
    let mut get = http.get(&url.url);
    for (name, value) in &url.headers {
        get = get.header(name.as_str(), value.expose());
    }
    // Sent even where ranges are not advertised: a server that ignores it is cut off below.
    if limit > 0 {
        get = get.header(RANGE, format!("bytes=0-{}", limit - 1));
    }
    let mut response = docket_core::redirects::send(get).await?;
    let status = response.status();
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        // An empty document has no byte 0.
        return Ok(Prefix {
            bytes: Vec::new(),
            total_size: Some(0),
        });
    }
    if !status.is_success() {
        let headers = response.headers().clone();
        let body = docket_core::http::read_text(response)
            .await
            .unwrap_or_default();
        return Err(provider.link_failure(status, &headers, &body));
    }
    let total_size = if status == StatusCode::PARTIAL_CONTENT {
        response
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(content_range_total)
            .or(url.size)
    } else {
        response.content_length().or(url.size)
    };
    // A server that ignores Range sends the whole body: stop reading at the limit and drop the connection.
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut bytes = Vec::with_capacity(cap.min(1024 * 1024));
    while bytes.len() < cap {
        match response.chunk().await? {
            Some(chunk) => {
                let room = cap - bytes.len();
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            None => break,
        }
    }
    Ok(Prefix { bytes, total_size })
}

async fn read_chunked_prefix(
    source: &dyn ChunkSource,
    limit: u64,
) -> Result<Prefix, ProviderError> {
    let size = source.staged().size;
    let wanted = limit.min(size);
    let mut bytes = Vec::new();
    // One read normally covers it; a server that caps its chunk size gets a few more, never past `limit`.
    while (bytes.len() as u64) < wanted {
        let offset = bytes.len() as u64;
        let chunk = source.read(offset, wanted - offset).await?;
        if chunk.bytes.is_empty() {
            break;
        }
        let room = usize::try_from(wanted - offset).unwrap_or(usize::MAX);
        let last = chunk.last;
        bytes.extend_from_slice(&chunk.bytes[..chunk.bytes.len().min(room)]);
        if last {
            break;
        }
    }
    Ok(Prefix {
        bytes,
        total_size: Some(size),
    })
}

/// The total in `bytes 0-1023/4096`; `*` (unknown) gives none.
fn content_range_total(value: &str) -> Option<u64> {
    value.rsplit_once('/')?.1.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_size_comes_from_the_content_range() {
        assert_eq!(
            content_range_total("bytes 0-1048575/2147483648"),
            Some(2_147_483_648)
        );
        assert_eq!(content_range_total("bytes 0-9/*"), None);
        assert_eq!(content_range_total("garbage"), None);
    }
}
