//! One module per document-server protocol, each implementing `docket_core::Provider`, and the registry that
//! turns a remote's configuration into a provider. A new protocol adds its module and one line to
//! [`REGISTRY`].

pub mod ansarada;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod graphql;
pub mod index_health;
pub mod inforouter;
mod presigned_storage;
pub mod sage_active;
pub mod settings;
pub mod study_creator;
pub mod transport;

use std::sync::Arc;

use docket_core::{Credentials, Kind, Provider, ProviderError, RemoteConfig, SettingSpec};

/// A ready provider, shared by every caller of one remote.
pub type SharedProvider = Arc<dyn Provider>;

/// Builds a provider from a remote's settings, its secrets and the shared HTTP client.
pub type Connect =
    fn(RemoteConfig, Credentials, reqwest::Client) -> Result<SharedProvider, ProviderError>;

/// How to build one kind of provider, and which settings and secrets it takes.
pub struct ProviderEntry {
    pub kind: Kind,
    pub settings: &'static [SettingSpec],
    pub connect: Connect,
}

/// Settings every kind takes besides its own.
pub const COMMON_SETTINGS: &[SettingSpec] = &[transport::ALLOW_INSECURE_HTTP];

impl ProviderEntry {
    /// The kind's own settings and secrets, then those every kind takes: what forms and `remote add` accept.
    pub fn all_settings(&self) -> impl Iterator<Item = &'static SettingSpec> {
        self.settings.iter().chain(COMMON_SETTINGS.iter())
    }
}

pub const REGISTRY: [ProviderEntry; 5] = [
    ansarada::ENTRY,
    index_health::ENTRY,
    inforouter::ENTRY,
    sage_active::ENTRY,
    study_creator::ENTRY,
];

/// The registry entry of `kind`.
pub fn entry(kind: Kind) -> &'static ProviderEntry {
    // Every Kind has exactly one entry; the registry test below keeps it that way.
    REGISTRY
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or(&REGISTRY[0])
}

/// Builds the provider for a configured remote. Nothing is sent to the server until the first call.
pub fn connect(
    config: RemoteConfig,
    credentials: Credentials,
    http: reqwest::Client,
) -> Result<Arc<dyn Provider>, ProviderError> {
    let entry = entry(config.kind);
    transport::check_transport(&config)?;
    check_settings(&config, &credentials, entry.settings)?;
    (entry.connect)(config, credentials, http)
}

/// Refuses a remote that lacks a required setting or secret, naming it and how to add it.
pub fn check_settings(
    config: &RemoteConfig,
    credentials: &Credentials,
    specs: &[SettingSpec],
) -> Result<(), ProviderError> {
    for spec in specs.iter().filter(|s| s.required) {
        if spec.secret {
            credentials.require(spec.key)?;
        } else {
            config.require(spec.key)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_registry_entry() {
        for kind in Kind::ALL {
            let count = REGISTRY.iter().filter(|e| e.kind == kind).count();
            assert_eq!(count, 1, "{kind} has {count} registry entries");
        }
    }

    #[test]
    fn a_remote_missing_a_required_secret_is_refused_with_its_name() {
        let config = RemoteConfig {
            name: "room".into(),
            kind: Kind::Ansarada,
            url: "http://127.0.0.1:1".into(),
            settings: Default::default(),
        };
        let http = docket_core::http::client().unwrap();
        let err = connect(config, Credentials::new("room"), http)
            .err()
            .expect("refused");
        assert!(err.to_string().contains("`token`"), "{err}");
    }
}
