//! Replays exchanges recorded with the real study creator (kf-api-study-creator 1.22) through Docket's
//! study-creator provider, and asserts what Docket makes of each: the entries, versions, saved files and errors,
//! and that every request Docket sends is one the real server accepts.
//!
//! Fixtures, copied verbatim from the project's API notes (`api-docs/`, beside the vendor pages):
//! - `fixtures/study-creator-1.22.recorded.json`: exchanges recorded on 2026-12-07 with kf-api-study-creator
//!   1.22.0 run locally with production settings; credentials removed, the study, files and users synthetic.
//! - `fixtures/study-creator-1.22.introspection.json`: that server's introspection answer. Docket's GraphQL is
//!   validated against it, so a field or argument the real server does not know fails here.
//!
//! How the local replay server answers:
//! - `/download` and `/signed-url`: the recorded exchange with the same method, path and caller, verbatim
//!   (status, headers, body). The caller is told apart as the real server does (see [`Caller::of_request`]).
//! - `/graphql`: a document the real schema refuses gets the recorded refusal that says the same, else the
//!   schema's own words (HTTP 400, as graphene). An accepted document is answered root field by root field from
//!   the recorded answer to the same field, caller and arguments (a recorded error goes back verbatim); Docket's
//!   paging and `orderBy` are applied to the recorded connection and only the fields Docket selects are sent. A
//!   lookup by `kfId` gets the recorded node, when the caller's recorded study list shows its study.
//! - What the recording cannot answer gets a 501 and is named in the request log, which the tests read.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, SystemTime};

use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Interface, InterfaceField,
    Object, ResolverContext, Scalar, Schema, TypeRef, Union,
};
use async_graphql::parser::types::Selection;
use async_graphql::{Value as GraphqlValue, Variables};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::Engine;
use docket_core::{
    Credentials, DocRef, EntryKind, Location, Provider, ProviderError, RangeSupport, RemoteConfig,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use support::{content_hash, download, prepared_url, provider_error};

const RECORDED: &str = include_str!("fixtures/study-creator-1.22.recorded.json");
const INTROSPECTION: &str = include_str!("fixtures/study-creator-1.22.introspection.json");

/// The one study of the recording, its two-version file and its file with a non-ASCII name.
const STUDY: &str = "SD_ME0WME0W";
const MANIFEST: &str = "SD_ME0WME0W/SF_GYNMMZ2Q";
const RESUME_SHEET: &str = "SD_ME0WME0W/SF_5AK5GP98";

// Stand-ins for the credentials the recording had removed.
const ADMIN_JWT: &str = "replay.admin.jwt";
const MEMBER_JWT: &str = "replay.member.jwt";
const OUTSIDER_JWT: &str = "replay.outsider.jwt";
const DEVELOPER_TOKEN: &str = "replay-developer-token";
/// The recording's own stand-in for the token a signed URL carries.
const SIGNED_TOKEN: &str = "<single-use token>";

// ---------------------------------------------------------------------------------------------- the recording

#[derive(Debug, Deserialize)]
struct Recording {
    exchanges: Vec<Exchange>,
}

#[derive(Debug, Deserialize)]
struct Exchange {
    request: RecordedRequest,
    response: RecordedResponse,
}

#[derive(Debug, Deserialize)]
struct RecordedRequest {
    method: String,
    path: String,
    auth: String,
    body: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct RecordedResponse {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Value,
}

static RECORDING: LazyLock<Recording> =
    LazyLock::new(|| serde_json::from_str(RECORDED).expect("the recording is JSON"));

impl Exchange {
    fn caller(&self) -> Caller {
        Caller::recorded(&self.request.auth, &self.request.path)
    }

    fn is_graphql(&self) -> bool {
        self.request.path == "/graphql"
    }

    /// A 200 whose body carries no GraphQL error.
    fn answered(&self) -> bool {
        self.response.status == 200 && self.response.body.get("errors").is_none()
    }

    fn query(&self) -> &str {
        self.request
            .body
            .as_ref()
            .and_then(|b| b["query"].as_str())
            .unwrap_or_default()
    }

    fn variables(&self) -> Value {
        self.request
            .body
            .as_ref()
            .map(|b| b["variables"].clone())
            .unwrap_or(Value::Null)
    }

    fn error_messages(&self) -> Vec<String> {
        self.response.body["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str().map(str::to_owned))
            .collect()
    }

    /// The recorded answer as it was sent.
    fn response(&self) -> Response {
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
fn recorded(method: &str, path: &str, caller: Caller) -> &'static Exchange {
    RECORDING
        .exchanges
        .iter()
        .find(|e| e.request.method == method && e.request.path == path && e.caller() == caller)
        .unwrap_or_else(|| panic!("the recording has no {method} {path} from {caller:?}"))
}

fn recorded_text(exchange: &Exchange) -> &str {
    exchange.response.body.as_str().expect("a text body")
}

// ---------------------------------------------------------------------------------------------- callers

/// Who made a request, as the real server tells: the recording's `auth` labels, a signed URL's token, nobody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
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
    fn of_request(path: &str, query: Option<&str>, authorization: Option<&str>) -> Caller {
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
    fn secret(self) -> &'static str {
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
    fn authorization(self) -> Option<String> {
        match self {
            Caller::Developer | Caller::Anonymous => Some(format!("Token {DEVELOPER_TOKEN}")),
            Caller::SignedToken => None,
            jwt => Some(format!("Bearer {}", jwt.secret())),
        }
    }
}

fn query_token(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, value)| value.into_owned())
}

// ---------------------------------------------------------------------------------------------- GraphQL documents

/// Arguments that page or order a connection; every other argument picks what is answered.
const PAGING: &[&str] = &["first", "last", "after", "before", "offset", "orderBy"];

/// The root fields an operation selects, with their arguments resolved against `variables`.
fn root_fields(
    query: &str,
    operation: Option<&str>,
    variables: &Value,
) -> Vec<(String, Map<String, Value>)> {
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return Vec::new();
    };
    let chosen = document
        .operations
        .iter()
        .find(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation);
    let Some((_, definition)) = chosen else {
        return Vec::new();
    };
    definition
        .node
        .selection_set
        .node
        .items
        .iter()
        .filter_map(|selection| match &selection.node {
            Selection::Field(field) => {
                let arguments = field
                    .node
                    .arguments
                    .iter()
                    .map(|(name, value)| {
                        let resolved = value
                            .node
                            .clone()
                            .into_const_with(|variable| {
                                let given = variables.get(variable.as_str()).cloned();
                                GraphqlValue::from_json(given.unwrap_or(Value::Null))
                            })
                            .ok()
                            .and_then(|v| v.into_json().ok());
                        (name.node.to_string(), resolved.unwrap_or(Value::Null))
                    })
                    .collect();
                Some((field.node.name.node.to_string(), arguments))
            }
            _ => None,
        })
        .collect()
}

/// The arguments that pick what is answered, nulls left out (graphene reads a null filter as no filter).
fn identifying(arguments: &Map<String, Value>) -> BTreeMap<String, Value> {
    arguments
        .iter()
        .filter(|(name, value)| !PAGING.contains(&name.as_str()) && !value.is_null())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// Graphene's validation messages end with a suggestion worded by the library; the rule's words come first.
fn without_suggestion(message: &str) -> &str {
    message
        .split(" Did you mean")
        .next()
        .unwrap_or(message)
        .trim()
}

// ---------------------------------------------------------------------------------------------- recorded nodes

/// Every node the recording shows, by `kfId`, merged across answers; the study each belongs to; the studies each
/// caller's recorded `allStudies` lists (node values are the same whoever asks, visibility is not).
#[derive(Default)]
struct RecordedNodes {
    nodes: HashMap<String, Map<String, Value>>,
    study_of: HashMap<String, String>,
    studies_seen_by: HashMap<Caller, HashSet<String>>,
}

impl RecordedNodes {
    fn from_recording(recording: &Recording) -> Self {
        let mut known = RecordedNodes::default();
        // Files before versions, so versions answered on their own find their file's study.
        for versions_pass in [false, true] {
            for exchange in recording
                .exchanges
                .iter()
                .filter(|e| e.is_graphql() && e.answered())
            {
                for (field, arguments) in root_fields(exchange.query(), None, &exchange.variables())
                {
                    if (field == "allVersions") != versions_pass {
                        continue;
                    }
                    let answer = &exchange.response.body["data"][&field];
                    let study = match field.as_str() {
                        "allFiles" => arguments
                            .get("study_KfId")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        "allVersions" => arguments
                            .get("fileKfId")
                            .and_then(Value::as_str)
                            .and_then(|file| known.study_of.get(file).cloned()),
                        _ => None,
                    };
                    if field == "allStudies" {
                        let seen = known.studies_seen_by.entry(exchange.caller()).or_default();
                        for edge in answer["edges"].as_array().into_iter().flatten() {
                            seen.extend(edge["node"]["kfId"].as_str().map(str::to_owned));
                        }
                    }
                    known.collect(answer, study.as_deref());
                }
            }
        }
        known
    }

    fn collect(&mut self, value: &Value, study: Option<&str>) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| self.collect(item, study)),
            Value::Object(fields) => {
                if let Some(kf_id) = fields.get("kfId").and_then(Value::as_str) {
                    let node = self.nodes.entry(kf_id.to_owned()).or_default();
                    for (name, field) in fields {
                        node.entry(name.clone()).or_insert_with(|| field.clone());
                    }
                    let owner = if kf_id.starts_with("SD_") {
                        Some(kf_id)
                    } else {
                        study
                    };
                    if let Some(owner) = owner {
                        self.study_of.insert(kf_id.to_owned(), owner.to_owned());
                        // A file listed by `allFiles(study_KfId:)` belongs to that study, though the answer did
                        // not select it.
                        if kf_id.starts_with("SF_") {
                            node.entry("study")
                                .or_insert_with(|| json!({ "kfId": owner }));
                        }
                    }
                }
                fields.values().for_each(|field| self.collect(field, study));
            }
            _ => {}
        }
    }

    fn visible_to(&self, caller: Caller, kf_id: &str) -> bool {
        let study = self.study_of.get(kf_id);
        let seen = self.studies_seen_by.get(&caller);
        matches!((study, seen), (Some(study), Some(seen)) if seen.contains(study))
    }
}

/// A recorded connection cut as the real server cuts it for these arguments: `orderBy` on a field, then `after`
/// and `first` over graphene's offset cursors (`arrayconnection:N` in base64).
fn page(recorded: &Value, arguments: &Map<String, Value>) -> Result<Value, String> {
    if recorded["pageInfo"]["hasNextPage"] == json!(true) {
        return Err("the recorded connection is only its first page".into());
    }
    for unsupported in ["last", "before"] {
        if arguments.get(unsupported).is_some_and(|v| !v.is_null()) {
            return Err(format!(
                "the replay does not page backwards (`{unsupported}`)"
            ));
        }
    }
    let mut nodes: Vec<Value> = recorded["edges"]
        .as_array()
        .ok_or("the recorded connection has no edges")?
        .iter()
        .map(|edge| edge["node"].clone())
        .collect();
    if let Some(order) = arguments.get("orderBy").and_then(Value::as_str) {
        let (field, descending) = match order.strip_prefix('-') {
            Some(field) => (field, true),
            None => (order, false),
        };
        let key = camel_case(field);
        if nodes.iter().any(|node| !node[&key].is_string()) {
            return Err(format!("the recording lacks `{key}` to order by"));
        }
        nodes.sort_by(|a, b| a[&key].as_str().cmp(&b[&key].as_str()));
        if descending {
            nodes.reverse();
        }
    }
    let after = match arguments.get("after").and_then(Value::as_str) {
        Some(cursor) => offset_of(cursor)? + 1,
        None => 0,
    };
    let offset = arguments.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize;
    let start = (after + offset).min(nodes.len());
    let first = arguments.get("first").and_then(Value::as_u64);
    let end = first.map_or(nodes.len(), |n| (start + n as usize).min(nodes.len()));
    let edges: Vec<Value> = (start..end)
        .map(|at| json!({ "cursor": cursor(at), "node": nodes[at] }))
        .collect();
    Ok(json!({
        "edges": edges,
        "pageInfo": {
            "hasNextPage": end < nodes.len(),
            "hasPreviousPage": false,
            "startCursor": edges.first().map(|e| e["cursor"].clone()),
            "endCursor": edges.last().map(|e| e["cursor"].clone()),
        },
    }))
}

fn cursor(offset: usize) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("arrayconnection:{offset}"))
}

fn offset_of(cursor: &str) -> Result<usize, String> {
    base64::engine::general_purpose::STANDARD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("arrayconnection:")?.parse().ok())
        .ok_or_else(|| format!("`{cursor}` is not one of graphene's cursors"))
}

/// `created_at` → `createdAt`: graphene's `orderBy` takes Django field names, answers camel case.
fn camel_case(field: &str) -> String {
    let mut words = field.split('_');
    let mut camel = words.next().unwrap_or_default().to_owned();
    for word in words {
        let mut chars = word.chars();
        camel.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        camel.push_str(chars.as_str());
    }
    camel
}

// ---------------------------------------------------------------------------------------------- the real schema

/// The real server's schema, from its introspection answer, with every field answered from the recording.
static SCHEMA: LazyLock<Schema> = LazyLock::new(real_schema);

/// A recorded JSON value standing for an object while a GraphQL answer is assembled.
struct RecordedObject(Value);

/// What a field's resolver needs to know about it.
struct FieldShape {
    owner: String,
    name: String,
    ty: TypeRef,
    on_root: bool,
    kinds: Arc<HashMap<String, String>>,
}

impl FieldShape {
    fn named_type(&self) -> &str {
        let mut ty = &self.ty;
        loop {
            match ty {
                TypeRef::NonNull(inner) | TypeRef::List(inner) => ty = inner,
                TypeRef::Named(name) => return name,
            }
        }
    }
}

fn type_ref(introspected: &Value) -> TypeRef {
    match introspected["kind"].as_str() {
        Some("NON_NULL") => TypeRef::NonNull(Box::new(type_ref(&introspected["ofType"]))),
        Some("LIST") => TypeRef::List(Box::new(type_ref(&introspected["ofType"]))),
        _ => TypeRef::named(introspected["name"].as_str().expect("a named type")),
    }
}

fn items<'a>(introspected: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    introspected[key].as_array().into_iter().flatten()
}

fn name_of(introspected: &Value) -> &str {
    introspected["name"].as_str().expect("a name")
}

fn real_schema() -> Schema {
    let introspection: Value = serde_json::from_str(INTROSPECTION).expect("introspection JSON");
    let schema = &introspection["data"]["__schema"];
    let kinds: Arc<HashMap<String, String>> = Arc::new(
        items(schema, "types")
            .map(|t| {
                (
                    name_of(t).to_owned(),
                    t["kind"].as_str().unwrap().to_owned(),
                )
            })
            .collect(),
    );
    let roots: Vec<&str> = ["queryType", "mutationType"]
        .iter()
        .filter_map(|root| schema[*root]["name"].as_str())
        .collect();
    let mut builder = Schema::build(roots[0], roots.get(1).copied(), None);
    for introspected in items(schema, "types") {
        let name = name_of(introspected);
        if name.starts_with("__") {
            continue;
        }
        builder = match introspected["kind"].as_str().unwrap() {
            "SCALAR" if ["String", "Int", "Float", "Boolean", "ID"].contains(&name) => builder,
            "SCALAR" => builder.register(Scalar::new(name)),
            "ENUM" => builder
                .register(Enum::new(name).items(items(introspected, "enumValues").map(name_of))),
            "INPUT_OBJECT" => {
                let mut input = InputObject::new(name);
                for field in items(introspected, "inputFields") {
                    input = input.field(InputValue::new(name_of(field), type_ref(&field["type"])));
                }
                builder.register(input)
            }
            "UNION" => {
                let mut union = Union::new(name);
                for member in items(introspected, "possibleTypes") {
                    union = union.possible_type(name_of(member));
                }
                builder.register(union)
            }
            "INTERFACE" => {
                let mut interface = Interface::new(name);
                for field in items(introspected, "fields") {
                    let mut declared =
                        InterfaceField::new(name_of(field), type_ref(&field["type"]));
                    for argument in items(field, "args") {
                        declared = declared.argument(InputValue::new(
                            name_of(argument),
                            type_ref(&argument["type"]),
                        ));
                    }
                    interface = interface.field(declared);
                }
                builder.register(interface)
            }
            _ => {
                let mut object = Object::new(name);
                for interface in items(introspected, "interfaces") {
                    object = object.implement(name_of(interface));
                }
                for field in items(introspected, "fields") {
                    let shape = FieldShape {
                        owner: name.to_owned(),
                        name: name_of(field).to_owned(),
                        ty: type_ref(&field["type"]),
                        on_root: roots.contains(&name),
                        kinds: kinds.clone(),
                    };
                    object = object.field(answered_field(shape, field));
                }
                builder.register(object)
            }
        };
    }
    builder
        .finish()
        .expect("the recorded introspection makes a schema")
}

fn answered_field(shape: FieldShape, introspected: &Value) -> Field {
    let shape = Arc::new(shape);
    let mut field = Field::new(shape.name.clone(), shape.ty.clone(), {
        let shape = shape.clone();
        move |ctx| {
            let shape = shape.clone();
            FieldFuture::new(async move { answer(&ctx, &shape) })
        }
    });
    for argument in items(introspected, "args") {
        field = field.argument(InputValue::new(
            name_of(argument),
            type_ref(&argument["type"]),
        ));
    }
    field
}

/// One field's answer from the recording; a non-null field the recording cannot fill is a gap in the recording.
fn answer<'a>(
    ctx: &ResolverContext<'a>,
    shape: &FieldShape,
) -> async_graphql::Result<Option<FieldValue<'a>>> {
    let call = ctx.data::<Arc<GraphqlCall>>()?;
    call.resolved.store(true, Ordering::Relaxed);
    let arguments: Map<String, Value> = ctx
        .args
        .iter()
        .map(|(name, value)| {
            let json = value.as_value().clone().into_json().unwrap_or(Value::Null);
            (name.to_string(), json)
        })
        .collect();
    let value = if shape.on_root {
        call.root_answer(&shape.name, &arguments)?
    } else {
        let parent = ctx.parent_value.try_downcast_ref::<RecordedObject>()?;
        call.field_of(&parent.0, shape)
    };
    let value = match value {
        Some(value) if !value.is_null() => value,
        _ if matches!(shape.ty, TypeRef::NonNull(_)) => {
            return Err(call
                .gap(format!(
                    "the recording holds no `{}.{}` (non-null)",
                    shape.owner, shape.name
                ))
                .into())
        }
        _ => return Ok(None),
    };
    let value = if shape.named_type().ends_with("Connection") {
        page(&value, &arguments).map_err(|why| call.gap(format!("`{}`: {why}", shape.name)))?
    } else {
        value
    };
    Ok(Some(field_value(value, &shape.ty, &shape.kinds)?))
}

fn field_value(
    value: Value,
    ty: &TypeRef,
    kinds: &HashMap<String, String>,
) -> async_graphql::Result<FieldValue<'static>> {
    match ty {
        TypeRef::NonNull(inner) => field_value(value, inner, kinds),
        TypeRef::List(inner) => {
            let items = value
                .as_array()
                .cloned()
                .ok_or("a list was recorded as something else")?;
            let values = items
                .into_iter()
                .map(|item| match item {
                    Value::Null => Ok(FieldValue::NULL),
                    item => field_value(item, inner, kinds),
                })
                .collect::<async_graphql::Result<Vec<_>>>()?;
            Ok(FieldValue::list(values))
        }
        TypeRef::Named(name) => match kinds.get(name.as_ref()).map(String::as_str) {
            Some("OBJECT") => Ok(FieldValue::owned_any(RecordedObject(value))),
            Some("INTERFACE" | "UNION") => {
                let concrete = match value["kfId"].as_str().map(|id| id.get(..3)) {
                    Some(Some("SD_")) => "StudyNode",
                    Some(Some("SF_")) => "FileNode",
                    Some(Some("FV_")) => "VersionNode",
                    _ => return Err(format!("no concrete type for a recorded {name}").into()),
                };
                Ok(FieldValue::owned_any(RecordedObject(value)).with_type(concrete))
            }
            _ => Ok(FieldValue::value(GraphqlValue::from_json(value)?)),
        },
    }
}

/// One GraphQL request being answered: who asks, and what the recording could or could not answer.
struct GraphqlCall {
    caller: Caller,
    replay: Arc<Replay>,
    /// A recorded exchange to send back as it was, when a root field's recorded answer is an error.
    verbatim: Mutex<Option<usize>>,
    gaps: Mutex<Vec<String>>,
    /// Whether any field was resolved: a document refused by validation resolves none.
    resolved: AtomicBool,
}

impl GraphqlCall {
    fn gap(&self, why: String) -> String {
        self.gaps.lock().unwrap().push(why.clone());
        why
    }

    fn root_answer(
        &self,
        field: &str,
        arguments: &Map<String, Value>,
    ) -> async_graphql::Result<Option<Value>> {
        let wanted = identifying(arguments);
        let recorded = RECORDING.exchanges.iter().enumerate().find(|(_, e)| {
            e.is_graphql()
                && e.response.status == 200
                && e.caller() == self.caller
                && root_fields(e.query(), None, &e.variables())
                    .iter()
                    .any(|(name, args)| name == field && identifying(args) == wanted)
        });
        if let Some((index, exchange)) = recorded {
            if exchange.answered() {
                return Ok(Some(exchange.response.body["data"][field].clone()));
            }
            self.verbatim.lock().unwrap().get_or_insert(index);
            return Err(exchange.error_messages().join("; ").into());
        }
        let kf_id = match (field, wanted.get("kfId").and_then(Value::as_str)) {
            ("studyByKfId" | "fileByKfId" | "versionByKfId", Some(kf_id)) if wanted.len() == 1 => {
                Some(kf_id)
            }
            _ => None,
        };
        let nodes = &self.replay.nodes;
        if let Some(kf_id) = kf_id.filter(|id| nodes.visible_to(self.caller, id)) {
            return Ok(Some(Value::Object(nodes.nodes[kf_id].clone())));
        }
        Err(self
            .gap(format!(
                "nothing recorded answers `{field}` with {} for {:?}",
                Value::Object(wanted.into_iter().collect()),
                self.caller
            ))
            .into())
    }

    /// A field of a recorded object; missing there, the same field of the same node in another recorded answer.
    fn field_of(&self, parent: &Value, shape: &FieldShape) -> Option<Value> {
        parent.get(&shape.name).cloned().or_else(|| {
            let kf_id = parent.get("kfId")?.as_str()?;
            self.replay
                .nodes
                .nodes
                .get(kf_id)?
                .get(&shape.name)
                .cloned()
        })
    }
}

// ---------------------------------------------------------------------------------------------- the replay server

/// One request Docket made, and how the replay answered it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    authorization: Option<String>,
    /// For GraphQL: the operation's root fields, e.g. `allStudies`.
    root_fields: Vec<String>,
    answer: Answer,
}

#[derive(Debug, Clone, PartialEq)]
enum Answer {
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

struct Replay {
    nodes: RecordedNodes,
    seen: Mutex<Vec<Seen>>,
}

/// A local server answering with the recording, and the requests Docket made of it.
struct RecordedServer {
    base: String,
    replay: Arc<Replay>,
}

impl RecordedServer {
    async fn start() -> Self {
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
    fn remote(&self, token_type: &str, signed_urls: bool, token: &str) -> Arc<dyn Provider> {
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
    fn by_route(&self, caller: Caller) -> Arc<dyn Provider> {
        let token_type = if caller == Caller::Developer {
            "developer"
        } else {
            "bearer"
        };
        self.remote(token_type, false, caller.secret())
    }

    fn by_signed_url(&self, caller: Caller) -> Arc<dyn Provider> {
        self.remote("bearer", true, caller.secret())
    }

    fn requests(&self) -> Vec<Seen> {
        self.replay.seen.lock().unwrap().clone()
    }

    /// The root fields of each GraphQL request, in order.
    fn graphql_operations(&self) -> Vec<Vec<String>> {
        self.requests()
            .into_iter()
            .filter(|seen| seen.path == "/graphql")
            .map(|seen| seen.root_fields)
            .collect()
    }

    /// Fails naming what Docket sent that the real server's schema refuses.
    fn assert_the_real_server_accepts_what_docket_sent(&self) {
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
    fn assert_the_recording_answered_every_request(&self) {
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
type FileSummary<'a> = (
    &'a str,
    &'a str,
    Option<u64>,
    Option<&'a str>,
    Option<&'a str>,
);

fn saved_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

// ---------------------------------------------------------------------------------------------- the replay itself

#[tokio::test]
async fn the_replay_answers_each_recorded_request_as_the_real_server_did() {
    let server = RecordedServer::start().await;
    let http = support::http();
    for (index, exchange) in RECORDING.exchanges.iter().enumerate() {
        let url = format!("{}{}", server.base, exchange.request.path);
        let mut request = match exchange.request.method.as_str() {
            "POST" => http
                .post(&url)
                .json(exchange.request.body.as_ref().unwrap()),
            _ => http.get(&url),
        };
        if let Some(authorization) = exchange.caller().authorization() {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            exchange.response.status,
            "exchange {index}"
        );
        for (name, value) in &exchange.response.headers {
            if !name.eq_ignore_ascii_case("content-length") || exchange.response.body.is_string() {
                assert_eq!(
                    response.headers()[name.as_str()],
                    value.as_str(),
                    "exchange {index}: {name}"
                );
            }
        }
        let body = response.text().await.unwrap();
        match &exchange.response.body {
            Value::String(text) => assert_eq!(&body, text, "exchange {index}"),
            json => assert_eq!(
                &serde_json::from_str::<Value>(&body).unwrap(),
                json,
                "exchange {index}"
            ),
        }
    }
    // The real server refused one recorded query (exchange 5, `studyKfId`); the schema here refuses it alike.
    let refusals: Vec<Answer> = server
        .requests()
        .into_iter()
        .map(|seen| seen.answer)
        .filter(|answer| matches!(answer, Answer::Refused { .. } | Answer::NotRecorded(_)))
        .collect();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(
        matches!(
            &refusals[0],
            Answer::Refused {
                recorded: Some(5),
                ..
            }
        ),
        "{refusals:?}"
    );
}

// ---------------------------------------------------------------------------------------------- browsing

#[tokio::test]
async fn an_admin_lists_the_recorded_study_with_its_name_short_name_and_creation_time() {
    let server = RecordedServer::start().await;
    let studies = server
        .by_route(Caller::Admin)
        .list_all(&Location::root())
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    assert_eq!(studies.len(), 1, "{studies:?}");
    let study = &studies[0];
    assert_eq!(study.id, STUDY);
    assert_eq!(study.name, "Docket Verification Study");
    assert_eq!(study.kind, EntryKind::Folder);
    assert_eq!(
        study.modified.as_deref(),
        Some("2026-12-07T11:11:23.759243+00:00")
    );
    assert_eq!(study.extra["shortName"], "DocketVer");
    assert_eq!(server.graphql_operations(), [["allStudies"]]);
    assert_eq!(
        server.requests()[0].authorization.as_deref(),
        Some("Bearer replay.admin.jwt")
    );
}

#[tokio::test]
async fn a_member_of_the_study_lists_the_same_study() {
    let server = RecordedServer::start().await;
    let studies = server
        .by_route(Caller::Member)
        .list_all(&Location::root())
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    let ids: Vec<&str> = studies.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, [STUDY]);
}

#[tokio::test]
async fn a_user_of_no_study_lists_nothing_and_no_error() {
    let server = RecordedServer::start().await;
    let page = server
        .by_route(Caller::Outsider)
        .list(&Location::root(), None)
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    assert!(page.items.is_empty(), "{:?}", page.items);
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn a_jwt_the_server_does_not_recognise_is_refused_with_its_not_allowed_sent_with_http_200() {
    // A bad or expired JWT makes the caller anonymous, and the recorded anonymous answer is `Not allowed` inside
    // a 200 (recorded with a developer token, which GraphQL also sees as nobody).
    let server = RecordedServer::start().await;
    let err = server
        .remote("bearer", false, "expired.or.forged.jwt")
        .list_all(&Location::root())
        .await
        .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        err,
        ProviderError::Unauthorized {
            message: "Not allowed".into()
        }
    );
    assert_eq!(server.requests()[0].answer, Answer::Recorded(3));
}

#[tokio::test]
async fn a_developer_token_does_not_browse_and_says_why_without_asking_the_server() {
    // The server would answer `Not allowed` (exchange 3); Docket says what to change instead.
    let server = RecordedServer::start().await;
    let err = server
        .by_route(Caller::Developer)
        .list_all(&Location::root())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidRequest { message } if message.contains("token_type=bearer")),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn an_admin_lists_the_studys_two_files_each_with_its_latest_version() {
    let server = RecordedServer::start().await;
    let listed = server
        .by_route(Caller::Admin)
        .list_all(&Location::at(STUDY))
        .await;
    // Issue 14's bug fails here: Docket sent `allFiles(studyKfId: …)` (study_creator/nodes.rs), and the real
    // server knows only `study_KfId`: it refuses the whole query with HTTP 400, as recorded in exchange 5.
    server.assert_the_real_server_accepts_what_docket_sent();
    let files = listed.expect("the study's files");
    server.assert_the_recording_answered_every_request();
    let summary: Vec<FileSummary> = files
        .iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.name.as_str(),
                f.size,
                f.version.as_deref(),
                f.modified.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                MANIFEST,
                "Participants manifest",
                Some(5_242_880),
                Some("FV_FA4PEQ9E"),
                Some("2026-12-07T11:11:50.182074+00:00")
            ),
            (
                RESUME_SHEET,
                "Résumé sheet",
                Some(31),
                Some("FV_SZ8VT2KT"),
                Some("2026-12-07T11:11:50.240432+00:00")
            ),
        ]
    );
    assert!(files
        .iter()
        .all(|f| f.kind == EntryKind::Document && f.parent.as_deref() == Some(STUDY)));
    assert_eq!(files[0].extra["fileName"], "participants_v2.bin");
    assert_eq!(
        files[0].extra["description"],
        "two-version file for docket verification"
    );
    assert_eq!(files[1].extra["fileName"], "Résumé data (final).csv");
}

#[tokio::test]
async fn a_member_sees_both_versions_of_the_manifest_newest_first() {
    let server = RecordedServer::start().await;
    let versions = server
        .by_route(Caller::Member)
        .versions(&DocRef::new(MANIFEST))
        .await
        .unwrap();
    server.assert_the_recording_answered_every_request();
    let summary: Vec<(&str, Option<u64>, Option<&str>)> = versions
        .iter()
        .map(|v| (v.id.as_str(), v.size, v.modified.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "FV_FA4PEQ9E",
                Some(5_242_880),
                Some("2026-12-07T11:11:50.182074+00:00")
            ),
            (
                "FV_886XHYWE",
                Some(87),
                Some("2026-12-07T11:11:48.512878+00:00")
            ),
        ]
    );
    // The recording shows no version description (answered null here), so each label is the file name.
    let labels: Vec<&str> = versions.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(labels, ["participants_v2.bin", "participants.csv"]);
    assert_eq!(
        server.graphql_operations(),
        [["fileByKfId"], ["allVersions"]]
    );
}

// ---------------------------------------------------------------------------------------------- downloads

#[tokio::test]
async fn a_developer_token_downloads_an_older_version_by_route_under_the_servers_versioned_name() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let saved = download(
        server.by_route(Caller::Developer).as_ref(),
        &DocRef::new(MANIFEST),
        Some("FV_886XHYWE"),
        dir.path(),
    )
    .await
    .unwrap();
    server.assert_the_recording_answered_every_request();
    let path = "/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q/version/FV_886XHYWE";
    let body = recorded_text(recorded("GET", path, Caller::Developer));
    assert_eq!(saved_name(&saved.path), "FV_886XHYWE_participants.csv");
    assert_eq!(saved.bytes, 87);
    assert_eq!(saved.content_hash, content_hash(body.as_bytes()));
    assert_eq!(std::fs::read_to_string(&saved.path).unwrap(), body);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].path, path);
    assert_eq!(requests[0].query, None);
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Token replay-developer-token")
    );
}

#[tokio::test]
async fn an_admin_downloads_the_latest_resume_sheet_under_its_rfc5987_utf8_name() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let saved = download(
        server.by_route(Caller::Admin).as_ref(),
        &DocRef::new(RESUME_SHEET),
        None,
        dir.path(),
    )
    .await
    .unwrap();
    server.assert_the_recording_answered_every_request();
    let path = "/download/study/SD_ME0WME0W/file/SF_5AK5GP98";
    let body = recorded_text(recorded("GET", path, Caller::Admin));
    assert_eq!(
        saved_name(&saved.path),
        "FV_SZ8VT2KT_Résumé data (final).csv"
    );
    assert_eq!(saved.bytes, 31);
    assert_eq!(saved.content_hash, content_hash(body.as_bytes()));
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].path, path);
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer replay.admin.jwt")
    );
}

#[tokio::test]
async fn a_user_of_another_study_is_refused_the_manifest_in_the_servers_words_and_nothing_is_left()
{
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let err = download(
        server.by_route(Caller::Outsider).as_ref(),
        &DocRef::new(MANIFEST),
        None,
        dir.path(),
    )
    .await
    .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        provider_error(err),
        ProviderError::Unauthorized {
            message: "Not authorized to download the file".into()
        }
    );
    assert!(is_empty(dir.path()));
}

#[tokio::test]
async fn an_unknown_file_is_not_found_in_the_servers_words() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let err = download(
        server.by_route(Caller::Admin).as_ref(),
        &DocRef::new("SD_ME0WME0W/SF_ZZZZZZZZ"),
        None,
        dir.path(),
    )
    .await
    .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        provider_error(err),
        ProviderError::NotFound {
            message: "No file exists with given ID".into()
        }
    );
    assert!(is_empty(dir.path()));
}

#[tokio::test]
async fn an_unknown_version_is_not_found_in_the_servers_words() {
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let err = download(
        server.by_route(Caller::Admin).as_ref(),
        &DocRef::new(MANIFEST),
        Some("FV_ZZZZZZZZ"),
        dir.path(),
    )
    .await
    .unwrap_err();
    server.assert_the_recording_answered_every_request();
    assert_eq!(
        provider_error(err),
        ProviderError::NotFound {
            message: "No version exists with given ID".into()
        }
    );
    assert!(is_empty(dir.path()));
}

// ---------------------------------------------------------------------------------------------- signed URLs

#[tokio::test]
async fn a_member_with_signed_urls_gets_a_single_use_url_for_the_latest_version_on_the_configured_address(
) {
    let server = RecordedServer::start().await;
    let url = prepared_url(
        server.by_signed_url(Caller::Member).as_ref(),
        &DocRef::new(MANIFEST),
        None,
    )
    .await;
    server.assert_the_recording_answered_every_request();
    // The server's answer is relative and names the latest version; Docket puts it on the configured address.
    assert_eq!(
        url.url,
        format!(
            "{}/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q/version/FV_FA4PEQ9E?token={SIGNED_TOKEN}",
            server.base
        )
    );
    assert!(url.single_use);
    assert!(url.headers.is_empty(), "a signed URL carries its own token");
    assert_eq!(url.ranges, RangeSupport::Unsupported);
    let left = url
        .expires_at
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap();
    assert!(
        left <= Duration::from_secs(30) && left > Duration::from_secs(20),
        "{left:?}"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        requests[0].path,
        "/signed-url/study/SD_ME0WME0W/file/SF_GYNMMZ2Q"
    );
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some("Bearer replay.member.jwt")
    );
}

#[tokio::test]
async fn a_user_of_another_study_is_handed_a_signed_url_too_as_the_real_server_mints_one_for_anyone_signed_in(
) {
    let server = RecordedServer::start().await;
    let url = prepared_url(
        server.by_signed_url(Caller::Outsider).as_ref(),
        &DocRef::new(MANIFEST),
        None,
    )
    .await;
    server.assert_the_recording_answered_every_request();
    assert!(url
        .url
        .ends_with("/version/FV_FA4PEQ9E?token=<single-use token>"));
}

#[tokio::test]
async fn a_signed_url_is_fetched_once_with_its_token_and_without_the_jwt() {
    // The recording holds no download through a signed token, so this asserts what Docket sends, not what it
    // makes of the answer.
    let server = RecordedServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let outcome = download(
        server.by_signed_url(Caller::Member).as_ref(),
        &DocRef::new(MANIFEST),
        None,
        dir.path(),
    )
    .await;
    assert!(outcome.is_err(), "the replay has no bytes for a signed URL");
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/signed-url/study/SD_ME0WME0W/file/SF_GYNMMZ2Q",
            "/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q/version/FV_FA4PEQ9E",
        ]
    );
    let fetch = &requests[1];
    assert_eq!(
        query_token(fetch.query.as_deref()).as_deref(),
        Some(SIGNED_TOKEN)
    );
    assert_eq!(fetch.authorization, None);
    assert!(matches!(fetch.answer, Answer::NotRecorded(_)));
}

#[tokio::test]
async fn the_views_recorded_401_means_a_used_up_link_to_a_signed_remote_and_a_refused_caller_to_a_route_remote(
) {
    let server = RecordedServer::start().await;
    let refusal = recorded(
        "GET",
        "/download/study/SD_ME0WME0W/file/SF_GYNMMZ2Q",
        Caller::Outsider,
    );
    let status = StatusCode::from_u16(refusal.response.status).unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in &refusal.response.headers {
        headers.insert(
            header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let body = recorded_text(refusal);
    let message = "Not authorized to download the file".to_owned();
    assert_eq!(
        server
            .by_signed_url(Caller::Member)
            .link_failure(status, &headers, body),
        ProviderError::LinkExpired {
            message: message.clone()
        }
    );
    assert_eq!(
        server
            .by_route(Caller::Outsider)
            .link_failure(status, &headers, body),
        ProviderError::Unauthorized { message }
    );
}
