//! Hostile servers and hostile download folders against the real `docket` binary and the demo server's fault
//! injection. Every case must end with one clear error line or a safe completion, within its deadline and under
//! the memory bound (peak RSS of the `docket` process, from the kernel's own accounting), never with a crash, a
//! hang, a write outside the download folder or a credential sent where it does not belong. Prints each case and
//! `N passed, N failed`; fails when any case failed. Run with `cargo xtask test` (or inside a keyring session:
//! `/tmp/kr.sh cargo test -p docket-desktop --test hostile`); `cargo build -p docket-cli` first when run alone.

mod cases;
mod docket;
mod world;

use std::process::ExitCode;
use std::time::Instant;

/// The one name test runners see.
const SUITE: &str = "hostile_servers_and_folders";

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("hostile: could not start a runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Test runners list a binary's tests first (libtest's `--list`): the suite is one test to them.
    if args.iter().any(|arg| arg == "--list") {
        if !args.iter().any(|arg| arg == "--ignored") {
            println!("{SUITE}: test");
        }
        return ExitCode::SUCCESS;
    }
    let filter = args
        .iter()
        .find(|arg| !arg.starts_with('-') && arg.as_str() != SUITE)
        .cloned();
    runtime.block_on(async {
        let world = world::World::start().await;
        let (mut passed, mut failed) = (0, 0);
        for case in cases::ALL {
            if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
                continue;
            }
            world.reset();
            let started = Instant::now();
            let outcome = (case.run)(&world).await;
            let took = started.elapsed();
            match outcome {
                Ok(detail) => {
                    passed += 1;
                    println!(
                        "ok      {} ({:.1} s): {detail}",
                        case.name,
                        took.as_secs_f64()
                    );
                }
                Err(why) => {
                    failed += 1;
                    println!("FAILED  {} ({:.1} s): {why}", case.name, took.as_secs_f64());
                }
            }
        }
        println!("\nhostile servers and folders: {passed} passed, {failed} failed");
        if failed == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
