//! Item 9 of the issue: the desktop app's cold start to its first painted list, under Xvfb. The release app is
//! started with the demo data rooms on a fresh data dir each run, and `DOCKET_STARTUP_PROBE=1`: when the window
//! has painted its first list with rows (the UI's `docket:list-painted` mark), the app prints a line on stdout
//! and quits. The figure is spawn to that line, median of several runs.
//!
//! A second figure times the first rows of the demo's 100,000-file folder: started with
//! `DOCKET_STARTUP_PROBE=demo-study-creator/Scans`, the window opens that folder (never listed: its pages stream
//! in) and reports how long after asking for it its first rows were painted.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use virtual_display::VirtualDisplay;

use crate::error::BenchError;
use crate::lab::Bench;
use crate::measure::quantile;
use crate::report::{Figure, Outcome, Report};

const TARGET: Duration = Duration::from_secs(1);
const RUNS: usize = 7;
/// What the app prints once the first list is painted (`src-tauri/src/commands/startup.rs`).
const PROBE_LINE: &str = "docket-startup-probe: first list painted";
/// A start that takes longer than this is a failure, not a figure.
const GIVE_UP: Duration = Duration::from_secs(90);
const TITLE: &str = "Desktop app, cold start to first painted list under Xvfb";
const FOLDER_TITLE: &str = "Desktop app, first rows of a 100,000-file folder never listed";
const FOLDER_TARGET: Duration = Duration::from_millis(300);
/// The probe that opens the 100,000-file folder: `<remote>/<top-level folder>`.
const FOLDER_PROBE: &str = "demo-study-creator/Scans";
const FOLDER_RUNS: usize = 5;
/// The timed app as the report names it (relative to the checkout): no path of the machine that ran it.
const APP_IN_TARGET: &str = "target/release/docket-desktop";

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let app = bench.docket.with_file_name("docket-desktop");
    if bench.plan.smoke || !app.exists() {
        let reason = if bench.plan.smoke {
            "smoke runs skip it: it needs a release build of the desktop app, which `cargo xtask test` does not \
             make"
                .to_owned()
        } else {
            format!("there is no `{APP_IN_TARGET}` (build it with `cargo build --release`)")
        };
        report.add(not_measured(TITLE, "< 1 s", reason.clone()));
        report.add(not_measured(FOLDER_TITLE, "< 300 ms", reason));
        report.method(9, "not measured in this run (see Missed targets).");
        return Ok(());
    }
    let display = VirtualDisplay::start().map_err(BenchError::Setup)?;
    let mut samples = Vec::with_capacity(RUNS);
    let mut page_ms = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let data = bench.scratch(&format!("desktop-start-{run}"))?;
        let (took, page, _) = start(&app, &display.name(), &data, "1")?;
        println!(
            "  run {}: first list painted {:.0} ms after spawn ({page:.0} ms after the page started)",
            run + 1,
            took.as_secs_f64() * 1000.0
        );
        samples.push(took);
        page_ms.push(page);
        let _ = std::fs::remove_dir_all(&data);
    }
    let slowest = *samples.iter().max().unwrap_or(&Duration::ZERO);
    let fastest = *samples.iter().min().unwrap_or(&Duration::ZERO);
    let median = quantile(&mut samples, 0.5);
    page_ms.sort_by(f64::total_cmp);
    let page_median = page_ms.get(page_ms.len() / 2).copied().unwrap_or(0.0);
    report.add(Figure {
        item: 9,
        title: TITLE.into(),
        docket: format!(
            "{} median of {RUNS} (fastest {}, slowest {}; page to list {page_median:.0} ms)",
            ms(median),
            ms(fastest),
            ms(slowest)
        ),
        peer: "—".into(),
        result: ms(median),
        target: "< 1 s".into(),
        outcome: if median < TARGET {
            Outcome::Met
        } else {
            Outcome::Missed {
                reason: format!(
                    "spawn to first painted list took {} at the median: about {:.0} ms before the page starts \
                     loading (process, GTK and WebKitGTK start-up, the web content process) and {page_median:.0} \
                     ms after it (the demo server starting in process, registering its remotes, the first \
                     listing over IPC, rendering); runs spread from {} to {} on 2 shared cores",
                    ms(median),
                    (median.as_secs_f64() * 1000.0 - page_median).max(0.0),
                    ms(fastest),
                    ms(slowest)
                ),
                close: "show the catalog's cached listing of the last remote at once (a warm start), start the \
                        demo server before the webview is created, and measure on an idle machine; the part \
                        before the page loads is WebKitGTK's own start-up"
                    .into(),
            }
        },
    });
    folder_first_rows(bench, report, &app, &display.name())?;
    report.method(
        9,
        format!(
            "the release desktop app (`{APP_IN_TARGET}`) started {RUNS} times under a private Xvfb display with `--demo`, \
             `DOCKET_STARTUP_PROBE=1` and a fresh data dir each time (empty catalog, no cached listing; the OS \
             file cache stays warm, so these are cold-ish starts). Timed from spawn to the line the app prints \
             once the UI's first `docket:list-painted` mark with rows is set (a frame after the rows rendered); \
             the app then quits. The first list is the first demo remote's top level, fetched from the demo \
             server the app starts in process. First rows of the 100,000-file folder: the same app started \
             {FOLDER_RUNS} times with `DOCKET_STARTUP_PROBE={FOLDER_PROBE}` and a fresh data dir; the window opens \
             the demo study creator, waits for its top level, and enters `Scans` (100,000 files, never listed, so \
             its pages stream in from the demo server, 250 a page). Timed in the page from just before it asks \
             for the folder to the first `docket:list-painted` mark with rows of that folder (a frame after they \
             rendered), as the app reports it on stdout; judged on the median."
        ),
    );
    Ok(())
}

/// Item 9's second figure: asking for the 100,000-file folder to its first painted rows, median of the runs.
fn folder_first_rows(
    bench: &Bench,
    report: &mut Report,
    app: &Path,
    display: &str,
) -> Result<(), BenchError> {
    let mut samples = Vec::with_capacity(FOLDER_RUNS);
    for run in 0..FOLDER_RUNS {
        let data = bench.scratch(&format!("desktop-folder-{run}"))?;
        let (_, _, folder) = start(app, display, &data, FOLDER_PROBE)?;
        let _ = std::fs::remove_dir_all(&data);
        let folder = folder.ok_or_else(|| {
            BenchError::unexpected("desktop app", "the probe line has no folder_ms")
        })?;
        println!(
            "  run {}: first rows of the 100,000-file folder painted {folder:.0} ms after asking for it",
            run + 1
        );
        samples.push(Duration::from_secs_f64(folder / 1000.0));
    }
    let slowest = *samples.iter().max().unwrap_or(&Duration::ZERO);
    let fastest = *samples.iter().min().unwrap_or(&Duration::ZERO);
    let median = quantile(&mut samples, 0.5);
    report.add(Figure::judged(
        9,
        FOLDER_TITLE,
        [
            format!(
                "{} median of {FOLDER_RUNS} (fastest {}, slowest {})",
                ms(median),
                ms(fastest),
                ms(slowest)
            ),
            "—".into(),
            ms(median),
            "< 300 ms".into(),
        ],
        median < FOLDER_TARGET,
        || {
            (
                format!(
                    "the first rows of the 100,000-file folder painted {} after asking for it at the median \
                     (runs from {} to {} on 2 shared cores)",
                    ms(median),
                    ms(fastest),
                    ms(slowest)
                ),
                "profile the first page's path: the demo server's first page of the study, the IPC channel \
                 message and the merge into the list"
                    .into(),
            )
        },
    ));
    Ok(())
}

fn not_measured(title: &str, target: &str, reason: String) -> Figure {
    Figure {
        item: 9,
        title: title.into(),
        docket: "—".into(),
        peer: "—".into(),
        result: "—".into(),
        target: target.into(),
        outcome: Outcome::NotMeasured {
            reason,
            close: "run `cargo xtask bench` (it builds the release desktop app) or `cargo xtask bench --only 9`"
                .into(),
        },
    }
}

/// One start of the app with `DOCKET_STARTUP_PROBE=probe`; answers spawn to the probe line, and the page and
/// folder times the app reported (ms).
fn start(
    app: &Path,
    display: &str,
    data: &Path,
    probe: &str,
) -> Result<(Duration, f64, Option<f64>), BenchError> {
    let started = Instant::now();
    let mut child = Command::new(app)
        .arg("--demo")
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("DOCKET_DATA_DIR", data)
        .env("DOCKET_STARTUP_PROBE", probe)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| BenchError::io(app, e))?;
    let Some(stdout) = child.stdout.take() else {
        stop(&mut child);
        return Err(BenchError::unexpected("desktop app", "no stdout to read"));
    };
    let (seen, probe) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with(PROBE_LINE) {
                let _ = seen.send((Instant::now(), line));
                return;
            }
        }
    });
    let outcome = probe.recv_timeout(GIVE_UP);
    stop(&mut child);
    let (at, line) = outcome.map_err(|_| {
        BenchError::unexpected(
            "desktop app",
            format!(
                "no first painted list within {} s (is the keyring unlocked and Xvfb installed?)",
                GIVE_UP.as_secs()
            ),
        )
    })?;
    let reported = |name: &str| {
        line.split_whitespace()
            .find_map(|word| word.strip_prefix(name))
            .and_then(|n| n.parse::<f64>().ok())
    };
    let page = reported("page_ms=").unwrap_or(f64::NAN);
    Ok((at.duration_since(started), page, reported("folder_ms=")))
}

/// Waits a moment for the app to quit by itself (it does after the probe), then ends it.
fn stop(child: &mut Child) {
    for _ in 0..50 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}
