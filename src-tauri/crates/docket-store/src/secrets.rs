//! Secrets in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows), never
//! in a file. `DOCKET_SECRET_<REMOTE>_<KEY>` environment variables are the headless alternative; the older
//! `DOCKET_SECRET_<KEY>` names no remote, so it is read only while a single configured remote takes that secret.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use docket_core::{Credentials, Secret, SettingSpec};

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

/// The environment variable that supplies secret `key` of `remote` headlessly:
/// `DOCKET_SECRET_ROOM_CLIENT_SECRET` for `client_secret` of remote `room`.
pub fn env_var_for(remote: &str, key: &str) -> String {
    docket_core::remote::secret_env_var(remote, key)
}

/// `DOCKET_SECRET_<KEY>`, the form earlier Dockets read for any remote.
pub fn shared_env_var_for(key: &str) -> String {
    docket_core::remote::shared_secret_env_var(key)
}

/// The secrets of one data dir. Entries are filed under the data dir's id ([`crate::database::data_dir_id`]) and
/// the remote's name, so two data dirs with a remote of the same name never read, replace or delete each other's
/// secrets.
#[derive(Debug, Clone)]
pub struct SecretStore {
    data_dir_id: String,
    /// The configured remotes and the secret keys each takes, which decide whether an environment variable
    /// names one remote only. Shared by clones, so telling one store tells them all.
    remotes: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>>,
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
            remotes: Arc::default(),
        }
    }

    /// Tells the store which remotes are configured and the secret keys each takes, replacing what it knew.
    /// Until told, no remote gets a secret from `DOCKET_SECRET_<KEY>`.
    pub fn set_configured_remotes(&self, remotes: impl IntoIterator<Item = (String, Vec<String>)>) {
        *self.lock_remotes() = remotes
            .into_iter()
            .map(|(name, keys)| (name, keys.into_iter().collect()))
            .collect();
    }

    pub fn store(&self, remote: &str, key: &str, value: &Secret) -> Result<(), SecretStoreError> {
        let entry = self.entry(remote, key)?;
        entry
            .set_password(value.expose())
            .map_err(|err| classify(remote, key, err))
    }

    /// The secret from the keyring; when the keyring has none or is unavailable, from the environment
    /// (`DOCKET_SECRET_<REMOTE>_<KEY>`, or the older form where it is unambiguous).
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
            Err(problem) => self.environment_value(remote, key).ok_or(problem),
        }
    }

    /// `DOCKET_SECRET_<REMOTE>_<KEY>`, unless another configured remote's name spells the same variable; else
    /// `DOCKET_SECRET_<KEY>` when `remote` is the only configured remote taking `key`, with a warning to use the
    /// remote's own variable. A variable that is set but not used says why, once.
    fn environment_value(&self, remote: &str, key: &str) -> Option<Secret> {
        let own = env_var_for(remote, key);
        let remotes = self.lock_remotes();
        let takers: Vec<&str> = remotes
            .iter()
            .filter(|(_, keys)| keys.contains(key))
            .map(|(name, _)| name.as_str())
            .collect();
        if let Some(value) = set_var(&own) {
            let alike: Vec<&str> = takers
                .iter()
                .copied()
                .filter(|other| *other != remote && env_var_for(other, key) == own)
                .collect();
            if alike.is_empty() {
                return Some(Secret::new(value));
            }
            warn_once(format!(
                "{own} is not used: it would give the `{key}` secret of remote `{remote}` to {} as well, whose \
                 names spell the same variable; rename one of these remotes",
                quoted(&alike)
            ));
            return None;
        }
        let shared = shared_env_var_for(key);
        let value = set_var(&shared)?;
        if takers == [remote] {
            warn_once(format!(
                "{shared} supplies the `{key}` secret of remote `{remote}` only while no other remote takes a \
                 `{key}`: set {own} instead"
            ));
            Some(Secret::new(value))
        } else {
            let why = if takers.len() > 1 {
                format!(
                    "remotes {} all take a `{key}` secret and it names none of them",
                    quoted(&takers)
                )
            } else {
                "it names no remote".to_owned()
            };
            warn_once(format!(
                "{shared} is not used for remote `{remote}`: {why}; set {own} instead (one variable per remote)"
            ));
            None
        }
    }

    fn lock_remotes(&self) -> MutexGuard<'_, BTreeMap<String, BTreeSet<String>>> {
        // The map is replaced whole, so a panic elsewhere cannot leave it half written.
        self.remotes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    /// The secrets among `specs` that the keyring (or the environment) holds under remote `stored_as`, ready
    /// for the provider of remote `remote`; one that is not required and not stored is left out.
    pub fn credentials<'a>(
        &self,
        remote: &str,
        stored_as: &str,
        specs: impl IntoIterator<Item = &'a SettingSpec>,
    ) -> Result<Credentials, SecretStoreError> {
        let mut credentials = Credentials::new(remote);
        for spec in specs.into_iter().filter(|s| s.secret) {
            match self.load(stored_as, spec.key) {
                Ok(value) => credentials.insert(spec.key, value),
                Err(SecretStoreError::Missing { .. }) if !spec.required => {}
                Err(err) => return Err(err),
            }
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

/// The value of environment variable `name` when it is set and not empty.
fn set_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// `a`, `b` and `c`.
fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Logs `message` as a warning the first time it comes up in this process (a queue run loads secrets again
/// for every transfer).
fn warn_once(message: String) {
    static WARNED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let first = WARNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(message.clone());
    if first {
        tracing::warn!("{message}");
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
            env_var: env_var_for(remote, key),
        },
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => {
            SecretStoreError::Unavailable {
                remote: remote.to_owned(),
                key: key.to_owned(),
                reason: inner.to_string(),
                env_var: env_var_for(remote, key),
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
    fn the_environment_variable_names_the_remote_and_the_key_upper_case_with_underscores() {
        assert_eq!(
            env_var_for("ih", "client_secret"),
            "DOCKET_SECRET_IH_CLIENT_SECRET"
        );
        assert_eq!(
            env_var_for("acme-room.2", "api-key"),
            "DOCKET_SECRET_ACME_ROOM_2_API_KEY"
        );
        assert_eq!(shared_env_var_for("api-key"), "DOCKET_SECRET_API_KEY");
    }

    #[test]
    fn names_are_listed_with_and_before_the_last() {
        assert_eq!(quoted(&["a"]), "`a`");
        assert_eq!(quoted(&["a", "b", "c"]), "`a`, `b` and `c`");
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
