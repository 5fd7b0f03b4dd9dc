//! A private D-Bus session with an unlocked Secret Service (gnome-keyring), so tests use a real OS keyring
//! without touching the developer's own keyring.
//!
//! gnome-keyring keeps its keyrings in `$XDG_DATA_HOME/keyrings` (else `~/.local/share/keyrings`) and its control
//! socket in `$XDG_RUNTIME_DIR/keyring` (else under `$XDG_CACHE_HOME`); the app reads `$XDG_CONFIG_HOME` (download
//! folder) and `$HOME`. A session pointed at the developer's own would open their `login` keyring (failing with
//! "Cannot create an item in a locked collection" when its password differs) or take over their keyring's control
//! socket. So every one of those points into a throwaway directory under the target dir, recreated per session.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Any non-empty password creates and unlocks the `login` collection; an empty one creates none.
const SCRIPT: &str = r#"eval "$(printf docket-test | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; exec "$@""#;

/// Wraps `program args…` so it runs inside `dbus-run-session` with gnome-keyring's secrets component unlocked.
/// `name` tells sessions apart (`rust-tests`, `bench`, …): each lives in `target/keyring-sessions/<name>`, emptied
/// first, so two kinds of run never share a keyring.
pub fn command(target: &Path, name: &str, program: &str, args: &[&str]) -> Result<Command, String> {
    let session_dir = target.join("keyring-sessions").join(name);
    command_in(&session_dir, |name| std::env::var_os(name), program, args)
}

/// `command` with the session in `session_dir` and the current environment read through `real`.
fn command_in(
    session_dir: &Path,
    real: impl Fn(&str) -> Option<OsString>,
    program: &str,
    args: &[&str],
) -> Result<Command, String> {
    let _ = std::fs::remove_dir_all(session_dir);
    let environment = session_environment(session_dir, real)?;
    for (variable, dir) in &environment {
        if variable.starts_with("XDG_") || *variable == "HOME" {
            create_private_dir(Path::new(dir))?;
        }
    }
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "sh", "-c", SCRIPT, "sh", program])
        .args(args)
        .envs(environment);
    Ok(command)
}

/// The variables the session sets. HOME and the XDG dirs point into `session_dir`; CARGO_HOME and RUSTUP_HOME are
/// pinned to their current values first (by default they live under HOME), so cargo, rustup and the tools
/// installed with them keep working once HOME moves. `real` reads the current environment.
fn session_environment(
    session_dir: &Path,
    real: impl Fn(&str) -> Option<OsString>,
) -> Result<Vec<(&'static str, OsString)>, String> {
    let set = |name: &str| real(name).filter(|value| !value.is_empty());
    let real_home = set("HOME").map(PathBuf::from);
    let tool_home = |variable: &str, default_dir: &str| -> Result<OsString, String> {
        if let Some(value) = set(variable) {
            return Ok(value);
        }
        real_home
            .as_ref()
            .map(|home| home.join(default_dir).into_os_string())
            .ok_or_else(|| {
                format!(
                    "neither {variable} nor HOME is set, so the keyring session cannot tell where cargo's \
                     toolchain lives once it moves HOME: set {variable} (usually ~/{default_dir}) and run this again"
                )
            })
    };
    let cargo_home = tool_home("CARGO_HOME", ".cargo")?;
    let rustup_home = tool_home("RUSTUP_HOME", ".rustup")?;
    let inside = |dir: &str| session_dir.join(dir).into_os_string();
    Ok(vec![
        ("CARGO_HOME", cargo_home),
        ("RUSTUP_HOME", rustup_home),
        ("HOME", inside("home")),
        ("XDG_DATA_HOME", inside("data")),
        ("XDG_CONFIG_HOME", inside("config")),
        ("XDG_CACHE_HOME", inside("cache")),
        ("XDG_RUNTIME_DIR", inside("runtime")),
    ])
}

/// Creates `dir` readable by this user only, as XDG_RUNTIME_DIR must be.
fn create_private_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|err| {
        format!(
            "creating {} for the keyring session failed: {err}",
            dir.display()
        )
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|err| {
            format!(
                "making {} private for the keyring session failed: {err}",
                dir.display()
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment_with(pairs: &[(&str, &str)]) -> Result<Vec<(&'static str, OsString)>, String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        session_environment(Path::new("/repo/target/keyring-sessions/t"), move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        })
    }

    fn value<'a>(environment: &'a [(&'static str, OsString)], name: &str) -> &'a OsString {
        match environment.iter().find(|(variable, _)| *variable == name) {
            Some((_, value)) => value,
            None => panic!("{name} is not set by the session"),
        }
    }

    #[test]
    fn home_and_every_xdg_dir_point_into_the_session_dir() {
        let environment = environment_with(&[
            ("HOME", "/home/ada"),
            ("XDG_DATA_HOME", "/home/ada/.local/share"),
            ("XDG_RUNTIME_DIR", "/run/user/1000"),
        ])
        .unwrap();
        for name in [
            "HOME",
            "XDG_DATA_HOME",
            "XDG_CONFIG_HOME",
            "XDG_CACHE_HOME",
            "XDG_RUNTIME_DIR",
        ] {
            assert!(
                Path::new(value(&environment, name)).starts_with("/repo/target/keyring-sessions/t"),
                "{name} = {:?}",
                value(&environment, name)
            );
        }
    }

    #[test]
    fn cargo_and_rustup_keep_the_real_homes_defaults_when_home_moves() {
        let environment = environment_with(&[("HOME", "/home/ada")]).unwrap();
        assert_eq!(value(&environment, "CARGO_HOME"), "/home/ada/.cargo");
        assert_eq!(value(&environment, "RUSTUP_HOME"), "/home/ada/.rustup");
    }

    #[test]
    fn explicit_cargo_and_rustup_homes_are_kept() {
        let environment = environment_with(&[
            ("HOME", "/home/ada"),
            ("CARGO_HOME", "/opt/cargo"),
            ("RUSTUP_HOME", "/opt/rustup"),
        ])
        .unwrap();
        assert_eq!(value(&environment, "CARGO_HOME"), "/opt/cargo");
        assert_eq!(value(&environment, "RUSTUP_HOME"), "/opt/rustup");
    }

    #[test]
    fn without_home_or_cargo_home_the_error_says_what_to_set() {
        let Err(problem) = environment_with(&[]) else {
            panic!("no HOME and no CARGO_HOME must be an error");
        };
        assert!(problem.contains("set CARGO_HOME"), "{problem}");
    }

    #[test]
    fn the_command_runs_the_program_inside_dbus_run_session_with_the_session_environment() {
        let target =
            std::env::temp_dir().join(format!("xtask-keyring-test-{}", std::process::id()));
        let command = command(&target, "unit", "cargo", &["nextest", "run"]).unwrap();
        assert_eq!(command.get_program(), "dbus-run-session");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args[args.len() - 3..], ["cargo", "nextest", "run"]);
        let session_dir = target.join("keyring-sessions").join("unit");
        let home = command
            .get_envs()
            .find(|(name, _)| *name == "HOME")
            .and_then(|(_, value)| value);
        assert_eq!(home, Some(session_dir.join("home").as_os_str()));
        assert!(session_dir.join("runtime").is_dir());
        let _ = std::fs::remove_dir_all(&target);
    }

    /// The real thing: a developer whose own `login` keyring has another password. The session creates and
    /// unlocks a keyring of its own, and the developer's file is neither read into the session nor changed.
    #[test]
    #[ignore = "starts dbus-run-session and gnome-keyring-daemon: cargo test -p xtask -- --ignored"]
    fn a_real_session_keeps_its_keyring_in_the_session_dir_and_leaves_the_users_alone() {
        let scratch =
            std::env::temp_dir().join(format!("xtask-keyring-real-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let user_home = scratch.join("user-home");
        let user_keyrings = user_home.join(".local/share/keyrings");
        std::fs::create_dir_all(&user_keyrings).unwrap();
        // The user's own keyring, made by gnome-keyring itself with a password the session does not know.
        let made = Command::new("dbus-run-session")
            .args(["--", "sh", "-c"])
            // The daemon writes the file after `--unlock` returns: wait until it has. Sessions here last a second
            // at least: a gnome-keyring whose bus ends while it is still starting outlives the session.
            .arg(
                "printf users-own-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
                 for _ in $(seq 50); do [ -s \"$HOME/.local/share/keyrings/login.keyring\" ] && break; \
                 sleep 0.1; done; sleep 1",
            )
            .env("HOME", &user_home)
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_RUNTIME_DIR")
            .env("XDG_CACHE_HOME", scratch.join("user-cache"))
            .status()
            .unwrap();
        assert!(made.success());
        let login = user_keyrings.join("login.keyring");
        let before = std::fs::read(&login).unwrap();
        assert!(!before.is_empty(), "gnome-keyring wrote the user's keyring");
        let modified_before = std::fs::metadata(&login).unwrap().modified().unwrap();

        let session_dir = scratch.join("session");
        let user_home_text = user_home.to_string_lossy().into_owned();
        let real = |name: &str| match name {
            "HOME" => Some(OsString::from(&user_home_text)),
            _ => std::env::var_os(name),
        };
        let report = "echo \"home=$HOME\"; ls \"$XDG_DATA_HOME/keyrings\"; \
                      ls \"$XDG_RUNTIME_DIR/keyring\"; sleep 1";
        let output = command_in(&session_dir, real, "sh", &["-c", report])
            .unwrap()
            .output()
            .unwrap();
        let seen = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{seen}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            seen.contains(&format!("home={}", session_dir.join("home").display())),
            "{seen}"
        );
        assert!(
            seen.contains("login.keyring"),
            "the session made its own keyring: {seen}"
        );
        assert!(
            seen.contains("control"),
            "its control socket is in the session: {seen}"
        );
        assert!(session_dir.join("data/keyrings/login.keyring").is_file());
        assert_eq!(
            std::fs::read(&login).unwrap(),
            before,
            "the user's keyring is unchanged"
        );
        assert_eq!(
            std::fs::metadata(&login).unwrap().modified().unwrap(),
            modified_before
        );
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
