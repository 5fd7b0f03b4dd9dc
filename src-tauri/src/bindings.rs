//! The typed IPC surface. `ui/src/lib/bindings.ts` is generated from it by the test below.

use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands::{browse, files, folders, preview, remotes, settings, startup, transfers};
use crate::events;

/// Every command the UI may call. The capability file and this list are the whole IPC surface.
pub fn bindings_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            remotes::list_remotes,
            remotes::remote_forms,
            remotes::save_remote,
            remotes::test_remote,
            remotes::remove_remote,
            remotes::check_remote,
            remotes::open_demo_rooms,
            browse::list_folder,
            browse::search_documents,
            browse::document_versions,
            transfers::list_transfers,
            transfers::start_downloads,
            transfers::pause_transfer,
            transfers::resume_transfer,
            transfers::cancel_transfer,
            transfers::retry_transfer,
            transfers::move_transfer,
            transfers::pause_all_transfers,
            transfers::resume_all_transfers,
            transfers::clear_finished_transfers,
            transfers::remove_transfer,
            transfers::list_orphan_partials,
            transfers::remove_orphan_partial,
            transfers::reveal_orphan_partial,
            preview::preview_document,
            preview::preview_rows,
            preview::close_preview,
            preview::pdf_document,
            preview::server_preview,
            folders::download_folders,
            folders::list_folder_downloads,
            folders::act_on_folder_download,
            folders::keep_in_sync,
            folders::list_synced_folders,
            folders::check_synced_folder,
            folders::sync_synced_folder,
            folders::stop_syncing,
            settings::get_settings,
            settings::save_settings,
            settings::pick_download_folder,
            files::open_downloaded,
            files::reveal_downloaded,
            startup::first_list_painted,
            startup::probe_folder,
        ])
        .events(collect_events![
            events::TransfersChanged,
            events::RemotesChanged,
            events::ListingChanged,
            events::RemoteReachability,
            events::LocalCopiesChanged,
            events::FolderDownloadsChanged,
            events::SyncedFoldersChanged
        ])
        // Byte counts stay far below 2^53, so plain numbers are exact.
        .dangerously_cast_bigints_to_number()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use specta_typescript::Typescript;

    use super::*;

    const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

    /// Every command the window may call is allowed by its capability: a command registered without one is
    /// refused at run time, and the window's start-up stops at the first such call.
    #[test]
    fn every_registered_command_is_allowed_to_the_window() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(root.join("src-tauri/src/bindings.rs")).unwrap();
        let start = source.find("collect_commands![").unwrap();
        let end = start + source[start..].find(']').unwrap();
        let capability =
            std::fs::read_to_string(root.join("src-tauri/capabilities/default.json")).unwrap();
        let commands: Vec<&str> = source[start + "collect_commands![".len()..end]
            .split(',')
            .map(str::trim)
            .filter(|path| !path.is_empty())
            .filter_map(|path| path.rsplit("::").next())
            .collect();
        assert!(commands.len() > 10, "{commands:?}");
        for command in commands {
            let permission = format!("\"allow-{}\"", command.replace('_', "-"));
            assert!(
                capability.contains(&permission),
                "src-tauri/capabilities/default.json does not allow `{command}`: add {permission}"
            );
        }
    }

    /// CI fails here when a command or type changed without regenerating the file;
    /// `cargo xtask bindings` sets DOCKET_WRITE_BINDINGS=1 to regenerate it.
    #[test]
    fn generated_bindings_match_the_committed_file() {
        let scratch = tempfile::tempdir().unwrap();
        let rendered_path = scratch.path().join("bindings.ts");
        bindings_builder()
            .export(Typescript::default(), &rendered_path)
            .unwrap();
        let rendered = std::fs::read_to_string(&rendered_path).unwrap();

        let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        if std::env::var_os("DOCKET_WRITE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &rendered).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == rendered,
            "{} is stale: the Rust commands or types changed. Run `cargo xtask bindings` and commit it.",
            committed_path.display()
        );
    }
}
