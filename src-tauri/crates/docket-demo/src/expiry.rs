//! When links, tickets, tokens and jobs expire. Vendor modules stamp what they issue and ask later whether it is
//! still valid; the answer combines the vendor's real time-to-live with "expire now" requests from tests, so a
//! test can expire everything already issued without waiting ten minutes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use docket_core::Kind;

use crate::timestamp::Timestamp;

/// When something was issued. Cheap to copy; keep it next to the link or ticket it dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    serial: u64,
    issued: Instant,
    issued_at: Timestamp,
}

impl Stamp {
    /// Wall-clock issue time, for fields such as `createdAt`.
    pub fn issued_at(&self) -> Timestamp {
        self.issued_at
    }

    /// Wall-clock end of a `ttl`, for fields such as `expiresAt` or `expireOn`.
    pub fn expires_at(&self, ttl: Duration) -> Timestamp {
        self.issued_at.plus(ttl)
    }
}

#[derive(Debug)]
pub struct Expiry {
    next_serial: AtomicU64,
    /// Stamps with a serial below this are expired, whatever API issued them.
    cutoff_all: AtomicU64,
    /// Per API: stamps with a serial below this are expired.
    cutoffs: Mutex<HashMap<Kind, u64>>,
    /// How far tests have moved the clock forward.
    skew: Mutex<Duration>,
}

impl Default for Expiry {
    fn default() -> Expiry {
        Expiry {
            next_serial: AtomicU64::new(0),
            cutoff_all: AtomicU64::new(0),
            cutoffs: Mutex::default(),
            skew: Mutex::new(Duration::ZERO),
        }
    }
}

impl Expiry {
    pub fn issue(&self) -> Stamp {
        let skew = self.skew();
        Stamp {
            serial: self.next_serial.fetch_add(1, Ordering::SeqCst),
            issued: Instant::now() + skew,
            issued_at: Timestamp::now().plus(skew),
        }
    }

    /// True once `ttl` has passed since the stamp was issued, or once `expire` was called for `api` (or for all)
    /// after it was issued.
    pub fn is_expired(&self, stamp: Stamp, api: Kind, ttl: Duration) -> bool {
        stamp.serial < self.cutoff(api) || self.now().saturating_duration_since(stamp.issued) >= ttl
    }

    /// Expires every stamp issued so far, for one API or (`None`) for all.
    pub fn expire(&self, api: Option<Kind>) {
        let cutoff = self.next_serial.load(Ordering::SeqCst);
        match api {
            None => {
                self.cutoff_all.fetch_max(cutoff, Ordering::SeqCst);
            }
            Some(api) => {
                let mut cutoffs = self.cutoffs.lock().unwrap_or_else(|e| e.into_inner());
                let at = cutoffs.entry(api).or_default();
                *at = (*at).max(cutoff);
            }
        }
    }

    /// Moves this clock forward, so real time-to-lives can be tested without waiting.
    pub fn advance(&self, by: Duration) {
        let mut skew = self.skew.lock().unwrap_or_else(|e| e.into_inner());
        *skew += by;
    }

    fn cutoff(&self, api: Kind) -> u64 {
        let own = self
            .cutoffs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&api)
            .copied()
            .unwrap_or(0);
        own.max(self.cutoff_all.load(Ordering::SeqCst))
    }

    fn now(&self) -> Instant {
        Instant::now() + self.skew()
    }

    fn skew(&self) -> Duration {
        *self.skew.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_MINUTES: Duration = Duration::from_secs(600);

    #[test]
    fn a_fresh_stamp_is_valid_within_its_ttl() {
        let expiry = Expiry::default();
        let stamp = expiry.issue();
        assert!(!expiry.is_expired(stamp, docket_providers::sage_active::KIND, TEN_MINUTES));
    }

    #[test]
    fn a_stamp_expires_once_its_ttl_has_passed() {
        let expiry = Expiry::default();
        let stamp = expiry.issue();
        expiry.advance(Duration::from_secs(599));
        assert!(!expiry.is_expired(stamp, docket_providers::sage_active::KIND, TEN_MINUTES));
        expiry.advance(Duration::from_secs(1));
        assert!(expiry.is_expired(stamp, docket_providers::sage_active::KIND, TEN_MINUTES));
    }

    #[test]
    fn expiring_one_api_leaves_the_others_valid() {
        let expiry = Expiry::default();
        let stamp = expiry.issue();
        expiry.expire(Some(docket_providers::inforouter::KIND));
        assert!(expiry.is_expired(stamp, docket_providers::inforouter::KIND, TEN_MINUTES));
        assert!(!expiry.is_expired(stamp, docket_providers::ansarada::KIND, TEN_MINUTES));
    }

    #[test]
    fn expiring_all_apis_expires_every_earlier_stamp_but_no_later_one() {
        let expiry = Expiry::default();
        let before = expiry.issue();
        expiry.expire(None);
        let after = expiry.issue();
        for kind in crate::apis::kinds() {
            assert!(expiry.is_expired(before, kind, TEN_MINUTES));
            assert!(!expiry.is_expired(after, kind, TEN_MINUTES));
        }
    }

    #[test]
    fn expires_at_is_the_issue_time_plus_the_ttl() {
        let stamp = Expiry::default().issue();
        assert_eq!(
            stamp.expires_at(TEN_MINUTES).unix(),
            stamp.issued_at().unix() + 600
        );
    }
}
