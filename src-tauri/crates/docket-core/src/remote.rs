//! A configured remote: which server, where, its non-secret settings, and (separately) its secrets.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ProviderError;
use crate::kind::Kind;
use crate::secret::Secret;

/// What is stored about a remote outside the keyring. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteConfig {
    pub name: String,
    pub kind: Kind,
    /// The server's base address, e.g. `https://dataroom.example.com` (no trailing slash needed).
    pub url: String,
    #[serde(default)]
    pub settings: BTreeMap<String, String>,
}

impl RemoteConfig {
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A setting the provider cannot work without; the error says how to set it.
    pub fn require(&self, key: &str) -> Result<&str, ProviderError> {
        self.setting(key).ok_or_else(|| ProviderError::InvalidRequest {
            message: format!(
                "remote `{}` has no `{key}` setting: add it with `docket remote add {} --kind {} --url URL --set {key}=VALUE`",
                self.name, self.name, self.kind
            ),
        })
    }

    /// The base URL without a trailing slash, so paths can be appended with `format!("{base}/path")`.
    pub fn base_url(&self) -> &str {
        self.url.trim_end_matches('/')
    }
}

/// The secrets of one remote, by key (`token`, `password`, `client_secret`, `api_key`).
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    remote: String,
    secrets: BTreeMap<String, Secret>,
}

impl Credentials {
    pub fn new(remote: impl Into<String>) -> Self {
        Credentials {
            remote: remote.into(),
            secrets: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.insert(key, value);
        self
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Secret>) {
        self.secrets.insert(key.into(), value.into());
    }

    pub fn get(&self, key: &str) -> Option<&Secret> {
        self.secrets.get(key).filter(|s| !s.is_empty())
    }

    /// A secret the provider cannot work without; the error names the remote and the key, never a value.
    pub fn require(&self, key: &str) -> Result<&Secret, ProviderError> {
        self.get(key).ok_or_else(|| ProviderError::InvalidRequest {
            message: format!(
                "remote `{}` has no `{key}` secret: store it with `docket remote add {} ... --secret {key}` \
                 (or set {})",
                self.remote,
                self.remote,
                secret_env_var(&self.remote, key)
            ),
        })
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.secrets.keys().map(String::as_str)
    }
}

/// The environment variable that supplies secret `key` of remote `remote` where the OS keyring cannot:
/// `DOCKET_SECRET_<REMOTE>_<KEY>`, both upper case with every character but an ASCII letter or digit as `_`
/// (`DOCKET_SECRET_DEMO_INDEX_HEALTH_CLIENT_SECRET`). One variable per remote, so a secret meant for one
/// server is never sent to another that takes a secret of the same name.
pub fn secret_env_var(remote: &str, key: &str) -> String {
    format!("DOCKET_SECRET_{}_{}", env_word(remote), env_word(key))
}

/// `DOCKET_SECRET_<KEY>`, the form earlier Dockets read for every remote; it names no remote, so it is only
/// unambiguous where a single remote takes that secret.
pub fn shared_secret_env_var(key: &str) -> String {
    format!("DOCKET_SECRET_{}", env_word(key))
}

fn env_word(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// What values a setting accepts; the CLI and the connection dialog refuse anything else when a remote is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRule {
    /// Any text.
    Text,
    /// `true` or `false`.
    Flag,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A whole number from `min` to `max`.
    Number { min: u64, max: u64 },
}

impl ValueRule {
    /// `None` when `value` fits; else what would fit, for the message.
    pub fn refuses(&self, value: &str) -> Option<String> {
        match self {
            ValueRule::Text => None,
            ValueRule::Flag => {
                (!matches!(value, "true" | "false")).then(|| "`true` or `false`".to_owned())
            }
            ValueRule::OneOf(words) => (!words.contains(&value)).then(|| {
                let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                format!("one of {}", quoted.join(", "))
            }),
            ValueRule::Number { min, max } => {
                let fits = value
                    .parse::<u64>()
                    .is_ok_and(|n| (*min..=*max).contains(&n));
                (!fits).then(|| format!("a whole number from {min} to {max}"))
            }
        }
    }
}

/// One setting a kind of remote takes; the CLI and the UI build their forms and checks from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingSpec {
    pub key: &'static str,
    pub secret: bool,
    pub required: bool,
    pub help: &'static str,
    pub value: ValueRule,
}

impl SettingSpec {
    pub const fn required(key: &'static str, help: &'static str) -> Self {
        SettingSpec {
            key,
            secret: false,
            required: true,
            help,
            value: ValueRule::Text,
        }
    }

    pub const fn optional(key: &'static str, help: &'static str) -> Self {
        SettingSpec {
            key,
            secret: false,
            required: false,
            help,
            value: ValueRule::Text,
        }
    }

    pub const fn secret(key: &'static str, help: &'static str) -> Self {
        SettingSpec {
            key,
            secret: true,
            required: true,
            help,
            value: ValueRule::Text,
        }
    }

    /// The same setting, accepting only values `value` allows.
    pub const fn accepting(self, value: ValueRule) -> Self {
        SettingSpec { value, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_variable_names_the_remote_and_the_key_in_upper_case() {
        assert_eq!(
            secret_env_var("demo-index-health", "client_secret"),
            "DOCKET_SECRET_DEMO_INDEX_HEALTH_CLIENT_SECRET"
        );
        assert_eq!(
            secret_env_var("Room 2.0", "api-key"),
            "DOCKET_SECRET_ROOM_2_0_API_KEY"
        );
        assert_eq!(shared_secret_env_var("api-key"), "DOCKET_SECRET_API_KEY");
    }

    #[test]
    fn a_missing_secret_names_the_remotes_own_variable() {
        let err = Credentials::new("acme-room").require("token").unwrap_err();
        assert!(
            err.to_string()
                .contains("set DOCKET_SECRET_ACME_ROOM_TOKEN"),
            "{err}"
        );
    }

    #[test]
    fn a_rule_refuses_what_does_not_fit_and_says_what_would() {
        assert_eq!(ValueRule::Flag.refuses("true"), None);
        assert_eq!(
            ValueRule::Flag.refuses("maybe").as_deref(),
            Some("`true` or `false`")
        );
        let kinds = ValueRule::OneOf(&["bearer", "developer"]);
        assert_eq!(kinds.refuses("developer"), None);
        assert_eq!(
            kinds.refuses("basic").as_deref(),
            Some("one of `bearer`, `developer`")
        );
        let pages = ValueRule::Number { min: 1, max: 100 };
        assert_eq!(pages.refuses("100"), None);
        assert!(pages.refuses("0").is_some() && pages.refuses("101").is_some());
        assert!(pages.refuses("ten").is_some());
        assert_eq!(ValueRule::Text.refuses("anything"), None);
    }
}
