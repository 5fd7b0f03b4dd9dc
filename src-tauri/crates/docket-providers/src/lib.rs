//! One module per document-server protocol, each implementing `docket_core::Provider`, and the registry that
//! turns a remote's configuration into a provider. A new protocol adds its module (with its `ENTRY`) and one
//! line to [`registry::REGISTRY`].

pub mod ansarada;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod graphql;
pub mod index_health;
pub mod inforouter;
mod presigned_storage;
pub mod registry;
pub mod sage_active;
pub mod settings;
pub mod study_creator;
pub mod transport;

use std::sync::Arc;

use docket_core::{
    Credentials, Kind, Provider, ProviderError, RemoteConfig, SettingSpec, TransferShape,
};

pub use registry::{entry, REGISTRY};

/// A ready provider, shared by every caller of one remote.
pub type SharedProvider = Arc<dyn Provider>;

/// Builds a provider from a remote's settings, its secrets and the shared HTTP client. Settings and transport
/// are checked before it is called (see [`connect_entry`]).
pub type Connect =
    fn(&RemoteConfig, &Credentials, reqwest::Client) -> Result<SharedProvider, ProviderError>;

/// Everything Docket knows about one kind of server, declared once by its module.
pub struct ProviderEntry {
    pub kind: Kind,
    /// The vendor's product name, for people.
    pub display_name: &'static str,
    /// What a download from this kind of server involves, in one line a user can read.
    pub download_summary: &'static str,
    pub transfer_shape: TransferShape,
    pub settings: &'static [SettingSpec],
    pub connect: Connect,
    /// Feeds raw bytes with an HTTP status to the kind's answer parsers (`docket-fuzz`).
    #[cfg(feature = "fuzzing")]
    #[doc(hidden)]
    pub fuzz_answer: fn(u16, &str),
}

/// Settings every kind takes besides its own.
pub const COMMON_SETTINGS: &[SettingSpec] = &[transport::ALLOW_INSECURE_HTTP];

impl ProviderEntry {
    /// The kind's own settings and secrets, then those every kind takes: what forms and `remote add` accept.
    pub fn all_settings(&self) -> impl Iterator<Item = &'static SettingSpec> {
        self.settings.iter().chain(COMMON_SETTINGS.iter())
    }
}

/// Shares a freshly built provider: what every module's `connect` ends with.
pub fn shared<P: Provider + 'static>(
    built: Result<P, ProviderError>,
) -> Result<SharedProvider, ProviderError> {
    Ok(Arc::new(built?))
}

/// Builds the provider for a configured remote. Nothing is sent to the server until the first call; a remote
/// whose kind is not registered is refused, naming it.
pub fn connect(
    config: RemoteConfig,
    credentials: Credentials,
    http: reqwest::Client,
) -> Result<SharedProvider, ProviderError> {
    connect_entry(entry(config.kind)?, config, credentials, http)
}

/// Builds `entry`'s provider after checking the remote's transport and required settings: the one path every
/// kind, registered or not (a test's own kind), is connected through.
pub fn connect_entry(
    entry: &ProviderEntry,
    config: RemoteConfig,
    credentials: Credentials,
    http: reqwest::Client,
) -> Result<SharedProvider, ProviderError> {
    transport::check_transport(&config)?;
    check_settings(&config, &credentials, entry.settings)?;
    (entry.connect)(&config, &credentials, http)
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
    fn a_remote_missing_a_required_secret_is_refused_with_its_name() {
        let config = RemoteConfig {
            name: "room".into(),
            kind: ansarada::KIND,
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
