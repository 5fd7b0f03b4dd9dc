//! `cargo xtask demo` and `cargo xtask test`: the two commands a fresh machine needs (see README.md), and the
//! narrower ones developers use (`e2e`, `soak`, `bench`, `bindings`, `setup`).

mod bench;
mod e2e;
mod fuzz;
mod keyring_session;
mod package;
mod package_install;
mod phase_clock;
mod phases;
mod prereqs;
mod process;
mod soak;
mod ui;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  demo        install what is missing, build the UI and open the Docket app
  test        everything CI runs: fmt, clippy, bindings, svelte-check, vitest, Rust tests, the crash loop x3,
              benchmark smoke run, fuzz, end-to-end, the package installed and purged; every phase runs even after one failed, and the end names
              each failed one
  e2e [NAME]  only the end-to-end suite (builds the app, runs it under Xvfb through WebDriver); with NAME, only
              the tests whose names contain it
  bench       benchmarks against curl and the documented loops; writes src-tauri/crates/docket-bench/BENCHMARKS.md
              (--smoke: tiny sizes in seconds, as `test` runs them; --only 1,2,6: just those items, written
              to target/bench/BENCHMARKS.only.md)
  soak [N]    the crash-loop test N times (default 10), each with a fresh random seed in a private keyring
              session; prints `N passed, N failed` and, for each failed run, its seed and the end of its log
              (all logs in target/soak/). DOCKET_CRASH_SEED=<seed> replays one seed, DOCKET_CRASH_RUNS=<kills>
              sets the kills per run (20)
  package     release build of the app and the `docket` command, bundled as target/package/docket_<version>_amd64.deb
              (and an .rpm); `test` also installs it, starts it and purges it again (needs root or sudo;
              DOCKET_SKIP_PACKAGE_INSTALL=1 only builds it)
  bindings    regenerate ui/src/lib/bindings.ts from the Rust commands and types
  setup       only install and check prerequisites (system packages, npm dependencies, tauri-driver)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    let outcome = match args.first().map(String::as_str) {
        Some("demo") => phases::demo(&root),
        Some("test") => phases::test(&root),
        Some("e2e") => phases::e2e_only(&root, args.get(1).map(String::as_str)),
        Some("bench") => {
            let only = args
                .iter()
                .position(|arg| arg == "--only")
                .map(|at| args.get(at + 1).map(String::as_str).unwrap_or(""));
            bench::run(&root, args.iter().any(|arg| arg == "--smoke"), only)
        }
        Some("soak") => soak::run_from_args(&root, args.get(1).map(String::as_str)),
        Some("bindings") => phases::bindings(&root),
        Some("package") => phases::package(&root),
        Some("setup") => phases::setup(&root),
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown xtask command `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("\nxtask: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: xtask lives at `src-tauri/crates/xtask`.
fn repo_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
