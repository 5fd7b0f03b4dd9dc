//! How the transfer queue finds providers: through the same remotes (and provider cache) as browsing, keeping
//! whether a failure is worth retrying.

use std::sync::Arc;

use docket_core::{Provider, ProviderError};
use docket_transfer::ProviderDirectory;

use crate::error::AppError;
use crate::remotes::Remotes;

pub struct QueueDirectory(pub Arc<Remotes>);

#[async_trait::async_trait]
impl ProviderDirectory for QueueDirectory {
    async fn provider(&self, remote: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        match self.0.provider(remote) {
            // Another process (the CLI, another window) may have added it since the remotes were read.
            Err(AppError::UnknownRemote(_)) => {
                self.0
                    .reload()
                    .await
                    .map_err(|err| err.to_provider_error())?;
                self.0.provider(remote)
            }
            found => found,
        }
        .map_err(|err| err.to_provider_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    #[tokio::test]
    async fn a_remote_the_data_dir_does_not_have_fails_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(Some(dir.path().to_owned())).await.unwrap();
        let directory = QueueDirectory(Arc::new(workspace.unread_remotes()));
        let err = directory.provider("gone").await.err().unwrap();
        assert!(!err.is_retryable(), "{err:?}");
        assert!(err.message().contains("`gone`"), "{err}");
    }
}
