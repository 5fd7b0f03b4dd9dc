//! The machine and the moment a run is from, as the report states them.

use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone)]
pub struct Machine {
    pub date: String,
    pub cores: usize,
    pub cpu: String,
    pub memory: String,
    pub os: String,
    pub tools: String,
}

impl Machine {
    pub fn describe(work: &Path) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let disk = first_line(
            "df",
            &["-h", "--output=size,avail", &work.to_string_lossy()],
            1,
        );
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
            os: format!(
                "{} (kernel {}), scratch disk size/free {}",
                os_name(),
                first_line("uname", &["-r"], 0),
                disk.split_whitespace().collect::<Vec<_>>().join("/")
            ),
            tools: [
                first_line("curl", &["--version"], 0)
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" "),
                first_line("hyperfine", &["--version"], 0),
                first_line("rustc", &["--version"], 0),
            ]
            .join(", "),
        }
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
