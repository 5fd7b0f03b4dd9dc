//! Checks what a build, the app and the end-to-end suite need, and installs what is missing when it can.

use std::path::PathBuf;
use std::process::Command;

use crate::process::{cargo, cargo_program, run, succeeds};

/// Debian packages: the Tauri/WebKitGTK build, a headless display, WebDriver, a session bus, a keyring, and a
/// font with CJK glyphs (without one, Chinese, Japanese and Korean names show as boxes in the window).
const SYSTEM_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libsoup-3.0-dev",
    "libdbus-1-dev",
    "libxdo-dev",
    "pkg-config",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dbus-x11",
    "gnome-keyring",
    "keyutils",
    "imagemagick",
    "fonts-noto-cjk",
];

/// Installs the Debian packages that are not installed yet (as root, or through sudo), or prints the exact
/// command and stops when neither is available.
pub fn system_packages() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        println!("not Linux: skipping the Debian packages (Tauri's own prerequisites apply here)");
        return Ok(());
    }
    if !succeeds("dpkg-query", &["--version"]) {
        return Err(format!(
            "this is not a Debian-based system; install the equivalents of: {}",
            SYSTEM_PACKAGES.join(" ")
        ));
    }
    let missing: Vec<&str> = SYSTEM_PACKAGES
        .iter()
        .copied()
        .filter(|package| !is_installed(package))
        .collect();
    if missing.is_empty() {
        println!("system packages: all {} present", SYSTEM_PACKAGES.len());
        return Ok(());
    }
    let install = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    let elevate = if is_root() {
        None
    } else if succeeds("sudo", &["-n", "true"]) {
        Some("sudo")
    } else {
        return Err(format!(
            "missing system packages: {}\nrun this, then try again:\n  sudo sh -c '{install}'",
            missing.join(" ")
        ));
    };
    println!("installing missing system packages: {}", missing.join(" "));
    let shell_line = match elevate {
        Some(sudo) => format!("{sudo} sh -c '{install}'"),
        None => install,
    };
    run(Command::new("sh").args(["-c", &shell_line]))
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Node.js and npm build the UI; the machine's own are used.
pub fn node() -> Result<(), String> {
    if succeeds("node", &["--version"]) && succeeds("npm", &["--version"]) {
        return Ok(());
    }
    Err("Node.js 20 or newer with npm is needed to build the UI: install it (https://nodejs.org or your \
         package manager), then run the command again"
        .to_owned())
}

/// tauri-driver bridges WebDriver to WebKitWebDriver for the end-to-end suite.
pub fn tauri_driver() -> Result<PathBuf, String> {
    if let Some(found) = tauri_driver_path() {
        return Ok(found);
    }
    println!("installing tauri-driver (once per machine)");
    run(cargo().args(["install", "tauri-driver", "--locked"]))?;
    tauri_driver_path().ok_or_else(|| {
        "tauri-driver was installed but is not on PATH nor in ~/.cargo/bin".to_owned()
    })
}

fn tauri_driver_path() -> Option<PathBuf> {
    if succeeds("tauri-driver", &["--help"]) {
        return Some(PathBuf::from("tauri-driver"));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let candidate = home.join("bin").join("tauri-driver");
    candidate.is_file().then_some(candidate)
}

/// cargo-nextest when the machine has it, else plain `cargo test`.
pub fn has_nextest() -> bool {
    succeeds(&cargo_program(), &["nextest", "--version"])
}
