//! The control endpoint, mounted under `/_demo/` on every API's listener (any listener controls every API).
//! Bodies are JSON; a `Content-Type` header is not required. Errors answer `{"error": "..."}`, with 400 unless
//! said otherwise.
//!
//! `POST /_demo/faults` adds one fault; `api` is always required (`ansarada`, `index-health`, `inforouter`,
//! `sage-active`, `study-creator`):
//!
//! ```json
//! {"api": "inforouter", "kind": "fail", "path": "/srv.asmx/DownloadFileChunk", "count": 2, "status": 500}
//! {"api": "sage-active", "kind": "fail", "method": "GET", "path": "/files/", "status": 503,
//!  "retry_after": 2, "body": "busy", "content_type": "text/plain"}
//! {"api": "index-health", "kind": "drop", "path": "/download", "count": 1, "after_bytes": 65536}
//! {"api": "ansarada", "kind": "latency", "ms": 250}
//! {"api": "study-creator", "kind": "throttle", "bytes_per_sec": 102400}
//! {"api": "sage-active", "kind": "no_validators", "on": true}
//! ```
//!
//! - `fail`: the next `count` (default 1) requests matching `method` (default any) and `path` (a string prefix
//!   of the request path, default `/`) get `status` with `body` (default empty), `content_type` (default
//!   `text/plain; charset=utf-8` when there is a body), `Retry-After: <retry_after>` and `Location: <location>`
//!   when given; with `repeat`, the body goes on with that text again and again and never ends.
//! - `drop`: the next `count` matching responses are cut after `after_bytes` body bytes (connection reset).
//! - `latency`: every request to `api` waits `ms` milliseconds first (0 turns it off).
//! - `throttle`: every response body of `api` is sent at `bytes_per_sec` (0 turns it off).
//! - `no_validators`: every response of `api` goes out without `ETag` and `Last-Modified` (`"on": false` turns
//!   it off), as from a link server that honours `Range` but offers nothing to resume against.
//!
//! Rules fire in the order they were added, one rule per request. `POST` and `GET /_demo/faults` answer the
//! faults in force: `{"rules": [{"api", "kind", "method", "path", "remaining", ...}], "latency_ms": {"<api>":
//! ms}, "throttle_bytes_per_sec": {"<api>": rate}}`. `DELETE /_demo/faults` removes every rule, latency and
//! throttle, and answers the same (now empty) form.
//!
//! `POST /_demo/expire` with `{"api": "inforouter"}` expires every link, ticket, token and job that API issued so
//! far; without `api` (or with an empty body) it expires those of all APIs. Answers `{"expired": ["inforouter"]}`.
//!
//! `GET /_demo/stats` answers `{"apis": {"<api>": {"<path prefix>": {"requests", "bytes_sent", "in_flight",
//! "max_in_flight"}}}, "gauges": {"<name>": {"value", "max"}}}`, where each request counts for every segment
//! prefix of its path (`/`, `/srv.asmx`, `/srv.asmx/DownloadFileChunk`). Control requests are not counted.
//! `POST /_demo/stats/reset` zeroes the counts and maxima (requests in flight stay) and answers the stats.
//!
//! `POST /_demo/library/documents`, `POST /_demo/library/documents/{id}/versions` and
//! `DELETE /_demo/library/documents/{id}` add a document, add a version and remove a document while the server
//! runs; see `control/library.rs` for their bodies and answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use docket_core::Kind;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::{Action, Failure, Rule, Target};
use crate::state::DemoState;

mod library;

pub fn router(state: Arc<DemoState>) -> Router {
    Router::new()
        .route(
            "/_demo/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_demo/expire", post(expire))
        .route("/_demo/stats", get(stats))
        .route("/_demo/stats/reset", post(reset_stats))
        .merge(library::routes())
        .with_state(state)
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum FaultRequest {
    Fail {
        #[serde(deserialize_with = "served_api")]
        api: Kind,
        method: Option<String>,
        #[serde(default = "whole_api")]
        path: String,
        #[serde(default = "once")]
        count: u32,
        status: u16,
        body: Option<String>,
        content_type: Option<String>,
        retry_after: Option<u64>,
        location: Option<String>,
        repeat: Option<String>,
    },
    Drop {
        #[serde(deserialize_with = "served_api")]
        api: Kind,
        method: Option<String>,
        #[serde(default = "whole_api")]
        path: String,
        #[serde(default = "once")]
        count: u32,
        after_bytes: u64,
    },
    Latency {
        #[serde(deserialize_with = "served_api")]
        api: Kind,
        ms: u64,
    },
    Throttle {
        #[serde(deserialize_with = "served_api")]
        api: Kind,
        bytes_per_sec: u64,
    },
    NoValidators {
        #[serde(deserialize_with = "served_api")]
        api: Kind,
        on: bool,
    },
}

fn whole_api() -> String {
    "/".to_owned()
}

fn once() -> u32 {
    1
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpireRequest {
    #[serde(default, deserialize_with = "served_api_or_all")]
    api: Option<Kind>,
}

/// An API id the demo serves; any other id is refused, naming it and the ones that would do.
fn served_api<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Kind, D::Error> {
    served(Kind::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

/// [`served_api`], where leaving it out (or `null`) means every API.
fn served_api_or_all<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Kind>, D::Error> {
    Option::<Kind>::deserialize(deserializer)?
        .map(served)
        .transpose()
        .map_err(serde::de::Error::custom)
}

fn served(kind: Kind) -> Result<Kind, String> {
    if crate::apis::api(kind).is_some() {
        return Ok(kind);
    }
    let served: Vec<String> = crate::apis::kinds().map(|k| k.to_string()).collect();
    Err(format!(
        "the demo serves no API `{kind}`: use one of {}",
        served.join(", ")
    ))
}

/// A request the control endpoint cannot act on; answers 400 with the reason.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ControlError(String);

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, Json(json!({ "error": self.0 }))).into_response()
    }
}

async fn add_fault(
    State(state): State<Arc<DemoState>>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    let faults = &state.faults;
    match parse::<FaultRequest>(&body)? {
        FaultRequest::Fail {
            api,
            method,
            path,
            count,
            status,
            body,
            content_type,
            retry_after,
            location,
            repeat,
        } => {
            let status = StatusCode::from_u16(status)
                .map_err(|_| ControlError(format!("`{status}` is not an HTTP status code")))?;
            let failure = Failure {
                status,
                body,
                content_type,
                retry_after,
                location,
                repeat,
            };
            faults.fail_next(target(api, method, path)?, count, failure);
        }
        FaultRequest::Drop {
            api,
            method,
            path,
            count,
            after_bytes,
        } => faults.drop_next(target(api, method, path)?, count, after_bytes),
        FaultRequest::Latency { api, ms } => faults.set_latency(api, Duration::from_millis(ms)),
        FaultRequest::Throttle { api, bytes_per_sec } => {
            faults.set_throttle(api, Some(bytes_per_sec))
        }
        FaultRequest::NoValidators { api, on } => faults.set_no_validators(api, on),
    }
    Ok(Json(faults_view(&state)))
}

async fn list_faults(State(state): State<Arc<DemoState>>) -> Json<Value> {
    Json(faults_view(&state))
}

async fn clear_faults(State(state): State<Arc<DemoState>>) -> Json<Value> {
    state.faults.clear();
    Json(faults_view(&state))
}

async fn expire(
    State(state): State<Arc<DemoState>>,
    body: Bytes,
) -> Result<Json<Value>, ControlError> {
    let request = if body.iter().all(u8::is_ascii_whitespace) {
        ExpireRequest::default()
    } else {
        parse::<ExpireRequest>(&body)?
    };
    state.expiry.expire(request.api);
    let expired: Vec<String> = match request.api {
        Some(api) => vec![api.to_string()],
        None => crate::apis::kinds().map(|kind| kind.to_string()).collect(),
    };
    Ok(Json(json!({ "expired": expired })))
}

async fn stats(State(state): State<Arc<DemoState>>) -> Json<Value> {
    Json(stats_view(&state))
}

async fn reset_stats(State(state): State<Arc<DemoState>>) -> Json<Value> {
    state.stats.reset();
    state.gauges.reset_max();
    Json(stats_view(&state))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| ControlError(format!("invalid request body: {e}")))
}

fn target(api: Kind, method: Option<String>, path: String) -> Result<Target, ControlError> {
    let mut target = Target::new(api, path);
    if let Some(method) = method {
        let parsed = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| ControlError(format!("`{method}` is not an HTTP method")))?;
        target = target.method(parsed);
    }
    Ok(target)
}

fn faults_view(state: &DemoState) -> Value {
    let rules: Vec<Value> = state.faults.rules().iter().map(rule_view).collect();
    let mut latency = BTreeMap::new();
    let mut throttle = BTreeMap::new();
    let mut no_validators = Vec::new();
    for api in crate::apis::kinds() {
        let shaping = state.faults.shaping(api);
        if !shaping.latency.is_zero() {
            latency.insert(api.to_string(), shaping.latency.as_millis() as u64);
        }
        if let Some(rate) = shaping.throttle {
            throttle.insert(api.to_string(), rate);
        }
        if shaping.no_validators {
            no_validators.push(api.to_string());
        }
    }
    json!({
        "rules": rules,
        "latency_ms": latency,
        "throttle_bytes_per_sec": throttle,
        "no_validators": no_validators
    })
}

fn rule_view(rule: &Rule) -> Value {
    let mut view = json!({
        "api": rule.target.api.id(),
        "method": rule.target.method.as_ref().map(Method::as_str),
        "path": rule.target.path_prefix,
        "remaining": rule.remaining,
    });
    let details = match &rule.action {
        Action::Fail(failure) => json!({
            "kind": "fail",
            "status": failure.status.as_u16(),
            "body": failure.body,
            "content_type": failure.content_type,
            "retry_after": failure.retry_after,
        }),
        Action::Drop { after_bytes } => json!({ "kind": "drop", "after_bytes": after_bytes }),
        Action::Break(fault) => json!({ "kind": "break", "fault": format!("{fault:?}") }),
    };
    if let (Some(view), Value::Object(details)) = (view.as_object_mut(), details) {
        view.extend(details);
    }
    view
}

fn stats_view(state: &DemoState) -> Value {
    json!({ "apis": state.stats.snapshot(), "gauges": state.gauges.snapshot() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Library;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    fn state() -> Arc<DemoState> {
        Arc::new(DemoState::new(Library::sample(1024)))
    }

    async fn call(
        state: &Arc<DemoState>,
        method: &str,
        path: &str,
        body: &str,
    ) -> (StatusCode, Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::from(body.to_owned()))
            .unwrap();
        let response = router(Arc::clone(state)).oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn posting_a_fail_rule_scripts_the_typed_faults() {
        let state = state();
        let body = r#"{"api":"inforouter","kind":"fail","path":"/srv.asmx/DownloadFileChunk","count":2,"status":500,"retry_after":3}"#;
        let (status, view) = call(&state, "POST", "/_demo/faults", body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(view["rules"][0]["remaining"], 2);
        let expected = Rule {
            target: Target::new(
                docket_providers::inforouter::KIND,
                "/srv.asmx/DownloadFileChunk",
            ),
            remaining: 2,
            action: Action::Fail(Failure::status(StatusCode::INTERNAL_SERVER_ERROR).retry_after(3)),
        };
        assert_eq!(state.faults.rules(), [expected]);
    }

    #[tokio::test]
    async fn a_drop_rule_defaults_to_one_request_on_the_whole_api() {
        let state = state();
        let body = r#"{"api":"index-health","kind":"drop","method":"get","after_bytes":100}"#;
        call(&state, "POST", "/_demo/faults", body).await;
        let expected = Rule {
            target: Target::api(docket_providers::index_health::KIND).method(Method::GET),
            remaining: 1,
            action: Action::Drop { after_bytes: 100 },
        };
        assert_eq!(state.faults.rules(), [expected]);
    }

    #[tokio::test]
    async fn latency_and_throttle_show_in_the_view_and_delete_clears_them() {
        let state = state();
        call(
            &state,
            "POST",
            "/_demo/faults",
            r#"{"api":"ansarada","kind":"latency","ms":250}"#,
        )
        .await;
        let throttle = r#"{"api":"study-creator","kind":"throttle","bytes_per_sec":1024}"#;
        let (_, view) = call(&state, "POST", "/_demo/faults", throttle).await;
        assert_eq!(view["latency_ms"]["ansarada"], 250);
        assert_eq!(view["throttle_bytes_per_sec"]["study-creator"], 1024);
        let (status, view) = call(&state, "DELETE", "/_demo/faults", "").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            view,
            json!({ "rules": [], "latency_ms": {}, "throttle_bytes_per_sec": {}, "no_validators": [] })
        );
    }

    #[tokio::test]
    async fn bad_fault_requests_answer_400_with_the_reason() {
        let state = state();
        for (body, reason) in [
            (r#"{"api":"dropbox","kind":"fail","status":500}"#, "dropbox"),
            (
                r#"{"api":"inforouter","kind":"fail","status":1000}"#,
                "1000",
            ),
            (
                r#"{"api":"inforouter","kind":"fail","status":500,"retryAfter":1}"#,
                "retryAfter",
            ),
            (
                r#"{"api":"inforouter","kind":"fail","status":500,"method":"GE T"}"#,
                "GE T",
            ),
            (r#"{"api":"inforouter","kind":"explode"}"#, "explode"),
            ("not json", "invalid request body"),
        ] {
            let (status, view) = call(&state, "POST", "/_demo/faults", body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert!(
                view["error"].as_str().unwrap().contains(reason),
                "{body}: {view}"
            );
        }
        assert!(state.faults.rules().is_empty());
    }

    #[tokio::test]
    async fn expiring_one_api_expires_only_its_stamps() {
        let state = state();
        let stamp = state.expiry.issue();
        let (_, view) = call(&state, "POST", "/_demo/expire", r#"{"api":"sage-active"}"#).await;
        assert_eq!(view, json!({ "expired": ["sage-active"] }));
        let ttl = Duration::from_secs(600);
        assert!(state
            .expiry
            .is_expired(stamp, docket_providers::sage_active::KIND, ttl));
        assert!(!state
            .expiry
            .is_expired(stamp, docket_providers::ansarada::KIND, ttl));
    }

    #[tokio::test]
    async fn expiring_with_an_empty_body_expires_every_api() {
        let state = state();
        let stamp = state.expiry.issue();
        let (_, view) = call(&state, "POST", "/_demo/expire", "").await;
        assert_eq!(view["expired"].as_array().unwrap().len(), 5);
        assert!(crate::apis::kinds().all(|k| state.expiry.is_expired(stamp, k, Duration::MAX)));
    }

    #[tokio::test]
    async fn stats_list_counts_by_api_and_prefix_and_gauges_by_name() {
        let state = state();
        let meter = state.stats.begin(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        );
        meter.add_bytes(42);
        state.gauges.gauge("inforouter.open_handlers").increment();
        let (_, view) = call(&state, "GET", "/_demo/stats", "").await;
        let chunk = &view["apis"]["inforouter"]["/srv.asmx/DownloadFileChunk"];
        assert_eq!(
            *chunk,
            json!({ "requests": 1, "bytes_sent": 42, "in_flight": 1, "max_in_flight": 1 })
        );
        assert_eq!(
            view["gauges"]["inforouter.open_handlers"],
            json!({ "value": 1, "max": 1 })
        );
        drop(meter);
        let (_, view) = call(&state, "POST", "/_demo/stats/reset", "").await;
        assert_eq!(view["apis"]["inforouter"]["/"]["requests"], 0);
    }
}
