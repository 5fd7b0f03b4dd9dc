//! The replay server: the routes answering with the recording, the requests Docket made of it, and what
//! the tests compare of listed and saved files.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::Variables;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use docket_core::{Credentials, Provider, RemoteConfig};
use serde_json::{json, Value};

use crate::nodes::{root_fields, without_suggestion, RecordedNodes};
use crate::recording::{Caller, RECORDING};
use crate::schema::{GraphqlCall, SCHEMA};
use crate::support;

/// One request Docket made, and how the replay answered it.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) authorization: Option<String>,
    /// For GraphQL: the operation's root fields, e.g. `allStudies`.
    root_fields: Vec<String>,
    pub(crate) answer: Answer,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// A recorded exchange, verbatim (its index in the recording).
    Recorded(usize),
    /// Assembled from recorded answers for the fields Docket selected.
    FromRecording,
    /// Refused by the real schema: with the recorded refusal that says the same, or the schema's words.
    Refused {
        messages: Vec<String>,
        recorded: Option<usize>,
    },
    /// Nothing recorded answers it.
    NotRecorded(String),
}

pub(crate) struct Replay {
    pub(crate) nodes: RecordedNodes,
    seen: Mutex<Vec<Seen>>,
}

/// A local server answering with the recording, and the requests Docket made of it.
pub(crate) struct RecordedServer {
    pub(crate) base: String,
    replay: Arc<Replay>,
}

impl RecordedServer {
    pub(crate) async fn start() -> Self {
        let replay = Arc::new(Replay {
            nodes: RecordedNodes::from_recording(&RECORDING),
            seen: Mutex::default(),
        });
        let app = Router::new()
            .route("/graphql", post(graphql))
            .fallback(rest)
            .with_state(replay.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        RecordedServer {
            base: format!("http://{address}"),
            replay,
        }
    }

    /// A remote of this server, as Docket's registry builds it.
    pub(crate) fn remote(
        &self,
        token_type: &str,
        signed_urls: bool,
        token: &str,
    ) -> Arc<dyn Provider> {
        let settings = BTreeMap::from([
            ("token_type".to_owned(), token_type.to_owned()),
            ("signed_urls".to_owned(), signed_urls.to_string()),
        ]);
        let config = RemoteConfig {
            name: "recorded".into(),
            kind: docket_providers::study_creator::KIND,
            url: self.base.clone(),
            settings,
        };
        support::connect_remote(config, Credentials::new("recorded").with("token", token))
    }

    /// Downloads by route with this caller's JWT or developer token.
    pub(crate) fn by_route(&self, caller: Caller) -> Arc<dyn Provider> {
        let token_type = if caller == Caller::Developer {
            "developer"
        } else {
            "bearer"
        };
        self.remote(token_type, false, caller.secret())
    }

    pub(crate) fn by_signed_url(&self, caller: Caller) -> Arc<dyn Provider> {
        self.remote("bearer", true, caller.secret())
    }

    pub(crate) fn requests(&self) -> Vec<Seen> {
        self.replay.seen.lock().unwrap().clone()
    }

    /// The root fields of each GraphQL request, in order.
    pub(crate) fn graphql_operations(&self) -> Vec<Vec<String>> {
        self.requests()
            .into_iter()
            .filter(|seen| seen.path == "/graphql")
            .map(|seen| seen.root_fields)
            .collect()
    }

    /// Fails naming what Docket sent that the real server's schema refuses.
    pub(crate) fn assert_the_real_server_accepts_what_docket_sent(&self) {
        let refused: Vec<String> = self
            .requests()
            .into_iter()
            .filter_map(|seen| match seen.answer {
                Answer::Refused { messages, recorded } => Some(format!(
                    "{:?}: {}{}",
                    seen.root_fields,
                    messages.join("; "),
                    if recorded.is_some() {
                        " (the recorded refusal)"
                    } else {
                        ""
                    }
                )),
                _ => None,
            })
            .collect();
        assert!(
            refused.is_empty(),
            "Docket sent GraphQL that kf-api-study-creator 1.22 refuses:\n  {}",
            refused.join("\n  ")
        );
    }

    /// Fails naming each request the recording had no answer for.
    pub(crate) fn assert_the_recording_answered_every_request(&self) {
        self.assert_the_real_server_accepts_what_docket_sent();
        let gaps: Vec<String> = self
            .requests()
            .into_iter()
            .filter_map(|seen| match seen.answer {
                Answer::NotRecorded(why) => Some(format!("{} {}: {why}", seen.method, seen.path)),
                _ => None,
            })
            .collect();
        assert!(
            gaps.is_empty(),
            "not in the recording:\n  {}",
            gaps.join("\n  ")
        );
    }
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn graphql(State(replay): State<Arc<Replay>>, headers: HeaderMap, body: Bytes) -> Response {
    let authorization = header_text(&headers, header::AUTHORIZATION);
    let caller = Caller::of_request("/graphql", None, authorization.as_deref());
    let envelope: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let query = envelope["query"].as_str().unwrap_or_default().to_owned();
    let operation = envelope["operationName"].as_str().map(str::to_owned);
    let variables = match &envelope["variables"] {
        Value::Null => json!({}),
        given => given.clone(),
    };
    let call = Arc::new(GraphqlCall {
        caller,
        replay: replay.clone(),
        verbatim: Mutex::default(),
        gaps: Mutex::default(),
        resolved: AtomicBool::new(false),
    });
    let mut request = async_graphql::Request::new(query.clone())
        .variables(Variables::from_json(variables.clone()))
        .data(call.clone());
    if let Some(operation) = &operation {
        request = request.operation_name(operation.clone());
    }
    let response = SCHEMA.execute(request).await;
    let refused = !response.errors.is_empty() && !call.resolved.load(Ordering::Relaxed);
    let verbatim = *call.verbatim.lock().unwrap();
    let gaps = call.gaps.lock().unwrap().clone();
    let (answer, http) = if refused {
        let messages: Vec<String> = response.errors.iter().map(|e| e.message.clone()).collect();
        let recorded = recorded_refusal(&messages);
        let http = match recorded {
            Some(index) => RECORDING.exchanges[index].response(),
            None => (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({ "errors": response.errors })),
            )
                .into_response(),
        };
        (Answer::Refused { messages, recorded }, http)
    } else if let Some(index) = verbatim {
        (
            Answer::Recorded(index),
            RECORDING.exchanges[index].response(),
        )
    } else if !gaps.is_empty() || !response.errors.is_empty() {
        let mut why = gaps;
        why.extend(response.errors.iter().map(|e| e.message.clone()));
        let why = why.join("; ");
        (
            Answer::NotRecorded(why.clone()),
            (StatusCode::NOT_IMPLEMENTED, why).into_response(),
        )
    } else {
        let data = response.data.into_json().unwrap_or(Value::Null);
        (
            Answer::FromRecording,
            axum::Json(json!({ "data": data })).into_response(),
        )
    };
    replay.seen.lock().unwrap().push(Seen {
        method: "POST".into(),
        path: "/graphql".into(),
        query: None,
        authorization,
        root_fields: root_fields(&query, operation.as_deref(), &variables)
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
        answer,
    });
    http
}

/// The recorded refusal whose every message (the rule's words) is among this refusal's.
fn recorded_refusal(messages: &[String]) -> Option<usize> {
    let ours: Vec<&str> = messages.iter().map(|m| without_suggestion(m)).collect();
    RECORDING.exchanges.iter().position(|e| {
        let theirs = e.error_messages();
        e.is_graphql()
            && e.response.status == 400
            && !theirs.is_empty()
            && theirs.iter().all(|m| ours.contains(&without_suggestion(m)))
    })
}

async fn rest(
    State(replay): State<Arc<Replay>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let authorization = header_text(&headers, header::AUTHORIZATION);
    let path = uri.path().to_owned();
    let query = uri.query().map(str::to_owned);
    let caller = Caller::of_request(&path, query.as_deref(), authorization.as_deref());
    let recorded = RECORDING.exchanges.iter().position(|e| {
        !e.is_graphql()
            && e.request.method == method.as_str()
            && e.request.path == path
            && e.caller() == caller
    });
    let (answer, http) = match recorded {
        Some(index) => (
            Answer::Recorded(index),
            RECORDING.exchanges[index].response(),
        ),
        None => {
            let why = format!("nothing recorded answers {method} {path} from {caller:?}");
            (
                Answer::NotRecorded(why.clone()),
                (StatusCode::NOT_IMPLEMENTED, why).into_response(),
            )
        }
    };
    replay.seen.lock().unwrap().push(Seen {
        method: method.to_string(),
        path,
        query,
        authorization,
        root_fields: Vec::new(),
        answer,
    });
    http
}

/// A listed file as the tests compare it: id, name, size, latest version, modified.
pub(crate) type FileSummary<'a> = (
    &'a str,
    &'a str,
    Option<u64>,
    Option<&'a str>,
    Option<&'a str>,
);

pub(crate) fn saved_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

pub(crate) fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}
