//! The settings a person may change, with their defaults written once (the transfer limits' are the engine's own,
//! [`EngineConfig::default`]), kept as `settings.json` in the data dir: the window edits them, and the `docket`
//! command runs the queue under the same limits unless told otherwise.

pub mod download_folder;

use std::path::{Path, PathBuf};

use docket_transfer::EngineConfig;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The most transfers a person may ask to run at once.
pub const MAX_TRANSFERS_AT_ONCE: u32 = 16;

/// The transfer limits a person may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferSettings {
    /// Large transfers worked on at once.
    pub transfers_at_once: u32,
    /// Total download speed limit in KiB/s; 0 means unlimited.
    pub bandwidth_limit_kib: u32,
}

impl Default for TransferSettings {
    fn default() -> Self {
        let engine = EngineConfig::default();
        TransferSettings {
            transfers_at_once: u32::try_from(engine.max_transfers).unwrap_or(MAX_TRANSFERS_AT_ONCE),
            bandwidth_limit_kib: 0,
        }
    }
}

impl TransferSettings {
    /// The engine's configuration under these limits; everything else at its default.
    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            max_transfers: self.transfers_at_once.max(1) as usize,
            bandwidth_limit: (self.bandwidth_limit_kib > 0)
                .then(|| u64::from(self.bandwidth_limit_kib) * 1024),
            ..EngineConfig::default()
        }
    }
}

/// Documents up to this size download beside the large ones ([`EngineConfig::small_transfer_bytes`]).
pub fn small_transfer_bytes() -> u64 {
    EngineConfig::default().small_transfer_bytes
}

const FILE_NAME: &str = "settings.json";

/// How the window picks its colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follows the OS's light or dark appearance.
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// Where downloads land; empty means the OS download folder's `Docket` subfolder.
    pub download_dir: String,
    /// How many transfers run at once.
    pub concurrency: u32,
    /// Total download speed limit in KiB/s; 0 means unlimited.
    pub bandwidth_limit_kib: u32,
    pub theme: Theme,
    /// A desktop notification when a batch of downloads finishes or a transfer fails.
    pub notify_when_done: bool,
    /// When a synced document changed on the server, keep the earlier local copy beside the new one, named with its
    /// version (`report (version 2).pdf`); otherwise it is replaced.
    pub keep_versions: bool,
}

impl Default for Settings {
    fn default() -> Self {
        // The transfer limits' defaults are the core's, which the `docket` command uses too.
        let transfers = TransferSettings::default();
        Settings {
            download_dir: String::new(),
            concurrency: transfers.transfers_at_once,
            bandwidth_limit_kib: transfers.bandwidth_limit_kib,
            theme: Theme::System,
            notify_when_done: true,
            keep_versions: false,
        }
    }
}

impl Settings {
    /// The transfer engine's limits from these settings.
    pub fn engine_config(&self) -> EngineConfig {
        TransferSettings {
            transfers_at_once: self.concurrency,
            bandwidth_limit_kib: self.bandwidth_limit_kib,
        }
        .engine_config()
    }

    /// Refuses values the engine cannot use, naming the field and the allowed range.
    pub fn validate(&self) -> Result<(), AppError> {
        if !(1..=MAX_TRANSFERS_AT_ONCE).contains(&self.concurrency) {
            return Err(AppError::Usage(format!(
                "Large downloads at once must be between 1 and {MAX_TRANSFERS_AT_ONCE}, not {}.",
                self.concurrency
            )));
        }
        if !self.download_dir.is_empty() {
            check_download_dir(Path::new(&self.download_dir))?;
        }
        Ok(())
    }
}

/// Refuses a download folder that is not a full path, or is a system, configuration or start-up folder
/// ([`download_folder`]), telling the user to choose another.
pub fn check_download_dir(dir: &Path) -> Result<(), AppError> {
    if !dir.is_absolute() {
        return Err(AppError::Usage(format!(
            "The download folder must be a full path, not `{}`.",
            dir.display()
        )));
    }
    match download_folder::Forbidden::of_this_machine().refusal(dir) {
        Some(refusal) => Err(AppError::Usage(refusal.message(dir))),
        None => Ok(()),
    }
}

/// Reads and writes the settings file of one data dir.
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    pub fn open(data_dir: &Path) -> Self {
        SettingsFile {
            path: data_dir.join(FILE_NAME),
        }
    }

    /// The stored settings; a missing or unreadable file gives the defaults (and says so in the log), and a
    /// download folder Docket refuses (written before it checked, or by hand) gives the default folder.
    pub fn load(&self) -> Settings {
        let mut settings = match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                tracing::warn!(path = %self.path.display(), "settings file unreadable, using defaults: {err}");
                Settings::default()
            }),
            Err(_) => Settings::default(),
        };
        if !settings.download_dir.is_empty() {
            if let Err(refused) = check_download_dir(Path::new(&settings.download_dir)) {
                tracing::warn!("the default download folder is used instead: {}", refused);
                settings.download_dir.clear();
            }
        }
        settings
    }

    /// Writes through a temporary file so a crash never leaves half a settings file.
    pub fn save(&self, settings: &Settings) -> Result<(), AppError> {
        settings.validate()?;
        let fail = |source: std::io::Error| AppError::SettingsFile {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let json = serde_json::to_vec_pretty(settings).map_err(|err| fail(err.into()))?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json).map_err(fail)?;
        std::fs::rename(&temporary, &self.path).map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_engines() {
        let engine = EngineConfig::default();
        let settings = TransferSettings::default();
        assert_eq!(settings.transfers_at_once as usize, engine.max_transfers);
        assert_eq!(settings.engine_config(), engine);
    }

    #[test]
    fn a_bandwidth_limit_is_given_in_kib_per_second() {
        let settings = TransferSettings {
            transfers_at_once: 5,
            bandwidth_limit_kib: 512,
        };
        let engine = settings.engine_config();
        assert_eq!(engine.max_transfers, 5);
        assert_eq!(engine.bandwidth_limit, Some(512 * 1024));
    }

    #[test]
    fn saved_settings_come_back_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            download_dir: dir.path().join("dl").display().to_string(),
            concurrency: 5,
            bandwidth_limit_kib: 512,
            theme: Theme::Dark,
            notify_when_done: false,
            keep_versions: true,
        };
        SettingsFile::open(dir.path()).save(&settings).unwrap();
        assert_eq!(SettingsFile::open(dir.path()).load(), settings);
    }

    #[test]
    fn a_missing_file_gives_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(SettingsFile::open(dir.path()).load(), Settings::default());
    }

    #[test]
    fn a_settings_file_from_before_notifications_turns_them_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), r#"{"concurrency":4}"#).unwrap();
        let settings = SettingsFile::open(dir.path()).load();
        assert_eq!(settings.concurrency, 4);
        assert!(settings.notify_when_done);
    }

    #[test]
    fn a_download_folder_in_the_autostart_or_system_folders_is_refused_telling_to_choose_another() {
        let dir = tempfile::tempdir().unwrap();
        let mut refused = vec![PathBuf::from("/etc"), PathBuf::from("/")];
        if let Some(home) = std::env::home_dir() {
            refused.push(home.join(".config/autostart"));
            refused.push(home.join(".ssh"));
        }
        for folder in refused {
            let settings = Settings {
                download_dir: folder.display().to_string(),
                ..Settings::default()
            };
            let err = SettingsFile::open(dir.path()).save(&settings).unwrap_err();
            assert!(matches!(err, AppError::Usage(_)), "{err:?}");
            assert!(
                err.to_string().contains("Choose another folder"),
                "{}: {err}",
                folder.display(),
            );
        }
        assert!(!dir.path().join(FILE_NAME).exists(), "nothing was saved");
    }

    #[test]
    fn a_refused_download_folder_in_the_settings_file_gives_the_default_folder() {
        let dir = tempfile::tempdir().unwrap();
        let json = r#"{"downloadDir":"/etc/xdg/autostart","concurrency":4}"#;
        std::fs::write(dir.path().join(FILE_NAME), json).unwrap();
        let settings = SettingsFile::open(dir.path()).load();
        assert_eq!(settings.download_dir, "");
        assert_eq!(settings.concurrency, 4);
    }

    #[test]
    fn zero_transfers_at_once_is_refused_with_the_allowed_range() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            concurrency: 0,
            ..Settings::default()
        };
        let err = SettingsFile::open(dir.path()).save(&settings).unwrap_err();
        assert!(err.to_string().contains("between 1 and 16"), "{err}");
    }
}
