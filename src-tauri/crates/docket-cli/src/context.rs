//! What every command needs: the data dir, its database (remotes and catalog), the keyring, one HTTP client.

use std::path::PathBuf;
use std::sync::Arc;

use docket_core::{Provider, RemoteConfig};
use docket_store::{Catalog, RemoteBook, SecretStore, SecretStoreError};

use crate::failure::CliError;

pub struct Context {
    pub data_dir: PathBuf,
    pub book: RemoteBook,
    pub catalog: Catalog,
    pub secrets: SecretStore,
    pub http: reqwest::Client,
}

impl Context {
    pub async fn new(data_dir: Option<PathBuf>) -> Result<Self, CliError> {
        let data_dir = data_dir.unwrap_or_else(docket_core::paths::data_dir);
        let http = docket_core::http::client()
            .map_err(|err| CliError::Io(format!("could not set up HTTP: {err}")))?;
        let pool = docket_store::database::open(&data_dir).await?;
        Ok(Context {
            book: RemoteBook::open(pool.clone(), &data_dir).await?,
            secrets: SecretStore::of_database(&pool).await?,
            catalog: Catalog::new(pool),
            data_dir,
            http,
        })
    }

    /// The remote's configuration and a provider holding its secrets from the keyring.
    pub async fn provider(
        &self,
        remote: &str,
    ) -> Result<(RemoteConfig, Arc<dyn Provider>), CliError> {
        let config = self.book.get(remote).await?;
        // Which remotes take which secrets decides whether `DOCKET_SECRET_<KEY>` names one remote only.
        let remotes = self.book.list().await?;
        self.secrets.set_configured_remotes(
            remotes
                .iter()
                .map(|r| (r.name.clone(), secret_keys(r.kind))),
        );
        let entry = docket_providers::entry(config.kind)
            .map_err(|err| CliError::provider(remote, None, err.into()))?;
        let mut credentials = docket_core::Credentials::new(remote);
        for spec in entry.settings.iter().filter(|s| s.secret) {
            match self.secrets.load(remote, spec.key) {
                Ok(value) => credentials.insert(spec.key, value),
                Err(SecretStoreError::Missing { .. }) if !spec.required => {}
                Err(err) => return Err(err.into()),
            }
        }
        let provider = docket_providers::connect(config.clone(), credentials, self.http.clone())
            .map_err(|err| CliError::provider(remote, None, err))?;
        Ok((config, provider))
    }
}

/// The secrets a kind of remote takes; none known for a kind no module speaks any more.
fn secret_keys(kind: docket_core::Kind) -> Vec<String> {
    docket_providers::entry(kind)
        .map(|entry| entry.settings)
        .unwrap_or_default()
        .iter()
        .filter(|s| s.secret)
        .map(|s| s.key.to_owned())
        .collect()
}
