//! The package as a user meets it: `apt-get install ./docket_<version>_amd64.deb` on this machine, `docket
//! --version`, the menu entry and icons, the installed app started under Xvfb to its first painted list (the probe
//! the cold-start benchmark uses), then `apt-get purge` leaving nothing of it in /usr.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use virtual_display::VirtualDisplay;

use crate::keyring_session;
use crate::package::{size_text, Built};
use crate::process::{describe, run};

/// The line the app prints once its first list is painted (`DOCKET_STARTUP_PROBE=1`).
const PROBE_LINE: &str = "docket-startup-probe: first list painted";
/// A cold first start of the installed app on a busy 2-core machine stays well inside this.
const FIRST_LIST_DEADLINE: Duration = Duration::from_secs(90);
/// Developers without root (or passwordless sudo) skip the install check with this set to 1.
const SKIP: &str = "DOCKET_SKIP_PACKAGE_INSTALL";

pub fn check(target: &Path, built: &Built) -> Result<(), String> {
    if std::env::var(SKIP).is_ok_and(|v| v == "1") {
        println!("package install: skipped ({SKIP}=1)");
        return Ok(());
    }
    let admin = Admin::find()?;
    let deb =
        std::fs::canonicalize(&built.deb).map_err(|e| format!("{}: {e}", built.deb.display()))?;
    println!(
        "package: {} ({}), {}",
        deb.display(),
        size_text(&deb),
        contents_summary(&deb)?
    );

    let started = Instant::now();
    run(admin
        .command("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["install", "-y", "--no-install-recommends"])
        .arg(&deb))?;
    let installed_in = started.elapsed();
    let outcome = check_installed(target, &built.version, started, installed_in);
    // Remove it whatever the checks said, so a failed run leaves the machine as it found it.
    let files = installed_files();
    let removed = run(admin
        .command("apt-get")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .args(["purge", "-y", "docket"]));
    outcome?;
    removed?;
    let files = files?;
    let left: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.symlink_metadata().is_ok())
        .collect();
    if !left.is_empty() {
        return Err(format!(
            "after `apt-get purge docket` these files of the package are still there: {left:?}"
        ));
    }
    println!(
        "package: purged; none of its {} files is left in /usr",
        files.len()
    );
    Ok(())
}

fn check_installed(
    target: &Path,
    version: &str,
    started: Instant,
    installed_in: Duration,
) -> Result<(), String> {
    let printed = output(Command::new("/usr/bin/docket").arg("--version"))?;
    let expected = format!("docket {version}");
    if printed.trim() != expected {
        return Err(format!(
            "/usr/bin/docket --version printed `{}`, expected `{expected}`",
            printed.trim()
        ));
    }
    println!("package: `docket --version` says {}", printed.trim());

    let entry = Path::new("/usr/share/applications/Docket.desktop");
    let desktop =
        std::fs::read_to_string(entry).map_err(|e| format!("{}: {e}", entry.display()))?;
    let exec = desktop
        .lines()
        .find_map(|line| line.strip_prefix("Exec="))
        .ok_or_else(|| format!("{} has no Exec line", entry.display()))?;
    let app = PathBuf::from("/usr/bin").join(exec.split_whitespace().next().unwrap_or_default());
    if !app.is_file() {
        return Err(format!(
            "the menu entry runs `{exec}`, which is not installed"
        ));
    }
    if desktop.lines().any(|line| line.starts_with("MimeType=")) {
        return Err(format!(
            "{} registers Docket as a handler: {desktop}",
            entry.display()
        ));
    }
    let copyright = Path::new("/usr/share/doc/docket/copyright");
    if !std::fs::read_to_string(copyright)
        .is_ok_and(|text| text.contains("License: MIT or Apache-2.0"))
    {
        return Err(format!(
            "{} does not state the license",
            copyright.display()
        ));
    }
    let icons = installed_icon_sizes();
    println!(
        "package: menu entry runs {}, icons {}",
        app.display(),
        icons.join(" ")
    );
    for wanted in [
        "16x16", "22x22", "24x24", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512",
    ] {
        if !icons.iter().any(|size| size == wanted) {
            return Err(format!("no {wanted} icon installed (found {icons:?})"));
        }
    }
    if let Some(odd) = icons.iter().find(|size| size.contains('@')) {
        return Err(format!(
            "an icon went to hicolor/{odd}, which no icon theme reads"
        ));
    }

    let first_list = first_painted_list(target, &app)?;
    println!(
        "package: installed in {:.1} s; first painted list {:.1} s after `apt-get install` began ({:.1} s after launch)",
        installed_in.as_secs_f64(),
        (first_list.at - started).as_secs_f64(),
        first_list.after_launch.as_secs_f64()
    );
    Ok(())
}

struct FirstList {
    at: Instant,
    after_launch: Duration,
}

/// Starts the installed app on the built-in demo server, in a private display, keyring and data dir, and waits for
/// its first painted list.
fn first_painted_list(target: &Path, app: &Path) -> Result<FirstList, String> {
    let display = VirtualDisplay::start()?;
    let data = target.join("package").join("first-start");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let app_text = app.to_string_lossy().into_owned();
    let mut command = keyring_session::command(target, "package", &app_text, &["--demo"])?;
    command
        .env("DISPLAY", display.name())
        .env_remove("WAYLAND_DISPLAY")
        .env("DOCKET_DATA_DIR", &data)
        .env("DOCKET_STARTUP_PROBE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let launched = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", describe(&command)))?;
    let Some(stdout) = child.stdout.take() else {
        let _ = child.kill();
        let _ = child.wait();
        return Err("the app started without its output pipe".into());
    };
    let (seen, probe) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with(PROBE_LINE) {
                let _ = seen.send(Instant::now());
                return;
            }
        }
    });
    let outcome = probe.recv_timeout(FIRST_LIST_DEADLINE);
    // The app quits by itself after the probe; the session ends with it.
    for _ in 0..100 {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let at = outcome.map_err(|_| {
        format!(
            "the installed app painted no list within {} s",
            FIRST_LIST_DEADLINE.as_secs()
        )
    })?;
    Ok(FirstList {
        at,
        after_launch: at - launched,
    })
}

/// `hicolor` sizes that have a Docket icon.
fn installed_icon_sizes() -> Vec<String> {
    let theme = Path::new("/usr/share/icons/hicolor");
    let mut sizes: Vec<String> = std::fs::read_dir(theme)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|size| {
            std::fs::read_dir(size.path().join("apps"))
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .any(|icon| icon.file_name().to_string_lossy().starts_with("docket"))
        })
        .map(|size| size.file_name().to_string_lossy().into_owned())
        .collect();
    sizes.sort_by_key(|size| size.split('x').next().and_then(|w| w.parse::<u32>().ok()));
    sizes
}

/// The package's files (not its directories), as dpkg lists them while it is installed.
fn installed_files() -> Result<Vec<PathBuf>, String> {
    let listed = output(Command::new("dpkg").args(["-L", "docket"]))?;
    Ok(listed
        .lines()
        .map(PathBuf::from)
        .filter(|path| path.symlink_metadata().is_ok_and(|meta| !meta.is_dir()))
        .collect())
}

/// "N files: …" from `dpkg-deb --contents`.
fn contents_summary(deb: &Path) -> Result<String, String> {
    let listed = output(Command::new("dpkg-deb").arg("--contents").arg(deb))?;
    let files: Vec<&str> = listed
        .lines()
        .filter(|line| !line.starts_with('d'))
        .filter_map(|line| line.split_whitespace().last())
        .collect();
    Ok(format!("{} files: {}", files.len(), files.join(" ")))
}

fn output(command: &mut Command) -> Result<String, String> {
    let described = describe(command);
    let out = command.output().map_err(|e| format!("{described}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{described} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// How this run gets root for apt-get: it is root, or `sudo -n` works.
enum Admin {
    Root,
    Sudo,
}

impl Admin {
    fn find() -> Result<Admin, String> {
        let uid = output(Command::new("id").arg("-u")).unwrap_or_default();
        if uid.trim() == "0" {
            return Ok(Admin::Root);
        }
        let sudo = Command::new("sudo").args(["-n", "true"]).status();
        if sudo.is_ok_and(|status| status.success()) {
            return Ok(Admin::Sudo);
        }
        Err(format!(
            "installing the package needs root: run as root, allow `sudo` without a password, or set {SKIP}=1 to \
             build the package without installing it"
        ))
    }

    fn command(&self, program: &str) -> Command {
        match self {
            Admin::Root => Command::new(program),
            Admin::Sudo => {
                let mut command = Command::new("sudo");
                command.args(["-n", "-E", program]);
                command
            }
        }
    }
}
