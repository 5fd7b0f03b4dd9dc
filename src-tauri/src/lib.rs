//! The desktop shell: a window, thin commands over the engine, and nothing else. Protocol and transfer logic
//! live in the engine crates under `src-tauri/crates/`.

mod bindings;
mod catalog_events;
mod commands;
mod connections;
mod demo_rooms;
mod error;
mod events;
mod folder_downloads;
mod listing;
mod listing_pages;
mod notifications;
mod preview;
mod settings;
mod state;
mod synced_folders;
mod transfers;

pub use bindings::bindings_builder;
pub use error::{ErrorCode, IpcError};

use tauri::Manager;
use tauri_specta::Event;
use tracing_subscriber::EnvFilter;

use demo_rooms::DemoRooms;
use events::{FolderDownloadsChanged, RemotesChanged, SyncedFoldersChanged, TransfersChanged};
use state::ShellState;

/// `--demo` on the command line or `DOCKET_DEMO=1`: open the demo data rooms at start.
fn demo_requested() -> bool {
    let flag = std::env::args().skip(1).any(|a| a == "--demo");
    let env = std::env::var("DOCKET_DEMO").is_ok_and(|v| !v.is_empty() && v != "0");
    flag || env
}

fn run_transfers(transfers: std::sync::Arc<transfers::Transfers>) {
    tauri::async_runtime::spawn(transfers.clone().follow_progress());
    tauri::async_runtime::spawn(transfers.keep_running());
}

/// Starts the desktop app and blocks until its last window closes.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let builder = bindings_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let downloads = app
                .path()
                .download_dir()
                .or_else(|_| app.path().home_dir())
                .unwrap_or_else(|_| std::env::temp_dir())
                .join("Docket");
            let state = tauri::async_runtime::block_on(ShellState::open(downloads))?;
            let transfers = state.transfers.clone();
            let catalog = state.catalog.clone();
            // Demo remotes of an earlier run point at a server that stopped with it: bring it back.
            let open_demo = demo_requested() || DemoRooms::registered_before(&state.connections);
            app.manage(state);

            let handle = app.handle().clone();
            let notifier = notifications::Notifier::new(app.handle().clone());
            tauri::async_runtime::spawn(transfers.clone().publish_changes(move |transfers| {
                notifier.observe(&transfers);
                let _ = TransfersChanged { transfers }.emit(&handle);
            }));
            let folders = app.state::<ShellState>().folders.clone();
            let folders_handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                loop {
                    folders.changed().await;
                    let _ = FolderDownloadsChanged {
                        downloads: folders.list(),
                    }
                    .emit(&folders_handle);
                }
            });
            let synced = app.state::<ShellState>().synced.clone();
            let synced_handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                loop {
                    synced.changed().await;
                    if let Ok(folders) = synced.list().await {
                        let _ = SyncedFoldersChanged { folders }.emit(&synced_handle);
                    }
                }
            });
            tauri::async_runtime::spawn(synced_folders::check_now_and_then(app.handle().clone()));
            tauri::async_runtime::spawn(catalog_events::forward(
                catalog.clone(),
                app.handle().clone(),
            ));
            // Files moved, deleted or changed outside Docket show as such instead of as downloaded.
            tauri::async_runtime::spawn(async move {
                match docket_store::watch::DownloadWatch::start(catalog).await {
                    Ok(watch) => {
                        std::future::pending::<()>().await;
                        drop(watch);
                    }
                    Err(err) => tracing::warn!("downloaded files are not being watched: {err}"),
                }
            });
            if open_demo {
                let handle = app.handle().clone();
                let transfers = transfers.clone();
                tauri::async_runtime::spawn(async move {
                    let state = handle.state::<ShellState>();
                    match state.demo.open(&state.connections).await {
                        Ok(_) => {
                            let _ = RemotesChanged.emit(&handle);
                        }
                        Err(err) => tracing::error!("could not open the demo data rooms: {err}"),
                    }
                    // Transfers of the demo remotes can only resume once their server is back.
                    run_transfers(transfers);
                });
            } else {
                run_transfers(transfers);
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("Docket could not start: {err}");
        std::process::exit(1);
    }
}
