//! The xtask commands, each a list of phases.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{cargo, run, PhaseClock};
use crate::{e2e, keyring_session, prereqs, ui};

/// Prerequisites every command shares: system packages, Node.js, the UI's npm dependencies.
fn prepare(root: &Path, clock: &mut PhaseClock) -> Result<(), String> {
    clock.phase("system packages", prereqs::system_packages)?;
    clock.phase("node and npm", prereqs::node)?;
    clock.phase("npm ci (ui)", || ui::install_dependencies(root))?;
    // The app embeds ui/dist at compile time, so the UI is built before anything compiles the app crate.
    clock.phase("build ui", || ui::build(root))
}

pub fn setup(root: &Path) -> Result<(), String> {
    let mut clock = PhaseClock::default();
    let outcome = prepare(root, &mut clock)
        .and_then(|()| clock.phase("tauri-driver", || prereqs::tauri_driver().map(|_| ())));
    clock.print_summary();
    outcome
}

pub fn demo(root: &Path) -> Result<(), String> {
    let mut clock = PhaseClock::default();
    let outcome = prepare(root, &mut clock).and_then(|()| {
        clock.phase("build app", || {
            run(cargo().current_dir(root).args([
                "build",
                "--package",
                "docket-desktop",
                "--bin",
                "docket-desktop",
            ]))
        })
    });
    clock.print_summary();
    outcome?;
    require_display()?;
    let app = target_dir(root).join("debug").join("docket-desktop");
    println!("\nopening Docket ({})", app.display());
    run(Command::new(&app).arg("--demo"))
}

pub fn test(root: &Path) -> Result<(), String> {
    let mut clock = PhaseClock::default();
    let outcome = run_tests(root, &mut clock);
    clock.print_summary();
    if outcome.is_ok() {
        println!("\nall checks passed");
    }
    outcome
}

fn run_tests(root: &Path, clock: &mut PhaseClock) -> Result<(), String> {
    prepare(root, clock)?;
    let driver = clock.phase("tauri-driver", || prereqs::tauri_driver().map(|_| ()));
    driver?;
    clock.phase("rustfmt", || {
        run(cargo()
            .current_dir(root)
            .args(["fmt", "--all", "--", "--check"]))
    })?;
    clock.phase("clippy", || {
        run(cargo().current_dir(root).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    clock.phase("generated bindings", || check_bindings(root))?;
    clock.phase("svelte-check", || ui::svelte_check(root))?;
    clock.phase("vitest", || ui::unit_tests(root))?;
    clock.phase("rust tests", || rust_tests(root))?;
    clock.phase("benchmarks (smoke)", || crate::bench::smoke(root))?;
    clock.phase("fuzz", || crate::fuzz::run_targets(root))?;
    clock.phase("end-to-end", || {
        e2e::run_suite(root, &target_dir(root), None)
    })
}

pub fn e2e_only(root: &Path, filter: Option<&str>) -> Result<(), String> {
    let mut clock = PhaseClock::default();
    let outcome = prepare(root, &mut clock).and_then(|()| {
        clock.phase("end-to-end", || {
            e2e::run_suite(root, &target_dir(root), filter)
        })
    });
    clock.print_summary();
    outcome
}

pub fn bindings(root: &Path) -> Result<(), String> {
    run(cargo()
        .current_dir(root)
        .env("DOCKET_WRITE_BINDINGS", "1")
        .args(binding_test_args()))?;
    println!("wrote ui/src/lib/bindings.ts");
    Ok(())
}

fn check_bindings(root: &Path) -> Result<(), String> {
    run(cargo()
        .current_dir(root)
        .env_remove("DOCKET_WRITE_BINDINGS")
        .args(binding_test_args()))
}

fn binding_test_args() -> [&'static str; 8] {
    [
        "test",
        "--package",
        "docket-desktop",
        "--lib",
        "--",
        "--exact",
        "bindings::tests::generated_bindings_match_the_committed_file",
        "--nocapture",
    ]
}

/// The Rust tests run against a real Secret Service (see keyring_session).
fn rust_tests(root: &Path) -> Result<(), String> {
    let cargo_program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let args: &[&str] = if prereqs::has_nextest() {
        &["nextest", "run", "--workspace", "--no-fail-fast"]
    } else {
        &["test", "--workspace"]
    };
    let mut tests = keyring_session::command(&target_dir(root), &cargo_program, args)?;
    tests.current_dir(root);
    run(&mut tests)
}

fn require_display() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if has("DISPLAY") || has("WAYLAND_DISPLAY") {
        Ok(())
    } else {
        Err(
            "no display to open the window on: run this from a desktop session, or headless with \
             `Xvfb :99 & DISPLAY=:99 cargo xtask demo`"
                .to_owned(),
        )
    }
}

/// Where cargo puts builds: CARGO_TARGET_DIR when set, else `target/` at the root.
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        }
        _ => root.join("target"),
    }
}
