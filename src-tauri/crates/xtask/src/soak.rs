//! `cargo xtask soak [N]`: the crash-loop test (docket-cli/tests/crash_loop.rs) N times, each with a fresh random
//! seed, in a private keyring session. The test binary is built once and run directly, so the runs do not wait
//! for cargo's lock. Each run's output goes to `target/soak/run-<n>-seed-<seed>.log`; a failed run prints its tail
//! and the command that replays its seed. `DOCKET_CRASH_SEED` set by the user replays that seed in every run;
//! `DOCKET_CRASH_RUNS` (kills per run) passes through to the test.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::keyring_session;
use crate::phase_clock::seconds;
use crate::phases::target_dir;
use crate::process::{cargo, describe};

pub const DEFAULT_RUNS: u32 = 10;
const PACKAGE: &str = "docket-cli";
const TEST_BINARY: &str = "crash_loop";
const TEST_NAME: &str =
    "a_mixed_queue_killed_at_random_moments_ends_complete_byte_identical_and_consistent";
const SEED_VARIABLE: &str = "DOCKET_CRASH_SEED";
const KILLS_VARIABLE: &str = "DOCKET_CRASH_RUNS";
/// The test's own default number of kills per run.
const DEFAULT_KILLS: u64 = 20;
/// Lines of a failed run's log shown: its end, and the panic message wherever it is.
const TAIL_LINES: usize = 30;
const PANIC_LINES: usize = 20;

/// The nextest filter that leaves the crash loop out of the main test run: the soak runs it instead, so CI
/// counts it once per run and not once more.
pub fn nextest_exclusion() -> String {
    format!("not (binary_id(={PACKAGE}::{TEST_BINARY}) and test(={TEST_NAME}))")
}

/// The same for plain `cargo test`, as libtest arguments after `--`.
pub fn libtest_exclusion() -> [&'static str; 2] {
    ["--skip", TEST_NAME]
}

/// `cargo xtask soak [N]`: N from the command line, 10 when absent.
pub fn run_from_args(root: &Path, runs: Option<&str>) -> Result<(), String> {
    run(root, parse_runs(runs)?)
}

fn parse_runs(runs: Option<&str>) -> Result<u32, String> {
    let Some(text) = runs else {
        return Ok(DEFAULT_RUNS);
    };
    match text.trim().parse::<u32>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(format!(
            "`cargo xtask soak {text}`: the number of runs must be a whole number of at least 1, \
             e.g. `cargo xtask soak 10`"
        )),
    }
}

pub fn run(root: &Path, runs: u32) -> Result<(), String> {
    let replayed = replayed_seed()?;
    let kills = kills_per_run()?;
    let binary = build_test_binary(root)?;
    let target = target_dir(root);
    let logs = target.join("soak");
    clear_old_logs(&logs)?;
    let crate_dir = root.join("src-tauri").join("crates").join(PACKAGE);
    let mut seeds = Seeds::from_clock();
    let mut failed_seeds = Vec::new();
    let plan = format!(
        "{runs} crash-loop run{} of {kills} kills",
        if runs == 1 { "" } else { "s" }
    );
    match replayed {
        Some(seed) => println!("{plan}, replaying seed {seed} ({SEED_VARIABLE})"),
        None => println!("{plan}, each with a fresh seed"),
    }
    for number in 1..=runs {
        let seed = replayed.unwrap_or_else(|| seeds.next_seed());
        let log = logs.join(format!("run-{number}-seed-{seed}.log"));
        println!(
            "\nrun {number}/{runs}: seed {seed}, output in {}",
            log.display()
        );
        let started = Instant::now();
        let verdict = run_once(&binary, &crate_dir, &target, seed, kills, &log)?;
        let took = seconds(started.elapsed());
        match verdict {
            RunVerdict::Passed => println!("run {number}/{runs}: passed in {took}"),
            RunVerdict::Failed(why) => {
                println!("run {number}/{runs}: FAILED in {took} ({why}); the end of its output:");
                print_tail(&log);
                println!("replay it: {}", replay_command(seed));
                failed_seeds.push(seed);
            }
        }
    }
    let passed = runs as usize - failed_seeds.len();
    println!("\n{passed} passed, {} failed", failed_seeds.len());
    if failed_seeds.is_empty() {
        return Ok(());
    }
    let seeds: Vec<String> = failed_seeds.iter().map(u64::to_string).collect();
    Err(format!(
        "{} of {runs} crash-loop runs failed, seeds {}: their logs are in {}; replay one with `{}`",
        failed_seeds.len(),
        seeds.join(", "),
        logs.display(),
        replay_command(failed_seeds[0])
    ))
}

/// The seed the user asked to replay, if any. Zero is refused: the test's xorshift generator never leaves it.
fn replayed_seed() -> Result<Option<u64>, String> {
    let Some(text) = std::env::var_os(SEED_VARIABLE) else {
        return Ok(None);
    };
    match text.to_str().map(str::trim).map(str::parse::<u64>) {
        Some(Ok(seed)) if seed != 0 => Ok(Some(seed)),
        _ => Err(format!(
            "{SEED_VARIABLE}={text:?} is not a seed: it must be a non-zero whole number, as printed by a \
             failed run; unset it to get fresh seeds"
        )),
    }
}

fn kills_per_run() -> Result<u64, String> {
    let Some(text) = std::env::var_os(KILLS_VARIABLE) else {
        return Ok(DEFAULT_KILLS);
    };
    match text.to_str().map(str::trim).map(str::parse::<u64>) {
        Some(Ok(kills)) => Ok(kills),
        _ => Err(format!(
            "{KILLS_VARIABLE}={text:?} is not a number of kills per run: set a whole number (e.g. 200) or unset it"
        )),
    }
}

fn replay_command(seed: u64) -> String {
    let kills = std::env::var(KILLS_VARIABLE)
        .map(|kills| format!("{KILLS_VARIABLE}={kills} "))
        .unwrap_or_default();
    format!("{kills}{SEED_VARIABLE}={seed} cargo xtask soak 1")
}

/// Builds the crash-loop test binary (and the `docket` binary it drives) and returns the test binary's path, read
/// from cargo's JSON messages.
fn build_test_binary(root: &Path) -> Result<PathBuf, String> {
    let mut build = cargo();
    // `--workspace` unifies features as the main Rust run does, so its builds are reused, not compiled again.
    build
        .current_dir(root)
        .args(["test", "--workspace", "--test", TEST_BINARY])
        .args(["--no-run", "--message-format=json-render-diagnostics"])
        // JSON messages on stdout to read the path from; progress and compile errors shown as usual.
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let shown = describe(&build);
    println!("$ {shown}");
    let output = build
        .output()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "`{shown}` failed ({}): the crash-loop test does not build",
            output.status
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(test_executable)
        .ok_or_else(|| {
            format!(
                "`{shown}` built, but cargo named no `{TEST_BINARY}` test executable in its output"
            )
        })
}

/// The executable of the crash-loop test target from one line of cargo's JSON messages, if it is that one.
fn test_executable(message: &str) -> Option<PathBuf> {
    let is_it = message.contains(r#""reason":"compiler-artifact""#)
        && message.contains(&format!(r#""name":"{TEST_BINARY}""#))
        && message.contains(r#""kind":["test"]"#);
    if !is_it {
        return None;
    }
    json_string_field(message, "executable").map(PathBuf::from)
}

/// The string value of `"field":"…"` in a line of JSON (xtask uses the standard library only, so no serde).
fn json_string_field(json: &str, field: &str) -> Option<String> {
    let key = format!(r#""{field}":""#);
    let start = json.find(&key)? + key.len();
    let mut value = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'r' => value.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

enum RunVerdict {
    Passed,
    Failed(String),
}

/// One run of the test with `seed`, its output in `log`. An error means the run could not start at all (no
/// dbus-run-session, no log file): then every run would fail the same way, so the soak stops.
fn run_once(
    binary: &Path,
    crate_dir: &Path,
    target: &Path,
    seed: u64,
    kills: u64,
    log: &Path,
) -> Result<RunVerdict, String> {
    let output = File::create(log)
        .map_err(|err| format!("creating the run log {} failed: {err}", log.display()))?;
    let errors = output
        .try_clone()
        .map_err(|err| format!("opening the run log {} failed: {err}", log.display()))?;
    let mut test = keyring_session::command(
        target,
        "crash-loop",
        &binary.to_string_lossy(),
        &["--exact", TEST_NAME, "--nocapture", "--test-threads=1"],
    )?;
    // As `cargo test` runs it: from the crate's directory.
    test.current_dir(crate_dir)
        .env(SEED_VARIABLE, seed.to_string())
        .stdout(output)
        .stderr(errors);
    let deadline = run_deadline(kills);
    wait_with_deadline(&mut test, deadline)
}

/// Generous: a run takes about a minute for 20 kills. Only a hung run (a deadlock after a kill) reaches it.
fn run_deadline(kills: u64) -> Duration {
    Duration::from_secs(300 + 30 * kills)
}

fn wait_with_deadline(command: &mut Command, deadline: Duration) -> Result<RunVerdict, String> {
    // Its own process group, so a run that hangs is stopped with everything it started.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let shown = describe(command);
    let mut child = command.spawn().map_err(|err| {
        format!("could not start `{shown}`: {err} (is dbus-run-session installed?)")
    })?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(RunVerdict::Passed),
            Ok(Some(status)) => return Ok(RunVerdict::Failed(format!("the test {status}"))),
            Ok(None) if started.elapsed() > deadline => {
                stop_group(child.id());
                let _ = child.wait();
                return Ok(RunVerdict::Failed(format!(
                    "still running after {}, stopped",
                    seconds(deadline)
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(err) => return Err(format!("waiting for `{shown}` failed: {err}")),
        }
    }
}

fn stop_group(leader: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{leader}")])
        .status();
}

fn clear_old_logs(logs: &Path) -> Result<(), String> {
    std::fs::create_dir_all(logs)
        .map_err(|err| format!("creating {} failed: {err}", logs.display()))?;
    let entries = std::fs::read_dir(logs)
        .map_err(|err| format!("reading {} failed: {err}", logs.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "log") {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(())
}

fn print_tail(log: &Path) {
    let mut text = String::new();
    let read = File::open(log).and_then(|mut file| file.read_to_string(&mut text));
    if let Err(err) = read {
        println!("  (could not read {}: {err})", log.display());
        return;
    }
    for line in failure_excerpt(&text) {
        println!("  | {line}");
    }
    let _ = std::io::stdout().flush();
}

/// What to show of a failed run: the panic message (a backtrace would push it out of the tail) and the last lines.
fn failure_excerpt(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let tail_from = lines.len().saturating_sub(TAIL_LINES);
    let panic_at = lines[..tail_from]
        .iter()
        .position(|line| line.contains("panicked at"));
    let mut excerpt = Vec::new();
    if let Some(at) = panic_at {
        excerpt.extend(
            lines[at..tail_from]
                .iter()
                .take(PANIC_LINES)
                .take_while(|line| !line.starts_with("stack backtrace:")),
        );
        excerpt.push("…");
    }
    excerpt.extend(&lines[tail_from..]);
    excerpt
}

/// Seeds for the test's xorshift generator: splitmix64 over the clock and the process id, made odd so never zero.
struct Seeds(u64);

impl Seeds {
    fn from_clock() -> Seeds {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_nanos() as u64)
            .unwrap_or(0);
        Seeds(nanos ^ (u64::from(std::process::id()) << 32))
    }

    fn next_seed(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) | 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_odd_and_differ_from_run_to_run() {
        let mut seeds = Seeds(0);
        let drawn: Vec<u64> = (0..1000).map(|_| seeds.next_seed()).collect();
        assert!(drawn.iter().all(|seed| seed % 2 == 1));
        let mut unique = drawn.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), drawn.len());
    }

    #[test]
    fn the_number_of_runs_defaults_to_ten_and_must_be_positive() {
        assert_eq!(parse_runs(None), Ok(10));
        assert_eq!(parse_runs(Some("3")), Ok(3));
        for bad in ["0", "-1", "ten", ""] {
            let Err(problem) = parse_runs(Some(bad)) else {
                panic!("`{bad}` must be refused");
            };
            assert!(problem.contains("at least 1"), "{problem}");
        }
    }

    #[test]
    fn the_main_run_leaves_out_exactly_the_crash_loop_test() {
        assert_eq!(
            nextest_exclusion(),
            "not (binary_id(=docket-cli::crash_loop) and test(=a_mixed_queue_killed_at_random_moments_ends_complete_byte_identical_and_consistent))"
        );
        assert_eq!(libtest_exclusion()[1], TEST_NAME);
    }

    #[test]
    fn the_test_executable_is_read_from_cargos_json_messages() {
        let other = r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"docket_cli"},"executable":null}"#;
        let wanted = r#"{"reason":"compiler-artifact","package_id":"x","target":{"kind":["test"],"crate_types":["bin"],"name":"crash_loop","src_path":"/r/tests/crash_loop.rs"},"executable":"/r/target/debug/deps/crash_loop-0a1b","fresh":true}"#;
        assert_eq!(test_executable(other), None);
        assert_eq!(
            test_executable(wanted),
            Some(PathBuf::from("/r/target/debug/deps/crash_loop-0a1b"))
        );
        assert_eq!(
            json_string_field(r#"{"executable":"C:\\t\\a \"b\" \u00e9"}"#, "executable"),
            Some("C:\\t\\a \"b\" é".to_owned())
        );
    }

    #[test]
    fn a_failed_run_shows_its_panic_message_and_its_last_lines() {
        let mut log = vec!["crash loop: 20 kills, seed 7".to_owned()];
        log.push("thread 'x' panicked at tests/crash_loop.rs:300:5:".to_owned());
        log.push("no transfer lost or added".to_owned());
        log.push("stack backtrace:".to_owned());
        log.extend((0..100).map(|n| format!("frame {n}")));
        let text = log.join("\n");
        let excerpt = failure_excerpt(&text);
        assert_eq!(
            excerpt[..3],
            [
                "thread 'x' panicked at tests/crash_loop.rs:300:5:",
                "no transfer lost or added",
                "…"
            ]
        );
        assert_eq!(excerpt.len(), 3 + TAIL_LINES);
        assert_eq!(excerpt.last(), Some(&"frame 99"));
        assert_eq!(failure_excerpt("a\nb\n"), vec!["a", "b"]);
    }

    #[test]
    fn the_deadline_grows_with_the_kills() {
        assert!(run_deadline(200) > run_deadline(20));
        assert!(run_deadline(20) >= Duration::from_secs(600));
    }
}
