//! Sage Active's short links: `downloadPath` and `previewPath` from the `files` query, prefixed with the API base
//! URL and fetched with a plain GET (no headers: the link itself is the permission, as in a browser).

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use docket_core::http;
use docket_core::{ProviderError, RangeSupport, RemoteUrl};

use super::files::FileNode;
use super::graphql::server_message;

/// How long a link path stays valid after the `files` query that returned it.
pub const LINK_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// The documented 404 for a link path past its 10 minutes.
pub const EXPIRED_MESSAGE: &str =
    "The link path has expired. Please request a new link and try again.";

/// The absolute URL of a link path; an absolute URL from the server is taken as it is.
pub fn absolute(api_base: &str, path: &str) -> String {
    let path = path.trim();
    if path.starts_with("https://") || path.starts_with("http://") {
        path.to_owned()
    } else {
        format!("{api_base}/{}", path.trim_start_matches('/'))
    }
}

/// The download link of `node`, issued at `issued` (taken before the query was sent, so the expiry is never
/// later than the server's). Docket's demo server honours a single `Range` on download links; the vendor's page
/// does not say either way, so the engine must see a 206 before it trusts a partial body.
pub fn download(api_base: &str, node: &FileNode, path: &str, issued: SystemTime) -> RemoteUrl {
    let mut url = RemoteUrl::new(absolute(api_base, path));
    url.expires_at = Some(issued + LINK_LIFETIME);
    url.ranges = RangeSupport::Supported;
    url.file_name = Some(node.safe_name());
    url.size = node.size;
    url.mime = node.mime_type.clone().filter(|m| !m.is_empty());
    url
}

/// The preview link of `node`: inline, and an HTML page rather than the file for CSV, XML and text, so neither
/// size nor type of the file apply to it then.
pub fn preview(api_base: &str, node: &FileNode, path: &str, issued: SystemTime) -> RemoteUrl {
    let mut url = RemoteUrl::new(absolute(api_base, path));
    url.expires_at = Some(issued + LINK_LIFETIME);
    url.ranges = RangeSupport::Unsupported;
    if !node.has_html_preview() {
        url.size = node.size;
        url.mime = node.mime_type.clone().filter(|m| !m.is_empty());
    }
    url
}

/// What a failed GET of a link means. Both documented failures are 404s told apart only by their message, so the
/// message decides here, at the edge, and the variant carries the decision onward.
pub fn failure(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    let message = match server_message(body) {
        text if text.is_empty() => status.to_string(),
        text => text,
    };
    match status {
        StatusCode::NOT_FOUND if is_expired(&message) => ProviderError::LinkExpired { message },
        StatusCode::GONE => ProviderError::LinkExpired { message },
        _ => http::status_error(status, headers, message),
    }
}

fn is_expired(message: &str) -> bool {
    message == EXPIRED_MESSAGE
        || message
            .to_ascii_lowercase()
            .contains("link path has expired")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documented 404 for a link whose file is gone.
    const REMOVED_MESSAGE: &str =
        "The associated file could not be found. It may have been removed.";

    fn node() -> FileNode {
        serde_json::from_str(
            r#"{"id":"98f7.pdf","fileName":"invoice-q1.pdf","type":"pdf","mimeType":"application/pdf","size":42}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_link_path_is_prefixed_with_the_api_base() {
        assert_eq!(
            absolute("https://api.example.com", "/files/LqTJRFny"),
            "https://api.example.com/files/LqTJRFny"
        );
        assert_eq!(
            absolute("https://api.example.com/v1", "files/x"),
            "https://api.example.com/v1/files/x"
        );
        assert_eq!(
            absolute("https://a", "https://b/files/x"),
            "https://b/files/x"
        );
    }

    #[test]
    fn a_download_link_expires_ten_minutes_after_the_query_and_carries_no_header() {
        let issued = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let url = download("https://api", &node(), "/files/Lq", issued);
        assert_eq!(url.expires_at, Some(issued + Duration::from_secs(600)));
        assert!(url.headers.is_empty());
        assert_eq!(url.file_name.as_deref(), Some("invoice-q1.pdf"));
        assert_eq!(url.size, Some(42));
        assert_eq!(url.ranges, RangeSupport::Supported);
    }

    #[test]
    fn the_expired_404_is_a_link_expiry_and_the_removed_404_is_not_found() {
        let headers = HeaderMap::new();
        let expired = failure(
            StatusCode::NOT_FOUND,
            &headers,
            &format!(r#"{{"statusCode":404,"message":"{EXPIRED_MESSAGE}"}}"#),
        );
        assert_eq!(
            expired,
            ProviderError::LinkExpired {
                message: EXPIRED_MESSAGE.into()
            }
        );
        let removed = failure(StatusCode::NOT_FOUND, &headers, REMOVED_MESSAGE);
        assert_eq!(
            removed,
            ProviderError::NotFound {
                message: REMOVED_MESSAGE.into()
            }
        );
    }

    #[test]
    fn other_link_failures_keep_their_generic_meaning() {
        let err = failure(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), "busy");
        assert_eq!(err, ProviderError::transient("busy"));
    }
}
