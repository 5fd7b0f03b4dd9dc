//! One module per item of the issue; each adds its figures (and how it measured them) to the report.

mod catalog;
mod chunked;
mod desktop;
mod download_runs;
mod folder_sync;
mod many_small;
mod memory;
mod preview;
mod resume;
mod straight;
mod throttled;

use crate::error::BenchError;
use crate::lab::Bench;
use crate::report::{Figure, Outcome, Report};

type Scenario = fn(&Bench, &mut Report) -> Result<(), BenchError>;

const SCENARIOS: [(u8, &str, Scenario); 10] = [
    (1, "straight download", straight::run),
    (2, "throttled server", throttled::run),
    (3, "infoRouter chunked with latency", chunked::run),
    (4, "many small documents", many_small::run),
    (5, "peak memory", memory::run),
    (6, "resume", resume::run),
    (7, "catalog", catalog::run),
    (8, "preview", preview::run),
    (9, "desktop cold start", desktop::run),
    (10, "folder sync", folder_sync::run),
];

/// Runs every benchmark (or the items in `only`); one that fails is reported as not measured (with the error) and
/// the rest still run. Returns the report and the failures.
pub fn run_all(bench: &Bench, only: &[u8]) -> (Report, Vec<String>) {
    let mut report = Report::default();
    let mut failures = Vec::new();
    for (item, name, scenario) in SCENARIOS {
        if !only.is_empty() && !only.contains(&item) {
            continue;
        }
        println!("\n==> {item}. {name}");
        let started = std::time::Instant::now();
        if let Err(err) = scenario(bench, &mut report) {
            eprintln!("  {item}. {name} failed: {err}");
            failures.push(format!("{item}. {name}: {err}"));
            report.add(Figure {
                item,
                title: name.to_owned(),
                docket: "—".into(),
                peer: "—".into(),
                result: "—".into(),
                target: "—".into(),
                outcome: Outcome::NotMeasured {
                    reason: format!("the benchmark failed in this run: {err}"),
                    close: "fix the failure above and run `cargo xtask bench` again".into(),
                },
            });
        }
        println!(
            "<== {item}. {name}: {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    (report, failures)
}

pub fn secs(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.1} s")
    }
}
