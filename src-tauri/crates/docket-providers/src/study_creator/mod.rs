//! The Kids First study creator (open source kf-api-study-creator, Django + graphene): studies and files are
//! browsed over Relay GraphQL with a bearer JWT; files download by route with the JWT or a developer token, or
//! through single-use signed URLs that live 30 seconds.

mod auth;
mod download;
mod graphql;
#[cfg(feature = "fuzzing")]
pub(crate) use download::download_path as fuzz_download_path;
#[cfg(feature = "fuzzing")]
pub(crate) use graphql::fuzz_answer;
#[cfg(feature = "fuzzing")]
pub(crate) use ids::DocumentId as FuzzDocumentId;
mod ids;
mod nodes;
mod provider;

use std::sync::Arc;

use docket_core::{
    Credentials, Kind, Provider, ProviderError, RemoteConfig, SettingSpec, ValueRule,
};

use crate::ProviderEntry;

pub use auth::{Auth, TokenType};
pub use ids::{DocumentId, StudyId};
pub use nodes::operations;
pub use provider::StudyCreator;

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec::required(
        "token_type",
        "`bearer` for a JWT (browse and download) or `developer` for a developer download token (download only)",
    )
    .accepting(ValueRule::OneOf(&["bearer", "developer"])),
    SettingSpec::optional(
        "signed_urls",
        "`true` to download through single-use signed URLs (needs a bearer JWT); default `false`",
    )
    .accepting(ValueRule::Flag),
    SettingSpec::secret("token", "the JWT or the developer download token"),
];

pub const ENTRY: ProviderEntry = ProviderEntry {
    kind: Kind::StudyCreator,
    settings: SETTINGS,
    connect,
};

fn connect(
    config: RemoteConfig,
    credentials: Credentials,
    http: reqwest::Client,
) -> Result<Arc<dyn Provider>, ProviderError> {
    Ok(Arc::new(StudyCreator::new(&config, &credentials, http)?))
}
