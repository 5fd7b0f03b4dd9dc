//! Signed-URL tokens: minted for one version, honoured once, within 30 seconds (and not after the control
//! endpoint expired them).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::expiry::{Expiry, Stamp};

pub const LIFETIME: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct Issued {
    version: String,
    stamp: Stamp,
    claimed: bool,
}

#[derive(Debug, Default)]
pub struct SignedTokens {
    issued: Mutex<HashMap<String, Issued>>,
    serial: AtomicU64,
}

impl SignedTokens {
    pub fn mint(&self, version_kf_id: &str, stamp: Stamp) -> String {
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let mut hash = Sha256::new();
        hash.update(format!(
            "{serial}:{nanos}:{version_kf_id}:{:p}",
            &self.serial
        ));
        let token = URL_SAFE_NO_PAD.encode(&hash.finalize()[..20]);
        self.lock().insert(
            token.clone(),
            Issued {
                version: version_kf_id.to_owned(),
                stamp,
                claimed: false,
            },
        );
        token
    }

    /// Unclaimed, for this version, and neither 30 seconds old nor expired by the control endpoint.
    pub fn is_valid(&self, token: &str, version_kf_id: &str, expiry: &Expiry) -> bool {
        self.lock().get(token).is_some_and(|t| {
            !t.claimed
                && t.version == version_kf_id
                && !expiry.is_expired(t.stamp, docket_providers::study_creator::KIND, LIFETIME)
        })
    }

    pub fn claim(&self, token: &str) {
        if let Some(t) = self.lock().get_mut(token) {
            t.claimed = true;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Issued>> {
        self.issued.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_good_once_for_its_own_version() {
        let expiry = Expiry::default();
        let tokens = SignedTokens::default();
        let token = tokens.mint("FV_A", expiry.issue());
        assert!(!tokens.is_valid(&token, "FV_B", &expiry));
        assert!(tokens.is_valid(&token, "FV_A", &expiry));
        tokens.claim(&token);
        assert!(!tokens.is_valid(&token, "FV_A", &expiry));
    }

    #[test]
    fn a_token_dies_after_thirty_seconds_or_when_expired() {
        let expiry = Expiry::default();
        let tokens = SignedTokens::default();
        let old = tokens.mint("FV_A", expiry.issue());
        expiry.advance(LIFETIME);
        assert!(!tokens.is_valid(&old, "FV_A", &expiry));
        let fresh = tokens.mint("FV_A", expiry.issue());
        assert_ne!(old, fresh);
        assert!(tokens.is_valid(&fresh, "FV_A", &expiry));
        expiry.expire(Some(docket_providers::study_creator::KIND));
        assert!(!tokens.is_valid(&fresh, "FV_A", &expiry));
    }
}
