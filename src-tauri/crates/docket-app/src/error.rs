//! Why the core could not do something, keeping what kind of trouble it is (a keyring that is locked, a remote
//! that is gone, a server that refused) so each front end words it and the queue retries what is retryable.

use docket_core::{ProviderError, UnknownKind};
use docket_store::{DatabaseError, RemoteBookError, SecretStoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error(transparent)]
    Remotes(#[from] RemoteBookError),
    #[error(transparent)]
    Secrets(#[from] SecretStoreError),
    /// A remote the data dir has no configuration for (any more).
    #[error("there is no remote named `{0}` any more")]
    UnknownRemote(String),
    /// A remote of a kind no provider module speaks.
    #[error(transparent)]
    UnknownKind(#[from] UnknownKind),
    /// Building the remote's provider failed (a bad setting, an unsafe transport).
    #[error("{remote}: {source}")]
    Provider {
        remote: String,
        source: ProviderError,
    },
    #[error("could not set up HTTP: {0}")]
    Http(String),
    /// The settings file could not be written.
    #[error("could not save {}: {source}", path.display())]
    SettingsFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// What the person gave cannot be used as it is; the message names the field and what to put there.
    #[error("{0}")]
    Usage(String),
}

impl AppError {
    /// The failure as the transfer engine reads it: trouble that passes by itself (a keyring that is locked or
    /// unreachable, a busy database) is `Transient`, so a queued transfer is retried instead of failed for
    /// good; what the user must fix (a missing secret, a remote that is gone) is not.
    pub fn to_provider_error(&self) -> ProviderError {
        let message = self.to_string();
        match self {
            AppError::Secrets(SecretStoreError::Unavailable { .. })
            | AppError::Remotes(RemoteBookError::Database(_))
            | AppError::Database(_) => ProviderError::Transient { message },
            AppError::Secrets(SecretStoreError::Refused { .. }) => {
                ProviderError::Unauthorized { message }
            }
            AppError::Provider { source, .. } => source.clone(),
            AppError::Secrets(SecretStoreError::Missing { .. })
            | AppError::Remotes(_)
            | AppError::UnknownRemote(_)
            | AppError::UnknownKind(_)
            | AppError::Http(_)
            | AppError::SettingsFile { .. }
            | AppError::Usage(_) => ProviderError::InvalidRequest { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable() -> SecretStoreError {
        SecretStoreError::Unavailable {
            remote: "room".into(),
            key: "password".into(),
            reason: "the collection is locked".into(),
            env_var: "DOCKET_SECRET_ROOM_PASSWORD".into(),
        }
    }

    #[test]
    fn a_keyring_that_cannot_be_reached_now_is_worth_retrying() {
        let err = AppError::from(unavailable()).to_provider_error();
        assert!(err.is_retryable(), "{err:?}");
        assert!(err.message().contains("the collection is locked"), "{err}");
    }

    #[test]
    fn a_missing_secret_or_a_remote_that_is_gone_is_not() {
        let missing = AppError::from(SecretStoreError::Missing {
            remote: "room".into(),
            key: "password".into(),
            env_var: "DOCKET_SECRET_ROOM_PASSWORD".into(),
        });
        for err in [missing, AppError::UnknownRemote("gone".into())] {
            let err = err.to_provider_error();
            assert!(
                matches!(err, ProviderError::InvalidRequest { .. }),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_server_failure_keeps_its_own_kind() {
        let err = AppError::Provider {
            remote: "room".into(),
            source: ProviderError::transient("reset"),
        };
        assert_eq!(err.to_provider_error(), ProviderError::transient("reset"));
    }
}
