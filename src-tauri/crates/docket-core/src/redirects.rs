//! Redirects that never carry a credential to another origin, and never from https to plain http.
//!
//! reqwest 0.12 drops only `Authorization`, `Cookie`, `Proxy-Authorization` and `WWW-Authenticate`, and only when
//! the host or port changes; a 307/308 sends the body again, wherever it goes. Its redirect `Policy` sees the
//! URLs alone and can follow, stop or fail a redirect, but cannot edit the next request (marking a header
//! `sensitive` only hides it from `Debug`). Vendors put credentials elsewhere: Sage Active's `x-api-key`,
//! `X-TenantId` and `X-OrganizationId` headers, infoRouter's login form, Index Health's token request body. So:
//!
//! - [`policy`], the shared client's: a redirect from https to http is an error, at most [`MAX_HOPS`] in a row;
//!   a same-origin redirect is followed. Inside [`send`] a redirect to another origin stops, for [`send`] to
//!   follow; elsewhere it is followed, which is what the download engine's GETs need: presigned and short links
//!   carry no header at all, and direct routes carry only `Authorization`, which reqwest drops on the way.
//! - [`send`], how providers send their API requests: it follows a redirect to another origin itself, with a
//!   new request carrying none of the original headers but those that describe the wanted content (`Accept`,
//!   `Range`, validators) and never the body.
//!
//! The policy learns that it runs inside [`send`] from a task-local flag: the policy is one per client, and
//! nothing of the request but its URLs reaches it, while the flag is set exactly around the one request.

use std::error::Error as StdError;

use reqwest::header::{
    HeaderMap, HeaderName, ACCEPT, ACCEPT_LANGUAGE, IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    IF_RANGE, IF_UNMODIFIED_SINCE, LOCATION, RANGE,
};
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode, Url};

use crate::error::ProviderError;

/// Redirects followed in a row within one origin (and by [`send`], changes of origin in a row).
pub const MAX_HOPS: usize = 5;

/// Headers that only say what content is wanted, so they may go to another origin. Everything else (any
/// credential a vendor invents included) stays with the origin it was meant for.
const CARRIED_TO_ANOTHER_ORIGIN: [HeaderName; 8] = [
    ACCEPT,
    ACCEPT_LANGUAGE,
    RANGE,
    IF_RANGE,
    IF_MATCH,
    IF_NONE_MATCH,
    IF_MODIFIED_SINCE,
    IF_UNMODIFIED_SINCE,
];

tokio::task_local! {
    /// Set while [`send`] runs a request: the policy then stops at another origin for [`send`] to follow.
    static FOLLOWED_BY_SEND: ();
}

/// A redirect Docket will not follow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefusedRedirect {
    #[error(
        "the server at {from} redirected to {to}, plain http: Docket does not follow a redirect from https to \
         http, where the request and the answer would travel unencrypted"
    )]
    Downgrade { from: String, to: String },
    #[error(
        "the server at {from} redirected a request with a body to {to}: Docket does not send a request's body \
         (a login, a token request) to another server"
    )]
    BodyToAnotherOrigin { from: String, to: String },
    #[error("the server redirected more than {MAX_HOPS} times in a row")]
    TooMany,
}

impl From<RefusedRedirect> for ProviderError {
    fn from(refused: RefusedRedirect) -> Self {
        ProviderError::Protocol {
            message: refused.to_string(),
        }
    }
}

/// The refusal behind a failed request, if [`policy`] refused a redirect.
pub fn refusal(err: &reqwest::Error) -> Option<RefusedRedirect> {
    let mut source = StdError::source(err);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<RefusedRedirect>() {
            return Some(refused.clone());
        }
        source = cause.source();
    }
    None
}

/// The shared client's redirect policy (see the module's documentation).
pub fn policy() -> Policy {
    Policy::custom(|attempt| {
        let Some(from) = attempt.previous().last().cloned() else {
            return attempt.follow();
        };
        // `previous` holds the first URL too, so more than MAX_HOPS entries is one redirect too many.
        if attempt.previous().len() > MAX_HOPS {
            return attempt.error(RefusedRedirect::TooMany);
        }
        let to = attempt.url().clone();
        if is_downgrade(&from, &to) {
            return attempt.error(RefusedRedirect::Downgrade {
                from: shown(&from),
                to: shown(&to),
            });
        }
        if !same_origin(&from, &to) && FOLLOWED_BY_SEND.try_with(|_| ()).is_ok() {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// Sends `request`, following a redirect to another origin without the request's credentials (its headers
/// other than [`CARRIED_TO_ANOTHER_ORIGIN`]) and without its body; a redirect that would need the body there,
/// or goes from https to http, is refused.
pub async fn send(request: reqwest::RequestBuilder) -> Result<reqwest::Response, ProviderError> {
    let (client, request) = request.build_split();
    let mut request = request?;
    let mut changes_of_origin = 0;
    loop {
        let carried = Carried::from(&request);
        let response = FOLLOWED_BY_SEND.scope((), client.execute(request)).await?;
        let Some(to) = redirect_elsewhere(&response) else {
            return Ok(response);
        };
        changes_of_origin += 1;
        if changes_of_origin > MAX_HOPS {
            return Err(RefusedRedirect::TooMany.into());
        }
        request = carried.to(response.url(), response.status(), to)?;
    }
}

/// What of a request may go on to another origin.
struct Carried {
    method: Method,
    headers: HeaderMap,
    has_body: bool,
    timeout: Option<std::time::Duration>,
}

impl From<&reqwest::Request> for Carried {
    fn from(request: &reqwest::Request) -> Self {
        Carried {
            method: request.method().clone(),
            headers: carried_headers(request.headers()),
            has_body: request.body().is_some(),
            timeout: request.timeout().copied(),
        }
    }
}

impl Carried {
    /// The request to send to `to`, which answered `status` at `from`, as a browser would: a 303, and a 301 or
    /// 302 after a POST, become a GET without body; otherwise the method stays, and with it the body, which
    /// Docket refuses to send to another origin.
    fn to(
        self,
        from: &Url,
        status: StatusCode,
        to: Url,
    ) -> Result<reqwest::Request, RefusedRedirect> {
        if is_downgrade(from, &to) {
            return Err(RefusedRedirect::Downgrade {
                from: shown(from),
                to: shown(&to),
            });
        }
        let becomes_get = match status {
            StatusCode::SEE_OTHER => self.method != Method::HEAD,
            StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => self.method == Method::POST,
            _ => false,
        };
        if self.has_body && !becomes_get {
            return Err(RefusedRedirect::BodyToAnotherOrigin {
                from: shown(from),
                to: shown(&to),
            });
        }
        let method = if becomes_get {
            Method::GET
        } else {
            self.method
        };
        let mut request = reqwest::Request::new(method, to);
        *request.headers_mut() = self.headers;
        *request.timeout_mut() = self.timeout;
        Ok(request)
    }
}

/// The headers of `headers` that may go to another origin.
fn carried_headers(headers: &HeaderMap) -> HeaderMap {
    let mut carried = HeaderMap::new();
    for (name, value) in headers {
        if CARRIED_TO_ANOTHER_ORIGIN.contains(name) {
            carried.append(name.clone(), value.clone());
        }
    }
    carried
}

/// Where a redirect the policy stopped at leads: another origin, over http or https.
fn redirect_elsewhere(response: &reqwest::Response) -> Option<Url> {
    let redirects = matches!(
        response.status(),
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    );
    if !redirects {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let to = response.url().join(location.trim()).ok()?;
    let web = matches!(to.scheme(), "http" | "https");
    (web && !same_origin(response.url(), &to)).then_some(to)
}

/// Same scheme, host and port (a missing port is the scheme's default).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// [`same_origin`] for two addresses as text; an address that is not a URL matches nothing.
pub fn same_origin_text(a: &str, b: &str) -> bool {
    match (Url::parse(a.trim()), Url::parse(b.trim())) {
        (Ok(a), Ok(b)) => same_origin(&a, &b),
        _ => false,
    }
}

/// The origin of an address as text (`https://docs.example.com:8443`), for messages; the address itself
/// when it is not a URL.
pub fn origin_text(address: &str) -> String {
    match Url::parse(address.trim()) {
        Ok(url) => shown(&url),
        Err(_) => address.trim().to_owned(),
    }
}

fn is_downgrade(from: &Url, to: &Url) -> bool {
    from.scheme() == "https" && to.scheme() == "http"
}

/// The origin of `url`, for messages: never its path or query, where presigned signatures live.
fn shown(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, AUTHORIZATION, COOKIE};

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn a_change_of_scheme_host_or_port_is_another_origin() {
        let api = url("https://api.example.com/graphql");
        assert!(same_origin(
            &api,
            &url("https://api.example.com:443/other?x=1")
        ));
        assert!(same_origin(&api, &url("https://API.example.com/")));
        assert!(!same_origin(&api, &url("http://api.example.com/graphql")));
        assert!(!same_origin(
            &api,
            &url("https://files.example.com/graphql")
        ));
        assert!(!same_origin(
            &api,
            &url("https://api.example.com:8443/graphql")
        ));
        assert!(same_origin_text(
            "http://127.0.0.1:80/a",
            "http://127.0.0.1/b"
        ));
        assert!(!same_origin_text("not a url", "not a url"));
        assert_eq!(
            origin_text("https://docs.example.com:8443/api?token=x"),
            "https://docs.example.com:8443"
        );
    }

    #[test]
    fn only_headers_describing_the_wanted_content_go_to_another_origin() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer t"),
            ("x-api-key", "k"),
            ("x-tenantid", "tenant"),
            ("x-organizationid", "org"),
            ("cookie", "session=1"),
            ("accept", "application/json"),
            ("range", "bytes=0-99"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let carried = carried_headers(&headers);
        assert_eq!(carried.len(), 2, "{carried:?}");
        assert!(carried.contains_key(ACCEPT) && carried.contains_key(RANGE));
        assert!(!carried.contains_key(AUTHORIZATION) && !carried.contains_key(COOKIE));
    }

    #[test]
    fn a_post_redirected_elsewhere_becomes_a_get_without_body_or_is_refused() {
        let from = url("https://api.example.com/graphql");
        let post = Carried {
            method: Method::POST,
            headers: HeaderMap::new(),
            has_body: true,
            timeout: None,
        };
        let again = |c: &Carried| Carried {
            method: c.method.clone(),
            headers: c.headers.clone(),
            has_body: c.has_body,
            timeout: c.timeout,
        };
        let next = again(&post)
            .to(&from, StatusCode::FOUND, url("https://other.example/x"))
            .unwrap();
        assert_eq!(next.method(), Method::GET);
        assert!(next.body().is_none());
        let refused = again(&post)
            .to(
                &from,
                StatusCode::TEMPORARY_REDIRECT,
                url("https://other.example/x"),
            )
            .unwrap_err();
        assert!(
            matches!(refused, RefusedRedirect::BodyToAnotherOrigin { .. }),
            "{refused:?}"
        );
        let refused = post
            .to(
                &from,
                StatusCode::FOUND,
                url("http://api.example.com/graphql"),
            )
            .unwrap_err();
        assert_eq!(
            refused,
            RefusedRedirect::Downgrade {
                from: "https://api.example.com".into(),
                to: "http://api.example.com".into()
            }
        );
    }

    #[test]
    fn a_refused_redirect_is_a_protocol_error_that_is_not_retried() {
        let err = ProviderError::from(RefusedRedirect::Downgrade {
            from: "https://a.example".into(),
            to: "http://b.example".into(),
        });
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("unencrypted"), "{err}");
    }
}
