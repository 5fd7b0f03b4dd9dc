//! Reading an IndexSDK answer: the `{statusCode, data, message}` envelope, OKAY or a refusal.

use docket_core::http;
use docket_core::ProviderError;
use serde::de::DeserializeOwned;

use super::errors::ApiError;
use super::wire::Envelope;

/// The `data` of an OKAY answer, or the refusal with the server's status and message.
pub async fn data<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ApiError> {
    let status = response.status();
    let retry_after = http::retry_after(response.headers());
    let body = http::read_body(response).await?;
    decode(status, retry_after, &body)
}

/// [`data`] once the body is read: also what the fuzzer drives.
pub fn decode<T: DeserializeOwned>(
    status: reqwest::StatusCode,
    retry_after: Option<std::time::Duration>,
    body: &[u8],
) -> Result<T, ApiError> {
    let envelope = match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => envelope,
        Err(err) if status.is_success() => {
            return Err(ProviderError::protocol(format!(
                "the answer is not the IndexSDK JSON envelope ({err}): {}",
                http::excerpt(&String::from_utf8_lossy(body))
            ))
            .into())
        }
        Err(_) => {
            return Err(ApiError::Refused {
                status: status.as_u16(),
                message: http::excerpt(&String::from_utf8_lossy(body)),
                retry_after,
            })
        }
    };
    // The body's statusCode equals the HTTP status on this API; whichever one says "failed" wins.
    let refused = envelope
        .code()
        .filter(|code| !(200..300).contains(code))
        .or((!status.is_success()).then_some(status.as_u16()));
    if let Some(code) = refused {
        let message = envelope
            .message
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| format!("the server answered status {code}"));
        return Err(ApiError::Refused {
            status: code,
            message,
            retry_after,
        });
    }
    serde_json::from_value(envelope.data).map_err(|err| {
        ProviderError::protocol(format!(
            "the answer's data is not what the API documents: {err}"
        ))
        .into()
    })
}
