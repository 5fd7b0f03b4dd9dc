//! Checking a remote's settings and secrets when it is added, against what its kind declares: known keys,
//! required ones present, values the kind accepts, and (by building the provider without contacting the server)
//! combinations the kind refuses. Both front ends call this, so a remote that would fail on first use is refused
//! when it is added, with the setting named and what would fit.

use std::collections::{BTreeMap, BTreeSet};

use docket_core::{Credentials, Kind, ProviderError, RemoteConfig, SettingSpec};

/// What is wrong with a remote's settings. The words name the setting and what to put there; each front end
/// adds how to set it (a flag, a form field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsProblem {
    #[error("{kind} remotes have no setting `{key}`; their settings are: {known}")]
    UnknownSetting {
        kind: Kind,
        key: String,
        known: String,
    },
    #[error("{kind} remotes have no secret `{key}`; their secrets are: {known}")]
    UnknownSecret {
        kind: Kind,
        key: String,
        known: String,
    },
    #[error("{kind} remotes need the setting `{key}`: {help}")]
    MissingSetting {
        kind: Kind,
        key: &'static str,
        help: &'static str,
    },
    #[error("{kind} remotes need the secret `{key}`: {help}")]
    MissingSecret {
        kind: Kind,
        key: &'static str,
        help: &'static str,
    },
    #[error("`{key}` cannot be `{value}`: use {allowed} ({help})")]
    BadValue {
        key: &'static str,
        value: String,
        allowed: String,
        help: &'static str,
    },
    /// No registered module speaks the remote's kind.
    #[error(transparent)]
    UnknownKind(#[from] docket_core::UnknownKind),
    /// The provider refuses the settings together (e.g. signed URLs with a developer token).
    #[error("{0}")]
    Refused(String),
}

/// Checks settings (`key → value`, empty values already dropped) and which secrets are given; answers the
/// settings to keep.
pub fn check(
    kind: Kind,
    settings: &BTreeMap<String, String>,
    secrets: &BTreeSet<String>,
) -> Result<(), SettingsProblem> {
    let specs: Vec<&SettingSpec> = crate::entry(kind)?.all_settings().collect();
    let known = |secret: bool| {
        specs
            .iter()
            .filter(|s| s.secret == secret)
            .map(|s| s.key)
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (key, value) in settings {
        let Some(spec) = specs.iter().find(|s| s.key == key && !s.secret) else {
            return Err(SettingsProblem::UnknownSetting {
                kind,
                key: key.clone(),
                known: known(false),
            });
        };
        if let Some(allowed) = spec.value.refuses(value) {
            return Err(SettingsProblem::BadValue {
                key: spec.key,
                value: value.clone(),
                allowed,
                help: spec.help,
            });
        }
    }
    for key in secrets {
        if !specs.iter().any(|s| s.key == key && s.secret) {
            return Err(SettingsProblem::UnknownSecret {
                kind,
                key: key.clone(),
                known: known(true),
            });
        }
    }
    for spec in specs.iter().filter(|s| s.required) {
        let given = if spec.secret {
            secrets.contains(spec.key)
        } else {
            settings.contains_key(spec.key)
        };
        match (given, spec.secret) {
            (true, _) => {}
            (false, false) => {
                return Err(SettingsProblem::MissingSetting {
                    kind,
                    key: spec.key,
                    help: spec.help,
                })
            }
            (false, true) => {
                return Err(SettingsProblem::MissingSecret {
                    kind,
                    key: spec.key,
                    help: spec.help,
                })
            }
        }
    }
    Ok(())
}

/// Builds the provider from `config` and `credentials` without sending anything, so what it refuses (a
/// combination of settings, an address) is refused now. Call after [`check`].
pub fn check_together(
    config: &RemoteConfig,
    credentials: &Credentials,
) -> Result<(), SettingsProblem> {
    // No request is made while building; the client is only held.
    let http = reqwest::Client::new();
    match crate::connect(config.clone(), credentials.clone(), http) {
        Ok(_) => Ok(()),
        Err(ProviderError::InvalidRequest { message }) => Err(SettingsProblem::Refused(message)),
        Err(other) => Err(SettingsProblem::Refused(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docket_core::Secret;

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn secrets(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn a_value_the_kind_does_not_accept_is_refused_naming_what_would_fit() {
        let err = check(
            crate::study_creator::KIND,
            &settings(&[("token_type", "basic")]),
            &secrets(&["token"]),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string().split(" (").next(),
            Some("`token_type` cannot be `basic`: use one of `bearer`, `developer`")
        );
        let err = check(
            crate::study_creator::KIND,
            &settings(&[("token_type", "bearer"), ("signed_urls", "maybe")]),
            &secrets(&["token"]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("use `true` or `false`"), "{err}");
    }

    #[test]
    fn missing_and_unknown_keys_are_named_with_what_the_kind_has() {
        let err = check(
            crate::study_creator::KIND,
            &settings(&[]),
            &secrets(&["token"]),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                SettingsProblem::MissingSetting {
                    key: "token_type",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = check(
            crate::inforouter::KIND,
            &settings(&[("username", "ada"), ("tenant_id", "t")]),
            &secrets(&["password"]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no setting `tenant_id`"), "{err}");
        let err = check(
            crate::inforouter::KIND,
            &settings(&[("username", "ada")]),
            &secrets(&[]),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                SettingsProblem::MissingSecret {
                    key: "password",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn settings_the_provider_refuses_together_are_refused_when_added() {
        let config = RemoteConfig {
            name: "kf".into(),
            kind: crate::study_creator::KIND,
            url: "https://study-creator.example.org".into(),
            settings: settings(&[("token_type", "developer"), ("signed_urls", "true")]),
        };
        check(config.kind, &config.settings, &secrets(&["token"])).unwrap();
        let credentials = Credentials::new("kf").with("token", Secret::new("dev-token"));
        let err = check_together(&config, &credentials).unwrap_err();
        assert!(
            err.to_string()
                .contains("signed URLs need token_type=bearer"),
            "{err}"
        );
    }
}
