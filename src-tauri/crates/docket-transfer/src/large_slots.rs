//! "Transfers at once" counts the transfers that move many bytes. A transfer may start preparing while its size
//! is unknown; once its first answer shows it is not small, it takes one of these slots before its streams start,
//! and when all are taken it gives its connection back and waits for one. Small files never take a slot, so a
//! queue of thousands of them is not held to a few at a time, and small files pass beside large ones.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

use crate::limits::{SlotPermit, Slots};

pub(crate) struct LargeSlots {
    slots: Arc<Slots>,
    /// Transfers waiting for a slot.
    waiting: AtomicUsize,
    /// Told whenever a waiting transfer got its slot (or stopped waiting).
    moved: Notify,
}

/// Held by a large transfer while its streams run.
pub(crate) struct LargeSlot {
    _permit: SlotPermit,
}

/// Counts a transfer as waiting until it is dropped.
struct Waiting<'a>(&'a LargeSlots);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
        self.0.moved.notify_waiters();
    }
}

impl LargeSlots {
    pub fn new(limit: usize) -> Self {
        LargeSlots {
            slots: Slots::new(limit),
            waiting: AtomicUsize::new(0),
            moved: Notify::new(),
        }
    }

    pub fn resize(&self, limit: usize) {
        self.slots.resize(limit);
    }

    /// Transfers waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// A free slot, if there is one now.
    pub fn try_take(&self) -> Option<LargeSlot> {
        let permit = self.slots.try_acquire()?;
        Some(LargeSlot { _permit: permit })
    }

    /// Waits for a slot (counted as waiting meanwhile, also if the wait is given up).
    pub async fn take(&self) -> LargeSlot {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(self);
        LargeSlot {
            _permit: self.slots.acquire().await,
        }
    }

    /// Resolves when a waiting transfer next gets its slot or gives up waiting.
    pub async fn moved(&self) {
        self.moved.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiters_are_counted_until_they_get_a_slot_and_a_lower_limit_holds_for_new_takers() {
        let large = Arc::new(LargeSlots::new(2));
        let first = large.try_take().unwrap();
        let second = large.try_take().unwrap();
        assert!(large.try_take().is_none());
        let waiter = tokio::spawn({
            let large = Arc::clone(&large);
            async move { large.take().await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(large.waiting(), 1);
        drop(first);
        let third = waiter.await.unwrap();
        assert_eq!(large.waiting(), 0);
        large.resize(1);
        drop(second);
        assert!(
            large.try_take().is_none(),
            "one slot now, held by the third"
        );
        drop(third);
        assert!(large.try_take().is_some());
    }
}
