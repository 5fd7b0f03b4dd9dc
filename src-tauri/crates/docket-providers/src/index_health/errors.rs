//! The module's edge: every documented IndexSDK refusal becomes its `ProviderError` variant here, with the
//! server's own message kept, so nothing further up decides from text.

use std::time::Duration;

use docket_core::http;
use docket_core::ProviderError;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::wire::Envelope;
use crate::presigned_storage;

/// The message of `POST /download` when the server could not presign; the direct GET still works then.
pub const PRESIGN_FAILED: &str = "Failed to generate download URL";
/// 435 for a URL-based document.
pub const NO_FILE_PATH: &str = "Document has no file path";

/// A call that did not answer OKAY.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server refused with a status (the body's `statusCode`, else the HTTP status) and a message.
    #[error("{status}: {message}")]
    Refused {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    /// The network failed or the answer could not be read.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl ApiError {
    /// A missing, invalid or expired token: worth one fresh token.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            ApiError::Refused {
                status: 401 | 403,
                ..
            }
        )
    }

    /// `POST /download` could not presign: the direct GET is the documented way round.
    pub fn is_presign_failure(&self) -> bool {
        matches!(self, ApiError::Refused { status: 500, message, .. }
            if message.trim().eq_ignore_ascii_case(PRESIGN_FAILED))
    }
}

impl From<ApiError> for ProviderError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::Refused {
                status,
                message,
                retry_after,
            } => refusal(status, message, retry_after),
            ApiError::Provider(err) => err,
        }
    }
}

/// The documented statuses: 403 UNAUTHORIZED, 435 missing field or no file path, 437 not found, 500 faults.
pub fn refusal(status: u16, message: String, retry_after: Option<Duration>) -> ProviderError {
    match status {
        401 | 403 => ProviderError::Unauthorized { message },
        435 if message.trim().eq_ignore_ascii_case(NO_FILE_PATH) => {
            ProviderError::NotDownloadable { message }
        }
        435 => ProviderError::InvalidRequest { message },
        437 => ProviderError::NotFound { message },
        429 => ProviderError::RateLimited {
            message,
            retry_after,
        },
        _ => match StatusCode::from_u16(status) {
            Ok(code) => http::status_error(code, &HeaderMap::new(), message),
            Err(_) => ProviderError::protocol(format!("status {status}: {message}")),
        },
    }
}

/// What a failed GET of a download URL means: the presigned URL's S3 XML, or the direct route's JSON.
pub fn link_failure(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    if presigned_storage::parse(body).is_some() {
        return presigned_storage::link_failure(status, headers, body);
    }
    if let Ok(envelope) = serde_json::from_str::<Envelope>(body) {
        let code = envelope
            .code()
            .filter(|c| *c >= 400)
            .unwrap_or(status.as_u16());
        let message = envelope.message.unwrap_or_else(|| status.to_string());
        // The direct route carries the bearer token: once it expires, preparing again issues a new one.
        if matches!(code, 401 | 403) {
            return ProviderError::LinkExpired { message };
        }
        return refusal(code, message, http::retry_after(headers));
    }
    http::status_error(status, headers, http::excerpt(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_documented_refusal_has_its_own_variant() {
        let cases = [
            (435, "Document ID is required"),
            (435, "Document has no file path"),
            (403, "UNAUTHORIZED"),
            (437, "Document not found"),
            (500, "Failed to generate download URL"),
            (500, "Failed to download document"),
        ];
        let mapped: Vec<ProviderError> = cases
            .iter()
            .map(|(status, message)| refusal(*status, (*message).to_owned(), None))
            .collect();
        assert_eq!(
            mapped,
            [
                ProviderError::InvalidRequest {
                    message: "Document ID is required".into()
                },
                ProviderError::NotDownloadable {
                    message: "Document has no file path".into()
                },
                ProviderError::Unauthorized {
                    message: "UNAUTHORIZED".into()
                },
                ProviderError::NotFound {
                    message: "Document not found".into()
                },
                ProviderError::transient("Failed to generate download URL"),
                ProviderError::transient("Failed to download document"),
            ]
        );
    }

    #[test]
    fn an_expired_presigned_url_is_a_link_expiry() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
                    <Message>Request has expired</Message><X-Amz-Expires>3600</X-Amz-Expires></Error>";
        let err = link_failure(StatusCode::FORBIDDEN, &HeaderMap::new(), body);
        assert_eq!(
            err,
            ProviderError::LinkExpired {
                message: "Request has expired".into()
            }
        );
    }

    #[test]
    fn entity_references_in_an_s3_message_are_resolved() {
        let body =
            "<Error><Code>AccessDenied</Code><Message>Access &amp; denied &#x21;</Message></Error>";
        let err = link_failure(StatusCode::FORBIDDEN, &HeaderMap::new(), body);
        assert_eq!(
            err,
            ProviderError::Unauthorized {
                message: "Access & denied !".into()
            }
        );
    }

    #[test]
    fn another_s3_refusal_keeps_its_generic_meaning_and_message() {
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
    fn the_direct_routes_json_refusals_map_like_the_api() {
        let body = r#"{"statusCode":437,"data":{},"message":"Document not found"}"#;
        let err = link_failure(StatusCode::from_u16(437).unwrap(), &HeaderMap::new(), body);
        assert_eq!(
            err,
            ProviderError::NotFound {
                message: "Document not found".into()
            }
        );
        let body = r#"{"statusCode":403,"data":{},"message":"UNAUTHORIZED"}"#;
        let err = link_failure(StatusCode::FORBIDDEN, &HeaderMap::new(), body);
        assert!(matches!(err, ProviderError::LinkExpired { .. }), "{err:?}");
    }
}
