//! The five demo remotes as a new user registers them: `demo-<kind>`, pointing at a running demo server.

use docket_core::{Credentials, Kind, RemoteConfig};

use crate::DemoServer;

/// One remote per API, with the settings and secrets each vendor module says its demo accepts.
pub fn demo_remotes(server: &DemoServer) -> Vec<(RemoteConfig, Credentials)> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let base = server.base_url(kind);
            let (mut config, credentials) = match kind {
                Kind::Ansarada => crate::ansarada::demo_remote(&base),
                Kind::IndexHealth => {
                    crate::index_health::demo_remote_for(&base, &server.state().library)
                }
                Kind::Inforouter => crate::inforouter::demo_remote(&base),
                Kind::SageActive => crate::sage_active::demo_remote(&base),
                Kind::StudyCreator => crate::study_creator::demo_remote(&base),
            };
            config.name = demo_remote_name(kind);
            (config, credentials)
        })
        .collect()
}

/// `demo-inforouter`, `demo-sage-active`, …
pub fn demo_remote_name(kind: Kind) -> String {
    format!("demo-{}", kind.id())
}
