//! Running and timing commands: wall time and peak memory (the child's own `ru_maxrss`). Commands run several
//! times go through `crate::pairs`.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::error::BenchError;

/// Runs `command` to the end; a failure carries its stderr.
pub fn check_output(command: &mut Command) -> Result<Output, BenchError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed(command, e.to_string()))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(failed(
            command,
            format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ))
    }
}

/// Wall time of one run of `command` (output discarded, stderr kept for the error).
pub fn timed(command: &mut Command) -> Result<Duration, BenchError> {
    command.stdout(Stdio::null());
    let started = Instant::now();
    check_output(command)?;
    Ok(started.elapsed())
}

/// Wall time and peak resident memory (bytes) of one run of `command`, as GNU time reports it (`%M`).
/// The child is started through `/usr/bin/time` rather than reaped here with `wait4`: a child spawned
/// straight from this process starts from a copy of the bench's own address space, and the kernel keeps that
/// high-water mark across the `exec`, so `ru_maxrss` would never read below the bench's size.
pub fn timed_with_peak_rss(command: &mut Command) -> Result<(Duration, u64), BenchError> {
    let report = std::env::temp_dir().join(format!("docket-bench-rss-{}", std::process::id()));
    let mut wrapped = Command::new(GNU_TIME);
    wrapped
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    let started = Instant::now();
    wrapped.stdout(Stdio::null());
    check_output(&mut wrapped).map_err(|err| match err {
        BenchError::Command { detail, .. } => failed(command, detail),
        other => other,
    })?;
    let took = started.elapsed();
    let text = std::fs::read_to_string(&report).map_err(|e| BenchError::io(&report, e))?;
    let _ = std::fs::remove_file(&report);
    // GNU time prints the maximum resident set in KiB on the last line.
    let kib: u64 = text
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .ok_or_else(|| BenchError::unexpected("GNU time's report", text.clone()))?;
    Ok((took, kib * 1024))
}

/// GNU time (Debian package `time`), which `cargo xtask bench` installs when it is missing.
pub const GNU_TIME: &str = "/usr/bin/time";

fn failed(command: &Command, detail: String) -> BenchError {
    BenchError::Command {
        command: describe(command),
        detail,
    }
}

/// The program and its arguments, without the environment (which may hold secrets).
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Quotes a word for `sh`.
pub fn sh_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The `q`-quantile (0..=1) of `samples`, nearest rank.
pub fn quantile(samples: &mut [Duration], q: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len());
    samples[rank - 1]
}

/// Bytes per second as `1234.5 MB/s` (decimal, as curl and the issue write it).
pub fn rate(bytes: u64, seconds: f64) -> String {
    format!("{:.1} MB/s", bytes as f64 / seconds.max(1e-9) / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_single_quotes() {
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(quantile(&mut samples, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&mut samples, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&mut samples, 1.0), Duration::from_millis(100));
    }

    #[test]
    fn peak_memory_is_that_of_the_child() {
        let (_, rss) = timed_with_peak_rss(Command::new("sh").args(["-c", "exit 0"])).unwrap();
        assert!(rss > 0 && rss < 64 * 1024 * 1024, "{rss}");
        assert!(timed_with_peak_rss(Command::new("sh").args(["-c", "exit 3"])).is_err());
    }
}
