//! The middleware around every vendor router: counts the request, adds the API's latency, answers with a
//! scripted failure or lets the vendor router answer, then meters (and maybe throttles or cuts) the body.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use docket_core::Kind;
use tower::Layer;

use crate::faults::Action;
use crate::metered_body::MeteredBody;
use crate::state::DemoState;

#[derive(Clone)]
pub(crate) struct ApiContext {
    state: Arc<DemoState>,
    api: Kind,
}

/// `vendor` with faults and stats applied to every request it gets, unmatched paths included (which is why the
/// middleware wraps the whole router as a service instead of being added with `Router::layer`).
pub(crate) fn wrap(state: Arc<DemoState>, api: Kind, vendor: Router) -> Router {
    let wrapped = middleware::from_fn_with_state(ApiContext { state, api }, apply).layer(vendor);
    Router::new().fallback_service(wrapped)
}

async fn apply(State(ctx): State<ApiContext>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let meter = ctx.state.stats.begin(ctx.api, &path);
    let shaping = ctx.state.faults.shaping(ctx.api);
    if !shaping.latency.is_zero() {
        tokio::time::sleep(shaping.latency).await;
    }
    let (response, drop_after) = match ctx.state.faults.take(ctx.api, request.method(), &path) {
        Some(Action::Fail(failure)) => {
            tracing::info!(api = %ctx.api, %path, status = %failure.status, "demo fault: failing the request");
            (failure.response(), None)
        }
        Some(Action::Drop { after_bytes }) => (next.run(request).await, Some(after_bytes)),
        Some(Action::Break(fault)) => {
            let answer = if fault.reaches_vendor() {
                next.run(request).await
            } else {
                Response::default()
            };
            (fault.apply(answer), None)
        }
        None => (next.run(request).await, None),
    };
    let mut response = response;
    if shaping.no_validators {
        let headers = response.headers_mut();
        headers.remove(axum::http::header::ETAG);
        headers.remove(axum::http::header::LAST_MODIFIED);
    }
    response.map(|body| Body::new(MeteredBody::new(body, meter, drop_after, shaping.throttle)))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use axum::http::{HeaderMap, Method, StatusCode};
    use axum::routing::get;
    use tokio::sync::Barrier;

    use super::*;
    use crate::content::Content;
    use crate::faults::{Failure, Target};
    use crate::library::Library;
    use crate::serve::FileResponse;
    use crate::server::api_app;
    use crate::test_server;

    const API: Kind = docket_providers::index_health::KIND;
    const BIG: u64 = 200_000;

    /// A stand-in vendor: `/hello`, a 200 kB `/big` file, and `/together` which answers only once three
    /// requests are waiting.
    fn vendor() -> Router {
        let barrier = Arc::new(Barrier::new(3));
        Router::new()
            .route("/hello", get(|| async { "hello" }))
            .route(
                "/big",
                get(|headers: HeaderMap| async move {
                    let content = Content::generated(BIG, 1);
                    FileResponse::attachment(&content, "application/octet-stream", "big.bin")
                        .respond(&headers)
                }),
            )
            .route(
                "/together",
                get(move || async move {
                    barrier.wait().await;
                    "done"
                }),
            )
    }

    async fn start() -> (Arc<DemoState>, String) {
        let state = Arc::new(DemoState::new(Library::sample(1024)));
        let base = test_server::serve(api_app(Arc::clone(&state), API, vendor())).await;
        (state, base)
    }

    /// Reads a body chunk by chunk: the bytes that arrived and whether it ended in an error.
    async fn read_all(response: reqwest::Response) -> (Vec<u8>, bool) {
        let mut response = response;
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => return (bytes, false),
                Err(_) => return (bytes, true),
            }
        }
    }

    /// The in-flight count drops when the server lets go of the body, which can be just after the client has
    /// read its last byte.
    async fn settled_in_flight(state: &DemoState, prefix: &str) -> u64 {
        for _ in 0..100 {
            if state.stats.get(API, prefix).in_flight == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        state.stats.get(API, prefix).in_flight
    }

    #[tokio::test]
    async fn a_scripted_failure_answers_instead_of_the_vendor_then_the_vendor_answers_again() {
        let (state, base) = start().await;
        let failure = Failure::status(StatusCode::SERVICE_UNAVAILABLE)
            .body("text/plain", "busy")
            .retry_after(2);
        state
            .faults
            .fail_next(Target::new(API, "/hel").method(Method::GET), 1, failure);
        let first = reqwest::get(format!("{base}/hello")).await.unwrap();
        assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(first.headers()["retry-after"], "2");
        assert_eq!(first.text().await.unwrap(), "busy");
        let second = reqwest::get(format!("{base}/hello")).await.unwrap();
        assert_eq!(second.text().await.unwrap(), "hello");
        assert_eq!(state.stats.get(API, "/hello").requests, 2);
    }

    #[tokio::test]
    async fn a_dropped_response_is_cut_after_the_given_bytes_and_the_client_sees_an_error() {
        let (state, base) = start().await;
        state.faults.drop_next(Target::new(API, "/big"), 1, 70_000);
        let response = reqwest::get(format!("{base}/big")).await.unwrap();
        assert_eq!(
            response.headers()["content-length"],
            BIG.to_string().as_str()
        );
        let (bytes, failed) = read_all(response).await;
        assert!(failed, "the body ended cleanly");
        assert_eq!(bytes, Content::generated(BIG, 1).read(0..70_000));
        assert_eq!(state.stats.get(API, "/big").bytes_sent, 70_000);

        let (bytes, failed) = read_all(reqwest::get(format!("{base}/big")).await.unwrap()).await;
        assert!(!failed);
        assert_eq!(bytes.len() as u64, BIG);
    }

    #[tokio::test]
    async fn a_throttled_body_takes_at_least_its_size_over_the_rate() {
        let (state, base) = start().await;
        state.faults.set_throttle(API, Some(400_000));
        let started = Instant::now();
        let (bytes, failed) = read_all(reqwest::get(format!("{base}/big")).await.unwrap()).await;
        assert!(!failed);
        assert_eq!(bytes.len() as u64, BIG);
        // 200 kB at 400 kB/s, the first tenth of a second's worth sent at once.
        assert!(
            started.elapsed() >= Duration::from_millis(440),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn latency_delays_every_request_of_the_api() {
        let (state, base) = start().await;
        state.faults.set_latency(API, Duration::from_millis(300));
        let started = Instant::now();
        reqwest::get(format!("{base}/hello"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        reqwest::get(format!("{base}/nothing-here")).await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(600),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn concurrent_requests_show_as_in_flight_until_their_bodies_end() {
        let (state, base) = start().await;
        let requests = (0..3).map(|_| reqwest::get(format!("{base}/together")));
        for response in futures_util::future::join_all(requests).await {
            assert_eq!(response.unwrap().text().await.unwrap(), "done");
        }
        assert_eq!(settled_in_flight(&state, "/together").await, 0);
        let counts = state.stats.get(API, "/together");
        assert_eq!(
            (counts.requests, counts.max_in_flight, counts.bytes_sent),
            (3, 3, 12)
        );
    }

    #[tokio::test]
    async fn control_requests_are_neither_faulted_nor_counted() {
        let (state, base) = start().await;
        state.faults.fail_next(
            Target::api(API),
            1,
            Failure::status(StatusCode::INTERNAL_SERVER_ERROR),
        );
        let stats = reqwest::get(format!("{base}/_demo/stats")).await.unwrap();
        assert_eq!(stats.status(), StatusCode::OK);
        assert_eq!(state.stats.api(API).requests, 0);
        assert_eq!(state.faults.rules().len(), 1);
    }
}
