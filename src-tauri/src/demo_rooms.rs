//! The built-in demo data rooms: the demo server started inside the app on ephemeral ports, and its five
//! remotes registered (secrets in the keyring), replacing any demo remotes of an earlier run.

use docket_demo::{DemoConfig, DemoServer};
use tokio::sync::Mutex;

use crate::connections::Connections;
use crate::error::IpcError;

/// Every demo remote's name starts with this.
pub const DEMO_PREFIX: &str = "demo-";

#[derive(Default)]
pub struct DemoRooms {
    server: Mutex<Option<DemoServer>>,
}

impl DemoRooms {
    /// Starts the demo server unless it runs already, and registers its remotes. Returns their names.
    pub async fn open(&self, connections: &Connections) -> Result<Vec<String>, IpcError> {
        let mut running = self.server.lock().await;
        if running.is_none() {
            // With the very large study, so the window can show how it handles 100,000 rows.
            let config = DemoConfig {
                bulk_study_files: DemoConfig::DESKTOP_BULK_STUDY_FILES,
                ..DemoConfig::default()
            };
            let server = DemoServer::start(config).await.map_err(|err| {
                IpcError::internal(format!("The demo server could not start: {err}"))
            })?;
            *running = Some(server);
        }
        let Some(server) = running.as_ref() else {
            return Err(IpcError::internal(
                "The demo server stopped while starting.",
            ));
        };
        for stale in connections.list() {
            if stale.name.starts_with(DEMO_PREFIX) {
                connections.remove(&stale.name).await?;
            }
        }
        let mut names = Vec::new();
        for (config, credentials) in docket_demo::demo_remotes(server) {
            // Secrets first: a keyring failure must not leave a remote that cannot sign in.
            connections.store_secrets(&config.name, &credentials)?;
            names.push(config.name.clone());
            connections.add(config, true).await?;
        }
        tracing::info!(remotes = names.len(), "demo data rooms registered");
        Ok(names)
    }

    /// Whether the data dir holds demo remotes from an earlier run (their server is gone with that run).
    pub fn registered_before(connections: &Connections) -> bool {
        connections
            .list()
            .iter()
            .any(|r| r.name.starts_with(DEMO_PREFIX))
    }
}
