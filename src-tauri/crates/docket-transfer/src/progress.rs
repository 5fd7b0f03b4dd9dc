//! Progress on a broadcast channel the CLI and the desktop shell subscribe to: per transfer, a running byte total,
//! speed and ETA, published at most every 100 ms (a ticker sends the latest snapshot when something changed).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket_store::queue::TransferState;
use serde::Serialize;
use tokio::sync::broadcast;
use tokio::time::Instant;

/// The shortest gap between two events of one transfer.
pub const PUBLISH_INTERVAL: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransferEvent {
    pub id: i64,
    pub state: TransferState,
    pub bytes_done: u64,
    pub bytes_total: Option<u64>,
    /// Smoothed over the last seconds.
    pub bytes_per_sec: u64,
    pub eta_secs: Option<u64>,
    /// Why the state changed (the server's message on failure, what the server is doing while waiting).
    pub message: Option<String>,
}

/// The sending side, shared by every transfer of one engine.
#[derive(Clone)]
pub struct ProgressHub {
    sender: broadcast::Sender<TransferEvent>,
}

impl Default for ProgressHub {
    fn default() -> Self {
        ProgressHub {
            sender: broadcast::channel(1024).0,
        }
    }
}

impl ProgressHub {
    pub fn subscribe(&self) -> broadcast::Receiver<TransferEvent> {
        self.sender.subscribe()
    }

    /// Publishes one event for a transfer that is not running (one waiting for its server).
    pub fn announce(&self, event: TransferEvent) {
        // No subscriber is not an error: nobody is watching.
        let _ = self.sender.send(event);
    }

    /// Starts publishing for one transfer until the returned meter is finished.
    pub fn meter(
        &self,
        id: i64,
        state: TransferState,
        done: u64,
        total: Option<u64>,
    ) -> ProgressMeter {
        let shared = Arc::new(Mutex::new(Snapshot {
            event: TransferEvent {
                id,
                state,
                bytes_done: done,
                bytes_total: total,
                bytes_per_sec: 0,
                eta_secs: None,
                message: None,
            },
            dirty: true,
            finished: false,
            speed: Speed::new(done),
        }));
        let ticker = tokio::spawn(publish(Arc::clone(&shared), self.sender.clone()));
        ProgressMeter {
            shared,
            ticker: Mutex::new(Some(ticker)),
            sender: self.sender.clone(),
        }
    }
}

struct Snapshot {
    event: TransferEvent,
    dirty: bool,
    finished: bool,
    speed: Speed,
}

/// Bytes per second as an exponential moving average of per-tick rates.
struct Speed {
    last_bytes: u64,
    last_at: Instant,
    rate: f64,
}

impl Speed {
    fn new(bytes: u64) -> Self {
        Speed {
            last_bytes: bytes,
            last_at: Instant::now(),
            rate: 0.0,
        }
    }

    fn sample(&mut self, bytes: u64) -> f64 {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last_at).as_secs_f64();
        if elapsed >= 0.05 {
            let instant = bytes.saturating_sub(self.last_bytes) as f64 / elapsed;
            self.rate = if self.rate == 0.0 {
                instant
            } else {
                self.rate * 0.8 + instant * 0.2
            };
            self.last_bytes = bytes;
            self.last_at = now;
        }
        self.rate
    }
}

async fn publish(shared: Arc<Mutex<Snapshot>>, sender: broadcast::Sender<TransferEvent>) {
    let mut tick = tokio::time::interval(PUBLISH_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (event, finished) = {
            let mut snapshot = shared.lock().unwrap_or_else(|e| e.into_inner());
            let finished = snapshot.finished;
            match next_event(&mut snapshot) {
                Some(event) => (event, finished),
                None if finished => return,
                None => continue,
            }
        };
        // Nobody listening is fine.
        let _ = sender.send(event);
        if finished {
            return;
        }
    }
}

/// The event to publish when something changed since the last one, with speed and ETA brought up to date.
fn next_event(snapshot: &mut Snapshot) -> Option<TransferEvent> {
    let done = snapshot.event.bytes_done;
    let rate = snapshot.speed.sample(done);
    if !snapshot.dirty {
        return None;
    }
    snapshot.dirty = false;
    let event = &mut snapshot.event;
    event.bytes_per_sec = rate as u64;
    event.eta_secs = match (event.bytes_total, rate > 1.0) {
        (Some(total), true) if event.state == TransferState::Downloading => {
            Some((total.saturating_sub(event.bytes_done) as f64 / rate).ceil() as u64)
        }
        _ => None,
    };
    Some(event.clone())
}

/// One transfer's progress; cheap to update from every stream.
pub struct ProgressMeter {
    shared: Arc<Mutex<Snapshot>>,
    ticker: Mutex<Option<tokio::task::JoinHandle<()>>>,
    sender: broadcast::Sender<TransferEvent>,
}

impl ProgressMeter {
    fn update(&self, change: impl FnOnce(&mut TransferEvent)) {
        let mut snapshot = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut snapshot.event);
        snapshot.dirty = true;
    }

    /// Bytes arrived; a transfer that was refreshing its link is downloading again.
    pub fn add(&self, bytes: u64) {
        self.update(|e| {
            e.bytes_done += bytes;
            if e.state == TransferState::Refreshing {
                e.state = TransferState::Downloading;
                e.message = None;
            }
        });
    }

    pub fn set_done(&self, bytes: u64, total: Option<u64>) {
        self.update(|e| {
            e.bytes_done = bytes;
            if total.is_some() {
                e.bytes_total = total;
            }
        });
    }

    pub fn state(&self, state: TransferState, message: Option<String>) {
        self.update(|e| {
            e.state = state;
            e.message = message;
        });
    }

    pub fn done(&self) -> u64 {
        let snapshot = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        snapshot.event.bytes_done
    }

    /// Stops the ticker and publishes the final state at once: a transfer's end is never held back to the next
    /// tick (a small document takes less than one).
    pub async fn finish(&self) {
        let ticker = self.ticker.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(ticker) = ticker {
            // The ticker only waits at its tick, so aborting it never cuts an event in half.
            ticker.abort();
            let _ = ticker.await;
        }
        let event = {
            let mut snapshot = self.shared.lock().unwrap_or_else(|e| e.into_inner());
            snapshot.finished = true;
            snapshot.dirty = true;
            next_event(&mut snapshot)
        };
        if let Some(event) = event {
            let _ = self.sender.send(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_of_updates_is_coalesced_to_at_most_ten_events_a_second() {
        let hub = ProgressHub::default();
        let mut events = hub.subscribe();
        let meter = hub.meter(7, TransferState::Downloading, 0, Some(1_000_000));
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(500) {
            meter.add(10);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        meter.state(TransferState::Completed, None);
        meter.finish().await;
        let mut received = Vec::new();
        while let Ok(event) = events.try_recv() {
            received.push(event);
        }
        assert!(received.len() <= 7, "{} events in 0.5 s", received.len());
        let last = received.last().unwrap();
        assert_eq!(last.state, TransferState::Completed);
        assert!(last.bytes_done > 0);
        assert!(received.iter().any(|e| e.bytes_per_sec > 0));
    }
}
