//! Opening downloaded files with the system: the default app, or the folder that holds them. Only files Docket
//! downloaded are opened (found by transfer or in the catalog), never a path the window sends.

use std::path::{Path, PathBuf};

use tauri::State;

use crate::error::{ErrorCode, IpcError};
use crate::state::ShellState;

/// Which downloaded file: one transfer's, or the newest local copy of a document.
#[derive(Debug, Clone, serde::Deserialize, specta::Type)]
#[serde(tag = "by", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum DownloadedFile {
    Transfer { id: i64 },
    Document { remote: String, doc_id: String },
}

async fn locate(state: &ShellState, file: DownloadedFile) -> Result<PathBuf, IpcError> {
    let path = match file {
        DownloadedFile::Transfer { id } => state
            .transfers
            .find(id)
            .and_then(|t| t.path)
            .map(PathBuf::from),
        DownloadedFile::Document { remote, doc_id } => state
            .catalog
            .local_copy(&remote, &doc_id)
            .await?
            .map(|copy| copy.path),
    }
    .ok_or_else(|| IpcError::invalid("This document has not been downloaded yet."))?;
    if !path.exists() {
        return Err(IpcError::new(
            ErrorCode::NotFound,
            format!(
                "{} is no longer there: it was moved or deleted.",
                path.display()
            ),
        ));
    }
    Ok(path)
}

/// Opens a downloaded file with the system's default app for its type. A file that would run as a program is
/// opened only with `confirmed`; without it the answer is `needs_confirmation`, saying why, for the window to ask.
#[tauri::command]
#[specta::specta]
pub async fn open_downloaded(
    state: State<'_, ShellState>,
    file: DownloadedFile,
    confirmed: bool,
) -> Result<(), IpcError> {
    let path = locate(&state, file).await?;
    check_before_opening(&path, confirmed)?;
    open::that_detached(&path)
        .map_err(|err| IpcError::internal(format!("Could not open {}: {err}", path.display())))
}

/// Extensions the usual desktops run, install or mount rather than show: Windows programs, installers and
/// scripts (Windows Script Host runs `.js`, the Python launcher `.py`), Linux scripts, packages and launchers,
/// macOS apps, installers and disk images. `.bin` is left out: it is mostly data (firmware, archives), no desktop
/// runs it by its name, and one made executable is caught by its execute bit.
#[rustfmt::skip]
const PROGRAM_EXTENSIONS: &[&str] = &[
    // Windows
    "exe", "msi", "msix", "msixbundle", "appx", "appxbundle", "bat", "cmd", "com", "scr", "pif", "cpl", "hta",
    "msc", "lnk", "reg", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "py", "pyw", "jar",
    // Linux and other Unixes
    "sh", "bash", "zsh", "csh", "ksh", "run", "appimage", "deb", "rpm", "snap", "flatpak", "flatpakref", "desktop",
    // macOS
    "app", "command", "tool", "dmg", "pkg", "mpkg",
];

/// Refuses, until the person confirms, to open a file that would run as a program.
fn check_before_opening(path: &Path, confirmed: bool) -> Result<(), IpcError> {
    match (confirmed, runs_as_program(path)) {
        (false, Some(why)) => Err(IpcError::new(ErrorCode::NeedsConfirmation, why)),
        _ => Ok(()),
    }
}

/// Why opening `path` would run it, when it would: a program's extension, or (on Unix) an execute bit.
fn runs_as_program(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy();
    // Windows ignores trailing dots and spaces: `setup.exe.` runs as `setup.exe`.
    let trimmed = name.trim_end_matches(['.', ' ']);
    if let Some((_, extension)) = trimmed.rsplit_once('.') {
        let extension = extension.to_ascii_lowercase();
        if PROGRAM_EXTENSIONS.contains(&extension.as_str()) {
            return Some(format!(
                "“{name}” is a program or installer (.{extension}): opening it runs it with your permissions."
            ));
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let executable = std::fs::metadata(path)
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0);
        if executable {
            return Some(format!(
                "“{name}” is marked executable: opening it may run it with your permissions."
            ));
        }
    }
    None
}

/// Shows the folder that holds a downloaded file.
#[tauri::command]
#[specta::specta]
pub async fn reveal_downloaded(
    state: State<'_, ShellState>,
    file: DownloadedFile,
) -> Result<(), IpcError> {
    let path = locate(&state, file).await?;
    let folder = path.parent().map(PathBuf::from).unwrap_or(path);
    open::that_detached(&folder)
        .map_err(|err| IpcError::internal(format!("Could not show {}: {err}", folder.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(dir: &Path, name: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, b"MZ").unwrap();
        path
    }

    #[test]
    fn a_program_is_not_opened_without_confirmation_and_the_answer_says_why() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "setup.exe",
            "Install.MSI",
            "run.ps1",
            "tool.AppImage",
            "app.desktop",
            "image.dmg",
            "x.exe. ",
        ] {
            let err = check_before_opening(&saved(dir.path(), name), false).unwrap_err();
            assert_eq!(err.code, ErrorCode::NeedsConfirmation, "{name}");
            assert!(err.message.contains(name.trim_end()), "{}", err.message);
            assert!(err.message.contains("runs it"), "{}", err.message);
        }
    }

    #[test]
    fn a_confirmed_program_may_be_opened() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            check_before_opening(&saved(dir.path(), "setup.exe"), true),
            Ok(())
        );
    }

    #[test]
    fn documents_open_without_asking() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "Q1-Report.pdf",
            "ledger.csv",
            "telemetry-archive.bin",
            "notes",
            "exe.pdf",
        ] {
            assert_eq!(
                check_before_opening(&saved(dir.path(), name), false),
                Ok(()),
                "{name}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_with_an_execute_bit_is_a_program_whatever_its_name() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = saved(dir.path(), "report.pdf");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let err = check_before_opening(&path, false).unwrap_err();
        assert_eq!(err.code, ErrorCode::NeedsConfirmation);
        assert!(err.message.contains("marked executable"), "{}", err.message);
    }

    #[test]
    fn a_reversed_name_is_judged_by_its_real_extension() {
        // Shown as `invoiceexe.pdf` where bidi controls are obeyed; saved names have them replaced, but a file
        // named so by other means still ends in `.exe`.
        let dir = tempfile::tempdir().unwrap();
        let err =
            check_before_opening(&saved(dir.path(), "invoice\u{202E}fdp.exe"), false).unwrap_err();
        assert_eq!(err.code, ErrorCode::NeedsConfirmation);
    }
}
