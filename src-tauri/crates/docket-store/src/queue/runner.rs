//! Who works a transfer: a runner's name in the queue's claims says which process, in which boot of the OS, so
//! another process can tell at once that a claim's holder is gone (killed, crashed) instead of waiting for its
//! lease to lapse.

use std::fmt;

/// A runner's name: `<pid>-<started ms>-<nonce>@<boot id>`. The nonce keeps two runners of one process apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunnerId {
    pid: u32,
    started_ms: i64,
    nonce: u32,
    boot: Option<String>,
}

impl RunnerId {
    /// A name for a runner in this process.
    pub fn for_this_process() -> Self {
        RunnerId {
            pid: std::process::id(),
            started_ms: super::now_ms(),
            nonce: fastrand::u32(..),
            boot: docket_core::boot::current(),
        }
    }

    /// Reads a stored owner; `None` for a name this version does not write (an older Docket's).
    pub fn parse(text: &str) -> Option<Self> {
        let (process, boot) = match text.split_once('@') {
            Some((process, boot)) => (process, Some(boot.to_owned())),
            None => (text, None),
        };
        let mut parts = process.splitn(3, '-');
        let pid = parts.next()?.parse().ok()?;
        let started_ms = parts.next()?.parse().ok()?;
        let nonce = u32::from_str_radix(parts.next()?, 16).ok()?;
        Some(RunnerId {
            pid,
            started_ms,
            nonce,
            boot,
        })
    }

    /// Whether this runner's process is known to have ended: it ran in this boot and its process is gone. A
    /// runner of another boot (or one this OS cannot check) is judged by its lease instead, since a data dir on
    /// a shared disk may be worked from another machine.
    pub fn is_gone(&self) -> bool {
        self.is_checkable() && !process_runs(self.pid, self.started_ms)
    }

    /// Whether this OS can tell if the runner's process still runs: it ran in this boot, on an OS whose process
    /// table Docket reads.
    pub fn is_checkable(&self) -> bool {
        cfg!(target_os = "linux")
            && self
                .boot
                .as_deref()
                .is_some_and(|boot| docket_core::boot::current().as_deref() == Some(boot))
    }
}

impl fmt::Display for RunnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:08x}", self.pid, self.started_ms, self.nonce)?;
        if let Some(boot) = &self.boot {
            write!(f, "@{boot}")?;
        }
        Ok(())
    }
}

/// Whether process `pid` runs and is the one that named a runner at `named_ms`: a zombie (killed, not yet reaped
/// by its parent) will never work again, and a process that started after the runner was named only reuses its
/// pid.
#[cfg(target_os = "linux")]
fn process_runs(pid: u32, named_ms: i64) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The fields after the command name, which is in parentheses and may hold anything.
    let Some((_, fields)) = stat.rsplit_once(')') else {
        return true;
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    if fields
        .first()
        .is_some_and(|state| matches!(*state, "Z" | "X"))
    {
        return false;
    }
    // Field 22 of the whole line (20th after the name) is the start time in clock ticks after boot; /proc
    // counts them at 100 a second. The boot time is whole seconds, so a second of slack.
    let started_ticks = fields.get(19).and_then(|t| t.parse::<i64>().ok());
    match (started_ticks, boot_time_ms()) {
        (Some(ticks), Some(boot_ms)) => boot_ms + ticks * 10 <= named_ms + 1000,
        _ => true,
    }
}

#[cfg(target_os = "linux")]
fn boot_time_ms() -> Option<i64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let seconds = stat
        .lines()
        .find_map(|line| line.strip_prefix("btime "))?
        .trim()
        .parse::<i64>()
        .ok()?;
    Some(seconds * 1000)
}

#[cfg(not(target_os = "linux"))]
fn process_runs(_pid: u32, _named_ms: i64) -> bool {
    // Unknown here: the lease decides.
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runner_name_reads_back_as_written() {
        let me = RunnerId::for_this_process();
        assert_eq!(RunnerId::parse(&me.to_string()), Some(me));
    }

    #[test]
    fn the_runner_of_this_process_is_not_gone() {
        assert!(!RunnerId::for_this_process().is_gone());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_runner_whose_process_ended_in_this_boot_is_gone() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        child.wait().unwrap();
        let mut runner = RunnerId::for_this_process();
        runner.pid = child.id();
        assert!(runner.is_gone());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_process_that_reuses_a_gone_runners_pid_does_not_keep_it_alive() {
        let mut runner = RunnerId::for_this_process();
        // This process started before the runner was named: it is the runner's.
        assert!(!runner.is_gone());
        // A runner named long before this process started cannot be this process.
        runner.started_ms = 1;
        assert!(runner.is_gone());
    }

    #[test]
    fn a_runner_of_another_boot_or_an_older_name_is_left_to_its_lease() {
        let other_boot = RunnerId::parse("999999-1-0000abcd@not-this-boot").unwrap();
        assert!(!other_boot.is_gone());
        let old = RunnerId::parse("999999-1-0000abcd").unwrap();
        assert!(!old.is_gone());
        assert_eq!(RunnerId::parse("someone"), None);
    }
}
