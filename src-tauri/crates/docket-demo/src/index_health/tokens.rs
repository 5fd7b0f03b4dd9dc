//! Client tokens: issued by `generate-client-auth-token` for the demo client, valid one hour (or until the
//! framework expires them), checked on every other route as `Authorization: Bearer`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::envelope::{self, Refusal, INVALID_CLIENT, MISSING_FIELDS, UNAUTHORIZED};
use super::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
use crate::expiry::Stamp;
use crate::state::DemoState;

pub const TOKEN_TTL: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Default)]
pub struct Tokens {
    issued: Mutex<HashMap<String, Stamp>>,
    serial: AtomicU64,
}

impl Tokens {
    /// `POST /generate-client-auth-token`: every field is required, and the client must be the demo client.
    pub fn generate(&self, state: &DemoState, body: &Map<String, Value>) -> Response {
        let user = body
            .get("user")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let missing: Vec<&str> = ["client_id", "client_secret", "fingerprint"]
            .into_iter()
            .filter(|key| envelope::text(body, key).is_none())
            .chain(
                ["first_name", "last_name", "email", "group_name"]
                    .into_iter()
                    .filter(|key| envelope::text(&user, key).is_none()),
            )
            .collect();
        if !missing.is_empty() {
            let message = format!("Missing required fields: {}", missing.join(", "));
            return envelope::refuse(MISSING_FIELDS, &message);
        }
        let client_id = envelope::text(body, "client_id").unwrap_or_default();
        let client_secret = envelope::text(body, "client_secret").unwrap_or_default();
        if client_id != DEMO_CLIENT_ID || client_secret != DEMO_CLIENT_SECRET {
            return envelope::refuse(403, INVALID_CLIENT);
        }
        let token = self.mint();
        let stamp = state.expiry.issue();
        self.lock().insert(token.clone(), stamp);
        envelope::okay(json!({ "access_token": token }))
    }

    /// `Ok` for a bearer token this server issued that has not expired; else the API's 403 UNAUTHORIZED.
    pub fn check(&self, state: &DemoState, headers: &HeaderMap) -> Result<(), Refusal> {
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let stamp = token.and_then(|t| self.lock().get(t).copied());
        match stamp {
            Some(stamp)
                if !state.expiry.is_expired(
                    stamp,
                    docket_providers::index_health::KIND,
                    TOKEN_TTL,
                ) =>
            {
                Ok(())
            }
            _ => Err(Refusal::new(403, UNAUTHORIZED)),
        }
    }

    /// Opaque and unguessable enough for a demo: a hash of a serial and the clock, JWT-like in its dots.
    fn mint(&self) -> String {
        let serial = self.serial.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let digest = Sha256::digest(format!("index-health-token:{serial}:{nanos}"));
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("ih.{}.{}", &hex[..24], &hex[24..])
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stamp>> {
        self.issued.lock().unwrap_or_else(|e| e.into_inner())
    }
}
