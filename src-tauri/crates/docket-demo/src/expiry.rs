//! When links, tickets, tokens and jobs expire. Vendor modules stamp what they issue and ask later whether it is
//! still valid; the answer combines the vendor's real time-to-live with "expire now" requests from tests, so a
//! test can expire everything already issued without waiting ten minutes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use docket_core::Kind;

use crate::slot;
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
    /// Per API: stamps with a serial below this are expired.
    cutoffs: [AtomicU64; 5],
    /// How far tests have moved the clock forward.
    skew: Mutex<Duration>,
}

impl Default for Expiry {
    fn default() -> Expiry {
        Expiry {
            next_serial: AtomicU64::new(0),
            cutoffs: Default::default(),
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
        stamp.serial < self.cutoffs[slot(api)].load(Ordering::SeqCst)
            || self.now().saturating_duration_since(stamp.issued) >= ttl
    }

    /// Expires every stamp issued so far, for one API or (`None`) for all.
    pub fn expire(&self, api: Option<Kind>) {
        let cutoff = self.next_serial.load(Ordering::SeqCst);
        for kind in Kind::ALL {
            if api.is_none_or(|a| a == kind) {
                self.cutoffs[slot(kind)].fetch_max(cutoff, Ordering::SeqCst);
            }
        }
    }

    /// Moves this clock forward, so real time-to-lives can be tested without waiting.
    pub fn advance(&self, by: Duration) {
        let mut skew = self.skew.lock().unwrap_or_else(|e| e.into_inner());
        *skew += by;
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
        assert!(!expiry.is_expired(stamp, Kind::SageActive, TEN_MINUTES));
    }

    #[test]
    fn a_stamp_expires_once_its_ttl_has_passed() {
        let expiry = Expiry::default();
        let stamp = expiry.issue();
        expiry.advance(Duration::from_secs(599));
        assert!(!expiry.is_expired(stamp, Kind::SageActive, TEN_MINUTES));
        expiry.advance(Duration::from_secs(1));
        assert!(expiry.is_expired(stamp, Kind::SageActive, TEN_MINUTES));
    }

    #[test]
    fn expiring_one_api_leaves_the_others_valid() {
        let expiry = Expiry::default();
        let stamp = expiry.issue();
        expiry.expire(Some(Kind::Inforouter));
        assert!(expiry.is_expired(stamp, Kind::Inforouter, TEN_MINUTES));
        assert!(!expiry.is_expired(stamp, Kind::Ansarada, TEN_MINUTES));
    }

    #[test]
    fn expiring_all_apis_expires_every_earlier_stamp_but_no_later_one() {
        let expiry = Expiry::default();
        let before = expiry.issue();
        expiry.expire(None);
        let after = expiry.issue();
        for kind in Kind::ALL {
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
