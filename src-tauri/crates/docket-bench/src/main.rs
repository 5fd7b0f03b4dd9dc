//! `docket-bench`: measures Docket side by side with what a user would otherwise run (curl, the documented
//! sequential loops), on the demo server over loopback, and writes the results as Markdown. `cargo xtask bench`
//! builds it and the `docket` binary in release mode and runs it inside a private Secret Service session.

mod error;
mod lab;
mod machine;
mod measure;
mod pairs;
mod plan;
mod relative_paths;
mod report;
mod scenarios;
mod spread;

use std::path::PathBuf;
use std::process::ExitCode;

use error::BenchError;
use plan::Plan;

const USAGE: &str = "usage: docket-bench --docket PATH --out FILE [--work DIR] [--smoke]

  --docket PATH  the `docket` binary to measure (a release build for real figures)
  --out FILE     where to write the Markdown report
  --work DIR     scratch space for downloads and generated files (default: a folder beside --out)
  --smoke        tiny sizes that run in seconds: keeps the benchmarks working, measures nothing
  --only LIST    run only these items of the issue (comma-separated numbers, e.g. 1,2,6)
  --pairs N      alternating pairs (and repeated runs) per figure instead of the plan's, for a quick look; the
                 issue's statistics need at least 5";

struct Args {
    docket: PathBuf,
    out: PathBuf,
    work: PathBuf,
    smoke: bool,
    /// Items to run; empty runs them all.
    only: Vec<u8>,
    /// Pairs per figure instead of the plan's.
    pairs: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut docket = None;
    let mut out = None;
    let mut work = None;
    let mut smoke = false;
    let mut only = Vec::new();
    let mut pairs = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--pairs" => {
                let count = args
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|&n| n >= 1)
                    .ok_or("--pairs needs a number of pairs, at least 1")?;
                pairs = Some(count);
            }
            "--only" => {
                let list = args
                    .next()
                    .ok_or("--only needs a list of items, e.g. 1,2,6")?;
                for item in list.split(',').filter(|item| !item.trim().is_empty()) {
                    let number = item
                        .trim()
                        .parse::<u8>()
                        .ok()
                        .filter(|n| (1..=10).contains(n));
                    only.push(number.ok_or_else(|| {
                        format!("--only takes item numbers 1 to 10, not `{item}`")
                    })?);
                }
            }
            "--docket" | "--out" | "--work" => {
                let value = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("{arg} needs a value"))?;
                match arg.as_str() {
                    "--docket" => docket = Some(value),
                    "--out" => out = Some(value),
                    _ => work = Some(value),
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let docket = docket.ok_or("--docket is required")?;
    let out = out.ok_or("--out is required")?;
    let work = work.unwrap_or_else(|| {
        out.parent()
            .map(|dir| dir.join("bench-work"))
            .unwrap_or_else(|| PathBuf::from("bench-work"))
    });
    Ok(Args {
        docket: std::path::absolute(&docket).unwrap_or(docket),
        out,
        work: std::path::absolute(&work).unwrap_or(work),
        smoke,
        only,
        pairs,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(problem) => {
            if !problem.is_empty() {
                eprintln!("docket-bench: {problem}\n");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("docket-bench: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), BenchError> {
    let mut plan = if args.smoke {
        Plan::smoke()
    } else {
        Plan::full()
    };
    if let Some(pairs) = args.pairs {
        plan.pairs = pairs;
        plan.runs = pairs;
    }
    if !args.docket.is_file() {
        return Err(BenchError::Setup(format!(
            "{} is not a file: build it first (`cargo build --release -p docket-cli`)",
            args.docket.display()
        )));
    }
    let _ = std::fs::remove_dir_all(&args.work);
    std::fs::create_dir_all(&args.work).map_err(|e| BenchError::io(&args.work, e))?;
    let machine = machine::Machine::describe(&args.work, &args.docket, !args.smoke);
    let bench = lab::Bench::new(args.docket, args.work.clone(), plan)?;
    let (report, failures) = scenarios::run_all(&bench, &args.only);
    let text = report.to_markdown(&machine, &plan);
    // Gigabytes of downloads and generated files have no use for the report: freed first, so a disk they filled
    // still takes the report.
    let _ = std::fs::remove_dir_all(&args.work);
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| BenchError::io(dir, e))?;
    }
    std::fs::write(&args.out, text).map_err(|e| BenchError::io(&args.out, e))?;
    println!("\nwrote {}", args.out.display());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(BenchError::Setup(format!(
            "{} benchmark(s) failed (named in the report as not measured):\n  {}",
            failures.len(),
            failures.join("\n  ")
        )))
    }
}
