//! Serves a router on an ephemeral loopback port for tests that need a real connection (resets, throttling), or
//! the whole demo server, small, for tests that want every API's real wiring.

use tokio::net::TcpListener;

use crate::{DemoConfig, DemoServer};

/// Base URL (`http://127.0.0.1:<port>`) of `app`, served until the test's runtime ends.
pub(crate) async fn serve(app: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The demo server on ephemeral ports, with a 1 KiB large file and no bulk study.
pub(crate) async fn small_demo() -> DemoServer {
    let config = DemoConfig {
        port_base: 0,
        large_file_size: 1024,
        bulk_study_files: 0,
    };
    DemoServer::start(config).await.unwrap()
}
