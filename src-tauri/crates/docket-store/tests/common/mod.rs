//! What the catalog tests share: a database in a temporary data dir, and a provider serving a listing the test
//! edits between refreshes, page by page like the real APIs.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Mutex;

use async_trait::async_trait;
use docket_core::{
    Capabilities, DocRef, Entry, Kind, Location, Page, PageToken, PrepareObserver, Provider,
    ProviderError, RemoteConfig, TransferSource, Version,
};
use docket_store::{Catalog, RemoteBook};

pub async fn catalog_with_remote(dir: &Path, remote: &str) -> Catalog {
    let pool = docket_store::database::open(dir).await.unwrap();
    let book = RemoteBook::open(pool.clone(), dir).await.unwrap();
    book.add(remote_config(remote), false).await.unwrap();
    Catalog::new(pool)
}

pub fn remote_config(name: &str) -> RemoteConfig {
    RemoteConfig {
        name: name.into(),
        kind: Kind::new("inforouter"),
        url: "http://127.0.0.1:9".into(),
        settings: [("username".to_owned(), "ada".to_owned())].into(),
    }
}

pub fn document(id: &str, name: &str, size: u64) -> Entry {
    let mut entry = Entry::document(id, name);
    entry.size = Some(size);
    entry.mime = Some("application/pdf".into());
    entry.modified = Some("2024-03-01T10:00:00Z".into());
    entry.version = Some("1".into());
    entry
}

pub async fn integrity(catalog: &Catalog) {
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(catalog.pool())
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let broken_keys: Vec<(String,)> =
        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(catalog.pool())
            .await
            .unwrap();
    assert!(
        broken_keys.is_empty(),
        "foreign keys broken in {broken_keys:?}"
    );
    sqlx::query("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        .execute(catalog.pool())
        .await
        .expect("the name index matches the entries");
}

/// Serves `entries` in pages of `page_size`; `fail_on_page` makes that page (0-based) fail once.
pub struct ScriptedProvider {
    pub entries: Mutex<Vec<Entry>>,
    pub page_size: usize,
    pub fail_on_page: Mutex<Option<(usize, ProviderError)>>,
    pub pages_served: Mutex<usize>,
}

impl ScriptedProvider {
    pub fn new(entries: Vec<Entry>, page_size: usize) -> Self {
        ScriptedProvider {
            entries: Mutex::new(entries),
            page_size,
            fail_on_page: Mutex::new(None),
            pages_served: Mutex::new(0),
        }
    }

    pub fn set(&self, entries: Vec<Entry>) {
        *self.entries.lock().unwrap() = entries;
    }

    pub fn fail_page(&self, page: usize, error: ProviderError) {
        *self.fail_on_page.lock().unwrap() = Some((page, error));
    }
}

#[async_trait]
impl Provider for ScriptedProvider {
    fn kind(&self) -> Kind {
        Kind::new("inforouter")
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            folders: true,
            ..Capabilities::default()
        }
    }

    async fn list(
        &self,
        _location: &Location,
        page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        let index: usize = page.map_or(0, |p| p.0.parse().unwrap());
        {
            let mut failing = self.fail_on_page.lock().unwrap();
            if failing.as_ref().is_some_and(|(at, _)| *at == index) {
                return Err(failing.take().unwrap().1);
            }
        }
        *self.pages_served.lock().unwrap() += 1;
        let entries = self.entries.lock().unwrap();
        let start = index * self.page_size;
        let items: Vec<Entry> = entries
            .iter()
            .skip(start)
            .take(self.page_size)
            .cloned()
            .collect();
        let next =
            (start + self.page_size < entries.len()).then(|| PageToken((index + 1).to_string()));
        Ok(Page { items, next })
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        self.entries
            .lock()
            .unwrap()
            .iter()
            .find(|e| e.id == doc.id())
            .cloned()
            .ok_or_else(|| ProviderError::NotFound {
                message: doc.id().to_owned(),
            })
    }

    async fn versions(&self, _doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        Ok(Vec::new())
    }

    async fn prepare(
        &self,
        _doc: &DocRef,
        _version: Option<&str>,
        _observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        Err(ProviderError::NotDownloadable {
            message: "the scripted provider serves listings only".into(),
        })
    }
}
