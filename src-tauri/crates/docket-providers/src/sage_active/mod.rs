//! Sage Active (GraphQL). Files hang off business entities (Customer, Supplier, AccountingEntry) rather than
//! folders, and are downloaded through short link paths valid 10 minutes.
//!
//! - Remote URL: the API base; GraphQL is at `{url}/graphql` (a URL already ending in `/graphql` is accepted).
//! - Settings `tenant_id`, `organization_id`; secrets `token` (bearer access token) and `api_key` (subscription
//!   key). Every call carries `Authorization`, `X-TenantId`, `X-OrganizationId` and `x-api-key`.
//! - Locations: the root lists the entity types that have files; `Customer` lists that type's entities;
//!   `Customer/<entityId>` lists that entity's files.
//! - Documents: the file id, e.g. `98f7adc7dd104cd984f9c113ef9a8e54.pdf`. No versions.
//! - Downloads run `files(where: {id: {eq}})` for a fresh `downloadPath` and GET it without headers; an expired
//!   link is `LinkExpired`, so the engine prepares again. `previewPath` is the server's preview.

mod entity_cursor;
mod files;
mod graphql;
#[cfg(feature = "fuzzing")]
pub(crate) use graphql::fuzz_answer;
#[cfg(feature = "fuzzing")]
pub(crate) use short_link::absolute as fuzz_link_url;
mod location;
mod short_link;

use std::time::SystemTime;

use async_trait::async_trait;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::json;

use docket_core::{
    Capabilities, Credentials, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver,
    Provider, ProviderError, RemoteConfig, RemoteUrl, SettingSpec, TransferShape, TransferSource,
    Version,
};

use crate::ProviderEntry;
use entity_cursor::{distinct_entities, EntityCursor};
pub use files::operations;
use files::{Connection, FileNode, FilesData};
use graphql::{Identity, OrganizationGraphql};
use location::Place;

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec::required("tenant_id", "Sage Active tenant id, sent as X-TenantId"),
    SettingSpec::required(
        "organization_id",
        "Sage Active organization id, sent as X-OrganizationId",
    ),
    SettingSpec::secret("token", "OAuth access token, sent as Authorization: Bearer"),
    SettingSpec::secret(
        "api_key",
        "primary or secondary subscription key of your app, sent as x-api-key",
    ),
];

/// This kind's id, as users type it and the data dir stores it.
pub const KIND: Kind = Kind::new("sage-active");

pub const ENTRY: ProviderEntry = ProviderEntry {
    kind: KIND,
    display_name: "Sage Active",
    download_summary: "GraphQL files query; short links valid 10 minutes, HTML previews",
    transfer_shape: TransferShape::RefreshableUrl,
    settings: SETTINGS,
    connect: |config, credentials, http| crate::shared(SageActive::new(config, credentials, http)),
    #[cfg(feature = "fuzzing")]
    fuzz_answer,
};

/// The most files the server returns per page, and what Docket asks for.
pub const MAX_PAGE_SIZE: u32 = 500;

/// A guard against a server that ignores the `nin` filter while the root walks the entity types.
const MAX_ENTITY_TYPES: usize = 200;

/// A Sage Active organization's files.
pub struct SageActive {
    graphql: OrganizationGraphql,
    /// The API base without `/graphql` and without a trailing slash; link paths are appended to it.
    api_base: String,
    page_size: u32,
}

impl SageActive {
    pub fn new(
        config: &RemoteConfig,
        credentials: &Credentials,
        http: reqwest::Client,
    ) -> Result<SageActive, ProviderError> {
        let identity = Identity {
            token: credentials.require("token")?.clone(),
            tenant_id: config.require("tenant_id")?.trim().to_owned(),
            organization_id: config.require("organization_id")?.trim().to_owned(),
            api_key: credentials.require("api_key")?.clone(),
        };
        let api_base = api_base(config.base_url());
        Ok(SageActive {
            graphql: OrganizationGraphql::new(http, &api_base, identity),
            api_base,
            page_size: MAX_PAGE_SIZE,
        })
    }

    /// Asks for `size` files per page (1 to [`MAX_PAGE_SIZE`]) instead of the most the server allows.
    pub fn with_page_size(mut self, size: u32) -> SageActive {
        self.page_size = size.clamp(1, MAX_PAGE_SIZE);
        self
    }

    async fn files(
        &self,
        operation: &str,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<Connection, ProviderError> {
        let data: FilesData = self.graphql.run(operation, query, variables).await?;
        Ok(data.into_connection())
    }

    /// The one file with this id (including one still being scanned), or `NotFound`.
    async fn file(&self, doc: &DocRef, with_links: bool) -> Result<FileNode, ProviderError> {
        let id = doc.id().trim();
        if id.is_empty() {
            return Err(ProviderError::InvalidRequest {
                message: "a Sage Active document is a file id such as 98f7adc7dd104cd984f9c113ef9a8e54.pdf"
                    .into(),
            });
        }
        let (operation, query) = if with_links {
            ("FileLinksById", files::FILE_LINKS_BY_ID)
        } else {
            ("FileById", files::FILE_BY_ID)
        };
        let nodes = self
            .files(operation, query, json!({ "id": id }))
            .await?
            .into_nodes();
        nodes
            .into_iter()
            .find(|node| node.id.as_deref() == Some(id))
            .ok_or_else(|| ProviderError::NotFound {
                message: format!("the files query found no file with id `{id}`"),
            })
    }

    /// Walks the distinct entity types, one `files(first: 1)` query per type plus one.
    async fn entity_types(&self) -> Result<Page<Entry>, ProviderError> {
        let mut seen: Vec<String> = Vec::new();
        loop {
            let nodes = self
                .files(
                    "NextEntityType",
                    files::NEXT_ENTITY_TYPE,
                    json!({ "seen": seen }),
                )
                .await?
                .into_nodes();
            let Some(next) = nodes.into_iter().find_map(|n| n.entity_type) else {
                break;
            };
            if seen.contains(&next) || seen.len() >= MAX_ENTITY_TYPES {
                return Err(ProviderError::protocol(format!(
                    "the server ignored the entity type filter and returned `{next}` again"
                )));
            }
            seen.push(next);
        }
        seen.sort();
        Ok(Page {
            items: seen
                .into_iter()
                .map(|entity_type| Entry::folder(entity_type.clone(), entity_type))
                .collect(),
            next: None,
        })
    }

    async fn entities(
        &self,
        entity_type: &str,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        let mut cursor = EntityCursor::decode(page)?;
        let connection = self
            .files(
                "EntitiesOfType",
                files::ENTITIES_OF_TYPE,
                json!({ "entityType": entity_type, "first": self.page_size, "after": cursor.after }),
            )
            .await?;
        let next = connection.next_cursor();
        let ids = connection
            .into_nodes()
            .into_iter()
            .filter_map(|n| n.entity_id)
            .filter(|id| !id.is_empty());
        let fresh = distinct_entities(ids, &mut cursor.last);
        let items = fresh
            .into_iter()
            .map(|entity_id| {
                let mut entry =
                    Entry::folder(Place::entity_location(entity_type, &entity_id), entity_id);
                entry.parent = Some(entity_type.to_owned());
                entry
            })
            .collect();
        Ok(Page {
            items,
            next: next.map(|after| {
                EntityCursor {
                    after: Some(after),
                    last: cursor.last,
                }
                .encode()
            }),
        })
    }

    async fn entity_files(
        &self,
        entity_type: &str,
        entity_id: &str,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        let connection = self
            .files(
                "EntityFiles",
                files::ENTITY_FILES,
                json!({
                    "entityType": entity_type,
                    "entityId": entity_id,
                    "first": self.page_size,
                    "after": page.map(|p| p.0.as_str()),
                }),
            )
            .await?;
        let next = connection.next_cursor().map(PageToken);
        Ok(Page {
            items: connection
                .into_nodes()
                .into_iter()
                .filter_map(FileNode::into_entry)
                .collect(),
            next,
        })
    }
}

/// The configured URL without a trailing slash or `/graphql`, which some users paste.
fn api_base(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    url.strip_suffix("/graphql").unwrap_or(url).to_owned()
}

#[async_trait]
impl Provider for SageActive {
    fn kind(&self) -> Kind {
        KIND
    }

    fn base_url(&self) -> Option<&str> {
        Some(&self.api_base)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            versions: false,
            folders: true,
            server_previews: true,
            ranges: true,
            single_use_links: false,
        }
    }

    async fn list(
        &self,
        location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        match Place::parse(location)? {
            Place::Root => self.entity_types().await,
            Place::EntityType(entity_type) => self.entities(&entity_type, page).await,
            Place::Entity {
                entity_type,
                entity_id,
            } => self.entity_files(&entity_type, &entity_id, page).await,
        }
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        let node = self.file(doc, false).await?;
        node.into_entry().ok_or_else(|| {
            ProviderError::protocol(format!(
                "the server returned file `{}` without its id",
                doc.id()
            ))
        })
    }

    /// Sage Active keeps one version per file; the call still checks that the file exists.
    async fn versions(&self, doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        self.file(doc, false).await?;
        Ok(Vec::new())
    }

    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        _observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        if let Some(version) = version.filter(|v| !v.trim().is_empty()) {
            return Err(ProviderError::InvalidRequest {
                message: format!(
                    "Sage Active files have no versions; download `{}` without `{version}`",
                    doc.id()
                ),
            });
        }
        let issued = SystemTime::now();
        let node = self.file(doc, true).await?;
        let Some(path) = node
            .download_path
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        else {
            return Err(ProviderError::NotDownloadable {
                message: format!(
                    "file `{}` has no download link yet: it is still being processed (antivirus scan); \
                     try again later",
                    doc.id()
                ),
            });
        };
        let url = short_link::download(&self.api_base, &node, path, issued);
        tracing::debug!(doc = doc.id(), "prepared a Sage Active download link");
        Ok(TransferSource::Url(url))
    }

    fn link_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        short_link::failure(status, headers, body)
    }

    async fn server_preview(&self, doc: &DocRef) -> Result<Option<RemoteUrl>, ProviderError> {
        let issued = SystemTime::now();
        let node = self.file(doc, true).await?;
        Ok(node
            .preview_path
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|path| short_link::preview(&self.api_base, &node, path, issued)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_base_drops_a_trailing_slash_and_graphql() {
        assert_eq!(
            api_base("https://api.example.com/"),
            "https://api.example.com"
        );
        assert_eq!(
            api_base("https://api.example.com/graphql/"),
            "https://api.example.com"
        );
        assert_eq!(api_base("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
    }

    #[test]
    fn the_page_size_is_clamped_to_what_the_server_allows() {
        let config = RemoteConfig {
            name: "sage".into(),
            kind: KIND,
            url: "http://127.0.0.1:1".into(),
            settings: [("tenant_id", "t"), ("organization_id", "o")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        };
        let credentials = Credentials::new("sage")
            .with("token", "x")
            .with("api_key", "y");
        let http = docket_core::http::client().unwrap();
        let provider = SageActive::new(&config, &credentials, http).unwrap();
        assert_eq!(provider.with_page_size(9_999).page_size, MAX_PAGE_SIZE);
    }
}
