//! Ansarada data rooms over GraphQL (`POST {url}/graphql`, DataRoom-scoped bearer token).
//!
//! A location is a folder id and a document is a document id, both Relay global ids exactly as the index lists
//! them (opaque: never decoded). Downloads are asynchronous jobs: `initiateDataRoomDocumentDownload`, then
//! `dataRoomDocumentDownload` polled until COMPLETED (a presigned storage URL) or FAILED (`failureReason`).
//! The API has no document versions.

mod download;
mod graphql;
#[cfg(feature = "fuzzing")]
pub(crate) use graphql::fuzz_answer;
#[cfg(feature = "fuzzing")]
pub(crate) use rfc3339::parse as fuzz_rfc3339;
mod index;
mod rfc3339;
mod schema;

use std::collections::{HashSet, VecDeque};

use async_trait::async_trait;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use docket_core::{
    Capabilities, Credentials, DocRef, Entry, EntryKind, Kind, Location, Page, PageToken,
    PrepareObserver, Provider, ProviderError, RemoteConfig, SettingSpec, TransferShape,
    TransferSource, ValueRule, Version,
};

pub use download::{PollPolicy, MIN_POLL_DELAY};
pub use schema::operations;

use crate::ProviderEntry;
use graphql::DataRoomGraphql;

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec::secret("token", "DataRoom-scoped bearer token"),
    SettingSpec::optional(
        "page_size",
        "index items per listing request, 1 to 100 (default 100)",
    )
    .accepting(ValueRule::Number {
        min: 1,
        max: MAX_PAGE_SIZE as u64,
    }),
];

/// This kind's id, as users type it and the data dir stores it.
pub const KIND: Kind = Kind::new("ansarada");

pub const ENTRY: ProviderEntry = ProviderEntry {
    kind: KIND,
    display_name: "Ansarada data room",
    download_summary: "GraphQL; downloads are prepared as a job, then fetched from a presigned URL",
    transfer_shape: TransferShape::RefreshableUrl,
    settings: SETTINGS,
    connect: |config, credentials, http| crate::shared(Ansarada::new(config, credentials, http)),
    #[cfg(feature = "fuzzing")]
    fuzz_answer,
};

/// The page size asked for when the remote sets none; also the most Docket asks for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The most folders a search for one document walks: a server whose index grows without end (every folder
/// listing a fresh one) would otherwise be walked forever.
const MAX_FOLDERS_WALKED: usize = 10_000;

/// One data room.
pub struct Ansarada {
    endpoint: DataRoomGraphql,
    base_url: String,
    page_size: u32,
    poll: PollPolicy,
}

impl Ansarada {
    pub fn new(
        config: &RemoteConfig,
        credentials: &Credentials,
        http: reqwest::Client,
    ) -> Result<Self, ProviderError> {
        let token = credentials.require("token")?.clone();
        let page_size = match config.setting("page_size") {
            None => MAX_PAGE_SIZE,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                .ok_or_else(|| ProviderError::InvalidRequest {
                    message: format!(
                        "remote `{}`: page_size must be a whole number from 1 to {MAX_PAGE_SIZE}, not `{text}`",
                        config.name
                    ),
                })?,
        };
        Ok(Ansarada {
            endpoint: DataRoomGraphql::new(http, config.base_url(), token),
            base_url: config.base_url().to_owned(),
            page_size,
            poll: PollPolicy::default(),
        })
    }

    /// The same data room with another job-polling policy (a shorter give-up time, say).
    pub fn with_poll_policy(mut self, poll: PollPolicy) -> Self {
        self.poll = poll;
        self
    }
}

#[async_trait]
impl Provider for Ansarada {
    fn kind(&self) -> Kind {
        KIND
    }

    fn base_url(&self) -> Option<&str> {
        Some(&self.base_url)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            versions: false,
            folders: true,
            server_previews: false,
            ranges: true,
            single_use_links: false,
        }
    }

    async fn list(
        &self,
        location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        index::page(&self.endpoint, location.as_deref(), self.page_size, page).await
    }

    /// The API has no query for one document, so this walks the index breadth first until it meets the id:
    /// O(number of items) requests in the worst case. The catalog caches what it finds. Each folder is walked
    /// once (an index that lists a folder inside itself is not walked forever), and at most
    /// [`MAX_FOLDERS_WALKED`] of them.
    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        let mut folders = VecDeque::from([Location::root()]);
        let mut seen: HashSet<String> = HashSet::new();
        let mut walked = 0;
        while let Some(folder) = folders.pop_front() {
            walked += 1;
            if walked > MAX_FOLDERS_WALKED {
                return Err(ProviderError::protocol(format!(
                    "the document index lists more than {MAX_FOLDERS_WALKED} folders; Docket stopped looking for {} \
                     there",
                    doc.id()
                )));
            }
            for entry in self.list_all(&folder).await? {
                match entry.kind {
                    EntryKind::Document if entry.id == doc.id() => return Ok(entry),
                    EntryKind::Document => {}
                    EntryKind::Folder => {
                        if seen.insert(entry.id.clone()) {
                            folders.push_back(Location::at(entry.id));
                        }
                    }
                }
            }
        }
        Err(ProviderError::NotFound {
            message: format!("no document with id {} in this data room", doc.id()),
        })
    }

    async fn versions(&self, _doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        Ok(Vec::new())
    }

    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        if let Some(version) = version {
            return Err(ProviderError::InvalidRequest {
                message: format!(
                    "Ansarada data rooms keep no document versions; leave out the version (`{version}`)"
                ),
            });
        }
        download::prepare(&self.endpoint, doc, self.poll, observer).await
    }

    fn link_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        crate::presigned_storage::link_failure(status, headers, body)
    }
}
