//! Secrets in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows), never
//! in a file. `DOCKET_SECRET_<KEY>` environment variables are the headless alternative.

use docket_core::{Credentials, Secret};

/// The keyring service name every Docket secret is filed under.
const SERVICE: &str = "docket";

#[derive(Debug, thiserror::Error)]
pub enum SecretStoreError {
    #[error(
        "no OS keyring service is reachable, so the `{key}` secret of remote `{remote}` cannot be kept ({reason}). \
         To fix it on Linux, run a Secret Service in your D-Bus session: gnome-keyring-daemon \
         (`gnome-keyring-daemon --start --components=secrets`) or KeePassXC with Secret Service integration on; on \
         macOS and Windows, run Docket in your logged-in desktop session. Without a keyring (servers, CI), set \
         {env_var} in the environment for each run instead. Docket never writes secrets to a file"
    )]
    Unavailable {
        remote: String,
        key: String,
        reason: String,
        env_var: String,
    },
    #[error("remote `{remote}` has no `{key}` secret in the keyring: add it again with `docket remote add {remote} ... --secret {key}`, or set {env_var}")]
    Missing {
        remote: String,
        key: String,
        env_var: String,
    },
    #[error("the keyring refused the `{key}` secret of remote `{remote}`: {reason}")]
    Refused {
        remote: String,
        key: String,
        reason: String,
    },
}

/// The environment variable that supplies secret `key` headlessly: `DOCKET_SECRET_CLIENT_SECRET` for `client_secret`.
pub fn env_var_for(key: &str) -> String {
    format!(
        "DOCKET_SECRET_{}",
        key.to_ascii_uppercase().replace('-', "_")
    )
}

/// The secrets of one data dir. Entries are filed under the data dir's id ([`crate::database::data_dir_id`]) and
/// the remote's name, so two data dirs with a remote of the same name never read, replace or delete each other's
/// secrets.
#[derive(Debug, Clone)]
pub struct SecretStore {
    data_dir_id: String,
}

impl SecretStore {
    /// The secrets of the data dir whose database is `pool`.
    pub async fn of_database(pool: &sqlx::SqlitePool) -> Result<Self, crate::DatabaseError> {
        Ok(SecretStore::for_data_dir(
            crate::database::data_dir_id(pool).await?,
        ))
    }

    /// The secrets of the data dir whose id is `data_dir_id`.
    pub fn for_data_dir(data_dir_id: impl Into<String>) -> Self {
        SecretStore {
            data_dir_id: data_dir_id.into(),
        }
    }

    pub fn store(&self, remote: &str, key: &str, value: &Secret) -> Result<(), SecretStoreError> {
        let entry = self.entry(remote, key)?;
        entry
            .set_password(value.expose())
            .map_err(|err| classify(remote, key, err))
    }

    /// The secret from the keyring; when the keyring has none or is unavailable, from `DOCKET_SECRET_<KEY>`.
    pub fn load(&self, remote: &str, key: &str) -> Result<Secret, SecretStoreError> {
        let from_keyring = self.entry(remote, key).and_then(|entry| {
            entry
                .get_password()
                .map_err(|err| classify(remote, key, err))
        });
        let from_keyring = match from_keyring {
            Err(SecretStoreError::Missing { .. }) => self.adopt_unscoped(remote, key),
            other => other,
        };
        match from_keyring {
            Ok(value) => Ok(Secret::new(value)),
            Err(problem) => match std::env::var(env_var_for(key)) {
                Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
                _ => Err(problem),
            },
        }
    }

    /// Removes this data dir's secret; one that is not there is not an error. An entry an older Docket filed
    /// under the remote's name alone may belong to another data dir and is left alone.
    pub fn delete(&self, remote: &str, key: &str) -> Result<(), SecretStoreError> {
        let entry = self.entry(remote, key)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(classify(remote, key, err)),
        }
    }

    /// The named secrets of one remote, ready for its provider.
    pub fn credentials(
        &self,
        remote: &str,
        keys: &[&str],
    ) -> Result<Credentials, SecretStoreError> {
        let mut credentials = Credentials::new(remote);
        for key in keys {
            credentials.insert(*key, self.load(remote, key)?);
        }
        Ok(credentials)
    }

    fn entry(&self, remote: &str, key: &str) -> Result<keyring::Entry, SecretStoreError> {
        keyring::Entry::new(SERVICE, &scoped_user(&self.data_dir_id, remote, key))
            .map_err(|err| classify(remote, key, err))
    }

    /// Moves a secret an older Docket filed under the remote's name alone to this data dir's entry: the first
    /// data dir that asks for it takes it over, so it is never shared again.
    fn adopt_unscoped(&self, remote: &str, key: &str) -> Result<String, SecretStoreError> {
        let unscoped = keyring::Entry::new(SERVICE, &unscoped_user(remote, key))
            .map_err(|err| classify(remote, key, err))?;
        let value = unscoped
            .get_password()
            .map_err(|err| classify(remote, key, err))?;
        self.store(remote, key, &Secret::new(value.clone()))?;
        if let Err(err) = unscoped.delete_credential() {
            tracing::warn!(
                remote,
                key,
                "moved a secret to this data dir but could not remove the old entry: {err}"
            );
        }
        tracing::info!(
            remote,
            key,
            "moved a secret filed by an older Docket to this data dir's keyring entry"
        );
        Ok(value)
    }
}

/// The keyring user of a secret: `<data dir id>/<remote>/<key>`.
fn scoped_user(data_dir_id: &str, remote: &str, key: &str) -> String {
    format!("{data_dir_id}/{remote}/{key}")
}

/// How Docket 0.1 filed secrets, before data dirs had ids.
fn unscoped_user(remote: &str, key: &str) -> String {
    format!("{remote}/{key}")
}

fn classify(remote: &str, key: &str, err: keyring::Error) -> SecretStoreError {
    match err {
        keyring::Error::NoEntry => SecretStoreError::Missing {
            remote: remote.to_owned(),
            key: key.to_owned(),
            env_var: env_var_for(key),
        },
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            SecretStoreError::Unavailable {
                remote: remote.to_owned(),
                key: key.to_owned(),
                reason: inner.to_string(),
                env_var: env_var_for(key),
            }
        }
        other => SecretStoreError::Refused {
            remote: remote.to_owned(),
            key: key.to_owned(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_variable_name_is_upper_case_with_underscores() {
        assert_eq!(env_var_for("client_secret"), "DOCKET_SECRET_CLIENT_SECRET");
        assert_eq!(env_var_for("api-key"), "DOCKET_SECRET_API_KEY");
    }

    /// Runs against the real Secret Service that `cargo xtask test` starts (gnome-keyring in a D-Bus session).
    #[test]
    fn a_stored_secret_comes_back_from_the_os_keyring_and_is_gone_after_delete() {
        let store = SecretStore::for_data_dir("test-data-dir");
        let remote = format!("keyring-test-{}", std::process::id());
        store
            .store(&remote, "token", &Secret::new("s3cr3t-value"))
            .unwrap();
        assert_eq!(
            store.load(&remote, "token").unwrap().expose(),
            "s3cr3t-value"
        );
        store.delete(&remote, "token").unwrap();
        assert!(matches!(
            store.load(&remote, "token"),
            Err(SecretStoreError::Missing { .. })
        ));
    }
}
