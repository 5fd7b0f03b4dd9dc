//! The demo remotes, one per API, as a new user registers them: `demo-<kind>`, pointing at a running demo server.

use docket_core::{Credentials, Kind, RemoteConfig};

use crate::{DemoServer, APIS};

/// One remote per API, with the settings and secrets each vendor module says its demo accepts.
pub fn demo_remotes(server: &DemoServer) -> Vec<(RemoteConfig, Credentials)> {
    let state = server.state();
    APIS.iter()
        .map(|api| {
            let base = server.base_url(api.kind);
            let (mut config, credentials) = (api.sample_remote)(&base, &state.library);
            config.name = demo_remote_name(api.kind);
            (config, credentials)
        })
        .collect()
}

/// `demo-inforouter`, `demo-sage-active`, …
pub fn demo_remote_name(kind: Kind) -> String {
    format!("demo-{}", kind.id())
}
