//! What a failed GET of a presigned storage URL means, for every protocol whose downloads end on S3-style
//! storage (Ansarada, Index Health). The storage answers S3's XML error document:
//! `<Error><Code>AccessDenied</Code><Message>Request has expired</Message>...</Error>`.

use quick_xml::events::Event;
use quick_xml::Reader;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use docket_core::http;
use docket_core::ProviderError;

/// The `Code` and `Message` of an S3 error document.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct S3Error {
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Nesting deeper than this is no S3 error document (its fields sit at depth two); stopping there keeps a body of
/// nested elements from costing a string per level.
const MAX_DEPTH: usize = 16;

/// Reads the error document; `None` when the body is not one (a proxy's HTML page, an empty body).
pub fn parse(body: &str) -> Option<S3Error> {
    // Text is not trimmed while reading: entities arrive as separate events and the spaces around them count.
    let mut reader = Reader::from_str(body);
    let mut path: Vec<String> = Vec::new();
    let mut found = S3Error::default();
    let mut seen_error = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                if path.len() >= MAX_DEPTH {
                    return None;
                }
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                seen_error |= path.is_empty() && name == "Error";
                path.push(name);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(text) => {
                let text = text.decode().ok()?;
                append(&mut found, &path, &text);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().ok()? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.decode().ok()?;
                        quick_xml::escape::resolve_predefined_entity(&name)?.to_owned()
                    }
                };
                append(&mut found, &path, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let trim = |field: Option<String>| field.map(|f| f.trim().to_owned()).filter(|f| !f.is_empty());
    seen_error.then(|| S3Error {
        code: trim(found.code),
        message: trim(found.message),
    })
}

/// Adds text to the field the reader is inside (`Error/Code`, `Error/Message`).
fn append(found: &mut S3Error, path: &[String], text: &str) {
    let field = match path {
        [root, leaf] if root == "Error" && leaf == "Code" => &mut found.code,
        [root, leaf] if root == "Error" && leaf == "Message" => &mut found.message,
        _ => return,
    };
    field.get_or_insert_with(String::new).push_str(text);
}

/// An expired signature is `LinkExpired` (preparing again gives a fresh URL); anything else is judged by status,
/// keeping S3's own message.
pub fn link_failure(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    let Some(error) = parse(body) else {
        return http::status_error(status, headers, http::excerpt(body));
    };
    let message = error
        .message
        .clone()
        .or_else(|| error.code.clone())
        .unwrap_or_else(|| status.to_string());
    let expired = message.to_ascii_lowercase().contains("request has expired")
        || error.code.as_deref() == Some("ExpiredToken");
    if status == StatusCode::FORBIDDEN && expired {
        return ProviderError::LinkExpired { message };
    }
    match error.code.as_deref() {
        Some("NoSuchKey" | "NoSuchBucket") => ProviderError::NotFound { message },
        Some("SlowDown") => ProviderError::RateLimited {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => http::status_error(status, headers, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPIRED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>300</X-Amz-Expires>
<Expires>2024-06-15T09:35:00Z</Expires><ServerTime>2024-06-15T09:40:00Z</ServerTime>
<RequestId>4442587FB7D0A2F9</RequestId><HostId>host</HostId></Error>"#;

    #[test]
    fn an_expired_presigned_url_is_link_expired_with_s3s_message() {
        let err = link_failure(StatusCode::FORBIDDEN, &HeaderMap::new(), EXPIRED);
        assert_eq!(
            err,
            ProviderError::LinkExpired {
                message: "Request has expired".into()
            }
        );
    }

    #[test]
    fn a_bad_signature_is_unauthorized_not_expired() {
        let body = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>";
        let err = link_failure(StatusCode::FORBIDDEN, &HeaderMap::new(), body);
        assert!(matches!(err, ProviderError::Unauthorized { .. }), "{err:?}");
        assert!(err.message().starts_with("The request signature"));
    }

    #[test]
    fn a_missing_key_is_not_found() {
        let body = "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
        let err = link_failure(StatusCode::NOT_FOUND, &HeaderMap::new(), body);
        assert_eq!(
            err,
            ProviderError::NotFound {
                message: "The specified key does not exist.".into()
            }
        );
    }

    #[test]
    fn a_non_xml_body_falls_back_to_the_status() {
        let err = link_failure(StatusCode::BAD_GATEWAY, &HeaderMap::new(), "<html>oops");
        assert!(matches!(err, ProviderError::Transient { .. }), "{err:?}");
    }

    #[test]
    fn a_body_nested_a_million_deep_is_no_error_document_and_holds_no_string_per_level() {
        let body = format!("<Error>{}", "<a>".repeat(1_000_000));
        let before = peak_rss();
        assert_eq!(parse(&body), None);
        if let (Some(before), Some(after)) = (before, peak_rss()) {
            let grew = after.saturating_sub(before);
            assert!(
                grew < 16 << 20,
                "parsing grew the peak memory by {} MiB",
                grew >> 20
            );
        }
    }

    /// The process's peak resident memory so far (Linux `VmHWM`), in bytes: only when this test has the
    /// process to itself (nextest), since other tests' peaks would count too.
    fn peak_rss() -> Option<u64> {
        if std::env::var("NEXTEST_EXECUTION_MODE").as_deref() != Ok("process-per-test") {
            return None;
        }
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()?;
        Some(kib * 1024)
    }

    #[test]
    fn entities_in_the_message_are_resolved() {
        let body = "<Error><Code>AccessDenied</Code><Message>A &amp; B &#x41;</Message></Error>";
        assert_eq!(parse(body).unwrap().message.as_deref(), Some("A & B A"));
    }
}
