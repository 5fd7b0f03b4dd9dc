//! Scripted faults, deterministic: a rule fires for exactly the next N requests it matches, in the order rules
//! were added, so a test can say "the second chunk fails once" and get exactly that. Latency and throttling are
//! per-API settings that stay until cleared. The fault layer (`fault_layer.rs`) applies all of this to every
//! vendor router; the control endpoint and in-process tests script it through [`Faults`].

use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use docket_core::Kind;

use crate::body_faults::BodyFault;

/// Which requests a rule applies to: one API, optionally one method, and paths starting with `path_prefix`
/// (a plain string prefix of the path, query excluded: `/srv.asmx/Download` matches `/srv.asmx/DownloadFileChunk`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub api: Kind,
    pub method: Option<Method>,
    pub path_prefix: String,
}

impl Target {
    /// Every method, paths starting with `path_prefix`.
    pub fn new(api: Kind, path_prefix: impl Into<String>) -> Target {
        Target {
            api,
            method: None,
            path_prefix: path_prefix.into(),
        }
    }

    /// Every request to `api`.
    pub fn api(api: Kind) -> Target {
        Target::new(api, "/")
    }

    pub fn method(mut self, method: Method) -> Target {
        self.method = Some(method);
        self
    }

    fn matches(&self, api: Kind, method: &Method, path: &str) -> bool {
        self.api == api
            && self.method.as_ref().is_none_or(|m| m == method)
            && path.starts_with(&self.path_prefix)
    }
}

/// The response that replaces the real one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: StatusCode,
    /// Empty body when `None`.
    pub body: Option<String>,
    /// `text/plain; charset=utf-8` when a body is given without a type.
    pub content_type: Option<String>,
    /// Seconds, sent as `Retry-After`.
    pub retry_after: Option<u64>,
    /// Sent as `Location` (a redirect to anywhere, another origin included).
    pub location: Option<String>,
    /// After `body`, this is sent again and again, for ever: a body that never ends (a hostile server).
    pub repeat: Option<String>,
}

impl Failure {
    pub fn status(status: StatusCode) -> Failure {
        Failure {
            status,
            body: None,
            content_type: None,
            retry_after: None,
            location: None,
            repeat: None,
        }
    }

    /// A redirect (`status` 301, 302, 303, 307 or 308) to `location`.
    pub fn redirect(status: StatusCode, location: impl Into<String>) -> Failure {
        Failure {
            location: Some(location.into()),
            ..Failure::status(status)
        }
    }

    /// The body goes on with `repeat`, again and again, and never ends.
    pub fn endless(mut self, repeat: impl Into<String>) -> Failure {
        self.repeat = Some(repeat.into());
        self
    }

    pub fn body(mut self, content_type: &str, body: impl Into<String>) -> Failure {
        self.content_type = Some(content_type.to_owned());
        self.body = Some(body.into());
        self
    }

    pub fn retry_after(mut self, seconds: u64) -> Failure {
        self.retry_after = Some(seconds);
        self
    }

    pub(crate) fn response(&self) -> Response {
        let first = self.body.clone().unwrap_or_default();
        let mut response = match &self.repeat {
            Some(repeat) => {
                // Sent in chunks of about 64 KiB, as a server pouring out data would.
                let copies = (64 * 1024 / repeat.len().max(1)).max(1);
                let repeat = bytes::Bytes::from(repeat.repeat(copies).into_bytes());
                let again = futures_util::stream::repeat(repeat).map(Ok::<_, std::io::Error>);
                let stream = futures_util::stream::once(async move {
                    Ok::<_, std::io::Error>(bytes::Bytes::from(first.into_bytes()))
                })
                .chain(again);
                (self.status, axum::body::Body::from_stream(stream)).into_response()
            }
            None => (self.status, first).into_response(),
        };
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after {
            headers.insert("retry-after", HeaderValue::from(seconds));
        }
        if let Some(location) = self.location.as_deref() {
            if let Ok(value) = HeaderValue::from_str(location) {
                headers.insert("location", value);
            }
        }
        match (&self.body, &self.content_type) {
            (_, Some(content_type)) => {
                if let Ok(value) = HeaderValue::from_str(content_type) {
                    headers.insert("content-type", value);
                }
            }
            (None, None) => {
                headers.remove("content-type");
            }
            (Some(_), None) => {}
        }
        response
    }
}

/// What a matching rule does to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Answer with this response instead of calling the vendor router.
    Fail(Failure),
    /// Call the vendor router, then abort the response body after this many bytes, so the client sees the
    /// connection reset mid-body.
    Drop { after_bytes: u64 },
    /// Call the vendor router, then break its answer on the wire (see [`BodyFault`]).
    Break(BodyFault),
}

/// A rule and how many more requests it will fire for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub target: Target,
    pub remaining: u32,
    pub action: Action,
}

/// Per-API shaping read by the fault layer at the start of each request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shaping {
    /// Added before each request is handled.
    pub latency: Duration,
    /// Response-body bytes per second, per response.
    pub throttle: Option<u64>,
    /// Responses go out without `ETag` and `Last-Modified`, as from a link server that honours `Range` but
    /// offers no validator.
    pub no_validators: bool,
}

#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    rules: Vec<Rule>,
    shaping: HashMap<Kind, Shaping>,
}

impl Faults {
    /// The next `count` requests matching `target` are answered with `failure`.
    pub fn fail_next(&self, target: Target, count: u32, failure: Failure) {
        self.add(Rule {
            target,
            remaining: count,
            action: Action::Fail(failure),
        });
    }

    /// The next `count` responses to requests matching `target` are cut after `after_bytes` body bytes (the
    /// client gets the headers and those bytes, then a reset). A shorter response ends normally and still uses
    /// the rule up.
    pub fn drop_next(&self, target: Target, count: u32, after_bytes: u64) {
        self.add(Rule {
            target,
            remaining: count,
            action: Action::Drop { after_bytes },
        });
    }

    /// The next `count` responses to requests matching `target` are broken as `fault` says.
    pub fn break_next(&self, target: Target, count: u32, fault: BodyFault) {
        self.add(Rule {
            target,
            remaining: count,
            action: Action::Break(fault),
        });
    }

    pub fn add(&self, rule: Rule) {
        if rule.remaining > 0 {
            self.lock().rules.push(rule);
        }
    }

    /// Delay every request to `api` by `latency` (zero turns it off).
    pub fn set_latency(&self, api: Kind, latency: Duration) {
        self.lock().shaping.entry(api).or_default().latency = latency;
    }

    /// Limit every response body of `api` to `bytes_per_sec` (`None` or zero turns it off).
    pub fn set_throttle(&self, api: Kind, bytes_per_sec: Option<u64>) {
        self.lock().shaping.entry(api).or_default().throttle =
            bytes_per_sec.filter(|&rate| rate > 0);
    }

    /// Strip `ETag` and `Last-Modified` from every response of `api` (or stop stripping them).
    pub fn set_no_validators(&self, api: Kind, strip: bool) {
        self.lock().shaping.entry(api).or_default().no_validators = strip;
    }

    /// Removes every rule, latency and throttle.
    pub fn clear(&self) {
        *self.lock() = Inner::default();
    }

    /// The rules that have not fired their last time yet, in order.
    pub fn rules(&self) -> Vec<Rule> {
        self.lock().rules.clone()
    }

    pub fn shaping(&self, api: Kind) -> Shaping {
        self.lock().shaping.get(&api).copied().unwrap_or_default()
    }

    /// The action of the first rule matching this request, counting it as fired.
    pub(crate) fn take(&self, api: Kind, method: &Method, path: &str) -> Option<Action> {
        let mut inner = self.lock();
        let index = inner
            .rules
            .iter()
            .position(|rule| rule.target.matches(api, method, path))?;
        let rule = &mut inner.rules[index];
        rule.remaining -= 1;
        let action = rule.action.clone();
        if rule.remaining == 0 {
            inner.rules.remove(index);
        }
        Some(action)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHUNK: &str = "/srv.asmx/DownloadFileChunk";

    fn take(faults: &Faults, method: Method, path: &str) -> Option<Action> {
        faults.take(docket_providers::inforouter::KIND, &method, path)
    }

    fn server_error() -> Failure {
        Failure::status(StatusCode::INTERNAL_SERVER_ERROR)
    }

    #[test]
    fn a_rule_fires_for_exactly_its_count_then_disappears() {
        let faults = Faults::default();
        faults.fail_next(
            Target::new(docket_providers::inforouter::KIND, CHUNK),
            2,
            server_error(),
        );
        assert!(take(&faults, Method::GET, CHUNK).is_some());
        assert_eq!(faults.rules()[0].remaining, 1);
        assert!(take(&faults, Method::GET, CHUNK).is_some());
        assert!(take(&faults, Method::GET, CHUNK).is_none());
        assert!(faults.rules().is_empty());
    }

    #[test]
    fn a_rule_matches_only_its_api_method_and_path_prefix() {
        let faults = Faults::default();
        let target = Target::new(docket_providers::inforouter::KIND, "/srv.asmx/Download")
            .method(Method::POST);
        faults.drop_next(target, 1, 10);
        assert!(take(&faults, Method::GET, CHUNK).is_none());
        assert!(take(&faults, Method::POST, "/srv.asmx/GetDownloadHandler").is_none());
        assert!(faults
            .take(docket_providers::ansarada::KIND, &Method::POST, CHUNK)
            .is_none());
        assert_eq!(
            take(&faults, Method::POST, CHUNK),
            Some(Action::Drop { after_bytes: 10 })
        );
    }

    #[test]
    fn the_earliest_matching_rule_fires_first() {
        let faults = Faults::default();
        faults.drop_next(Target::api(docket_providers::inforouter::KIND), 1, 5);
        faults.fail_next(
            Target::new(docket_providers::inforouter::KIND, CHUNK),
            1,
            server_error(),
        );
        assert_eq!(
            take(&faults, Method::GET, CHUNK),
            Some(Action::Drop { after_bytes: 5 })
        );
        assert_eq!(
            take(&faults, Method::GET, CHUNK),
            Some(Action::Fail(server_error()))
        );
    }

    #[test]
    fn a_rule_for_zero_requests_is_not_kept() {
        let faults = Faults::default();
        faults.fail_next(
            Target::api(docket_providers::inforouter::KIND),
            0,
            server_error(),
        );
        assert!(faults.rules().is_empty());
    }

    #[test]
    fn clearing_removes_rules_latency_and_throttle() {
        let faults = Faults::default();
        faults.fail_next(
            Target::api(docket_providers::sage_active::KIND),
            3,
            server_error(),
        );
        faults.set_latency(
            docket_providers::sage_active::KIND,
            Duration::from_millis(50),
        );
        faults.set_throttle(docket_providers::sage_active::KIND, Some(1000));
        faults.set_no_validators(docket_providers::sage_active::KIND, true);
        assert_eq!(
            faults.shaping(docket_providers::sage_active::KIND),
            Shaping {
                latency: Duration::from_millis(50),
                throttle: Some(1000),
                no_validators: true,
            }
        );
        faults.clear();
        assert!(faults.rules().is_empty());
        assert_eq!(
            faults.shaping(docket_providers::sage_active::KIND),
            Shaping::default()
        );
    }

    #[test]
    fn a_zero_throttle_means_no_throttle() {
        let faults = Faults::default();
        faults.set_throttle(docket_providers::ansarada::KIND, Some(0));
        assert_eq!(
            faults.shaping(docket_providers::ansarada::KIND).throttle,
            None
        );
    }

    #[test]
    fn a_failure_response_carries_status_body_type_and_retry_after() {
        let failure = Failure::status(StatusCode::SERVICE_UNAVAILABLE)
            .body("text/xml", "<response success=\"false\"/>")
            .retry_after(7);
        let response = failure.response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["retry-after"], "7");
        assert_eq!(response.headers()["content-type"], "text/xml");
    }
}
