//! Short link paths (`/files/LqTJRFny`): issued by the `files` query when `downloadPath` or `previewPath` is asked
//! for, valid 10 minutes or until the framework expires Sage Active's links, usable any number of times.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::expiry::{Expiry, Stamp};

/// How long a link path is valid.
pub const LINK_TTL: Duration = Duration::from_secs(10 * 60);

/// Characters of a link code, as in the vendor's examples (`LqTJRFny`).
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const CODE_LEN: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// Always `Content-Disposition: attachment`.
    Download,
    /// Inline; an HTML preview for CSV, XML and text.
    Preview,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub file_id: String,
    pub kind: LinkKind,
    stamp: Stamp,
}

/// What a GET of a link path finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Valid(Link),
    /// Expired, or never issued: the service forgets expired paths, so it cannot tell the two apart.
    Expired,
}

#[derive(Debug, Default)]
pub struct LinkStore {
    links: Mutex<HashMap<String, Link>>,
    counter: AtomicU64,
}

impl LinkStore {
    /// A fresh link path (`/files/<code>`) to `file_id`.
    pub fn issue(&self, expiry: &Expiry, file_id: &str, kind: LinkKind) -> String {
        let stamp = expiry.issue();
        let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        // Forget expired links as new ones are issued, so the map stays as small as the links in use.
        links.retain(|_, link| {
            !expiry.is_expired(link.stamp, docket_providers::sage_active::KIND, LINK_TTL)
        });
        let code = loop {
            let code = self.next_code();
            if !links.contains_key(&code) {
                break code;
            }
        };
        links.insert(
            code.clone(),
            Link {
                file_id: file_id.to_owned(),
                kind,
                stamp,
            },
        );
        format!("/files/{code}")
    }

    pub fn resolve(&self, expiry: &Expiry, code: &str) -> Resolved {
        let links = self.links.lock().unwrap_or_else(|e| e.into_inner());
        match links.get(code) {
            Some(link)
                if !expiry.is_expired(
                    link.stamp,
                    docket_providers::sage_active::KIND,
                    LINK_TTL,
                ) =>
            {
                Resolved::Valid(link.clone())
            }
            _ => Resolved::Expired,
        }
    }

    /// Eight characters from a counter mixed with the clock: unguessable enough for a demo, unique by the check
    /// in `issue`.
    fn next_code(&self) -> String {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let mut x = mix(self.counter.fetch_add(1, Ordering::SeqCst) ^ mix(nanos));
        let mut code = String::with_capacity(CODE_LEN);
        for _ in 0..CODE_LEN {
            code.push(ALPHABET[(x % ALPHABET.len() as u64) as usize] as char);
            x /= ALPHABET.len() as u64;
        }
        code
    }
}

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(path: &str) -> &str {
        path.strip_prefix("/files/").unwrap()
    }

    #[test]
    fn an_issued_path_resolves_to_its_file_and_kind_again_and_again() {
        let (expiry, store) = (Expiry::default(), LinkStore::default());
        let path = store.issue(&expiry, "a.pdf", LinkKind::Preview);
        assert_eq!(code(&path).len(), 8);
        for _ in 0..2 {
            match store.resolve(&expiry, code(&path)) {
                Resolved::Valid(link) => {
                    assert_eq!(
                        (link.file_id.as_str(), link.kind),
                        ("a.pdf", LinkKind::Preview)
                    )
                }
                Resolved::Expired => panic!("expired too early"),
            }
        }
    }

    #[test]
    fn a_path_expires_after_ten_minutes() {
        let (expiry, store) = (Expiry::default(), LinkStore::default());
        let path = store.issue(&expiry, "a.pdf", LinkKind::Download);
        expiry.advance(Duration::from_secs(599));
        assert!(matches!(
            store.resolve(&expiry, code(&path)),
            Resolved::Valid(_)
        ));
        expiry.advance(Duration::from_secs(1));
        assert_eq!(store.resolve(&expiry, code(&path)), Resolved::Expired);
    }

    #[test]
    fn expiring_sage_active_expires_issued_paths_but_not_later_ones() {
        let (expiry, store) = (Expiry::default(), LinkStore::default());
        let old = store.issue(&expiry, "a.pdf", LinkKind::Download);
        expiry.expire(Some(docket_providers::sage_active::KIND));
        let new = store.issue(&expiry, "a.pdf", LinkKind::Download);
        assert_eq!(store.resolve(&expiry, code(&old)), Resolved::Expired);
        assert!(matches!(
            store.resolve(&expiry, code(&new)),
            Resolved::Valid(_)
        ));
    }

    #[test]
    fn an_unknown_path_reads_as_expired() {
        let (expiry, store) = (Expiry::default(), LinkStore::default());
        assert_eq!(store.resolve(&expiry, "NoSuchOne"), Resolved::Expired);
    }

    #[test]
    fn codes_differ_from_one_issue_to_the_next() {
        let (expiry, store) = (Expiry::default(), LinkStore::default());
        let a = store.issue(&expiry, "a.pdf", LinkKind::Download);
        let b = store.issue(&expiry, "a.pdf", LinkKind::Download);
        assert_ne!(a, b);
    }
}
