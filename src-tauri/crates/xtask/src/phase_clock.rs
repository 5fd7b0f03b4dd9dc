//! Phases and their wall times: each is printed as it finishes and the whole run as a table at the end.
//!
//! Two ways to run a list of phases: `run_until_failure` stops at the first failure (the demo cannot open a window
//! it could not build), `run_all` runs every phase whose prerequisites passed and reports all failures at the end
//! (CI: one red phase must not hide the state of the others).

use std::time::{Duration, Instant};

/// The work of one phase, run at most once.
pub type Work<'a> = Box<dyn FnOnce() -> Result<(), String> + 'a>;

/// One named step, with the earlier phases it cannot run without.
pub struct Phase<'a> {
    pub name: &'static str,
    /// Names of earlier phases whose output this one uses (the UI build, an installed tool): when one of them did
    /// not pass, this phase is skipped instead of failing for a reason that is not its own.
    pub needs: &'static [&'static str],
    pub work: Work<'a>,
}

impl<'a> Phase<'a> {
    pub fn new(
        name: &'static str,
        needs: &'static [&'static str],
        work: impl FnOnce() -> Result<(), String> + 'a,
    ) -> Phase<'a> {
        Phase {
            name,
            needs,
            work: Box::new(work),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Passed,
    Failed(String),
    /// Not run; `because` says which failed phase is at the root of it ("build ui failed"; a skip caused by a
    /// skip points further back).
    Skipped {
        because: String,
    },
}

struct Finished {
    name: String,
    took: Duration,
    outcome: Outcome,
}

#[derive(Default)]
pub struct PhaseClock {
    finished: Vec<Finished>,
}

impl PhaseClock {
    /// Runs one phase, prints and records how it went, and returns its result.
    pub fn phase(
        &mut self,
        name: &str,
        work: impl FnOnce() -> Result<(), String>,
    ) -> Result<(), String> {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = work();
        let took = started.elapsed();
        let outcome = match &result {
            Ok(()) => {
                println!("<== {name}: ok in {}", seconds(took));
                Outcome::Passed
            }
            Err(problem) => {
                println!("<== {name}: FAILED in {}: {problem}", seconds(took));
                Outcome::Failed(problem.clone())
            }
        };
        self.finished.push(Finished {
            name: name.to_owned(),
            took,
            outcome,
        });
        result
    }

    /// Runs the phases in order and stops at the first failure, returning its error.
    pub fn run_until_failure(&mut self, phases: Vec<Phase<'_>>) -> Result<(), String> {
        for phase in phases {
            self.phase(phase.name, phase.work)?;
        }
        Ok(())
    }

    /// Runs every phase whose prerequisites passed and skips the others; never stops early. `verdict` tells
    /// how it went.
    pub fn run_all(&mut self, phases: Vec<Phase<'_>>) {
        for phase in phases {
            match self.missing_prerequisite(phase.needs) {
                Some(because) => {
                    println!("\n==> {}: skipped ({because})", phase.name);
                    self.finished.push(Finished {
                        name: phase.name.to_owned(),
                        took: Duration::ZERO,
                        outcome: Outcome::Skipped { because },
                    });
                }
                None => {
                    // The error is recorded for the verdict; the next phase runs regardless.
                    let _ = self.phase(phase.name, phase.work);
                }
            }
        }
    }

    /// Why the first of `needs` that did not pass did not ("npm ci (ui) failed"), if one did not.
    fn missing_prerequisite(&self, needs: &[&str]) -> Option<String> {
        needs.iter().find_map(|needed| {
            match self.outcome_of(needed) {
                Some(Outcome::Passed) => None,
                Some(Outcome::Failed(_)) => Some(format!("{needed} failed")),
                Some(Outcome::Skipped { because }) => Some(because.clone()),
                // A prerequisite that never ran is a mistake in the phase list; refusing to run says so.
                None => Some(format!("{needed} has not run before it")),
            }
        })
    }

    pub fn outcome_of(&self, name: &str) -> Option<&Outcome> {
        self.finished
            .iter()
            .find(|finished| finished.name == name)
            .map(|finished| &finished.outcome)
    }

    pub fn print_summary(&self) {
        println!("\nphase wall times:");
        let mut total = Duration::ZERO;
        for finished in &self.finished {
            total += finished.took;
            let (time, mark) = match &finished.outcome {
                Outcome::Passed => (seconds(finished.took), "ok".to_owned()),
                Outcome::Failed(_) => (seconds(finished.took), "FAILED".to_owned()),
                Outcome::Skipped { because } => ("-".to_owned(), format!("skipped ({because})")),
            };
            println!("  {:<28} {time:>9}  {mark}", finished.name);
        }
        println!("  {:<28} {:>9}", "total", seconds(total));
    }

    /// Ok when no phase failed or was skipped; else one error that names every failed phase with its error and
    /// every skipped one.
    pub fn verdict(&self) -> Result<(), String> {
        let failed: Vec<(&str, &str)> = self
            .finished
            .iter()
            .filter_map(|finished| match &finished.outcome {
                Outcome::Failed(problem) => Some((finished.name.as_str(), problem.as_str())),
                _ => None,
            })
            .collect();
        let skipped: Vec<&str> = self
            .finished
            .iter()
            .filter(|finished| matches!(finished.outcome, Outcome::Skipped { .. }))
            .map(|finished| finished.name.as_str())
            .collect();
        if failed.is_empty() && skipped.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = failed.iter().map(|(name, _)| *name).collect();
        let mut report = format!(
            "{} of {} phases failed: {}",
            failed.len(),
            self.finished.len(),
            names.join(", ")
        );
        if !skipped.is_empty() {
            report.push_str(&format!(
                "; skipped because of them: {}",
                skipped.join(", ")
            ));
        }
        for (name, problem) in failed {
            report.push_str(&format!("\n  {name}: {problem}"));
        }
        Err(report)
    }
}

pub fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn passes() -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn run_all_runs_the_phases_after_a_failure_and_names_every_failure_at_the_end() {
        let ran = RefCell::new(Vec::new());
        let step = |name: &'static str, fails: bool| {
            let ran = &ran;
            move || {
                ran.borrow_mut().push(name);
                if fails {
                    Err(format!("{name} broke"))
                } else {
                    Ok(())
                }
            }
        };
        let mut clock = PhaseClock::default();
        clock.run_all(vec![
            Phase::new("fmt", &[], step("fmt", true)),
            Phase::new("clippy", &[], step("clippy", false)),
            Phase::new("tests", &[], step("tests", true)),
            Phase::new("e2e", &[], step("e2e", false)),
        ]);
        assert_eq!(*ran.borrow(), vec!["fmt", "clippy", "tests", "e2e"]);
        assert_eq!(
            clock.outcome_of("fmt"),
            Some(&Outcome::Failed("fmt broke".to_owned()))
        );
        assert_eq!(clock.outcome_of("clippy"), Some(&Outcome::Passed));
        let Err(report) = clock.verdict() else {
            panic!("two phases failed, the verdict must be an error");
        };
        assert!(
            report.starts_with("2 of 4 phases failed: fmt, tests"),
            "{report}"
        );
        assert!(report.contains("\n  fmt: fmt broke"), "{report}");
        assert!(report.contains("\n  tests: tests broke"), "{report}");
    }

    #[test]
    fn a_phase_is_skipped_when_a_prerequisite_failed_or_was_skipped_itself() {
        let ran = RefCell::new(Vec::new());
        let mut clock = PhaseClock::default();
        clock.run_all(vec![
            Phase::new("npm ci", &[], || Err("no network".to_owned())),
            Phase::new("build ui", &["npm ci"], || {
                ran.borrow_mut().push("build ui");
                Ok(())
            }),
            Phase::new("clippy", &["build ui"], || {
                ran.borrow_mut().push("clippy");
                Ok(())
            }),
            Phase::new("rustfmt", &[], || {
                ran.borrow_mut().push("rustfmt");
                Ok(())
            }),
        ]);
        assert_eq!(*ran.borrow(), vec!["rustfmt"]);
        let skipped_for_npm = Some(Outcome::Skipped {
            because: "npm ci failed".to_owned(),
        });
        assert_eq!(clock.outcome_of("build ui").cloned(), skipped_for_npm);
        assert_eq!(clock.outcome_of("clippy").cloned(), skipped_for_npm);
        let Err(report) = clock.verdict() else {
            panic!("a failed phase makes the verdict an error");
        };
        assert!(
            report.starts_with(
                "1 of 4 phases failed: npm ci; skipped because of them: build ui, clippy"
            ),
            "{report}"
        );
    }

    #[test]
    fn a_prerequisite_that_never_ran_skips_the_phase_instead_of_running_it_blind() {
        let mut clock = PhaseClock::default();
        clock.run_all(vec![Phase::new("e2e", &["tauri-driver"], passes)]);
        assert!(matches!(
            clock.outcome_of("e2e"),
            Some(Outcome::Skipped { because }) if because.contains("has not run")
        ));
        assert!(clock.verdict().is_err());
    }

    #[test]
    fn run_until_failure_stops_at_the_first_failure() {
        let mut clock = PhaseClock::default();
        let outcome = clock.run_until_failure(vec![
            Phase::new("one", &[], passes),
            Phase::new("two", &[], || Err("two broke".to_owned())),
            Phase::new("three", &[], passes),
        ]);
        assert_eq!(outcome, Err("two broke".to_owned()));
        assert_eq!(clock.outcome_of("three"), None);
    }

    #[test]
    fn all_passed_is_ok() {
        let mut clock = PhaseClock::default();
        clock.run_all(vec![
            Phase::new("one", &[], passes),
            Phase::new("two", &["one"], passes),
        ]);
        assert_eq!(clock.verdict(), Ok(()));
    }
}
