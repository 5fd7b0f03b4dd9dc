//! Serves a router on an ephemeral loopback port for tests that need a real connection (resets, throttling).

use tokio::net::TcpListener;

/// Base URL (`http://127.0.0.1:<port>`) of `app`, served until the test's runtime ends.
pub(crate) async fn serve(app: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
