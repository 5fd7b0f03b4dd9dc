//! The study creator behind the `Provider` seam: the root lists studies, a study lists its files, a file has
//! versions `FV_…`, and a download goes by route or through a fresh single-use signed URL.

use async_trait::async_trait;
use docket_core::{
    Capabilities, Credentials, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver,
    Provider, ProviderError, RemoteConfig, TransferSource, Version,
};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::json;

use super::auth::{self, Auth};
use super::download;
use super::graphql::StudyCreatorGraphql;
use super::ids::{self, DocumentId, StudyId};
use super::nodes::{self, FileData, FileNode, StudiesData, StudyFilesData, VersionsData, MAX_PAGE};

/// The most pages of one file's versions read: 250,000 versions at the largest page. A server that promises
/// another page without end (a fresh cursor every time) would otherwise be asked forever.
const MAX_VERSION_PAGES: usize = 1000;

pub struct StudyCreator {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    signed_urls: bool,
    graphql: StudyCreatorGraphql,
    page_size: u32,
}

impl StudyCreator {
    pub fn new(
        config: &RemoteConfig,
        credentials: &Credentials,
        http: reqwest::Client,
    ) -> Result<Self, ProviderError> {
        let auth = Auth::from_remote(config, credentials)?;
        let signed_urls = auth::signed_urls(config)?;
        if signed_urls && !auth.identifies_user() {
            return Err(ProviderError::InvalidRequest {
                message: format!(
                    "remote `{}`: signed URLs need token_type=bearer; the server mints them only for a signed-in \
                     user, and a developer token downloads directly",
                    config.name
                ),
            });
        }
        let base = config.base_url().to_owned();
        Ok(StudyCreator {
            graphql: StudyCreatorGraphql::new(http.clone(), &base, auth.header_value()),
            http,
            base,
            auth,
            signed_urls,
            page_size: MAX_PAGE,
        })
    }

    /// Smaller pages than the server's limit of 250 (1 at least).
    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.clamp(1, MAX_PAGE);
        self
    }

    /// GraphQL sees a developer token as an anonymous caller and answers `Not allowed`; say why instead.
    fn require_user(&self) -> Result<(), ProviderError> {
        if self.auth.identifies_user() {
            Ok(())
        } else {
            Err(ProviderError::InvalidRequest {
                message: "a developer token only downloads (`SD_…/SF_…`); browsing the study creator needs \
                          token_type=bearer with a JWT"
                    .into(),
            })
        }
    }

    /// The file node and the study it belongs to, refusing a file named under another study as the server does.
    async fn file(&self, doc: &DocumentId) -> Result<(String, FileNode), ProviderError> {
        let data: FileData = self
            .graphql
            .run("File", &nodes::file(), json!({ "file": doc.file }))
            .await?;
        let node = data.file_by_kf_id.ok_or_else(|| ProviderError::NotFound {
            message: format!("No file exists with given ID ({})", doc.file),
        })?;
        let actual = node.study_id().map(str::to_owned);
        match (&doc.study, actual) {
            (Some(wanted), Some(actual)) if wanted.0 != actual => Err(ProviderError::NotFound {
                message: format!(
                    "No file exists for given ID and study ({wanted}/{})",
                    doc.file
                ),
            }),
            (Some(wanted), _) => Ok((wanted.0.clone(), node)),
            (None, Some(actual)) => Ok((actual, node)),
            (None, None) => Err(ProviderError::protocol(format!(
                "file {} has no study",
                doc.file
            ))),
        }
    }

    async fn list_studies(&self, after: Option<&PageToken>) -> Result<Page<Entry>, ProviderError> {
        let variables = json!({ "first": self.page_size, "after": after.map(|t| &t.0) });
        let data: StudiesData = self
            .graphql
            .run("Studies", nodes::STUDIES, variables)
            .await?;
        let next = data.all_studies.next();
        Ok(Page {
            items: data.all_studies.nodes().map(|s| s.into_entry()).collect(),
            next,
        })
    }

    async fn list_files(
        &self,
        study: &StudyId,
        after: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        let variables =
            json!({ "study": study.0, "first": self.page_size, "after": after.map(|t| &t.0) });
        let data: StudyFilesData = self
            .graphql
            .run("StudyFiles", &nodes::study_files(), variables)
            .await?;
        if data.study_by_kf_id.is_none() {
            return Err(ProviderError::NotFound {
                message: format!("No study exists with given ID ({study})"),
            });
        }
        let next = data.all_files.next();
        Ok(Page {
            items: data
                .all_files
                .nodes()
                .map(|f| f.into_entry(&study.0))
                .collect(),
            next,
        })
    }
}

#[async_trait]
impl Provider for StudyCreator {
    fn kind(&self) -> Kind {
        crate::study_creator::KIND
    }

    fn base_url(&self) -> Option<&str> {
        Some(&self.base)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            versions: true,
            folders: true,
            server_previews: false,
            ranges: false,
            single_use_links: self.signed_urls,
        }
    }

    async fn list(
        &self,
        location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        self.require_user()?;
        match location.as_deref() {
            None => self.list_studies(page).await,
            Some(place) => self.list_files(&StudyId::parse(place)?, page).await,
        }
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        self.require_user()?;
        let (study, node) = self.file(&DocumentId::parse(doc.id())?).await?;
        Ok(node.into_entry(&study))
    }

    async fn versions(&self, doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        self.require_user()?;
        let (_, node) = self.file(&DocumentId::parse(doc.id())?).await?;
        let mut versions = Vec::new();
        let mut after: Option<PageToken> = None;
        for _ in 0..MAX_VERSION_PAGES {
            let variables = json!({ "file": node.kf_id, "first": self.page_size, "after": after.as_ref().map(|t| &t.0) });
            let data: VersionsData = self
                .graphql
                .run("Versions", nodes::VERSIONS, variables)
                .await?;
            let next = data.all_versions.next();
            versions.extend(data.all_versions.nodes().map(|v| v.into_version()));
            match next {
                Some(token) if Some(&token) != after.as_ref() => after = Some(token),
                Some(_) => {
                    return Err(ProviderError::protocol(
                        "the server returned the same page cursor twice",
                    ))
                }
                None => return Ok(versions),
            }
        }
        Err(ProviderError::protocol(format!(
            "allVersions still said hasNextPage after {MAX_VERSION_PAGES} pages of {}'s versions; Docket stops there",
            node.kf_id
        )))
    }

    async fn prepare(
        &self,
        doc: &DocRef,
        version: Option<&str>,
        _observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        let doc = DocumentId::parse(doc.id())?;
        let version = version.map(ids::version_id).transpose()?;
        let study = match &doc.study {
            Some(study) => study.0.clone(),
            None => {
                self.require_user()?;
                self.file(&doc).await?.0
            }
        };
        let tail = download::route_tail(&study, &doc.file, version.as_deref());
        let url = if self.signed_urls {
            download::mint_signed_url(&self.http, &self.base, &tail, &self.auth.header_value())
                .await?
        } else {
            download::route_url(&self.base, &tail, self.auth.header_value())
        };
        Ok(TransferSource::Url(url))
    }

    fn link_failure(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ProviderError {
        download::download_failure(self.signed_urls, status, headers, body)
    }
}
