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

#[derive(Debug, Clone, Default)]
pub struct SecretStore;

impl SecretStore {
    pub fn new() -> Self {
        SecretStore
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
        match from_keyring {
            Ok(value) => Ok(Secret::new(value)),
            Err(problem) => match std::env::var(env_var_for(key)) {
                Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
                _ => Err(problem),
            },
        }
    }

    /// Removes a secret; one that is not there is not an error.
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
        keyring::Entry::new(SERVICE, &format!("{remote}/{key}"))
            .map_err(|err| classify(remote, key, err))
    }
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
        let store = SecretStore::new();
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
