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

use docket_core::{Kind, SettingSpec, TransferShape, ValueRule};

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

/// This kind's id, as users type it and the data dir stores it.
pub const KIND: Kind = Kind::new("study-creator");

pub const ENTRY: ProviderEntry = ProviderEntry {
    kind: KIND,
    display_name: "Kids First study creator",
    download_summary: "JWT or developer token; single-use signed URLs",
    transfer_shape: TransferShape::RefreshableUrl,
    settings: SETTINGS,
    connect: |config, credentials, http| {
        crate::shared(StudyCreator::new(config, credentials, http))
    },
    #[cfg(feature = "fuzzing")]
    fuzz_answer,
};
