//! Starts one listener per API on 127.0.0.1, serves each vendor router behind the fault layer with the control
//! routes beside it, and stops them all gracefully.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use docket_core::Kind;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::apis::APIS;
use crate::config::DemoConfig;
use crate::error::DemoError;
use crate::library::{GeneratedDocuments, Library};
use crate::state::DemoState;
use crate::{control, fault_layer};

/// How long `shutdown` lets responses in progress finish before cutting them (a throttled 256 MiB download
/// would otherwise hold it up for minutes).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The running demo server. Dropping it stops the listeners too, without waiting.
pub struct DemoServer {
    state: Arc<DemoState>,
    /// Where each API listens, in [`APIS`] order.
    addrs: Vec<(Kind, SocketAddr)>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl DemoServer {
    /// Binds one listener per API in [`APIS`] (failing if any port is taken) and starts serving.
    pub async fn start(config: DemoConfig) -> Result<DemoServer, DemoError> {
        DemoServer::start_with(config, &[]).await
    }

    /// Like [`DemoServer::start`], with `generated` documents added to the sample library (every API lists and
    /// serves them like the samples).
    pub async fn start_with(
        config: DemoConfig,
        generated: &[GeneratedDocuments],
    ) -> Result<DemoServer, DemoError> {
        let mut listeners = Vec::with_capacity(APIS.len());
        let mut addrs = Vec::with_capacity(APIS.len());
        for (slot, demo) in APIS.iter().enumerate() {
            let api = demo.kind;
            let port = port_for(config.port_base, slot)?;
            let bind_error = |source| DemoError::Bind { api, port, source };
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
                .await
                .map_err(bind_error)?;
            addrs.push((api, listener.local_addr().map_err(bind_error)?));
            listeners.push(listener);
        }
        let library = Library::sample_with(config.large_file_size, generated);
        let base_urls = addrs
            .iter()
            .map(|(api, addr)| (*api, format!("http://{addr}")))
            .collect();
        let mut state = DemoState::with_base_urls(library, base_urls);
        state.bulk_study_files = config.bulk_study_files;
        let state = Arc::new(state);

        let (stop, _) = watch::channel(false);
        let tasks = APIS
            .iter()
            .zip(listeners)
            .map(|(demo, listener)| {
                let api = demo.kind;
                let vendor = (demo.router)(Arc::clone(&state));
                let app = api_app(Arc::clone(&state), api, vendor);
                let stopped = until_stopped(stop.subscribe());
                tokio::spawn(async move {
                    let served = axum::serve(listener, app).with_graceful_shutdown(stopped);
                    if let Err(error) = served.await {
                        tracing::error!(%api, %error, "demo listener failed");
                    }
                })
            })
            .collect();
        for api in crate::apis::kinds() {
            tracing::info!(%api, url = %state.base_url(api), "demo API listening");
        }
        Ok(DemoServer {
            state,
            addrs,
            stop,
            tasks,
        })
    }

    /// `http://127.0.0.1:<port>` of one API, no trailing slash.
    pub fn base_url(&self, api: Kind) -> String {
        self.state.base_url(api)
    }

    /// Where `api` listens, or `None` when the demo does not serve it.
    pub fn addr(&self, api: Kind) -> Option<SocketAddr> {
        self.addrs
            .iter()
            .find(|(served, _)| *served == api)
            .map(|(_, addr)| *addr)
    }

    pub fn state(&self) -> Arc<DemoState> {
        Arc::clone(&self.state)
    }

    /// Stops accepting, lets responses in progress finish for a few seconds, then cuts the rest.
    pub async fn shutdown(self) {
        // No receiver left only means every listener already stopped.
        let _ = self.stop.send(true);
        for mut task in self.tasks {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }

    /// Serves until Ctrl-C, then shuts down: the foreground `docket demo`.
    pub async fn run_until_ctrl_c(self) -> Result<(), DemoError> {
        let signal = tokio::signal::ctrl_c().await;
        self.shutdown().await;
        signal.map_err(DemoError::Signal)
    }
}

/// The whole app of one listener: control routes under `/_demo/`, everything else to the wrapped vendor router.
pub(crate) fn api_app(state: Arc<DemoState>, api: Kind, vendor: Router) -> Router {
    control::router(Arc::clone(&state)).fallback_service(fault_layer::wrap(state, api, vendor))
}

/// The port of the API at `slot` in [`APIS`]: the base plus the slot, or ephemeral when the base is 0.
fn port_for(port_base: u16, slot: usize) -> Result<u16, DemoError> {
    if port_base == 0 {
        return Ok(0);
    }
    u16::try_from(slot)
        .ok()
        .and_then(|slot| port_base.checked_add(slot))
        .ok_or(DemoError::PortOutOfRange { port_base })
}

/// Resolves once `stop` says so or the server handle is gone.
async fn until_stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::sample;

    fn small() -> DemoConfig {
        DemoConfig {
            port_base: 0,
            large_file_size: 1024,
            bulk_study_files: 0,
        }
    }

    #[test]
    fn ports_follow_the_base_in_kind_order() {
        let at = |kind| APIS.iter().position(|api| api.kind == kind).unwrap();
        assert_eq!(
            port_for(7400, at(docket_providers::ansarada::KIND)).unwrap(),
            7400
        );
        assert_eq!(
            port_for(7400, at(docket_providers::study_creator::KIND)).unwrap(),
            7404
        );
        assert_eq!(
            port_for(0, at(docket_providers::inforouter::KIND)).unwrap(),
            0
        );
        assert!(matches!(
            port_for(65533, at(docket_providers::study_creator::KIND)),
            Err(DemoError::PortOutOfRange { port_base: 65533 })
        ));
    }

    #[tokio::test]
    async fn each_api_gets_its_own_loopback_port_and_base_url() {
        let server = DemoServer::start(small()).await.unwrap();
        let addr = |kind| server.addr(kind).unwrap();
        let mut ports: Vec<u16> = crate::apis::kinds().map(|k| addr(k).port()).collect();
        assert!(crate::apis::kinds().all(|k| addr(k).ip().is_loopback()));
        for api in crate::apis::kinds() {
            assert_eq!(
                server.base_url(api),
                format!("http://127.0.0.1:{}", addr(api).port())
            );
        }
        ports.sort_unstable();
        ports.dedup();
        assert_eq!(ports.len(), APIS.len());
        server.shutdown().await;
    }

    #[tokio::test]
    async fn the_state_holds_the_library_with_the_configured_large_file() {
        let server = DemoServer::start(small()).await.unwrap();
        let state = server.state();
        assert_eq!(
            state
                .library
                .document_by_path(sample::LARGE_FILE)
                .unwrap()
                .size(),
            1024
        );
        server.shutdown().await;
    }

    #[tokio::test]
    async fn control_routes_answer_on_every_api_and_unknown_paths_are_counted_404s() {
        let server = DemoServer::start(small()).await.unwrap();
        let client = reqwest::Client::new();
        for api in crate::apis::kinds() {
            let base = server.base_url(api);
            let stats = client
                .get(format!("{base}/_demo/stats"))
                .send()
                .await
                .unwrap();
            assert_eq!(stats.status(), 200, "{api}");
            let missing = client
                .get(format!("{base}/no/such/path"))
                .send()
                .await
                .unwrap();
            assert_eq!(missing.status(), 404, "{api}");
            assert_eq!(
                server.state().stats.get(api, "/no/such").requests,
                1,
                "{api}"
            );
        }
        server.shutdown().await;
    }

    #[tokio::test]
    async fn a_taken_port_fails_the_start_naming_the_api() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let port_base = taken.local_addr().unwrap().port();
        let config = DemoConfig {
            port_base,
            ..small()
        };
        match DemoServer::start(config).await {
            Err(DemoError::Bind { api, port, .. }) => {
                assert_eq!((api, port), (docket_providers::ansarada::KIND, port_base));
            }
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("started on a taken port"),
        }
    }

    #[tokio::test]
    async fn after_shutdown_the_ports_refuse_connections() {
        let server = DemoServer::start(small()).await.unwrap();
        let addr = server.addr(docket_providers::sage_active::KIND).unwrap();
        server.shutdown().await;
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }
}
