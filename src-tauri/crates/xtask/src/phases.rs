//! The xtask commands, each a list of phases.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::phase_clock::{Phase, PhaseClock};
use crate::process::{cargo, cargo_program, run};
use crate::{e2e, keyring_session, package, package_install, prereqs, soak, ui};

// Phases that later ones name as prerequisites.
const NODE: &str = "node and npm";
const NPM_CI: &str = "npm ci (ui)";
const BUILD_UI: &str = "build ui";
const TAURI_DRIVER: &str = "tauri-driver";

/// Prerequisites every command shares: system packages, Node.js, the UI's npm dependencies, the built UI.
/// A failed system-package install names no particular phase it breaks (the packages may be partly there), so
/// nothing is skipped for it: the phases that do need a missing package fail and say so themselves.
fn preparation(root: &Path) -> Vec<Phase<'_>> {
    vec![
        Phase::new("system packages", &[], prereqs::system_packages),
        Phase::new(NODE, &[], prereqs::node),
        Phase::new(NPM_CI, &[NODE], move || ui::install_dependencies(root)),
        // The app embeds ui/dist at compile time, so the UI is built before anything compiles the app crate.
        Phase::new(BUILD_UI, &[NPM_CI], move || ui::build(root)),
    ]
}

/// The phases of `cargo xtask test`, in order. `needs` lists what a phase truly cannot run without: whatever
/// compiles the desktop app crate (clippy and the Rust tests over the workspace, the bindings check, the
/// end-to-end suite) needs the built UI; the UI checks need its npm dependencies; rustfmt, the crash loop, the
/// benchmarks and the fuzzers use none of them.
fn test_plan(root: &Path) -> Vec<Phase<'_>> {
    let mut phases = preparation(root);
    phases.extend([
        Phase::new(TAURI_DRIVER, &[], || prereqs::tauri_driver().map(|_| ())),
        Phase::new("rustfmt", &[], move || {
            run(cargo()
                .current_dir(root)
                .args(["fmt", "--all", "--", "--check"]))
        }),
        Phase::new("clippy", &[BUILD_UI], move || {
            run(cargo().current_dir(root).args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ]))
        }),
        Phase::new("generated bindings", &[BUILD_UI], move || {
            check_bindings(root)
        }),
        Phase::new("svelte-check", &[NPM_CI], move || ui::svelte_check(root)),
        Phase::new("vitest", &[NPM_CI], move || ui::unit_tests(root)),
        Phase::new("rust tests", &[BUILD_UI], move || rust_tests(root)),
        Phase::new("crash loop x3", &[], move || soak::run(root, 3)),
        Phase::new("hostile servers", &[BUILD_UI], move || {
            hostile_servers(root)
        }),
        Phase::new("benchmarks (smoke)", &[], move || crate::bench::smoke(root)),
        Phase::new("fuzz", &[], move || crate::fuzz::run_targets(root)),
        Phase::new("end-to-end", &[BUILD_UI, TAURI_DRIVER], move || {
            e2e::run_suite(root, &target_dir(root), None)
        }),
        Phase::new(
            "package: build, install, start, purge",
            &[BUILD_UI],
            move || {
                let target = target_dir(root);
                let built = package::build(root, &target)?;
                package_install::check(&target, &built)
            },
        ),
    ]);
    phases
}

/// `cargo xtask package`: the release packages in `target/package/`, not installed.
pub fn package(root: &Path) -> Result<(), String> {
    let mut phases = preparation(root);
    phases.push(Phase::new("package", &[BUILD_UI], move || {
        package::build(root, &target_dir(root)).map(|_| ())
    }));
    let mut clock = PhaseClock::default();
    let outcome = clock.run_until_failure(phases);
    clock.print_summary();
    outcome
}

/// Builds the desktop app (debug) into the target dir.
pub fn build_app(root: &Path) -> Result<(), String> {
    run(cargo().current_dir(root).args([
        "build",
        "--package",
        "docket-desktop",
        "--bin",
        "docket-desktop",
    ]))
}

pub fn setup(root: &Path) -> Result<(), String> {
    let mut phases = preparation(root);
    phases.push(Phase::new(TAURI_DRIVER, &[], || {
        prereqs::tauri_driver().map(|_| ())
    }));
    let mut clock = PhaseClock::default();
    let outcome = clock.run_until_failure(phases);
    clock.print_summary();
    outcome
}

pub fn demo(root: &Path) -> Result<(), String> {
    let mut phases = preparation(root);
    phases.push(Phase::new("build app", &[BUILD_UI], move || {
        build_app(root)
    }));
    let mut clock = PhaseClock::default();
    let outcome = clock.run_until_failure(phases);
    clock.print_summary();
    outcome?;
    require_display()?;
    let app = target_dir(root).join("debug").join("docket-desktop");
    println!("\nopening Docket ({})", app.display());
    run(Command::new(&app).arg("--demo"))
}

/// Every phase runs, even after one failed (only those whose prerequisite failed are skipped), so one red phase
/// does not hide the state of the others; the error at the end names each failed phase.
pub fn test(root: &Path) -> Result<(), String> {
    let mut clock = PhaseClock::default();
    clock.run_all(test_plan(root));
    clock.print_summary();
    let verdict = clock.verdict();
    if verdict.is_ok() {
        println!("\nall checks passed");
    }
    verdict
}

pub fn e2e_only(root: &Path, filter: Option<&str>) -> Result<(), String> {
    let mut phases = preparation(root);
    phases.push(Phase::new("end-to-end", &[BUILD_UI], move || {
        e2e::run_suite(root, &target_dir(root), filter)
    }));
    let mut clock = PhaseClock::default();
    let outcome = clock.run_until_failure(phases);
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

/// The Rust tests run against a real Secret Service (see keyring_session). The crash loop is left out: the
/// `crash loop x3` phase runs it with fresh seeds.
fn rust_tests(root: &Path) -> Result<(), String> {
    // The hostile-server suite runs as its own phase, its report shown.
    let exclusion = format!(
        "{} and not binary_id(={HOSTILE})",
        soak::nextest_exclusion()
    );
    let mut args = Vec::new();
    if prereqs::has_nextest() {
        args.extend(["nextest", "run", "--workspace", "--no-fail-fast", "-E"]);
        args.push(&exclusion);
    } else {
        args.extend(["test", "--workspace", "--no-fail-fast", "--"]);
        args.extend(soak::libtest_exclusion());
    }
    let mut tests =
        keyring_session::command(&target_dir(root), "rust-tests", &cargo_program(), &args)?;
    tests.current_dir(root);
    run(&mut tests)
}

/// The hostile-server suite's test binary (`tests/hostile`).
const HOSTILE: &str = "docket-desktop::hostile";

/// Runs the hostile-server suite with its report (`N passed, N failed`) shown, in a private keyring session.
fn hostile_servers(root: &Path) -> Result<(), String> {
    // Its cases drive the `docket` binary, which a plain test build of the app package does not build.
    // `--workspace`: features unified as in the main Rust run, so its builds are reused.
    run(cargo()
        .current_dir(root)
        .args(["build", "--workspace", "--bin", "docket"]))?;
    let args = ["test", "--workspace", "--test", "hostile"];
    let mut suite =
        keyring_session::command(&target_dir(root), "hostile", &cargo_program(), &args)?;
    suite.current_dir(root);
    run(&mut suite)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prerequisite_in_the_test_plan_is_an_earlier_phase() {
        let plan = test_plan(Path::new("/nonexistent"));
        for (at, phase) in plan.iter().enumerate() {
            for needed in phase.needs {
                assert!(
                    plan[..at].iter().any(|earlier| earlier.name == *needed),
                    "`{}` needs `{needed}`, which does not run before it",
                    phase.name
                );
            }
        }
    }

    #[test]
    fn the_test_plan_runs_the_crash_loop_as_its_own_phase_and_checks_what_compiles_the_app_after_the_ui(
    ) {
        let plan = test_plan(Path::new("/nonexistent"));
        let needs = |name: &str| match plan.iter().find(|phase| phase.name == name) {
            Some(phase) => phase.needs,
            None => panic!("no `{name}` phase"),
        };
        assert_eq!(needs("crash loop x3"), &[] as &[&str]);
        assert_eq!(needs("rustfmt"), &[] as &[&str]);
        for app_phase in ["clippy", "generated bindings", "rust tests", "end-to-end"] {
            assert!(needs(app_phase).contains(&BUILD_UI), "{app_phase}");
        }
        assert!(needs("end-to-end").contains(&TAURI_DRIVER));
    }
}
