//! Staged download handlers: which user staged which document version, at what chunk size. The staged bytes are
//! never copied: chunks are read from the library by offset. The number open is the gauge
//! `inforouter.open_handlers`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::expiry::{Expiry, Stamp};
use crate::gauges::Gauge;

use super::sessions::guid;

pub const OPEN_HANDLERS: &str = "inforouter.open_handlers";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Staged {
    pub user_id: u32,
    pub document_id: u32,
    /// The library's version number (1, 2, ...).
    pub version: u32,
    pub chunk_size: u64,
    stamp: Stamp,
}

#[derive(Debug)]
pub(super) struct Handlers {
    open: Mutex<HashMap<String, Staged>>,
    serial: AtomicU64,
    gauge: Gauge,
}

impl Handlers {
    pub fn new(gauge: Gauge) -> Handlers {
        Handlers {
            open: Mutex::new(HashMap::new()),
            serial: AtomicU64::new(0),
            gauge,
        }
    }

    pub fn stage(
        &self,
        expiry: &Expiry,
        user_id: u32,
        document_id: u32,
        version: u32,
        chunk_size: u64,
    ) -> String {
        let handler = guid(self.serial.fetch_add(1, Ordering::SeqCst), "handler");
        let staged = Staged {
            user_id,
            document_id,
            version,
            chunk_size,
            stamp: expiry.issue(),
        };
        let mut open = self.lock();
        open.insert(handler.clone(), staged);
        self.gauge.set(open.len() as i64);
        handler
    }

    /// The staged file behind `handler` when `user_id` staged it and it has not expired; its idle time starts
    /// again.
    pub fn find(
        &self,
        expiry: &Expiry,
        ttl: Duration,
        user_id: u32,
        handler: &str,
    ) -> Option<Staged> {
        let mut open = self.sweep(expiry, ttl);
        let staged = open
            .get_mut(handler.trim())
            .filter(|s| s.user_id == user_id)?;
        staged.stamp = expiry.issue();
        Some(*staged)
    }

    /// Deletes the handler when `user_id` owns it; false when there was none to delete.
    pub fn delete(&self, expiry: &Expiry, ttl: Duration, user_id: u32, handler: &str) -> bool {
        let mut open = self.sweep(expiry, ttl);
        let owned = open
            .get(handler.trim())
            .is_some_and(|s| s.user_id == user_id);
        if owned {
            open.remove(handler.trim());
            self.gauge.set(open.len() as i64);
        }
        owned
    }

    /// Drops expired handlers (their temporary files would be cleaned up by the server) and returns the rest.
    pub fn sweep(
        &self,
        expiry: &Expiry,
        ttl: Duration,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Staged>> {
        let mut open = self.lock();
        open.retain(|_, s| !expiry.is_expired(s.stamp, docket_providers::inforouter::KIND, ttl));
        self.gauge.set(open.len() as i64);
        open
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Staged>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(1800);

    #[test]
    fn a_handler_belongs_to_the_user_who_staged_it_and_counts_while_open() {
        let expiry = Expiry::default();
        let gauge = Gauge::default();
        let handlers = Handlers::new(gauge.clone());
        let handler = handlers.stage(&expiry, 42, 1001, 1, 262_144);
        assert_eq!(gauge.value(), 1);
        assert!(handlers.find(&expiry, TTL, 43, &handler).is_none());
        assert_eq!(
            handlers
                .find(&expiry, TTL, 42, &handler)
                .map(|s| s.document_id),
            Some(1001)
        );
        assert!(!handlers.delete(&expiry, TTL, 43, &handler));
        assert!(handlers.delete(&expiry, TTL, 42, &handler));
        assert!(!handlers.delete(&expiry, TTL, 42, &handler));
        assert_eq!(gauge.read().value, 0);
    }

    #[test]
    fn expired_handlers_are_dropped_and_no_longer_counted() {
        let expiry = Expiry::default();
        let gauge = Gauge::default();
        let handlers = Handlers::new(gauge.clone());
        let handler = handlers.stage(&expiry, 42, 1001, 1, 262_144);
        expiry.expire(Some(docket_providers::inforouter::KIND));
        assert!(handlers.find(&expiry, TTL, 42, &handler).is_none());
        assert_eq!(gauge.value(), 0);
    }
}
