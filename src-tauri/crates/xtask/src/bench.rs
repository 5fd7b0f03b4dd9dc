//! `cargo xtask bench [--smoke]`: installs what the benchmarks need (curl, GNU time), builds `docket` and the
//! bench (release builds for real figures), and runs the bench inside a private Secret Service session (the
//! demo remotes' secrets go to the OS keyring, as for a user). A full run writes
//! src-tauri/crates/docket-bench/BENCHMARKS.md; `--smoke` runs tiny sizes in seconds with debug builds and
//! writes target/bench/BENCHMARKS.smoke.md, so `cargo xtask test` keeps the benchmarks working. A full run also
//! builds the release desktop app for item 9 (cold start); smoke runs skip that item.

use std::path::Path;
use std::process::Command;

use crate::phase_clock::PhaseClock;
use crate::phases::target_dir;
use crate::process::{cargo, run as run_command, succeeds};

/// Debian packages the benchmarks run, by the program they provide (GNU time reads peak memory).
const TOOLS: &[(&str, &str)] = &[("curl", "curl"), ("/usr/bin/time", "time")];

/// `only`: the items to run (e.g. "1,2,6"); such a partial run writes target/bench/BENCHMARKS.only.md, never the
/// committed report.
pub fn run(root: &Path, smoke: bool, only: Option<&str>) -> Result<(), String> {
    let mut clock = PhaseClock::default();
    let outcome = clock
        .phase("bench tools", install_tools)
        .and_then(|()| clock.phase("build", || build(root, smoke)))
        .and_then(|()| clock.phase("benchmarks", || measure(root, smoke, only)));
    clock.print_summary();
    outcome
}

/// The phase `cargo xtask test` runs: the smoke sizes, tools installed when missing.
pub fn smoke(root: &Path) -> Result<(), String> {
    install_tools()?;
    build(root, true)?;
    measure(root, true, None)
}

fn install_tools() -> Result<(), String> {
    let missing: Vec<&str> = TOOLS
        .iter()
        .filter(|(program, _)| !succeeds(program, &["--version"]))
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        println!("curl and GNU time are installed");
        return Ok(());
    }
    let install = format!(
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
        missing.join(" ")
    );
    let as_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false);
    let line = if as_root {
        install
    } else if succeeds("sudo", &["-n", "true"]) {
        format!("sudo sh -c '{install}'")
    } else {
        return Err(format!(
            "the benchmarks need {}: install them (`sudo apt-get install {}`), then run this again",
            missing.join(" and "),
            missing.join(" ")
        ));
    };
    run_command(Command::new("sh").args(["-c", &line]))
}

fn build(root: &Path, smoke: bool) -> Result<(), String> {
    if !smoke {
        // Item 9 times the release desktop app, which embeds the built UI.
        crate::ui::install_dependencies(root)?;
        crate::ui::build(root)?;
        run_command(cargo().current_dir(root).args([
            "build",
            "--release",
            "--package",
            "docket-desktop",
            "--bin",
            "docket-desktop",
        ]))?;
    }
    let mut command = cargo();
    command.current_dir(root).args([
        "build",
        "--package",
        "docket-cli",
        "--package",
        "docket-bench",
    ]);
    if !smoke {
        command.arg("--release");
    }
    run_command(&mut command)
}

fn measure(root: &Path, smoke: bool, only: Option<&str>) -> Result<(), String> {
    let target = target_dir(root);
    let bin = target.join(if smoke { "debug" } else { "release" });
    let out = if smoke {
        target.join("bench").join("BENCHMARKS.smoke.md")
    } else if only.is_some() {
        target.join("bench").join("BENCHMARKS.only.md")
    } else {
        root.join("src-tauri/crates/docket-bench/BENCHMARKS.md")
    };
    let work = target.join("bench").join("work");
    let docket = bin.join("docket");
    let bench = bin.join("docket-bench");
    let mut args = vec![
        "--docket".to_owned(),
        docket.to_string_lossy().into_owned(),
        "--out".to_owned(),
        out.to_string_lossy().into_owned(),
        "--work".to_owned(),
        work.to_string_lossy().into_owned(),
    ];
    if smoke {
        args.push("--smoke".to_owned());
    }
    if let Some(only) = only {
        args.push("--only".to_owned());
        args.push(only.to_owned());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // A keyring session of its own, so a concurrent `cargo xtask test` and this run never share one.
    let mut command =
        crate::keyring_session::command(&target, "bench", &bench.to_string_lossy(), &args)?;
    command.current_dir(root);
    run_command(&mut command)
}
