//! The configured remotes as the window uses them: the application core's [`Remotes`] (settings from the data
//! dir, secrets from the keyring, one ready provider per remote), with failures worded for the window, and the
//! connection form's drafts.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use docket_app::Remotes;
use docket_core::{Credentials, Kind, RemoteConfig, Secret};
use docket_providers::settings::{self, SettingsProblem};
use docket_providers::SharedProvider;
use docket_store::{RemoteBook, SecretStore};

use crate::error::IpcError;

pub struct Connections {
    remotes: Arc<Remotes>,
    pub http: reqwest::Client,
}

impl Connections {
    pub async fn open(
        book: RemoteBook,
        secrets: SecretStore,
        http: reqwest::Client,
    ) -> Result<Self, IpcError> {
        let remotes = Remotes::open(book, secrets, http).await?;
        Ok(Connections::of(Arc::new(remotes)))
    }

    pub fn of(remotes: Arc<Remotes>) -> Self {
        Connections {
            http: remotes.http.clone(),
            remotes,
        }
    }

    /// The core's remotes, which the transfer queue finds its providers through too.
    pub fn remotes(&self) -> &Arc<Remotes> {
        &self.remotes
    }

    /// Reads the remotes again and drops every cached provider.
    pub async fn reload(&self) -> Result<Vec<RemoteConfig>, IpcError> {
        Ok(self.remotes.reload().await?)
    }

    pub fn list(&self) -> Vec<RemoteConfig> {
        self.remotes.list()
    }

    pub fn config(&self, name: &str) -> Result<RemoteConfig, IpcError> {
        Ok(self.remotes.config(name)?)
    }

    /// The provider of a configured remote; built once, then shared (it keeps its sessions and tokens).
    pub fn provider(&self, name: &str) -> Result<SharedProvider, IpcError> {
        Ok(self.remotes.provider(name)?)
    }

    /// Adds (or with `replace`, replaces) a remote in the book.
    pub async fn add(&self, config: RemoteConfig, replace: bool) -> Result<(), IpcError> {
        Ok(self.remotes.add(config, replace).await?)
    }

    /// Removes the remote and every secret its kind may have stored.
    pub async fn remove(&self, name: &str) -> Result<(), IpcError> {
        Ok(self.remotes.remove(name).await?)
    }

    /// Stores every secret of `credentials` under `remote`.
    pub fn store_secrets(&self, remote: &str, credentials: &Credentials) -> Result<(), IpcError> {
        Ok(self.remotes.store_secrets(remote, credentials)?)
    }

    /// Deletes the secrets `kinds` take that are filed under `name` and not in `kept` (see
    /// [`Remotes::delete_secrets_except`]).
    pub fn delete_secrets_except(
        &self,
        name: &str,
        kinds: &[Kind],
        kept: &Credentials,
    ) -> Result<(), IpcError> {
        Ok(self.remotes.delete_secrets_except(name, kinds, kept)?)
    }

    /// Removing a remote deletes its secrets in the core; the tests clean up after themselves with this.
    #[cfg(test)]
    pub fn delete_secrets(&self, name: &str, kind: Kind) -> Result<(), IpcError> {
        Ok(self.remotes.delete_secrets(name, kind)?)
    }
}

/// A remote as the connection form sends it. Secrets left empty keep the stored ones when editing.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RemoteDraft {
    /// The name the remote had before this edit; `None` when adding.
    pub original_name: Option<String>,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub settings: BTreeMap<String, String>,
    pub secrets: BTreeMap<String, String>,
}

/// A draft checked against its kind's settings: the configuration and the secrets typed in this time.
pub struct CheckedDraft {
    pub config: RemoteConfig,
    pub typed_secrets: Credentials,
}

impl RemoteDraft {
    /// Checks every field, naming the first that is wrong and what to put there.
    pub fn check(&self) -> Result<CheckedDraft, IpcError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(IpcError::invalid(
                "Give the server a name, e.g. `acme-dataroom`.",
            ));
        }
        let entry = docket_providers::registry::find(&self.kind)?;
        let kind = entry.kind;
        let url = check_url(&self.url)?;
        let settings: BTreeMap<String, String> = self
            .settings
            .iter()
            .map(|(key, value)| (key.clone(), value.trim().to_owned()))
            .filter(|(_, value)| !value.is_empty())
            .collect();
        // Secrets left empty may be stored already (`credentials` completes them): only the typed ones and the
        // kind's required ones are judged here.
        let mut secret_keys: BTreeSet<String> = self.secrets.keys().cloned().collect();
        secret_keys.extend(
            entry
                .settings
                .iter()
                .filter(|s| s.secret && s.required)
                .map(|s| s.key.to_owned()),
        );
        settings::check(kind, &settings, &secret_keys).map_err(|problem| form_problem(&problem))?;
        let mut typed_secrets = Credentials::new(name);
        for (key, value) in &self.secrets {
            if !value.is_empty() {
                typed_secrets.insert(key.clone(), Secret::new(value.clone()));
            }
        }
        Ok(CheckedDraft {
            config: RemoteConfig {
                name: name.to_owned(),
                kind,
                url,
                settings,
            },
            typed_secrets,
        })
    }
}

/// A settings problem as the connection dialog says it.
fn form_problem(problem: &SettingsProblem) -> IpcError {
    let text = match problem {
        SettingsProblem::MissingSetting { key, help, .. }
        | SettingsProblem::MissingSecret { key, help, .. } => format!("Fill in `{key}`: {help}."),
        other => format!("{other}."),
    };
    IpcError::invalid(text)
}

impl CheckedDraft {
    /// Refuses settings the kind accepts one by one but not together (found by building the provider without
    /// contacting the server).
    pub fn check_together(&self, credentials: &Credentials) -> Result<(), IpcError> {
        settings::check_together(&self.config, credentials)
            .map_err(|problem| form_problem(&problem))
    }

    /// The typed secrets, completed for those left empty from the keyring when the remote keeps its kind and
    /// origin ([`docket_app::Remotes::complete_credentials`]).
    pub fn credentials(
        &self,
        connections: &Connections,
        original_name: Option<&str>,
    ) -> Result<Credentials, IpcError> {
        Ok(connections.remotes.complete_credentials(
            &self.config,
            &self.typed_secrets,
            original_name,
        )?)
    }
}

/// An `http://` or `https://` address with a host; returned without a trailing slash.
pub fn check_url(url: &str) -> Result<String, IpcError> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(url.trim_end_matches('/').to_owned())
        }
        _ => Err(IpcError::invalid(format!(
            "`{url}` is not a server address: give its base URL, starting with https:// (e.g. https://docs.example.com)."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorCode;

    use super::*;

    fn draft(kind: &str, url: &str) -> RemoteDraft {
        RemoteDraft {
            original_name: None,
            name: "files".into(),
            kind: kind.into(),
            url: url.into(),
            settings: BTreeMap::from([("username".into(), "ada".into())]),
            secrets: BTreeMap::from([("password".into(), "pw".into())]),
        }
    }

    #[test]
    fn a_complete_draft_becomes_a_remote_without_its_secret() {
        let checked = draft("inforouter", "http://127.0.0.1:9/ ").check().unwrap();
        assert_eq!(checked.config.url, "http://127.0.0.1:9");
        assert_eq!(checked.config.settings["username"], "ada");
        assert!(!checked.config.settings.contains_key("password"));
        assert_eq!(
            checked.typed_secrets.get("password").unwrap().expose(),
            "pw"
        );
    }

    #[test]
    fn an_address_without_scheme_or_host_is_refused_with_an_example() {
        for url in ["docs.example.com", "ftp://x", "https://", "http:// x"] {
            let err = draft("inforouter", url).check().err().unwrap();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{url}");
            assert!(err.message.contains("https://"), "{}", err.message);
        }
    }

    #[test]
    fn a_missing_required_setting_is_named_with_its_help() {
        let mut missing = draft("inforouter", "http://127.0.0.1:9");
        missing.settings.clear();
        let err = missing.check().err().unwrap();
        assert!(err.message.contains("`username`"), "{}", err.message);
    }

    #[test]
    fn a_value_the_kind_does_not_accept_and_settings_refused_together_are_named() {
        let mut study = draft("study-creator", "https://kf.example");
        study.settings = BTreeMap::from([("token_type".into(), "basic".into())]);
        study.secrets = BTreeMap::from([("token".into(), "t".into())]);
        let err = study.check().err().unwrap();
        assert!(
            err.message
                .contains("`token_type` cannot be `basic`: use one of `bearer`, `developer`"),
            "{}",
            err.message
        );
        study.settings = BTreeMap::from([
            ("token_type".into(), "developer".into()),
            ("signed_urls".into(), "true".into()),
        ]);
        let checked = study.check().unwrap();
        let err = checked
            .check_together(&checked.typed_secrets)
            .err()
            .unwrap();
        assert!(
            err.message.contains("signed URLs need token_type=bearer"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_setting_of_another_kind_is_refused() {
        let mut wrong = draft("inforouter", "http://127.0.0.1:9");
        wrong.settings.insert("tenant_id".into(), "t".into());
        let err = wrong.check().err().unwrap();
        assert!(err.message.contains("`tenant_id`"), "{}", err.message);
    }

    async fn connections_in(dir: &std::path::Path) -> Connections {
        let pool = docket_store::database::open(dir).await.unwrap();
        let secrets = SecretStore::of_database(&pool).await.unwrap();
        let book = RemoteBook::open(pool, dir).await.unwrap();
        Connections::open(book, secrets, reqwest::Client::new())
            .await
            .unwrap()
    }

    fn remote(kind: Kind, url: &str) -> RemoteConfig {
        RemoteConfig {
            name: "files".into(),
            kind,
            url: url.into(),
            settings: BTreeMap::from([("username".into(), "ada".into())]),
        }
    }

    /// An edit of the saved remote `files` (infoRouter at https://ir.example.com) to `url`, secrets left empty.
    fn edit_to(url: &str) -> RemoteDraft {
        RemoteDraft {
            original_name: Some("files".into()),
            secrets: BTreeMap::new(),
            ..draft("inforouter", url)
        }
    }

    /// Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).
    #[tokio::test]
    async fn an_edit_pointing_a_remote_at_another_server_must_type_its_secret_again() {
        let dir = tempfile::tempdir().unwrap();
        let connections = connections_in(dir.path()).await;
        connections
            .add(
                remote(docket_providers::inforouter::KIND, "https://ir.example.com"),
                false,
            )
            .await
            .unwrap();
        connections
            .remotes()
            .secrets
            .store("files", "password", &Secret::new("saved-pw"))
            .unwrap();

        let mut refusals = Vec::new();
        for url in ["https://files.attacker.example", "http://ir.example.com"] {
            let checked = edit_to(url).check().unwrap();
            refusals.push((url, checked.credentials(&connections, Some("files"))));
        }
        let mut typed_again = edit_to("https://files.example.org");
        typed_again.secrets = BTreeMap::from([("password".into(), "new-pw".into())]);
        let checked = typed_again.check().unwrap();
        let typed = checked.credentials(&connections, Some("files"));
        connections
            .delete_secrets("files", docket_providers::inforouter::KIND)
            .unwrap();

        for (url, refusal) in refusals {
            let err = refusal
                .err()
                .unwrap_or_else(|| panic!("the saved password went to {url}"));
            assert_eq!(err.code, ErrorCode::InvalidInput);
            assert!(
                err.message.starts_with("Enter `password` again:"),
                "{}",
                err.message
            );
            assert!(err.message.contains(url), "{}", err.message);
        }
        assert_eq!(typed.unwrap().get("password").unwrap().expose(), "new-pw");
    }

    /// Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).
    #[tokio::test]
    async fn an_edit_keeping_the_kind_and_origin_reuses_the_saved_secret() {
        let dir = tempfile::tempdir().unwrap();
        let connections = connections_in(dir.path()).await;
        connections
            .add(
                remote(docket_providers::inforouter::KIND, "https://ir.example.com"),
                false,
            )
            .await
            .unwrap();
        connections
            .remotes()
            .secrets
            .store("files", "password", &Secret::new("saved-pw"))
            .unwrap();
        let checked = edit_to("https://ir.example.com:443/another/path")
            .check()
            .unwrap();
        let credentials = checked.credentials(&connections, Some("files"));
        connections
            .delete_secrets("files", docket_providers::inforouter::KIND)
            .unwrap();
        assert_eq!(
            credentials.unwrap().get("password").unwrap().expose(),
            "saved-pw"
        );
    }

    #[tokio::test]
    async fn a_new_remote_without_its_required_secret_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let connections = connections_in(dir.path()).await;
        let mut no_secret = draft("inforouter", "http://127.0.0.1:9");
        no_secret.secrets.clear();
        let checked = no_secret.check().unwrap();
        let err = checked.credentials(&connections, None).err().unwrap();
        assert!(err.message.contains("`password`"), "{}", err.message);
    }
}
