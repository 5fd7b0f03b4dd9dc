//! One data dir opened for use: its database (remotes, catalog, queue), its secrets in the keyring, and the one
//! HTTP client every provider shares.

use std::path::PathBuf;
use std::sync::Arc;

use docket_store::{Catalog, QueueStore, RemoteBook, SecretStore};
use docket_transfer::{EngineConfig, TransferQueue};
use sqlx::SqlitePool;

use crate::directory::QueueDirectory;
use crate::error::AppError;
use crate::remotes::Remotes;

pub struct Workspace {
    pub data_dir: PathBuf,
    pub pool: SqlitePool,
    pub book: RemoteBook,
    pub catalog: Catalog,
    pub secrets: SecretStore,
    pub http: reqwest::Client,
}

impl Workspace {
    /// Opens `data_dir`, or when `None` the one the window and the CLI share (`DOCKET_DATA_DIR` when set, else
    /// the OS app-data dir).
    pub async fn open(data_dir: Option<PathBuf>) -> Result<Self, AppError> {
        let data_dir = data_dir.unwrap_or_else(docket_core::paths::data_dir);
        let http = docket_core::http::client().map_err(|err| AppError::Http(err.to_string()))?;
        let pool = docket_store::database::open(&data_dir).await?;
        Ok(Workspace {
            book: RemoteBook::open(pool.clone(), &data_dir).await?,
            secrets: SecretStore::of_database(&pool).await?,
            catalog: Catalog::new(pool.clone()),
            pool,
            data_dir,
            http,
        })
    }

    /// The configured remotes, with a provider cache of their own; read now.
    pub async fn remotes(&self) -> Result<Remotes, AppError> {
        Remotes::open(self.book.clone(), self.secrets.clone(), self.http.clone()).await
    }

    /// Like [`Workspace::remotes`], read when first needed.
    pub fn unread_remotes(&self) -> Remotes {
        Remotes::unread(self.book.clone(), self.secrets.clone(), self.http.clone())
    }

    /// The transfer queue's rows in this data dir.
    pub fn queue_store(&self) -> QueueStore {
        QueueStore::new(self.pool.clone())
    }

    /// The transfer queue over `store` under `config`: it finds providers through `remotes` and records completed
    /// downloads in the catalog itself, so the browser and `docket ls` show them downloaded.
    pub fn transfer_queue(
        &self,
        store: QueueStore,
        remotes: Arc<Remotes>,
        config: EngineConfig,
    ) -> TransferQueue {
        TransferQueue::new(
            store,
            Arc::new(QueueDirectory(remotes)),
            self.http.clone(),
            config,
        )
        .with_catalog(self.catalog.clone())
    }
}
