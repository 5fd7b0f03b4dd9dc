//! What the shell keeps between commands.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use docket_app::Workspace;
use docket_store::Catalog;

use crate::connections::Connections;
use crate::demo_rooms::DemoRooms;
use crate::error::IpcError;
use crate::folder_downloads::{FolderDownloadContext, FolderDownloads};
use crate::preview::OpenTables;
use crate::settings::{Settings, SettingsFile};
use crate::synced_folders::SyncedFolderList;
use crate::transfers::Transfers;

pub struct ShellState {
    pub connections: Arc<Connections>,
    pub catalog: Catalog,
    pub transfers: Arc<Transfers>,
    pub folders: Arc<FolderDownloads>,
    pub synced: Arc<SyncedFolderList>,
    batches: docket_store::batches::FolderBatches,
    pub demo: DemoRooms,
    /// CSV previews the panel pages through.
    pub previews: OpenTables,
    settings_file: SettingsFile,
    settings: Mutex<Settings>,
    /// Where downloads go when the settings name no folder.
    default_download_dir: PathBuf,
}

impl ShellState {
    /// Opens the data dir the `docket` CLI uses too: `DOCKET_DATA_DIR` when set, else the OS app-data dir.
    pub async fn open(default_download_dir: PathBuf) -> Result<Self, IpcError> {
        let workspace = Workspace::open(None).await?;
        let connections = Arc::new(
            Connections::open(
                workspace.book.clone(),
                workspace.secrets.clone(),
                workspace.http.clone(),
            )
            .await?,
        );
        let catalog = workspace.catalog.clone();
        let settings_file = SettingsFile::open(&workspace.data_dir);
        let settings = settings_file.load();
        let transfers = Transfers::new(workspace.transfer_queue(
            workspace.queue_store(),
            Arc::clone(connections.remotes()),
            settings.engine_config(),
        ));
        Ok(ShellState {
            connections,
            catalog,
            transfers,
            folders: Arc::default(),
            synced: Arc::new(SyncedFolderList::new(
                docket_store::synced::SyncedFolders::new(workspace.pool.clone()),
            )),
            batches: docket_store::batches::FolderBatches::new(workspace.pool.clone()),
            demo: DemoRooms::default(),
            previews: OpenTables::default(),
            settings_file,
            settings: Mutex::new(settings),
            default_download_dir,
        })
    }

    pub fn settings(&self) -> Settings {
        self.lock_settings().clone()
    }

    /// Saves new settings; new limits apply to the running transfers at once.
    pub fn update_settings(&self, settings: Settings) -> Result<(), IpcError> {
        self.settings_file.save(&settings)?;
        let engine_changed = self.lock_settings().engine_config() != settings.engine_config();
        if engine_changed {
            self.transfers.reconfigure(&settings.engine_config());
        }
        *self.lock_settings() = settings;
        Ok(())
    }

    pub fn download_dir(&self) -> PathBuf {
        let settings = self.lock_settings();
        if settings.download_dir.is_empty() {
            self.default_download_dir.clone()
        } else {
            PathBuf::from(&settings.download_dir)
        }
    }

    /// What a folder download started now works with.
    pub fn folder_context(&self) -> FolderDownloadContext {
        let transfers = Arc::clone(&self.transfers);
        FolderDownloadContext {
            catalog: self.catalog.clone(),
            batches: self.batches.clone(),
            queue: self.transfers.queue().clone(),
            wake: Arc::new(move || {
                let transfers = Arc::clone(&transfers);
                tauri::async_runtime::spawn(async move { transfers.wake().await });
            }),
        }
    }

    fn lock_settings(&self) -> MutexGuard<'_, Settings> {
        self.settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
