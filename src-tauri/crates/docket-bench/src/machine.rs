//! The machine, the build and the moment a run is from, as the report states them.

use std::path::Path;
use std::process::Command;

use crate::relative_paths::RelativePaths;

#[derive(Debug, Clone)]
pub struct Machine {
    pub date: String,
    pub cores: usize,
    pub cpu: String,
    pub memory: String,
    pub os: String,
    /// The disk the downloads are written to: filesystem, device, size and free space.
    pub disk: String,
    /// The profile and the commit the binaries were built from.
    pub build: String,
    pub tools: String,
    /// How the report writes this machine's absolute paths.
    pub paths: RelativePaths,
}

impl Machine {
    /// `work` is the scratch dir, `docket` the binary measured, `release` whether it is a release build. The
    /// current dir is taken as the checkout (`cargo xtask bench` runs the bench from there).
    pub fn describe(work: &Path, docket: &Path, release: bool) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let checkout = std::env::current_dir().unwrap_or_else(|_| work.to_path_buf());
        let binaries = docket.parent().unwrap_or(docket);
        Machine {
            date: first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"], 0),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu: field(&cpuinfo, "model name").unwrap_or_else(|| "unknown CPU".to_owned()),
            memory: field(&meminfo, "MemTotal")
                .and_then(|kib| kib.trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or_else(
                    || "unknown".to_owned(),
                    |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
                ),
            os: format!("{} (kernel {})", os_name(), first_line("uname", &["-r"], 0)),
            disk: disk(work),
            build: build(&checkout, release),
            tools: [
                first_line("curl", &["--version"], 0)
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" "),
                first_line("dd", &["--version"], 0),
                first_line("rustc", &["--version"], 0),
            ]
            .join(", "),
            paths: RelativePaths::new(
                &checkout,
                &[(work, "<work dir>"), (binaries, "<build dir>")],
            ),
        }
    }
}

/// `ext4 on vda (virtual disk, not rotational), 252G, 29G free`: from `df` (which names the device and the
/// filesystem of the mount holding `dir`) and the block device's sysfs entry.
fn disk(dir: &Path) -> String {
    let line = first_line(
        "df",
        &[
            "-h",
            "--output=source,fstype,size,avail",
            &dir.to_string_lossy(),
        ],
        1,
    );
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [source, fstype, size, avail] = fields[..] else {
        return "unknown (df could not describe it)".to_owned();
    };
    // The device by its kernel name, not its path; overlay and tmpfs mounts have no device to describe.
    let device = source.strip_prefix("/dev/").unwrap_or(source);
    let detail = block_device(device)
        .map(|detail| format!(" ({detail})"))
        .unwrap_or_default();
    format!("{fstype} on {device}{detail}, {size}, {avail} free")
}

/// What sysfs tells of a block device (its partition's disk when it is one): model and whether it spins.
fn block_device(device: &str) -> Option<String> {
    let class = Path::new("/sys/class/block").join(device);
    let disk = if class.join("partition").exists() {
        class.canonicalize().ok()?.parent()?.to_path_buf()
    } else {
        class
    };
    let read = |name: &str| {
        std::fs::read_to_string(disk.join(name))
            .ok()
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    // Virtio disks report no model; their name says what they are.
    let model = read("device/model")
        .or_else(|| {
            disk.file_name()
                .filter(|name| name.to_string_lossy().starts_with("vd"))
                .map(|_| "virtio disk".to_owned())
        })
        .unwrap_or_else(|| "no model reported".to_owned());
    let spins = match read("queue/rotational").as_deref() {
        Some("0") => ", not rotational",
        Some(_) => ", reported rotational",
        None => "",
    };
    Some(format!("{model}{spins}"))
}

/// `release build of commit 4aa90aa (with uncommitted changes)`: the profile, and the commit of the checkout the
/// bench runs in, as `cargo xtask bench` builds right before it runs.
fn build(checkout: &Path, release: bool) -> String {
    let profile = if release { "release" } else { "debug" };
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(checkout)
            .args(args)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|changes| !changes.is_empty());
            format!(
                "{profile} builds of commit {commit}{}",
                if dirty {
                    " (dirty: with uncommitted changes)"
                } else {
                    ""
                }
            )
        }
        None => format!("{profile} builds (commit unknown: not run in a git checkout)"),
    }
}

/// The value after `key:` on the first line that starts with `key`.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find(|line| line.starts_with(key))
        .and_then(|line| line.split_once(':'))
        .map(|(_, value)| value.trim().to_owned())
}

fn os_name() -> String {
    let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    release
        .lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|name| name.trim_matches('"').to_owned())
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

/// Line `index` of a command's output, or `?` when it cannot run.
fn first_line(program: &str, args: &[&str], index: usize) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .nth(index)
                .map(|l| l.trim().to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_read_from_proc_style_text() {
        let text = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nMemTotal:       24684280 kB\n";
        assert_eq!(field(text, "model name").as_deref(), Some("AMD EPYC 7B13"));
        assert_eq!(field(text, "MemTotal").as_deref(), Some("24684280 kB"));
        assert_eq!(field(text, "flags"), None);
    }
}
