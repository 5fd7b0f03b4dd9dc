//! Connection limits: every request for bytes holds one permit of its remote and one of the whole engine, so
//! neither limit can be exceeded however many transfers and segments are running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits a running queue can be given anew; they apply to running transfers at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    pub max_transfers: usize,
    pub max_connections: usize,
    pub max_connections_per_remote: usize,
    /// Bytes per second across all transfers; `None` for no limit.
    pub bandwidth_limit: Option<u64>,
}

impl From<&crate::EngineConfig> for QueueLimits {
    fn from(config: &crate::EngineConfig) -> Self {
        QueueLimits {
            max_transfers: config.max_transfers,
            max_connections: config.max_connections,
            max_connections_per_remote: config.max_connections_per_remote,
            bandwidth_limit: config.bandwidth_limit,
        }
    }
}

pub struct ConnectionLimits {
    global: Arc<Slots>,
    per_remote_limit: Mutex<usize>,
    per_remote: Mutex<HashMap<String, Arc<Slots>>>,
}

/// Held while one request is in flight; dropping it frees the slot.
pub struct ConnectionPermit {
    _remote: SlotPermit,
    _global: SlotPermit,
}

impl ConnectionLimits {
    pub fn new(global: usize, per_remote: usize) -> Self {
        ConnectionLimits {
            global: Slots::new(global),
            per_remote_limit: Mutex::new(per_remote.max(1)),
            per_remote: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a free slot on `remote` and then globally (always in that order, so holders never deadlock).
    pub async fn acquire(&self, remote: &str) -> ConnectionPermit {
        let remote_slots = {
            let limit = *self
                .per_remote_limit
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let mut map = self.per_remote.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(
                map.entry(remote.to_owned())
                    .or_insert_with(|| Slots::new(limit)),
            )
        };
        let remote_permit = remote_slots.acquire().await;
        let global_permit = self.global.acquire().await;
        ConnectionPermit {
            _remote: remote_permit,
            _global: global_permit,
        }
    }

    /// New limits for requests from now on; requests in flight beyond them finish, and their slots are not
    /// given out again.
    pub fn resize(&self, global: usize, per_remote: usize) {
        self.global.resize(global);
        let per_remote = per_remote.max(1);
        *self
            .per_remote_limit
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = per_remote;
        let map = self.per_remote.lock().unwrap_or_else(|e| e.into_inner());
        for slots in map.values() {
            slots.resize(per_remote);
        }
    }
}

/// A semaphore whose size can change while permits are out: growing adds permits, shrinking forgets free ones
/// and owes the rest, paid by forgetting permits as their holders return them.
pub(crate) struct Slots {
    semaphore: Arc<Semaphore>,
    size: Mutex<Size>,
}

struct Size {
    limit: usize,
    /// Permits out beyond the current limit, forgotten as they come back.
    owed: usize,
}

pub(crate) struct SlotPermit {
    permit: Option<OwnedSemaphorePermit>,
    slots: Arc<Slots>,
}

impl Slots {
    pub(crate) fn new(limit: usize) -> Arc<Self> {
        let limit = limit.max(1);
        Arc::new(Slots {
            semaphore: Arc::new(Semaphore::new(limit)),
            size: Mutex::new(Size { limit, owed: 0 }),
        })
    }

    pub(crate) async fn acquire(self: &Arc<Self>) -> SlotPermit {
        // The semaphore is never closed, so acquiring cannot fail.
        let permit = loop {
            if let Ok(permit) = Arc::clone(&self.semaphore).acquire_owned().await {
                break permit;
            }
        };
        SlotPermit {
            permit: Some(permit),
            slots: Arc::clone(self),
        }
    }

    /// A free permit, if there is one now.
    pub(crate) fn try_acquire(self: &Arc<Self>) -> Option<SlotPermit> {
        let permit = Arc::clone(&self.semaphore).try_acquire_owned().ok()?;
        Some(SlotPermit {
            permit: Some(permit),
            slots: Arc::clone(self),
        })
    }

    pub(crate) fn resize(&self, limit: usize) {
        let limit = limit.max(1);
        let mut size = self.size.lock().unwrap_or_else(|e| e.into_inner());
        if limit > size.limit {
            let mut more = limit - size.limit;
            let repaid = more.min(size.owed);
            size.owed -= repaid;
            more -= repaid;
            self.semaphore.add_permits(more);
        } else {
            let fewer = size.limit - limit;
            let forgotten = self.semaphore.forget_permits(fewer);
            size.owed += fewer - forgotten;
        }
        size.limit = limit;
    }
}

impl Drop for SlotPermit {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        let mut size = self.slots.size.lock().unwrap_or_else(|e| e.into_inner());
        if size.owed > 0 {
            size.owed -= 1;
            permit.forget();
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

    #[tokio::test]
    async fn a_smaller_limit_holds_back_new_requests_until_the_ones_in_flight_beyond_it_end() {
        let limits = ConnectionLimits::new(10, 3);
        let held: Vec<_> = [
            limits.acquire("a").await,
            limits.acquire("a").await,
            limits.acquire("a").await,
        ]
        .into();
        limits.resize(10, 1);
        let mut held = held;
        held.pop();
        held.pop();
        // One still out, and one is the limit now: the next waits.
        let waiting = tokio::time::timeout(Duration::from_millis(50), limits.acquire("a")).await;
        assert!(waiting.is_err(), "a fourth request got a slot");
        held.pop();
        let _one = limits.acquire("a").await;
        let second = tokio::time::timeout(Duration::from_millis(50), limits.acquire("a")).await;
        assert!(second.is_err(), "two requests at once under a limit of one");
        limits.resize(10, 2);
        let _two = limits.acquire("a").await;
    }
}
