//! The end-to-end suite: the real app binary in a private Xvfb display, driven through tauri-driver and
//! WebKitWebDriver by the tests in `tests/e2e/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

/// An Xvfb server on a free display number, stopped when dropped.
struct VirtualDisplay {
    number: u32,
    server: Child,
}

impl VirtualDisplay {
    fn start() -> Result<Self, String> {
        let number = (99..199)
            .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .ok_or("no free X display number between :99 and :198")?;
        let server = Command::new("Xvfb")
            .args([
                &format!(":{number}"),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("could not start Xvfb (install the xvfb package): {err}"))?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let started = Instant::now();
        while !socket.exists() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err(format!("Xvfb :{number} did not come up within 10 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        println!("Xvfb running on :{number}");
        Ok(VirtualDisplay { number, server })
    }

    fn name(&self) -> String {
        format!(":{}", self.number)
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}
