//! infoRouter over its ASMX web service (HTTP POST form binding): log in for a ticket, browse folders by page,
//! list versions, and download through a staged handler read in base64 chunks, each checked with CRC32.
//!
//! Locations are folder paths (`/Finance/Reports`, root `/`); documents are full paths
//! (`/Finance/Reports/Q1-Report.pdf`) or short ids (`~D1001`, `~D1001.pdf`); versions are `2000000` (or `2`).

mod answer;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzzed;
mod listing;
mod paths;
mod session;
mod staged;
mod streamed;
mod versions;
mod xml;

use std::sync::Arc;

use async_trait::async_trait;
use docket_core::{
    Capabilities, Credentials, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver,
    Provider, ProviderError, RemoteConfig, SettingSpec, TransferShape, TransferSource, ValueRule,
    Version,
};

use crate::ProviderEntry;

use answer::Method;
use session::Session;
use staged::StagedDownload;

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec::required("username", "infoRouter user name (UID)"),
    SettingSpec::secret("password", "infoRouter password (PWD)"),
    SettingSpec::optional(
        "chunk_size",
        "preferred download chunk size in bytes; the server clamps it to 262144..33554432 (default 4194304)",
    )
    .accepting(ValueRule::Number {
        min: *staged::CHUNK_SIZES.start(),
        max: *staged::CHUNK_SIZES.end(),
    }),
];

/// This kind's id, as users type it and the data dir stores it.
pub const KIND: Kind = Kind::new("inforouter");

pub const ENTRY: ProviderEntry = ProviderEntry {
    kind: KIND,
    display_name: "infoRouter",
    download_summary: "staged download handler read in base64 chunks, each checked with CRC32",
    transfer_shape: TransferShape::ChunkedHandler,
    settings: SETTINGS,
    connect: |config, credentials, http| crate::shared(Inforouter::new(config, credentials, http)),
    #[cfg(feature = "fuzzing")]
    fuzz_answer: |_, body| fuzzed::answer(body),
};

/// What Docket asks for when the remote does not say: large enough for few round trips, small enough that a
/// chunk's base64 answer stays well under the API body limit.
pub const DEFAULT_CHUNK_SIZE: u64 = 4 * 1024 * 1024;

pub struct Inforouter {
    session: Arc<Session>,
    base_url: String,
    chunk_size: u64,
}

impl Inforouter {
    pub fn new(
        config: &RemoteConfig,
        credentials: &Credentials,
        http: reqwest::Client,
    ) -> Result<Self, ProviderError> {
        let username = config.require("username")?.to_owned();
        let password = credentials.require("password")?.clone();
        let chunk_size = match config.setting("chunk_size") {
            None => DEFAULT_CHUNK_SIZE,
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ProviderError::InvalidRequest {
                    message: format!(
                        "remote `{}`: chunk_size `{text}` is not a positive number of bytes",
                        config.name
                    ),
                })?,
        };
        Ok(Inforouter {
            session: Arc::new(Session::new(http, config.base_url(), username, password)),
            base_url: config.base_url().to_owned(),
            chunk_size,
        })
    }
}

#[async_trait]
impl Provider for Inforouter {
    fn kind(&self) -> Kind {
        KIND
    }

    fn base_url(&self) -> Option<&str> {
        Some(&self.base_url)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            versions: true,
            folders: true,
            server_previews: false,
            ranges: false,
            single_use_links: false,
        }
    }

    async fn list(
        &self,
        location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        let folder = paths::folder_path(location);
        let number = listing::page_number(page)?;
        let number_text = number.to_string();
        let answer = self
            .session
            .call(
                Method::GetFoldersAndDocumentsByPage,
                &[
                    ("Path", folder.as_str()),
                    ("FolderFilter", ""),
                    ("DocumentFilter", ""),
                    ("PageNumber", number_text.as_str()),
                ],
            )
            .await?;
        listing::page(&folder, number, &answer)
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        let path = paths::document_path(doc)?;
        let answer = self
            .session
            .call(Method::GetDownloadInfo, &[("Path", path.as_str())])
            .await?;
        let attr = |name: &str| {
            answer
                .attr(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let name = attr("AlterDocumentName").unwrap_or_else(|| {
            path.rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or(&path)
                .to_owned()
        });
        let mut entry = Entry::document(doc.id(), name);
        entry.size = attr("Size").and_then(|s| s.parse().ok());
        entry.mime = attr("ContentType");
        entry.modified = attr("ModificationDate");
        entry.version = attr("VersionNumber");
        if let Some(crc) = attr("CRC32") {
            entry.extra = serde_json::json!({ "crc32": crc });
        }
        Ok(entry)
    }

    async fn versions(&self, doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        let path = paths::document_path(doc)?;
        let answer = self
            .session
            .call(Method::GetDocumentVersions, &[("Path", path.as_str())])
            .await?;
        versions::versions(&answer)
    }

    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        _observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        let path = paths::document_path(doc)?;
        let chunk_size = self.chunk_size.to_string();
        let answer = match paths::version_number(version)? {
            None => {
                self.session
                    .call(
                        Method::GetDownloadHandler,
                        &[
                            ("Path", path.as_str()),
                            ("PreferedChunkSize", chunk_size.as_str()),
                        ],
                    )
                    .await?
            }
            Some(number) => {
                let number = number.to_string();
                self.session
                    .call(
                        Method::GetDownloadHandlerByVersion,
                        &[
                            ("Path", path.as_str()),
                            ("PreferedChunkSize", chunk_size.as_str()),
                            ("VersionNumber", number.as_str()),
                        ],
                    )
                    .await?
            }
        };
        let staged = staged::staged_file(&answer)?;
        tracing::debug!(
            doc = doc.id(),
            size = staged.size,
            chunk_size = staged.chunk_size,
            "staged for download"
        );
        Ok(TransferSource::Chunked(Box::new(StagedDownload::new(
            Arc::clone(&self.session),
            staged,
        ))))
    }

    async fn release_staged(&self, handle: &str) -> Result<(), ProviderError> {
        staged::delete_handler(&self.session, handle).await
    }
}
