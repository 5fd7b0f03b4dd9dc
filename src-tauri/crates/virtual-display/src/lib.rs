//! A private Xvfb display, for the end-to-end tests (`cargo xtask e2e`) and the desktop cold-start benchmark.
//! Xvfb picks a free display number itself (`-displayfd`) and says it once it accepts clients, so two runs on one
//! machine never share a display and nothing polls for a socket.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long Xvfb may take to accept clients on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// An Xvfb server on a display of its own, stopped when dropped.
pub struct VirtualDisplay {
    number: u32,
    server: Child,
}

impl VirtualDisplay {
    /// Starts Xvfb with one 1280x800 screen and waits until it accepts clients.
    pub fn start() -> Result<Self, String> {
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("could not start Xvfb (install the xvfb package): {err}"))?;
        let Some(stdout) = server.stdout.take() else {
            stop(&mut server);
            return Err("Xvfb started without its output pipe".into());
        };
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(read.map(|_| line));
        });
        let number = match receiver.recv_timeout(START_TIMEOUT) {
            Ok(Ok(line)) => line.trim().parse::<u32>().ok(),
            _ => None,
        };
        match number {
            Some(number) => Ok(VirtualDisplay { number, server }),
            None => {
                stop(&mut server);
                Err(format!(
                    "Xvfb did not report a display within {} s",
                    START_TIMEOUT.as_secs()
                ))
            }
        }
    }

    /// The value for `DISPLAY`, e.g. `:99`.
    pub fn name(&self) -> String {
        format!(":{}", self.number)
    }
}

fn stop(server: &mut Child) {
    let _ = server.kill();
    let _ = server.wait();
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        stop(&mut self.server);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_displays_started_together_get_numbers_of_their_own_and_accept_clients() {
        let first = VirtualDisplay::start().unwrap();
        let second = VirtualDisplay::start().unwrap();
        assert_ne!(first.name(), second.name());
        for display in [&first, &second] {
            let socket = format!("/tmp/.X11-unix/X{}", display.number);
            assert!(std::path::Path::new(&socket).exists(), "{socket}");
        }
    }
}
