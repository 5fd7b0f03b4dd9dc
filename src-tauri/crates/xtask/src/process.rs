//! Running commands with their output shown, and timing phases.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `command` with inherited output; a non-zero exit becomes an error that names the command.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    println!("$ {shown}");
    let status = command
        .status()
        .map_err(|err| format!("could not start `{shown}`: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// True when `program --version` (or the given probe args) runs and exits 0.
pub fn succeeds(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

pub fn in_dir(program: &str, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.current_dir(dir);
    command
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Phases and their wall times, printed as they finish and as a table at the end.
#[derive(Default)]
pub struct PhaseClock {
    finished: Vec<(String, Duration, bool)>,
}

impl PhaseClock {
    pub fn phase(
        &mut self,
        name: &str,
        work: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        println!("\n==> {name}");
        let started = Instant::now();
        let outcome = work();
        let took = started.elapsed();
        let ok = outcome.is_ok();
        println!(
            "<== {name}: {} in {}",
            if ok { "ok" } else { "FAILED" },
            seconds(took)
        );
        self.finished.push((name.to_owned(), took, ok));
        outcome
    }

    pub fn print_summary(&self) {
        println!("\nphase wall times:");
        let mut total = Duration::ZERO;
        for (name, took, ok) in &self.finished {
            total += *took;
            let mark = if *ok { "ok" } else { "FAILED" };
            println!("  {name:<28} {:>9}  {mark}", seconds(*took));
        }
        println!("  {:<28} {:>9}", "total", seconds(total));
    }
}

pub fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
