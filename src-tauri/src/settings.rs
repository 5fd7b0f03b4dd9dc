//! The window's preferences: the core's settings (`settings.json` in the data dir, which `docket` reads too).

pub use docket_app::settings::{check_download_dir, Settings, SettingsFile};

/// The most large downloads the settings allow at once.
pub const MAX_CONCURRENCY: u32 = docket_app::settings::MAX_TRANSFERS_AT_ONCE;
