//! An optional global bandwidth limit: a token bucket every stream draws from after it receives bytes.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub struct BandwidthLimit {
    bytes_per_sec: f64,
    bucket: Mutex<Bucket>,
}

struct Bucket {
    /// May go negative: the debt is slept off by whoever ran it up.
    tokens: f64,
    refilled: Instant,
}

impl BandwidthLimit {
    pub fn new(bytes_per_sec: u64) -> Self {
        let rate = bytes_per_sec.max(1) as f64;
        BandwidthLimit {
            bytes_per_sec: rate,
            bucket: Mutex::new(Bucket {
                tokens: rate / 10.0,
                refilled: Instant::now(),
            }),
        }
    }

    /// Accounts for `bytes` just received and waits until the average stays under the limit.
    pub async fn spend(&self, bytes: u64) {
        let wait = {
            let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
            // At most a tenth of a second of burst accumulates while idle.
            bucket.tokens =
                (bucket.tokens + elapsed * self.bytes_per_sec).min(self.bytes_per_sec / 10.0);
            bucket.refilled = now;
            bucket.tokens -= bytes as f64;
            if bucket.tokens < 0.0 {
                Duration::from_secs_f64(-bucket.tokens / self.bytes_per_sec)
            } else {
                Duration::ZERO
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
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
}
