//! The download routes, signed-URL minting and what a failed download means. URLs are always built from the
//! configured server address: the server's own `downloadUrl` claims `https://<Host>` even behind plain HTTP.

use std::time::{Duration, SystemTime};

use docket_core::{http, ProviderError, RangeSupport, RemoteUrl, Secret};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::Deserialize;

/// A signed token is honoured once, within 30 seconds of being minted.
pub const SIGNED_URL_LIFETIME: Duration = Duration::from_secs(30);

/// `/study/S/file/F[/version/V]`: the tail shared by `/download` and `/signed-url` (no trailing slash).
pub fn route_tail(study: &str, file: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("/study/{study}/file/{file}/version/{v}"),
        None => format!("/study/{study}/file/{file}"),
    }
}

/// A direct download with the credential in the `Authorization` header; no Range, no ETag.
pub fn route_url(base: &str, tail: &str, authorization: Secret) -> RemoteUrl {
    let mut url =
        RemoteUrl::new(format!("{base}/download{tail}")).header("Authorization", authorization);
    url.ranges = RangeSupport::Unsupported;
    url
}

#[derive(Deserialize)]
struct SignedUrlAnswer {
    url: String,
}

/// Asks `/signed-url` for a fresh single-use URL. The server answers with a relative, always-versioned path.
pub async fn mint_signed_url(
    http_client: &reqwest::Client,
    base: &str,
    tail: &str,
    authorization: &Secret,
) -> Result<RemoteUrl, ProviderError> {
    let endpoint = format!("{base}/signed-url{tail}");
    tracing::debug!(url = %endpoint, "minting a signed URL");
    let request = http_client
        .get(&endpoint)
        .header(reqwest::header::AUTHORIZATION, authorization.expose());
    // Through `redirects::send`: the credential stays with the API's origin.
    let response = docket_core::redirects::send(request).await?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = http::read_body(response).await?;
    if !status.is_success() {
        return Err(signed_url_failure(
            status,
            &headers,
            &String::from_utf8_lossy(&body),
        ));
    }
    let answer: SignedUrlAnswer = serde_json::from_slice(&body).map_err(|err| {
        ProviderError::protocol(format!("the signed-url answer could not be read: {err}"))
    })?;
    let path = download_path(&answer.url)?;
    let mut url = RemoteUrl::new(format!("{base}{path}"));
    url.single_use = true;
    url.ranges = RangeSupport::Unsupported;
    url.expires_at = Some(SystemTime::now() + SIGNED_URL_LIFETIME);
    tracing::debug!(url = %url.redacted(), "minted a signed URL");
    Ok(url)
}

/// The path and query of the server's URL, whatever scheme and host it claims.
pub(crate) fn download_path(answer: &str) -> Result<&str, ProviderError> {
    let path = match answer.find("://") {
        Some(at) => {
            let after_scheme = &answer[at + 3..];
            after_scheme
                .find('/')
                .map_or("", |slash| &after_scheme[slash..])
        }
        None => answer,
    };
    if path.starts_with("/download/") && path.contains("token=") {
        Ok(path)
    } else {
        Err(ProviderError::protocol(format!(
            "the signed-url answer is not a tokenised download path: {}",
            docket_core::source::redact_url(answer)
        )))
    }
}

/// `/signed-url` answers 404 both for unknown ids and for callers it does not accept.
fn signed_url_failure(status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
    let message = message_or_status(status, body);
    match status.as_u16() {
        404 if message.starts_with("Not authenticated") => ProviderError::Unauthorized { message },
        404 => ProviderError::NotFound { message },
        _ => http::status_error(status, headers, message),
    }
}

/// A failed GET of a download URL. A signed URL answers 401 once it is claimed or 30 seconds old: minting
/// another one fixes that. On a route, 401 means the credential itself was refused.
pub fn download_failure(
    signed: bool,
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
) -> ProviderError {
    let message = message_or_status(status, body);
    match status.as_u16() {
        401 if signed => ProviderError::LinkExpired { message },
        401 | 403 => ProviderError::Unauthorized { message },
        404 => ProviderError::NotFound { message },
        _ => http::status_error(status, headers, message),
    }
}

fn message_or_status(status: StatusCode, body: &str) -> String {
    let message = http::excerpt(body);
    if message.is_empty() {
        status.to_string()
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_have_no_trailing_slash_and_the_version_is_optional() {
        assert_eq!(route_tail("SD_A", "SF_B", None), "/study/SD_A/file/SF_B");
        assert_eq!(
            route_tail("SD_A", "SF_B", Some("FV_C")),
            "/study/SD_A/file/SF_B/version/FV_C"
        );
    }

    #[test]
    fn the_signed_path_is_kept_and_any_claimed_host_is_dropped() {
        let relative = "/download/study/S/file/F/version/V?token=T";
        assert_eq!(download_path(relative).unwrap(), relative);
        assert_eq!(
            download_path("https://evil.example/download/study/S/file/F/version/V?token=T")
                .unwrap(),
            relative
        );
        assert!(download_path("/elsewhere?token=T").is_err());
        assert!(download_path("/download/study/S/file/F").is_err());
    }

    #[test]
    fn a_refused_signed_url_means_minting_again_but_a_refused_route_means_bad_credentials() {
        let body = "Not authorized to download the file";
        let headers = HeaderMap::new();
        assert_eq!(
            download_failure(true, StatusCode::UNAUTHORIZED, &headers, body),
            ProviderError::LinkExpired {
                message: body.into()
            }
        );
        assert_eq!(
            download_failure(false, StatusCode::UNAUTHORIZED, &headers, body),
            ProviderError::Unauthorized {
                message: body.into()
            }
        );
        assert_eq!(
            download_failure(
                true,
                StatusCode::NOT_FOUND,
                &headers,
                "Problem finding the file"
            ),
            ProviderError::NotFound {
                message: "Problem finding the file".into()
            }
        );
    }

    #[test]
    fn signed_url_404s_tell_refusal_from_absence() {
        let headers = HeaderMap::new();
        assert!(matches!(
            signed_url_failure(
                StatusCode::NOT_FOUND,
                &headers,
                "Not authenticated to generate a url."
            ),
            ProviderError::Unauthorized { .. }
        ));
        assert!(matches!(
            signed_url_failure(
                StatusCode::NOT_FOUND,
                &headers,
                "No file exists with given ID"
            ),
            ProviderError::NotFound { .. }
        ));
    }
}
