//! Which folders downloads may go to. The download folder comes from the settings, which the window's page
//! writes, so a compromised page could aim downloads at a place where a file is read as configuration or run
//! at login. Refused, after symlinks and `..` are resolved: the root, the system's own folders, and the
//! user's configuration, key and start-up folders (`~/.config` with `autostart` and `systemd`, `~/.local`
//! with `share/applications`, `~/.ssh`, `~/.gnupg`, every other hidden folder in the home folder, macOS
//! `~/Library/LaunchAgents`, the Windows Startup folders). The home folder itself is accepted: downloading
//! into it is common, and a download can never become a dotfile there, since file names lose a leading dot.

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// Why a folder cannot be the download folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `/` (or a drive's root).
    Root,
    /// A folder of the operating system's.
    System(PathBuf),
    /// A folder of settings, keys or programs started at login.
    Private(PathBuf),
}

impl Refusal {
    /// The refusal in the words the settings dialog shows; `typed` is the folder as the user gave it.
    pub fn message(&self, typed: &Path) -> String {
        let leads = |resolved: &Path| {
            if resolved == typed {
                format!("`{}`", resolved.display())
            } else {
                format!(
                    "`{}` (which leads to `{}`)",
                    typed.display(),
                    resolved.display()
                )
            }
        };
        let what = match self {
            Refusal::Root => format!(
                "{} is the top of the file system",
                leads(Path::new(std::path::MAIN_SEPARATOR_STR))
            ),
            Refusal::System(resolved) => format!(
                "{} is one of the system's own folders",
                leads(resolved)
            ),
            Refusal::Private(resolved) => format!(
                "{} holds settings, keys or programs that start when you log in, where a downloaded file could \
                 change how your computer behaves",
                leads(resolved)
            ),
        };
        format!("Docket does not download there: {what}. Choose another folder, such as your Downloads folder.")
    }
}

/// Where a download folder may not be.
#[derive(Debug, Clone)]
pub struct Forbidden {
    home: Option<PathBuf>,
    /// Folders (with everything in them) of settings, keys and start-up entries.
    private: Vec<PathBuf>,
    /// The system's folders, refused unless inside one of `allowed`.
    system: Vec<PathBuf>,
    /// The user's own folders inside `system`: the home folder, the temporary folders.
    allowed: Vec<PathBuf>,
}

impl Forbidden {
    /// The forbidden places of this machine and user, each resolved as a candidate folder is.
    pub fn of_this_machine() -> Self {
        let home = std::env::home_dir().filter(|h| h.is_absolute());
        let mut private = Vec::new();
        let mut system = Vec::new();
        let mut allowed = vec![std::env::temp_dir()];
        for variable in ["XDG_CONFIG_HOME", "XDG_DATA_HOME"] {
            if let Some(dir) = std::env::var_os(variable).map(PathBuf::from) {
                if dir.is_absolute() {
                    private.push(dir);
                }
            }
        }
        if let Some(home) = &home {
            allowed.push(home.clone());
            private.extend(
                [
                    ".config",
                    ".local",
                    "Library/LaunchAgents",
                    "Library/LaunchDaemons",
                    "Library/StartupItems",
                    "Library/Preferences",
                    "AppData",
                ]
                .iter()
                .map(|dir| home.join(dir)),
            );
        }
        if cfg!(unix) {
            allowed.extend(["/tmp", "/var/tmp"].map(PathBuf::from));
            system.extend(
                [
                    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/nix",
                    "/opt", "/proc", "/run", "/sbin", "/snap", "/sys", "/usr", "/var",
                ]
                .map(PathBuf::from),
            );
        }
        if cfg!(target_os = "macos") {
            system.extend(
                ["/System", "/Library", "/Applications", "/private", "/cores"].map(PathBuf::from),
            );
        }
        if cfg!(windows) {
            for variable in [
                "SystemRoot",
                "ProgramFiles",
                "ProgramFiles(x86)",
                "ProgramData",
            ] {
                if let Some(dir) = std::env::var_os(variable).map(PathBuf::from) {
                    system.push(dir);
                }
            }
            if let Some(roaming) = std::env::var_os("APPDATA").map(PathBuf::from) {
                private.push(roaming.join("Microsoft\\Windows\\Start Menu"));
            }
        }
        Forbidden::new(home, private, system, allowed)
    }

    /// Places as given; each is resolved here, so a symlinked home or `/tmp` (macOS) compares as it really is.
    pub fn new(
        home: Option<PathBuf>,
        private: Vec<PathBuf>,
        system: Vec<PathBuf>,
        allowed: Vec<PathBuf>,
    ) -> Self {
        let resolved =
            |dirs: Vec<PathBuf>| -> Vec<PathBuf> { dirs.iter().map(|d| resolve(d)).collect() };
        Forbidden {
            home: home.as_deref().map(resolve),
            private: resolved(private),
            system: resolved(system),
            allowed: resolved(allowed),
        }
    }

    /// Why `dir` (absolute) cannot be the download folder, if it cannot.
    pub fn refusal(&self, dir: &Path) -> Option<Refusal> {
        let resolved = resolve(dir);
        if resolved.parent().is_none() {
            return Some(Refusal::Root);
        }
        let hidden_in_home = self.home.as_deref().is_some_and(|home| {
            resolved
                .strip_prefix(home)
                .ok()
                .and_then(|inside| inside.components().next())
                .is_some_and(|first| first.as_os_str().to_string_lossy().starts_with('.'))
        });
        if hidden_in_home || self.private.iter().any(|p| resolved.starts_with(p)) {
            return Some(Refusal::Private(resolved));
        }
        if self.allowed.iter().any(|a| resolved.starts_with(a)) {
            return None;
        }
        if self.system.iter().any(|s| resolved.starts_with(s)) {
            return Some(Refusal::System(resolved));
        }
        None
    }
}

/// `dir` as it really is: its longest existing part with symlinks and `..` resolved by the OS, then the rest
/// (folders still to be created, so no symlinks among them) with `.` and `..` applied to the text.
pub fn resolve(dir: &Path) -> PathBuf {
    let components: Vec<Component> = dir.components().collect();
    for existing in (1..=components.len()).rev() {
        let prefix: PathBuf = components[..existing].iter().collect();
        if let Ok(mut real) = prefix.canonicalize() {
            for component in &components[existing..] {
                match component {
                    Component::ParentDir => {
                        real.pop();
                    }
                    Component::Normal(name) => real.push(name),
                    Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
                }
            }
            return real;
        }
    }
    // Nothing of it exists (not even its root): judged as written, `..` applied.
    let mut lexical = PathBuf::new();
    for component in dir.components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(OsString::from(other.as_os_str())),
        }
    }
    lexical
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A home folder with a configuration folder, an SSH folder, documents and a symlink from the documents into
    /// the autostart folder, in a temporary folder that stands for the system's.
    struct FakeMachine {
        _root: tempfile::TempDir,
        home: PathBuf,
        system: PathBuf,
        forbidden: Forbidden,
    }

    fn fake_machine() -> FakeMachine {
        let root = tempfile::tempdir().unwrap();
        let home = root.path().join("home/ada");
        let system = root.path().join("system");
        for dir in [".config/autostart", ".ssh", "Documents", "Downloads"] {
            std::fs::create_dir_all(home.join(dir)).unwrap();
        }
        std::fs::create_dir_all(system.join("etc")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(home.join(".config/autostart"), home.join("Documents/inbox"))
            .unwrap();
        let forbidden = Forbidden::new(
            Some(home.clone()),
            vec![home.join(".config"), home.join(".local")],
            vec![system.clone()],
            vec![home.clone()],
        );
        FakeMachine {
            _root: root,
            home,
            system,
            forbidden,
        }
    }

    #[test]
    fn the_home_folder_and_ordinary_folders_in_it_are_accepted() {
        let machine = fake_machine();
        for dir in ["", "Downloads", "Documents/deals", "Documents/not/made/yet"] {
            let path = machine.home.join(dir);
            assert_eq!(machine.forbidden.refusal(&path), None, "{}", path.display());
        }
    }

    #[test]
    fn autostart_keys_and_other_hidden_folders_in_home_are_refused() {
        let machine = fake_machine();
        for dir in [
            ".config",
            ".config/autostart",
            ".config/systemd/user",
            ".local/share/applications",
            ".ssh",
            ".gnupg",
            ".bashrc.d",
        ] {
            let path = machine.home.join(dir);
            assert!(
                matches!(machine.forbidden.refusal(&path), Some(Refusal::Private(_))),
                "{}",
                path.display()
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_or_dot_dot_into_a_refused_folder_is_refused_as_where_it_leads() {
        let machine = fake_machine();
        let autostart = resolve(&machine.home.join(".config/autostart"));
        let through_link = machine.home.join("Documents/inbox");
        assert_eq!(
            machine.forbidden.refusal(&through_link),
            Some(Refusal::Private(autostart.clone()))
        );
        assert_eq!(
            machine.forbidden.refusal(&through_link.join("new")),
            Some(Refusal::Private(autostart.join("new")))
        );
        let up_and_over = machine.home.join("Documents/../.ssh");
        assert!(machine.forbidden.refusal(&up_and_over).is_some());
        let message = Refusal::Private(autostart.clone()).message(&through_link);
        assert!(
            message.contains("Documents/inbox` (which leads to `"),
            "{message}"
        );
        assert!(message.contains("Choose another folder"), "{message}");
    }

    #[test]
    fn system_folders_are_refused_unless_they_hold_the_users_own() {
        let machine = fake_machine();
        let etc = machine.system.join("etc");
        assert_eq!(
            machine.forbidden.refusal(&etc),
            Some(Refusal::System(resolve(&etc)))
        );
        let inside_home = Forbidden::new(
            Some(machine.system.join("users/ada")),
            Vec::new(),
            vec![machine.system.clone()],
            vec![machine.system.join("users/ada")],
        );
        assert_eq!(
            inside_home.refusal(&machine.system.join("users/ada/Downloads")),
            None
        );
        assert!(inside_home
            .refusal(&machine.system.join("users/bob"))
            .is_some());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_root_and_the_system_folders_of_this_machine_are_refused() {
        let forbidden = Forbidden::of_this_machine();
        assert_eq!(forbidden.refusal(Path::new("/")), Some(Refusal::Root));
        assert_eq!(forbidden.refusal(Path::new("/tmp/..")), Some(Refusal::Root));
        for dir in [
            "/etc",
            "/etc/cron.d",
            "/usr/share/applications",
            "/var/lib",
            "/boot",
            "/tmp/../etc",
        ] {
            assert!(
                matches!(forbidden.refusal(Path::new(dir)), Some(Refusal::System(_))),
                "{dir}"
            );
        }
        assert_eq!(forbidden.refusal(Path::new("/tmp/docket-downloads")), None);
        assert_eq!(forbidden.refusal(&std::env::temp_dir().join("dl")), None);
        if let Some(home) = std::env::home_dir() {
            assert_eq!(forbidden.refusal(&home), None);
            assert!(forbidden.refusal(&home.join(".config/autostart")).is_some());
        }
    }
}
