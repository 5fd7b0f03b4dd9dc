//! The configured remotes: their settings from the data dir, their secrets from the keyring (loaded in one
//! place), and one ready provider per remote, built on first use and shared after (it keeps its sessions and
//! tokens).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use docket_core::{Credentials, DocRef, Kind, RemoteConfig, SettingSpec};
use docket_providers::SharedProvider;
use docket_store::{RemoteBook, SecretStore};

use crate::error::AppError;
use crate::preview::Prefix;

pub struct Remotes {
    book: RemoteBook,
    pub secrets: SecretStore,
    pub http: reqwest::Client,
    /// The remotes as last read from the book, so providers can be built without waiting on the database.
    configs: Mutex<Vec<RemoteConfig>>,
    providers: Mutex<HashMap<String, SharedProvider>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the data itself intact.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Remotes {
    /// The remotes of `book`, read now.
    pub async fn open(
        book: RemoteBook,
        secrets: SecretStore,
        http: reqwest::Client,
    ) -> Result<Self, AppError> {
        let remotes = Remotes::unread(book, secrets, http);
        remotes.reload().await?;
        Ok(remotes)
    }

    /// The remotes of `book`, not read until [`Remotes::reload`] (a command that never needs them then never
    /// fails on a damaged book).
    pub fn unread(book: RemoteBook, secrets: SecretStore, http: reqwest::Client) -> Self {
        Remotes {
            book,
            secrets,
            http,
            configs: Mutex::new(Vec::new()),
            providers: Mutex::new(HashMap::new()),
        }
    }

    /// Reads the remotes again and drops every cached provider.
    pub async fn reload(&self) -> Result<Vec<RemoteConfig>, AppError> {
        let remotes = self.book.list().await?;
        self.tell_secrets(&remotes);
        *lock(&self.configs) = remotes.clone();
        lock(&self.providers).clear();
        Ok(remotes)
    }

    /// Which remotes take which secrets decides whether `DOCKET_SECRET_<KEY>` names one remote only.
    fn tell_secrets(&self, remotes: &[RemoteConfig]) {
        self.secrets.set_configured_remotes(remotes.iter().map(|r| {
            (
                r.name.clone(),
                secret_keys(r.kind).map(str::to_owned).collect(),
            )
        }));
    }

    pub fn list(&self) -> Vec<RemoteConfig> {
        lock(&self.configs).clone()
    }

    pub fn config(&self, name: &str) -> Result<RemoteConfig, AppError> {
        lock(&self.configs)
            .iter()
            .find(|r| r.name == name)
            .cloned()
            .ok_or_else(|| AppError::UnknownRemote(name.to_owned()))
    }

    /// The provider of a configured remote; built once, then shared.
    pub fn provider(&self, name: &str) -> Result<SharedProvider, AppError> {
        if let Some(provider) = lock(&self.providers).get(name) {
            return Ok(provider.clone());
        }
        let config = self.config(name)?;
        let provider = self.connect(config)?;
        lock(&self.providers).insert(name.to_owned(), provider.clone());
        Ok(provider)
    }

    /// The remote's configuration as the book has it now, and a provider of its own (not the shared one): for a
    /// command that runs once and must see what another process changed.
    pub async fn fresh_provider(
        &self,
        name: &str,
    ) -> Result<(RemoteConfig, SharedProvider), AppError> {
        let config = self.book.get(name).await?;
        self.tell_secrets(&self.book.list().await?);
        let provider = self.connect(config.clone())?;
        Ok((config, provider))
    }

    /// A provider for `config` with its secrets from the keyring.
    fn connect(&self, config: RemoteConfig) -> Result<SharedProvider, AppError> {
        let name = config.name.clone();
        let credentials = self.stored_credentials(&config, &name)?;
        docket_providers::connect(config, credentials, self.http.clone()).map_err(|source| {
            AppError::Provider {
                remote: name,
                source,
            }
        })
    }

    /// The secrets of `config`'s kind that the keyring holds under remote `stored_as` (the remote's name, or the
    /// one it had before an edit). The one place Docket loads a remote's credentials.
    pub fn stored_credentials(
        &self,
        config: &RemoteConfig,
        stored_as: &str,
    ) -> Result<Credentials, AppError> {
        let specs = docket_providers::entry(config.kind)?.settings;
        Ok(self.secrets.credentials(&config.name, stored_as, specs)?)
    }

    /// At most `limit` bytes from the start of document `doc` of `remote`, for a preview ([`crate::preview`]).
    pub async fn prefix(&self, remote: &str, doc: &DocRef, limit: u64) -> Result<Prefix, AppError> {
        let provider = self.provider(remote)?;
        crate::preview::fetch_prefix(provider.as_ref(), &self.http, doc, limit)
            .await
            .map_err(|source| AppError::Provider {
                remote: remote.to_owned(),
                source,
            })
    }

    /// Adds (or with `replace`, replaces) a remote in the book.
    pub async fn add(&self, config: RemoteConfig, replace: bool) -> Result<(), AppError> {
        self.book.add(config, replace).await?;
        self.reload().await?;
        Ok(())
    }

    /// Removes the remote and every secret its kind may have stored.
    pub async fn remove(&self, name: &str) -> Result<(), AppError> {
        let removed = self.book.remove(name).await?;
        self.delete_secrets(name, removed.kind)?;
        self.reload().await?;
        Ok(())
    }

    /// Stores every secret of `credentials` under `remote`.
    pub fn store_secrets(&self, remote: &str, credentials: &Credentials) -> Result<(), AppError> {
        for key in credentials.keys() {
            if let Some(value) = credentials.get(key) {
                self.secrets.store(remote, key, value)?;
            }
        }
        Ok(())
    }

    /// Deletes the secrets `kinds` take that are filed under `name` and not in `kept`: what a remote saved
    /// for another server or kind left behind, which would otherwise be sent to its new one later.
    pub fn delete_secrets_except(
        &self,
        name: &str,
        kinds: &[Kind],
        kept: &Credentials,
    ) -> Result<(), AppError> {
        for kind in kinds {
            for key in secret_keys(*kind).filter(|key| kept.get(key).is_none()) {
                self.secrets.delete(name, key)?;
            }
        }
        Ok(())
    }

    pub fn delete_secrets(&self, name: &str, kind: Kind) -> Result<(), AppError> {
        for key in secret_keys(kind) {
            self.secrets.delete(name, key)?;
        }
        Ok(())
    }
}

/// The secrets a kind of remote takes; none known for a kind no module speaks any more.
pub fn secret_specs(kind: Kind) -> impl Iterator<Item = &'static SettingSpec> {
    docket_providers::entry(kind)
        .map_or(&[][..], |entry| entry.settings)
        .iter()
        .filter(|s| s.secret)
}

/// The keys of [`secret_specs`].
pub fn secret_keys(kind: Kind) -> impl Iterator<Item = &'static str> {
    secret_specs(kind).map(|s| s.key)
}
