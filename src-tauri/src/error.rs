//! Errors as they cross IPC: a stable `code` the UI may branch on, and a `message` written for people.

use serde::Serialize;

/// Only the cases the UI treats differently get their own code; everything else is `internal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    UnknownKind,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<docket_core::UnknownKind> for IpcError {
    fn from(err: docket_core::UnknownKind) -> Self {
        IpcError {
            code: ErrorCode::UnknownKind,
            message: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_crosses_ipc_as_code_and_message() {
        let err: IpcError = "ftp".parse::<docket_core::Kind>().unwrap_err().into();
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "unknown_kind");
        assert!(json["message"].as_str().unwrap().contains("`ftp`"));
        assert_eq!(
            json.as_object().unwrap().len(),
            2,
            "only code and message: {json}"
        );
    }
}
