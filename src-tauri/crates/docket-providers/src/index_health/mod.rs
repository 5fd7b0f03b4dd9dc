//! Index Health IndexSDK (REST). A client token from `generate-client-auth-token` authorises every call as
//! `Authorization: Bearer`. Documents belong to collections and the API has no call that lists collections, so
//! the root lists the collections named in the `collections` setting. A download is a presigned URL valid one
//! hour from `POST /download`, or the direct `GET /download/:document_id` when the server cannot presign.
//!
//! Locations are collection ids; documents are `document_id`s.

mod api;
mod entries;
mod errors;
#[cfg(feature = "fuzzing")]
pub(crate) mod fuzzed;
mod response;
mod token;
mod wire;

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use docket_core::{
    sanitize_file_name, Capabilities, Credentials, DocRef, Entry, Kind, Location, Page, PageToken,
    PrepareObserver, Provider, ProviderError, RangeSupport, RemoteConfig, RemoteUrl, SettingSpec,
    TransferShape, TransferSource, Version,
};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::ProviderEntry;
use api::Api;
use token::{ClientCredentials, ClientToken};
use wire::{DocumentRecord, DownloadData};

pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec::required(
        "client_id",
        "the client id Index Health issued for this integration",
    ),
    SettingSpec::secret(
        "client_secret",
        "the client secret that goes with client_id",
    ),
    SettingSpec::required(
        "fingerprint",
        "a stable identifier of this device, sent when a token is issued",
    ),
    SettingSpec::required(
        "first_name",
        "first name of the user the token is issued for",
    ),
    SettingSpec::required("last_name", "last name of the user the token is issued for"),
    SettingSpec::required("email", "email address of the user the token is issued for"),
    SettingSpec::required("group_name", "the user's group (domain) in Index Health"),
    SettingSpec::optional(
        "collections",
        "comma-separated collection ids listed at the root (the API cannot list collections)",
    ),
];

/// This kind's id, as users type it and the data dir stores it.
pub const KIND: Kind = Kind::new("index-health");

pub const ENTRY: ProviderEntry = ProviderEntry {
    kind: KIND,
    display_name: "Index Health",
    download_summary: "REST with a client token; presigned URL valid 1 hour, or a direct download",
    transfer_shape: TransferShape::RefreshableUrl,
    settings: SETTINGS,
    connect: |config, credentials, http| crate::shared(IndexHealth::new(config, credentials, http)),
    #[cfg(feature = "fuzzing")]
    fuzz_answer: |status, body| fuzzed::answer(status, body.as_bytes()),
};

/// How long `POST /download`'s presigned URL is valid, per the API page.
const PRESIGNED_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub struct IndexHealth {
    api: Api,
    /// The `collections` setting, in the order given, without blanks or repeats.
    collections: Vec<String>,
}

impl IndexHealth {
    pub fn new(
        config: &RemoteConfig,
        credentials: &Credentials,
        http: reqwest::Client,
    ) -> Result<Self, ProviderError> {
        let client = ClientCredentials::from_remote(config, credentials)?;
        let base_url = config.base_url().to_owned();
        let token = ClientToken::new(http.clone(), &base_url, client);
        Ok(IndexHealth {
            api: Api::new(http, base_url, token),
            collections: collection_ids(config.setting("collections").unwrap_or_default()),
        })
    }

    async fn documents(&self, collection_id: &str) -> Result<Vec<DocumentRecord>, ProviderError> {
        let records: Vec<DocumentRecord> = self
            .api
            .post("get-documents", &json!({ "collection_id": collection_id }))
            .await?;
        Ok(records)
    }

    async fn details(&self, document_id: &str) -> Result<DocumentRecord, ProviderError> {
        let data: Value = self
            .api
            .post(
                "get-document-details",
                &json!({ "document_id": document_id }),
            )
            .await?;
        // The reference shows one object; a one-element list is read the same way.
        let one = match data {
            Value::Array(mut items) if items.len() == 1 => items.remove(0),
            other => other,
        };
        serde_json::from_value(one).map_err(|err| {
            ProviderError::protocol(format!(
                "the document details are not what the API documents: {err}"
            ))
        })
    }

    /// The configured collections as folders, named from `collection_name` when a document carries it.
    async fn collection_folders(&self) -> Result<Vec<Entry>, ProviderError> {
        if self.collections.is_empty() {
            return Err(ProviderError::InvalidRequest {
                message: "Index Health has no call that lists collections: pass a collection id as the \
                          location, or set `collections` on the remote to the comma-separated ids to list here"
                    .into(),
            });
        }
        let mut folders = Vec::with_capacity(self.collections.len());
        for id in &self.collections {
            let documents = self.documents(id).await?;
            let name = documents
                .iter()
                .find_map(|d| d.collection_name.clone().filter(|n| !n.trim().is_empty()))
                .unwrap_or_else(|| id.clone());
            let mut folder = Entry::folder(id, name);
            folder.extra = json!({ "document_count": documents.len() });
            folders.push(folder);
        }
        Ok(folders)
    }

    /// The direct route, for when the server cannot presign: authorised by the same bearer token.
    async fn direct_download(&self, document_id: &str) -> Result<RemoteUrl, ProviderError> {
        let token = self.api.token().await?;
        let url = format!(
            "{}/download/{}",
            self.api.base_url(),
            utf8_percent_encode(document_id, PATH_SEGMENT)
        );
        Ok(RemoteUrl::new(url).header("Authorization", format!("Bearer {}", token.expose())))
    }

    /// The presigned URL, absolute even if the server answered with a path.
    fn presigned(&self, download_url: &str) -> Result<RemoteUrl, ProviderError> {
        let base = url::Url::parse(&format!("{}/", self.api.base_url())).map_err(|err| {
            ProviderError::InvalidRequest {
                message: format!("the remote's URL is not valid: {err}"),
            }
        })?;
        let url = base.join(download_url.trim()).map_err(|err| {
            ProviderError::protocol(format!(
                "the server sent a download URL that is not a URL: {err}"
            ))
        })?;
        let mut remote = RemoteUrl::new(String::from(url));
        remote.ranges = RangeSupport::Supported;
        Ok(remote)
    }
}

#[async_trait]
impl Provider for IndexHealth {
    fn kind(&self) -> Kind {
        KIND
    }

    fn base_url(&self) -> Option<&str> {
        Some(self.api.base_url())
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

    /// The root lists collections; a collection lists all its documents at once (the API does not page).
    async fn list(
        &self,
        location: &Location,
        _page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        let items = match location.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            None => self.collection_folders().await?,
            Some(collection) => self
                .documents(collection)
                .await?
                .iter()
                .map(entries::document_entry)
                .collect(),
        };
        Ok(Page { items, next: None })
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        let record = self.details(doc.id().trim()).await?;
        Ok(entries::document_entry(&record))
    }

    async fn versions(&self, _doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        Ok(Vec::new())
    }

    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        _observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        if let Some(version) = version {
            return Err(ProviderError::InvalidRequest {
                message: format!(
                    "Index Health documents have no versions; download `{}` without `{version}`",
                    doc.id()
                ),
            });
        }
        let document_id = doc.id().trim();
        // The presigned URL names no file; the details give the name and type, unless the caller knows the name
        // already (a folder's plan took it from the listing): one request fewer per document of a folder.
        let record = match doc.known_name() {
            Some(_) => None,
            None => Some(self.details(document_id).await?),
        };
        let requested_at = SystemTime::now();
        let mut remote = match self
            .api
            .post::<DownloadData>("download", &json!({ "document_id": document_id }))
            .await
        {
            Ok(data) => {
                let mut remote = self.presigned(&data.download_url)?;
                remote.expires_at = Some(requested_at + PRESIGNED_LIFETIME);
                remote
            }
            Err(err) if err.is_presign_failure() => {
                tracing::warn!(
                    document_id,
                    "the server could not presign a download URL; using the direct download"
                );
                self.direct_download(document_id).await?
            }
            Err(err) => return Err(err.into()),
        };
        match (&record, doc.known_name()) {
            (Some(record), _) => {
                remote.file_name = Some(sanitize_file_name(&entries::file_name(record)));
                remote.mime = entries::mime(record);
            }
            (None, Some(name)) => remote.file_name = Some(sanitize_file_name(name)),
            (None, None) => {}
        }
        tracing::debug!(url = %remote.redacted(), "download prepared");
        Ok(TransferSource::Url(remote))
    }

    fn link_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        errors::link_failure(status, headers, body)
    }
}

/// `"a, b,,a"` → `["a", "b"]`.
fn collection_ids(setting: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in setting
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_collections_setting_is_split_on_commas_without_blanks_or_repeats() {
        assert_eq!(collection_ids(" c1, c2,,c1 ,"), ["c1", "c2"]);
        assert!(collection_ids("").is_empty());
    }

    #[test]
    fn a_document_id_is_one_path_segment_in_the_direct_route() {
        let encoded = utf8_percent_encode("a/b c", PATH_SEGMENT).to_string();
        assert_eq!(encoded, "a%2Fb%20c");
    }
}
