//! The `docket` binary, run with a deadline and its peak memory taken from the kernel (`wait4`'s `ru_maxrss`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a run of `docket` ended.
#[derive(Debug)]
pub struct Finished {
    /// `None` when it was killed at its deadline (or by a signal).
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub took: Duration,
    /// Peak resident memory, bytes.
    pub peak_rss: u64,
    pub timed_out: bool,
}

impl Finished {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The stderr lines that are not notes.
    pub fn error_lines(&self) -> Vec<String> {
        self.stderr_text()
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with("docket: note:"))
            .map(str::to_owned)
            .collect()
    }

    /// A one-line account for the case's report.
    pub fn summary(&self) -> String {
        format!(
            "exit {:?}{} in {:.1} s, peak RSS {:.1} MiB",
            self.code,
            self.signal
                .map(|s| format!(" (signal {s})"))
                .unwrap_or_default(),
            self.took.as_secs_f64(),
            self.peak_rss as f64 / (1024.0 * 1024.0)
        )
    }
}

/// The `docket` binary cargo built beside this test.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/<profile>/deps/hostile-<hash> → target/<profile>/docket
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    profile_dir.join(format!("docket{}", std::env::consts::EXE_SUFFIX))
}

/// `docket` on `data_dir`, without the developer's DOCKET_SECRET_* variables.
pub fn command(data_dir: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .env("DOCKET_DATA_DIR", data_dir)
        .env_remove("DOCKET_LOG");
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("DOCKET_SECRET_")) {
        command.env_remove(key);
    }
    command
}

/// Runs `command` to its end or until `deadline`, when it is killed.
pub fn run(mut command: Command, deadline: Duration) -> Finished {
    let stdout_file = tempfile::tempfile().expect("a temp file for stdout");
    let stderr_file = tempfile::tempfile().expect("a temp file for stderr");
    command
        .stdin(Stdio::null())
        .stdout(stdout_file.try_clone().expect("a stdout handle"))
        .stderr(stderr_file.try_clone().expect("a stderr handle"));
    let started = Instant::now();
    // Reaped below with `wait4`, which also reports its peak memory; `Child::wait` would not.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().unwrap_or_else(|err| {
        panic!(
            "could not start {}: {err} (build it: cargo build -p docket-cli)",
            binary().display()
        )
    });
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: plain data the kernel fills; the pid is our own child, reaped here only.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break (status, usage);
        }
        if started.elapsed() >= deadline && !timed_out {
            timed_out = true;
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = started.elapsed();
    let (code, signal) = if libc::WIFEXITED(status) {
        (Some(libc::WEXITSTATUS(status)), None)
    } else if libc::WIFSIGNALED(status) {
        (None, Some(libc::WTERMSIG(status)))
    } else {
        (None, None)
    };
    Finished {
        code,
        signal,
        stdout: read_all(stdout_file),
        stderr: read_all(stderr_file),
        took,
        peak_rss: (usage.ru_maxrss.max(0) as u64) * 1024,
        timed_out,
    }
}

fn read_all(mut file: std::fs::File) -> Vec<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut bytes = Vec::new();
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.read_to_end(&mut bytes);
    bytes
}
