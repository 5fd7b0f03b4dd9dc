//! The scripted stand-in for a vendor's server: scripted answers, the requests it saw, the remotes that
//! reach it, and the fixture copies of the vendors' pages.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use docket_core::{Credentials, Kind, Provider, RemoteConfig};
use serde_json::Value;

use crate::support;

/// The text of a fixture under `tests/fixtures/vendor-pages/`.
pub(crate) fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/vendor-pages")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

pub(crate) fn remote(server: &VendorServer, kind: Kind, settings: &[(&str, &str)]) -> RemoteConfig {
    RemoteConfig {
        name: "vendor-page".into(),
        kind,
        url: server.base_url.clone(),
        settings: settings
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect(),
    }
}

pub(crate) fn connect(config: RemoteConfig, secrets: &[(&str, &str)]) -> Arc<dyn Provider> {
    let mut credentials = Credentials::new(config.name.clone());
    for (key, value) in secrets {
        credentials.insert(*key, *value);
    }
    support::connect_remote(config, credentials)
}

/// One scripted answer: status, headers and body exactly as given.
#[derive(Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
}

/// A request as the vendor's server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl Seen {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// The form fields of an `application/x-www-form-urlencoded` body, decoded.
    pub(crate) fn form(&self) -> BTreeMap<String, String> {
        let fields: Vec<(String, String)> = url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect();
        let form: BTreeMap<String, String> = fields.iter().cloned().collect();
        assert_eq!(form.len(), fields.len(), "a field sent twice: {fields:?}");
        form
    }
}

#[derive(Default)]
struct Script {
    answers: Mutex<HashMap<(Method, String), VecDeque<Answer>>>,
    seen: Mutex<Vec<Seen>>,
}

/// A local stand-in for the vendor's server: answers each route from its script and records every request.
pub(crate) struct VendorServer {
    base_url: String,
    script: Arc<Script>,
}

impl VendorServer {
    pub(crate) async fn start() -> Self {
        let script = Arc::new(Script::default());
        let app = Router::new()
            .fallback(answer_from_script)
            .with_state(Arc::clone(&script));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        VendorServer {
            base_url: format!("http://{address}"),
            script,
        }
    }

    /// From now on `method path` answers these in turn, the last one again and again.
    pub(crate) fn answers(
        &self,
        method: Method,
        path: &str,
        answers: impl IntoIterator<Item = Answer>,
    ) {
        let answers: VecDeque<Answer> = answers.into_iter().collect();
        assert!(!answers.is_empty(), "no answer for {method} {path}");
        self.script
            .answers
            .lock()
            .unwrap()
            .insert((method, path.to_owned()), answers);
    }

    pub(crate) fn answer(&self, method: Method, path: &str, answer: Answer) {
        self.answers(method, path, [answer]);
    }

    pub(crate) fn requests(&self) -> Vec<Seen> {
        self.script.seen.lock().unwrap().clone()
    }

    pub(crate) fn requests_to(&self, path: &str) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    pub(crate) fn only_request_to(&self, path: &str) -> Seen {
        let mut seen = self.requests_to(path);
        assert_eq!(seen.len(), 1, "requests to {path}");
        seen.remove(0)
    }
}

async fn answer_from_script(
    State(script): State<Arc<Script>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    script.seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        query: uri.query().map(str::to_owned),
        headers,
        body,
    });
    let answer = match script
        .answers
        .lock()
        .unwrap()
        .get_mut(&(method.clone(), path.clone()))
    {
        Some(queue) if queue.len() > 1 => queue.pop_front(),
        Some(queue) => queue.front().cloned(),
        None => None,
    };
    let Some(answer) = answer else {
        return (
            StatusCode::NOT_IMPLEMENTED,
            format!("nothing scripted for {method} {path}"),
        )
            .into_response();
    };
    let mut response = Response::builder().status(StatusCode::from_u16(answer.status).unwrap());
    for (name, value) in &answer.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(answer.body)).unwrap()
}
