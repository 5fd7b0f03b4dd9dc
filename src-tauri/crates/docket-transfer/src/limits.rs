//! Connection limits: every request for bytes holds one permit of its remote and one of the whole engine, so
//! neither limit can be exceeded however many transfers and segments are running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct ConnectionLimits {
    global: Arc<Semaphore>,
    per_remote_limit: usize,
    per_remote: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// Held while one request is in flight; dropping it frees the slot.
pub struct ConnectionPermit {
    _remote: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl ConnectionLimits {
    pub fn new(global: usize, per_remote: usize) -> Self {
        ConnectionLimits {
            global: Arc::new(Semaphore::new(global.max(1))),
            per_remote_limit: per_remote.max(1),
            per_remote: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a free slot on `remote` and then globally (always in that order, so holders never deadlock).
    pub async fn acquire(&self, remote: &str) -> ConnectionPermit {
        let remote_slots = {
            let mut map = self.per_remote.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(
                map.entry(remote.to_owned())
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_remote_limit))),
            )
        };
        // The semaphores are never closed, so acquiring cannot fail.
        let remote_permit = loop {
            if let Ok(permit) = Arc::clone(&remote_slots).acquire_owned().await {
                break permit;
            }
        };
        let global_permit = loop {
            if let Ok(permit) = Arc::clone(&self.global).acquire_owned().await {
                break permit;
            }
        };
        ConnectionPermit {
            _remote: remote_permit,
            _global: global_permit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn no_more_than_the_per_remote_limit_hold_permits_at_once() {
        let limits = Arc::new(ConnectionLimits::new(10, 2));
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (limits, now, most) = (limits.clone(), now.clone(), most.clone());
                tokio::spawn(async move {
                    let _permit = limits.acquire("a").await;
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
