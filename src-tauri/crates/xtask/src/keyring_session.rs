//! A private D-Bus session with an unlocked Secret Service (gnome-keyring), so tests use a real OS keyring
//! without touching the developer's own keyring.

use std::path::Path;
use std::process::Command;

/// Wraps `program args…` so it runs inside `dbus-run-session` with gnome-keyring's secrets component unlocked.
/// The keyring files live under `target/test-keyring`, recreated each run.
pub fn command(target: &Path, program: &str, args: &[&str]) -> Result<Command, String> {
    let keyring_home = target.join("test-keyring");
    let _ = std::fs::remove_dir_all(&keyring_home);
    std::fs::create_dir_all(&keyring_home)
        .map_err(|err| format!("creating {} failed: {err}", keyring_home.display()))?;
    // Any non-empty password creates and unlocks the login collection; an empty one creates none.
    let script = r#"eval "$(printf docket-test | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; exec "$@""#;
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "sh", "-c", script, "sh", program])
        .args(args)
        .env("XDG_DATA_HOME", &keyring_home);
    Ok(command)
}
