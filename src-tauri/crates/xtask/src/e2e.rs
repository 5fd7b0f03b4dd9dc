//! The end-to-end suite: the real app binary in a private Xvfb display, driven through tauri-driver and
//! WebKitWebDriver by the tests in `tests/e2e/`.

use std::path::Path;

use virtual_display::VirtualDisplay;

use crate::process::{cargo_program, run};
use crate::{keyring_session, prereqs};

/// `filter`: run only the tests whose names contain it (all when `None`).
pub fn run_suite(root: &Path, target: &Path, filter: Option<&str>) -> Result<(), String> {
    let driver = prereqs::tauri_driver()?;
    crate::phases::build_app(root)?;
    let app = target.join("debug").join("docket-desktop");
    let screenshots = target.join("e2e");
    std::fs::create_dir_all(&screenshots)
        .map_err(|err| format!("creating {} failed: {err}", screenshots.display()))?;

    let display = VirtualDisplay::start()?;
    println!("Xvfb running on {}", display.name());
    // A private session bus (no stray buses outlive the suite) with an unlocked keyring, as on a desktop.
    let mut test_args = vec![
        "test",
        "--package",
        "docket-desktop",
        "--features",
        "e2e",
        "--test",
        "e2e",
        "--",
        "--nocapture",
        "--test-threads=1",
    ];
    test_args.extend(filter);
    let mut tests = keyring_session::command(target, "e2e", &cargo_program(), &test_args)?;
    tests
        .current_dir(root)
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY")
        .env("DOCKET_E2E_APP", &app)
        .env("DOCKET_E2E_DRIVER", &driver)
        .env("DOCKET_E2E_SCREENSHOTS", &screenshots);
    let outcome = run(&mut tests);
    drop(display);
    outcome?;
    println!("screenshots: {}", screenshots.display());
    Ok(())
}
