//! The recording: its exchanges, the study, files and stand-in credentials it holds, and the callers it
//! tells apart as the real server does.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::body::Body;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

const RECORDED: &str = include_str!("../fixtures/study-creator-1.22.recorded.json");

/// The one study of the recording, its two-version file and its file with a non-ASCII name.
pub(crate) const STUDY: &str = "SD_ME0WME0W";
pub(crate) const MANIFEST: &str = "SD_ME0WME0W/SF_GYNMMZ2Q";
pub(crate) const RESUME_SHEET: &str = "SD_ME0WME0W/SF_5AK5GP98";

// Stand-ins for the credentials the recording had removed.
const ADMIN_JWT: &str = "replay.admin.jwt";
const MEMBER_JWT: &str = "replay.member.jwt";
const OUTSIDER_JWT: &str = "replay.outsider.jwt";
const DEVELOPER_TOKEN: &str = "replay-developer-token";
/// The recording's own stand-in for the token a signed URL carries.
pub(crate) const SIGNED_TOKEN: &str = "<single-use token>";

#[derive(Debug, Deserialize)]
pub(crate) struct Recording {
    pub(crate) exchanges: Vec<Exchange>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Exchange {
    pub(crate) request: RecordedRequest,
    pub(crate) response: RecordedResponse,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RecordedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    auth: String,
    pub(crate) body: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RecordedResponse {
    pub(crate) status: u16,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: Value,
}

pub(crate) static RECORDING: LazyLock<Recording> =
    LazyLock::new(|| serde_json::from_str(RECORDED).expect("the recording is JSON"));

impl Exchange {
    pub(crate) fn caller(&self) -> Caller {
        Caller::recorded(&self.request.auth, &self.request.path)
    }

    pub(crate) fn is_graphql(&self) -> bool {
        self.request.path == "/graphql"
    }

    /// A 200 whose body carries no GraphQL error.
    pub(crate) fn answered(&self) -> bool {
        self.response.status == 200 && self.response.body.get("errors").is_none()
    }

    pub(crate) fn query(&self) -> &str {
        self.request
            .body
            .as_ref()
            .and_then(|b| b["query"].as_str())
            .unwrap_or_default()
    }

    pub(crate) fn variables(&self) -> Value {
        self.request
            .body
            .as_ref()
            .map(|b| b["variables"].clone())
            .unwrap_or(Value::Null)
    }

    pub(crate) fn error_messages(&self) -> Vec<String> {
        self.response.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str().map(str::to_owned))
            .collect()
    }

    /// The recorded answer as it was sent.
    pub(crate) fn response(&self) -> Response {
        let recorded = &self.response;
        let (body, is_json) = match &recorded.body {
            Value::String(text) => (text.clone().into_bytes(), false),
            json => (serde_json::to_vec(json).unwrap(), true),
        };
        let mut response = Response::builder().status(recorded.status);
        for (name, value) in &recorded.headers {
            // The recording keeps JSON bodies parsed, not their bytes, so their length is the replay's to set.
            if !(is_json && name.eq_ignore_ascii_case("content-length")) {
                response = response.header(name, value);
            }
        }
        response.body(Body::from(body)).unwrap()
    }
}

/// The recorded exchange for this method, path and caller.
pub(crate) fn recorded(method: &str, path: &str, caller: Caller) -> &'static Exchange {
    RECORDING
        .exchanges
        .iter()
        .find(|e| e.request.method == method && e.request.path == path && e.caller() == caller)
        .unwrap_or_else(|| panic!("the recording has no {method} {path} from {caller:?}"))
}

pub(crate) fn recorded_text(exchange: &Exchange) -> &str {
    exchange.response.body.as_str().expect("a text body")
}

/// Who made a request, as the real server tells: the recording's `auth` labels, a signed URL's token, nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Caller {
    Admin,
    Member,
    Outsider,
    Developer,
    SignedToken,
    Anonymous,
}

impl Caller {
    /// The caller a recorded exchange names. GraphQL sees a developer token as nobody at all.
    fn recorded(auth: &str, path: &str) -> Caller {
        match auth {
            "admin-jwt" => Caller::Admin,
            "member-jwt" => Caller::Member,
            "outsider-jwt" => Caller::Outsider,
            "developer-token" if path.starts_with("/download/") => Caller::Developer,
            "developer-token" => Caller::Anonymous,
            other => panic!("the recording names an unknown caller `{other}`"),
        }
    }

    /// Who the real server sees: on a download route a `?token=` first, then a download token as
    /// `Authorization: Token`; anywhere a JWT only as `Authorization: Bearer`. Anything else is nobody.
    pub(crate) fn of_request(
        path: &str,
        query: Option<&str>,
        authorization: Option<&str>,
    ) -> Caller {
        let downloading = path.starts_with("/download/");
        if downloading {
            if let Some(token) = query_token(query) {
                return match token.as_str() {
                    DEVELOPER_TOKEN => Caller::Developer,
                    SIGNED_TOKEN => Caller::SignedToken,
                    _ => Caller::Anonymous,
                };
            }
        }
        match authorization.and_then(|value| value.split_once(' ')) {
            Some(("Bearer", ADMIN_JWT)) => Caller::Admin,
            Some(("Bearer", MEMBER_JWT)) => Caller::Member,
            Some(("Bearer", OUTSIDER_JWT)) => Caller::Outsider,
            Some(("Token", DEVELOPER_TOKEN)) if downloading => Caller::Developer,
            _ => Caller::Anonymous,
        }
    }

    /// The secret a remote of this caller holds.
    pub(crate) fn secret(self) -> &'static str {
        match self {
            Caller::Admin => ADMIN_JWT,
            Caller::Member => MEMBER_JWT,
            Caller::Outsider => OUTSIDER_JWT,
            Caller::Developer => DEVELOPER_TOKEN,
            other => panic!("{other:?} has no remote of its own"),
        }
    }

    /// The `Authorization` header the recorded caller sent (the recording's nobody on GraphQL held the developer
    /// token).
    pub(crate) fn authorization(self) -> Option<String> {
        match self {
            Caller::Developer | Caller::Anonymous => Some(format!("Token {DEVELOPER_TOKEN}")),
            Caller::SignedToken => None,
            jwt => Some(format!("Bearer {}", jwt.secret())),
        }
    }
}

pub(crate) fn query_token(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
}
