//! Users and their tickets. A ticket slides: every accepted call extends it by the ticket lifetime. The
//! framework's expiry (`POST /_demo/expire`, `Expiry::advance`) ends tickets early.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::expiry::{Expiry, Stamp};

/// A demo account.
#[derive(Debug, PartialEq, Eq)]
pub struct User {
    pub id: u32,
    pub username: &'static str,
    pub password: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
}

/// `demo` is what `docket demo` registers; `auditor` exists so tests can show a handler is tied to its user.
pub const USERS: [User; 2] = [
    User {
        id: 42,
        username: "demo",
        password: "demo-password",
        first_name: "Dana",
        last_name: "Demo",
        email: "demo@docket.invalid",
    },
    User {
        id: 43,
        username: "auditor",
        password: "auditor-password",
        first_name: "Avery",
        last_name: "Auditor",
        email: "auditor@docket.invalid",
    },
];

pub(super) const AUTHENTICATION_FAILED: &str = "[900] Authentication failed";
pub(super) const SESSION_EXPIRED: &str = "[901] Session expired or Invalid ticket";

/// A user name is matched ignoring case (as infoRouter does); the password exactly.
pub(super) fn login(username: &str, password: &str) -> Option<&'static User> {
    USERS
        .iter()
        .find(|u| u.username.eq_ignore_ascii_case(username.trim()) && u.password == password)
}

#[derive(Debug)]
struct Ticket {
    user: &'static User,
    stamp: Stamp,
}

#[derive(Debug, Default)]
pub(super) struct Tickets {
    issued: Mutex<HashMap<String, Ticket>>,
    serial: AtomicU64,
}

impl Tickets {
    /// A new GUID ticket for `user` and when it was issued.
    pub fn issue(&self, expiry: &Expiry, user: &'static User) -> (String, Stamp) {
        let ticket = guid(self.serial.fetch_add(1, Ordering::SeqCst), "ticket");
        let stamp = expiry.issue();
        self.lock().insert(ticket.clone(), Ticket { user, stamp });
        (ticket, stamp)
    }

    /// The user of a live ticket, sliding its expiry forward. An empty ticket is `[900]`, an unknown or
    /// expired one `[901]`.
    pub fn check(
        &self,
        expiry: &Expiry,
        ttl: Duration,
        ticket: &str,
    ) -> Result<&'static User, &'static str> {
        if ticket.trim().is_empty() {
            return Err(AUTHENTICATION_FAILED);
        }
        let mut issued = self.lock();
        issued.retain(|_, t| !expiry.is_expired(t.stamp, docket_providers::inforouter::KIND, ttl));
        let found = issued.get_mut(ticket.trim()).ok_or(SESSION_EXPIRED)?;
        found.stamp = expiry.issue();
        Ok(found.user)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Ticket>> {
        self.issued.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A GUID-shaped identifier that differs per call and per server run.
pub(super) fn guid(serial: u64, purpose: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let digest = Sha256::digest(format!("{purpose}:{serial}:{nanos}:{:p}", &serial));
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(1200);

    #[test]
    fn a_ticket_works_until_it_has_been_idle_for_its_lifetime() {
        let expiry = Expiry::default();
        let tickets = Tickets::default();
        let (ticket, _) = tickets.issue(&expiry, &USERS[0]);
        expiry.advance(Duration::from_secs(1100));
        assert_eq!(tickets.check(&expiry, TTL, &ticket), Ok(&USERS[0]));
        expiry.advance(Duration::from_secs(1100));
        assert_eq!(
            tickets.check(&expiry, TTL, &ticket),
            Ok(&USERS[0]),
            "sliding"
        );
        expiry.advance(TTL);
        assert_eq!(tickets.check(&expiry, TTL, &ticket), Err(SESSION_EXPIRED));
    }

    #[test]
    fn expiring_the_api_ends_every_ticket_issued_so_far() {
        let expiry = Expiry::default();
        let tickets = Tickets::default();
        let (ticket, _) = tickets.issue(&expiry, &USERS[0]);
        expiry.expire(Some(docket_providers::inforouter::KIND));
        assert_eq!(tickets.check(&expiry, TTL, &ticket), Err(SESSION_EXPIRED));
        assert_eq!(tickets.check(&expiry, TTL, " "), Err(AUTHENTICATION_FAILED));
    }

    #[test]
    fn logins_ignore_the_case_of_the_user_name_but_not_of_the_password() {
        assert_eq!(login("DEMO", "demo-password").map(|u| u.id), Some(42));
        assert!(login("demo", "DEMO-PASSWORD").is_none());
        assert_ne!(guid(1, "t"), guid(2, "t"));
    }
}
