//! End-to-end tests of the real Docket window under Xvfb, driven through WebDriver. Run with `cargo xtask e2e`.

mod app;
mod browsing;
mod downloads;
mod large_folder;
mod previews;
mod servers_and_settings;
mod steps;
mod synced_folders;
mod webdriver;

use std::time::Duration;

/// How long a download of the demo's larger documents may take on a busy machine.
pub const SLOW: Duration = Duration::from_secs(120);
