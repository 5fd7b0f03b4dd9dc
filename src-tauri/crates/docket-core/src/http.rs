//! The one HTTP client every provider shares, and the mapping from HTTP answers to typed errors.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;

use crate::error::ProviderError;

/// API answers (JSON, XML) are read into memory up to this size; a larger one is refused, not buffered. A page of
/// a listing is far smaller; an unpaged Index Health collection of 100,000 documents about this size.
pub const MAX_API_BODY: usize = 32 * 1024 * 1024;

/// How long a connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a server may stay silent: waiting for an answer's headers, or between two reads of its body. A
/// server that never answers fails after this (and one probe), not after every retry of it.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds the shared client. Redirects follow [`crate::redirects::policy`]: never from https to http, and no
/// credential goes to another origin (API requests go through [`crate::redirects::send`]).
pub fn client() -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .user_agent(concat!("Docket/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .redirect(crate::redirects::policy())
        // A `Referer` would hand the next host the URL a redirect came from: a short link, a signed query.
        .referer(false)
        .build()
        .map_err(|err| ProviderError::transient(format!("could not set up HTTP: {err}")))
}

/// Reads an API body, refusing one larger than [`MAX_API_BODY`] without holding it all.
pub async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, ProviderError> {
    if let Some(length) = response.content_length() {
        if length > MAX_API_BODY as u64 {
            return Err(ProviderError::protocol(format!(
                "the server sent a {length}-byte answer; Docket reads at most {MAX_API_BODY} bytes"
            )));
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_API_BODY {
            return Err(ProviderError::protocol(format!(
                "the server's answer exceeds {MAX_API_BODY} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads an API body as text (lossy UTF-8).
pub async fn read_text(response: reqwest::Response) -> Result<String, ProviderError> {
    let body = read_body(response).await?;
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// `Retry-After` as delay-seconds or an HTTP-date, at most [`crate::retry_after::MAX_WAIT`].
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    let date = headers
        .get(reqwest::header::DATE)
        .and_then(|d| d.to_str().ok());
    crate::retry_after::honoured(value, date)
}

/// The generic meaning of an HTTP failure; providers first handle what their API documents specially.
pub fn status_error(status: StatusCode, headers: &HeaderMap, message: String) -> ProviderError {
    let message = if message.trim().is_empty() {
        status.to_string()
    } else {
        message
    };
    match status.as_u16() {
        401 | 403 => ProviderError::Unauthorized { message },
        404 | 410 => ProviderError::NotFound { message },
        429 => ProviderError::RateLimited {
            message,
            retry_after: retry_after(headers),
        },
        408 | 500..=599 => ProviderError::Transient { message },
        _ => ProviderError::Protocol {
            message: format!("HTTP {}: {message}", status.as_u16()),
        },
    }
}

/// A short, single-line excerpt of an error body for messages (HTML error pages are not pasted whole).
pub fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 300 {
        let cut: String = flat.chars().take(300).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_carries_its_retry_after_seconds() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        let err = status_error(StatusCode::TOO_MANY_REQUESTS, &headers, "slow down".into());
        assert_eq!(
            err,
            ProviderError::RateLimited {
                message: "slow down".into(),
                retry_after: Some(Duration::from_secs(7))
            }
        );
    }

    #[test]
    fn server_errors_are_transient_and_keep_the_message() {
        let err = status_error(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            "upstream down".into(),
        );
        assert_eq!(err, ProviderError::transient("upstream down"));
    }

    #[test]
    fn an_empty_body_falls_back_to_the_status_line() {
        let err = status_error(StatusCode::NOT_FOUND, &HeaderMap::new(), " ".into());
        assert_eq!(err.message(), "404 Not Found");
    }

    #[test]
    fn long_html_error_pages_are_cut_to_one_line() {
        let page = format!("<html>\n<body>{}</body></html>", "x".repeat(1000));
        let short = excerpt(&page);
        assert!(!short.contains('\n'));
        assert!(short.chars().count() <= 301);
    }
}
