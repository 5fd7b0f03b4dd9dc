//! Single timed runs of one large download, as the pairs of items 1 and 2 run them: `docket get`, `curl -o`,
//! `curl -o` then `sync -d`, and `dd`. Each answers the time of the command alone; the size of what it wrote
//! is checked after the clock stopped, so a run that saved too little cannot pass for a fast one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use docket_core::RemoteUrl;

use crate::error::BenchError;
use crate::lab::{saved_file, Lab};
use crate::measure::{check_output, timed};
use crate::plan::MIB;

/// `docket get REMOTE DOCUMENT --to DIR --json`, then the one file it saved checked for `size` bytes.
pub fn docket_get(
    lab: &Lab,
    remote: &str,
    document: &str,
    to: &Path,
    size: u64,
) -> Result<Duration, BenchError> {
    let took = timed(
        lab.docket()
            .args(["get", remote, document, "--json", "--to"])
            .arg(to),
    )?;
    expect_size("docket get", &saved_file(to)?, size)?;
    Ok(took)
}

/// `curl -sS --fail -o FILE` of `url` with its headers.
pub fn curl(url: &RemoteUrl, file: &Path, size: u64) -> Result<Duration, BenchError> {
    let took = timed(&mut curl_command(url, file))?;
    expect_size("curl -o", file, size)?;
    Ok(took)
}

/// The same, then `sync -d FILE`: the file's data on the disk before the run counts as done, as Docket's is.
pub fn durable_curl(url: &RemoteUrl, file: &Path, size: u64) -> Result<Duration, BenchError> {
    let started = Instant::now();
    check_output(&mut curl_command(url, file))?;
    check_output(Command::new("sync").arg("-d").arg(file))?;
    let took = started.elapsed();
    expect_size("curl -o", file, size)?;
    Ok(took)
}

/// `dd if=/dev/zero bs=1M conv=fdatasync` of `size` bytes (rounded up to whole MiB): the disk's ceiling.
pub fn dd(file: &Path, size: u64) -> Result<Duration, BenchError> {
    timed(
        Command::new("dd")
            .arg("if=/dev/zero")
            .arg(format!("of={}", file.display()))
            .arg("bs=1M")
            .arg(format!("count={}", size.div_ceil(MIB)))
            .args(["conv=fdatasync", "status=none"]),
    )
}

fn curl_command(url: &RemoteUrl, file: &Path) -> Command {
    let mut command = Command::new("curl");
    command.args(["-sS", "--fail", "-o"]).arg(file);
    for (name, value) in &url.headers {
        command.arg("-H").arg(format!("{name}: {}", value.expose()));
    }
    command.arg(&url.url);
    command
}

fn expect_size(what: &str, file: &Path, size: u64) -> Result<(), BenchError> {
    let got = std::fs::metadata(file)
        .map_err(|e| BenchError::io(file, e))?
        .len();
    if got == size {
        Ok(())
    } else {
        Err(BenchError::unexpected(
            what,
            format!("saved {got} bytes of {size}"),
        ))
    }
}

/// Empty folders for the next run, so nothing is resumed, renamed aside or left dirty in the page cache by the
/// run before.
pub fn empty_folders(folders: &[&PathBuf]) -> Result<(), BenchError> {
    for folder in folders {
        let _ = std::fs::remove_dir_all(folder);
        std::fs::create_dir_all(folder).map_err(|e| BenchError::io(folder, e))?;
    }
    Ok(())
}
