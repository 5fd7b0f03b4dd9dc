//! The APIs the demo serves: one line per kind. The listeners, sample remotes, expiry and fault scripting all
//! iterate this list, so a new kind's demo is its module (with its `DEMO`) plus one line here.

use std::sync::Arc;

use axum::http::Method;
use axum::Router;
use docket_core::{Credentials, Kind, RemoteConfig};

use crate::faults::Target;
use crate::library::Library;
use crate::state::DemoState;
use crate::{ansarada, index_health, inforouter, sage_active, study_creator};

/// How the demo serves one kind, declared by its vendor module.
pub struct DemoApi {
    pub kind: Kind,
    /// The vendor routes, without the control routes and fault layer every API gets.
    pub router: fn(Arc<DemoState>) -> Router,
    /// The remote a new user registers for this API at `base_url` (settings and secrets the demo accepts),
    /// given the library it serves.
    pub sample_remote: fn(&str, &Library) -> (RemoteConfig, Credentials),
    /// The path prefix a download's bytes come from: where faults hit the bytes and counters count them.
    pub bytes_path: &'static str,
    /// The call that prepares a download: its HTTP method name (any when `None`) and path prefix.
    pub prepare_call: (Option<&'static str>, &'static str),
    /// What the prepare call answers in, so a test knows which malformed answers apply.
    pub prepare_answer: AnswerFormat,
}

/// The format of an API's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerFormat {
    Json,
    Graphql,
    Xml,
}

impl DemoApi {
    /// Every request for a download's bytes.
    pub fn bytes_target(&self) -> Target {
        Target::new(self.kind, self.bytes_path)
    }

    /// Every call that prepares a download.
    pub fn prepare_target(&self) -> Target {
        let (method, path) = self.prepare_call;
        let target = Target::new(self.kind, path);
        match method.and_then(|name| Method::from_bytes(name.as_bytes()).ok()) {
            Some(method) => target.method(method),
            None => target,
        }
    }
}

/// Every API the demo serves, in port order (the first listens on the port base).
pub const APIS: &[&DemoApi] = &[
    &ansarada::DEMO,
    &index_health::DEMO,
    &inforouter::DEMO,
    &sage_active::DEMO,
    &study_creator::DEMO,
];

/// The kinds the demo serves, in port order.
pub fn kinds() -> impl Iterator<Item = Kind> {
    APIS.iter().map(|api| api.kind)
}

/// The demo API of `kind`, if the demo serves it.
pub fn api(kind: Kind) -> Option<&'static DemoApi> {
    APIS.iter().copied().find(|api| api.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_the_demo_serves_has_one_api() {
        for kind in kinds() {
            assert_eq!(kinds().filter(|k| *k == kind).count(), 1, "{kind}");
            assert!(api(kind).is_some(), "{kind}");
        }
    }

    #[test]
    fn the_demo_serves_every_registered_kind() {
        let registered: Vec<Kind> = docket_providers::registry::kinds().collect();
        assert_eq!(kinds().collect::<Vec<_>>(), registered);
    }
}
