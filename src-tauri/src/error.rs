//! Errors as they cross IPC: a stable `code` the UI may branch on, and a `message` written for people.

use docket_app::AppError;
use docket_core::ProviderError;
use docket_store::{CatalogError, RemoteBookError, SecretStoreError};
use serde::Serialize;

/// Only the cases the UI treats differently get their own code; everything else is `internal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    UnknownKind,
    /// The user typed something unusable (a bad URL, a missing field); the message names the field.
    InvalidInput,
    /// The server refused the credentials.
    Unauthorized,
    /// The server could not be reached, or answered with a server error.
    Unreachable,
    /// The server answered something that is not the API of this kind (often a wrong URL).
    UnexpectedAnswer,
    NotFound,
    /// The OS keyring could not store or give back a secret.
    Keyring,
    /// Doing it would run a program (opening an executable file): the UI asks the person first, then calls again
    /// with `confirmed`. The message says which file and why.
    NeedsConfirmation,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        IpcError::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        IpcError::new(ErrorCode::Internal, message)
    }

    /// A provider failure on `remote`, worded for the window; the server's own message is kept.
    pub fn from_provider(remote: &str, err: &ProviderError) -> Self {
        let (code, message) = match err {
            ProviderError::Unauthorized { message } => (
                ErrorCode::Unauthorized,
                format!("{remote} refused the credentials: {message}. Check them in the server's settings."),
            ),
            ProviderError::Transient { message } => (
                ErrorCode::Unreachable,
                format!("Could not reach {remote}: {message}. Check the address and that the server is running."),
            ),
            ProviderError::Protocol { message } => (
                ErrorCode::UnexpectedAnswer,
                format!("{remote} did not answer like this kind of server ({message}). Is the address right?"),
            ),
            ProviderError::NotFound { message } => {
                (ErrorCode::NotFound, format!("{remote}: not found: {message}"))
            }
            ProviderError::InvalidRequest { message } => (ErrorCode::InvalidInput, message.clone()),
            ProviderError::RateLimited { .. }
            | ProviderError::NotDownloadable { .. }
            | ProviderError::LinkExpired { .. }
            | ProviderError::JobFailed { .. }
            | ProviderError::Integrity { .. } => (ErrorCode::Internal, format!("{remote}: {err}")),
        };
        IpcError { code, message }
    }
}

impl From<docket_core::UnknownKind> for IpcError {
    fn from(err: docket_core::UnknownKind) -> Self {
        IpcError::new(ErrorCode::UnknownKind, err.to_string())
    }
}

impl From<RemoteBookError> for IpcError {
    fn from(err: RemoteBookError) -> Self {
        let code = match err {
            RemoteBookError::Unknown(_) => ErrorCode::NotFound,
            RemoteBookError::Exists(_) | RemoteBookError::BadName(_) => ErrorCode::InvalidInput,
            RemoteBookError::Read { .. }
            | RemoteBookError::Corrupt { .. }
            | RemoteBookError::Database(_)
            | RemoteBookError::Damaged { .. } => ErrorCode::Internal,
        };
        IpcError::new(code, err.to_string())
    }
}

impl From<AppError> for IpcError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Remotes(err) => err.into(),
            AppError::Secrets(err) => err.into(),
            AppError::UnknownKind(err) => err.into(),
            AppError::UnknownRemote(name) => IpcError::new(
                ErrorCode::NotFound,
                format!("There is no server named `{name}` any more."),
            ),
            AppError::Provider { remote, source } => IpcError::from_provider(&remote, &source),
            AppError::Http(err) => IpcError::internal(format!("Could not set up HTTP: {err}")),
            AppError::Database(err) => IpcError::internal(err.to_string()),
            AppError::Usage(message) => IpcError::invalid(message),
            AppError::SettingsFile { path, source } => {
                IpcError::internal(format!("Could not save {}: {source}", path.display()))
            }
        }
    }
}

impl From<SecretStoreError> for IpcError {
    fn from(err: SecretStoreError) -> Self {
        IpcError::new(ErrorCode::Keyring, err.to_string())
    }
}

impl From<CatalogError> for IpcError {
    fn from(err: CatalogError) -> Self {
        match err {
            CatalogError::Provider { remote, source } => IpcError::from_provider(&remote, &source),
            CatalogError::UnknownRemote(name) => IpcError::new(
                ErrorCode::NotFound,
                format!("There is no server named `{name}` any more."),
            ),
            CatalogError::BadQuery(message) => IpcError::invalid(message),
            CatalogError::Database(_) | CatalogError::Damaged { .. } => {
                IpcError::internal(err.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_crosses_ipc_as_code_and_message() {
        let err: IpcError = docket_providers::registry::find("ftp")
            .err()
            .unwrap()
            .into();
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "unknown_kind");
        assert!(json["message"].as_str().unwrap().contains("`ftp`"));
        assert_eq!(
            json.as_object().unwrap().len(),
            2,
            "only code and message: {json}"
        );
    }

    #[test]
    fn refused_credentials_keep_the_servers_words_and_say_what_to_do() {
        let err = IpcError::from_provider(
            "files",
            &ProviderError::Unauthorized {
                message: "Invalid UID or PWD".into(),
            },
        );
        assert_eq!(err.code, ErrorCode::Unauthorized);
        assert!(
            err.message.contains("Invalid UID or PWD"),
            "{}",
            err.message
        );
        assert!(err.message.contains("files"), "{}", err.message);
    }

    #[test]
    fn a_network_failure_is_reported_as_unreachable() {
        let err = IpcError::from_provider("files", &ProviderError::transient("connection refused"));
        assert_eq!(err.code, ErrorCode::Unreachable);
    }
}
