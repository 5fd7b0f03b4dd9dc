//! What every command needs, from the application core: the data dir opened ([`Workspace`]: its database, the
//! keyring, one HTTP client) and its remotes with their secrets ([`Remotes`]), with failures worded for the
//! command line.

use std::path::PathBuf;
use std::sync::Arc;

use docket_app::{AppError, Remotes, Workspace};
use docket_core::{Provider, RemoteConfig};
use docket_store::RemoteBookError;

use crate::failure::CliError;

pub struct Context {
    pub workspace: Workspace,
    pub remotes: Arc<Remotes>,
}

impl Context {
    pub async fn new(data_dir: Option<PathBuf>) -> Result<Self, CliError> {
        let workspace = Workspace::open(data_dir).await?;
        let remotes = Arc::new(workspace.unread_remotes());
        Ok(Context { workspace, remotes })
    }

    /// The remote's configuration as the data dir has it now, and a provider holding its secrets from the
    /// keyring.
    pub async fn provider(
        &self,
        remote: &str,
    ) -> Result<(RemoteConfig, Arc<dyn Provider>), CliError> {
        self.remotes
            .fresh_provider(remote)
            .await
            .map_err(|err| match err {
                AppError::UnknownKind(err) => CliError::provider(remote, None, err.into()),
                other => other.into(),
            })
    }
}

impl From<AppError> for CliError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Database(err) => CliError::Database(err),
            AppError::Remotes(err) => CliError::Remotes(err),
            AppError::Secrets(err) => CliError::Secrets(err),
            AppError::UnknownRemote(name) => CliError::Remotes(RemoteBookError::Unknown(name)),
            AppError::Provider { remote, source } => CliError::provider(&remote, None, source),
            AppError::Usage(message) => CliError::Usage(message),
            AppError::UnknownKind(_) | AppError::Http(_) | AppError::SettingsFile { .. } => {
                CliError::Io(err.to_string())
            }
        }
    }
}
