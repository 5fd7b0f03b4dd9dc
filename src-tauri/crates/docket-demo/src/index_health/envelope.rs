//! The API's answer shape `{statusCode, data, message}` (the HTTP status equals `statusCode`) and how request
//! bodies are read: like Express's `json()` parser, a body without `Content-Type: application/json` is not
//! parsed at all, so its fields count as missing.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

pub const OKAY: &str = "OKAY";
pub const UNAUTHORIZED: &str = "UNAUTHORIZED";
pub const DOCUMENT_ID_REQUIRED: &str = "Document ID is required";
pub const COLLECTION_ID_REQUIRED: &str = "Collection ID is required";
pub const DOCUMENT_NOT_FOUND: &str = "Document not found";
pub const COLLECTION_NOT_FOUND: &str = "Collection not found";
pub const NO_FILE_PATH: &str = "Document has no file path";
pub const PRESIGN_FAILED: &str = "Failed to generate download URL";
pub const DOWNLOAD_FAILED: &str = "Failed to download document";
pub const INVALID_CLIENT: &str = "Invalid client credentials";

/// 435: a required field is missing.
pub const MISSING_FIELDS: u16 = 435;
/// 437: the document (or collection) does not exist.
pub const NOT_FOUND: u16 = 437;

pub fn okay(data: Value) -> Response {
    envelope(200, data, OKAY)
}

/// A refusal: `data` is `{}` as on the API page.
pub fn refuse(status: u16, message: &str) -> Response {
    envelope(status, json!({}), message)
}

/// A refusal not yet turned into a response, for checks that return early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: String,
}

impl Refusal {
    pub fn new(status: u16, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        refuse(self.status, &self.message)
    }
}

fn envelope(status: u16, data: Value, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = json!({ "statusCode": status, "data": data, "message": message });
    (code, Json(body)).into_response()
}

/// The JSON object sent, or an empty one when the body is not declared as JSON (or is not an object).
pub fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json || body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Ok(Map::new()),
        Err(_) => Err(Refusal::new(400, "Invalid JSON body")),
    }
}

/// A non-empty string field; numbers are taken as their text, as a JavaScript server would.
pub fn text(body: &Map<String, Value>, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
