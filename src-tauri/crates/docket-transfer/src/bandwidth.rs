//! An optional global bandwidth limit: a token bucket every stream draws from after it receives bytes. Its rate
//! can change while streams run (or the limit be lifted): waiting streams recompute their wait at once.

use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

pub struct BandwidthLimit {
    bucket: Mutex<Bucket>,
    changed: Notify,
}

struct Bucket {
    /// Bytes per second; `None` while unlimited.
    rate: Option<f64>,
    /// May go negative: the debt is slept off by whoever ran it up.
    tokens: f64,
    refilled: Instant,
}

impl Bucket {
    /// Refills for the time passed; answers how long the current debt takes to pay off.
    fn refill(&mut self) -> Duration {
        let Some(rate) = self.rate else {
            self.tokens = 0.0;
            return Duration::ZERO;
        };
        let now = Instant::now();
        let elapsed = now.duration_since(self.refilled).as_secs_f64();
        // At most a tenth of a second of burst accumulates while idle.
        self.tokens = (self.tokens + elapsed * rate).min(rate / 10.0);
        self.refilled = now;
        if self.tokens < 0.0 {
            Duration::from_secs_f64(-self.tokens / rate)
        } else {
            Duration::ZERO
        }
    }
}

impl BandwidthLimit {
    pub fn new(bytes_per_sec: u64) -> Self {
        BandwidthLimit::adjustable(Some(bytes_per_sec))
    }

    /// A limit of `bytes_per_sec`, or none yet; see [`BandwidthLimit::set_rate`].
    pub fn adjustable(bytes_per_sec: Option<u64>) -> Self {
        let rate = bytes_per_sec.map(|r| r.max(1) as f64);
        BandwidthLimit {
            bucket: Mutex::new(Bucket {
                rate,
                tokens: rate.map_or(0.0, |r| r / 10.0),
                refilled: Instant::now(),
            }),
            changed: Notify::new(),
        }
    }

    /// A new rate for every stream, including those waiting now; `None` lifts the limit.
    pub fn set_rate(&self, bytes_per_sec: Option<u64>) {
        {
            let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
            bucket.refill();
            let rate = bytes_per_sec.map(|r| r.max(1) as f64);
            // The debt run up so far is kept, measured in bytes: at the new rate it takes its new time.
            bucket.rate = rate;
            if let Some(rate) = rate {
                bucket.tokens = bucket.tokens.min(rate / 10.0);
            }
        }
        self.changed.notify_waiters();
    }

    /// Accounts for `bytes` just received and waits until the average stays under the limit.
    pub async fn spend(&self, bytes: u64) {
        let mut wait = {
            let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
            if bucket.rate.is_none() {
                return;
            }
            bucket.refill();
            bucket.tokens -= bytes as f64;
            bucket.refill()
        };
        while !wait.is_zero() {
            let changed = self.changed.notified();
            tokio::select! {
                _ = tokio::time::sleep(wait) => return,
                _ = changed => {
                    let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
                    wait = bucket.refill();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spending_faster_than_the_limit_waits_for_the_difference() {
        let limit = BandwidthLimit::new(1000);
        let start = Instant::now();
        for _ in 0..10 {
            limit.spend(500).await;
        }
        // 5000 bytes at 1000 B/s, less the initial tenth-second burst.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(4800), "{took:?}");
        assert!(took <= Duration::from_millis(5200), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_rate_applies_to_the_stream_waiting_now() {
        let limit = std::sync::Arc::new(BandwidthLimit::new(1000));
        let start = Instant::now();
        let waiting = {
            let limit = limit.clone();
            tokio::spawn(async move { limit.spend(10_100).await })
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        // 9 s of debt left at 1000 B/s; 9000 bytes at 9000 B/s take one more second.
        limit.set_rate(Some(9000));
        waiting.await.unwrap();
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(1900), "{took:?}");
        assert!(took <= Duration::from_millis(2200), "{took:?}");
        limit.set_rate(None);
        let start = Instant::now();
        limit.spend(1_000_000).await;
        assert_eq!(start.elapsed(), Duration::ZERO, "no limit, no wait");
    }
}
