//! The GraphQL side of the recording: the root fields an operation selects, the nodes the recording shows,
//! and recorded connections paged as graphene pages them.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::parser::types::Selection;
use async_graphql::Value as GraphqlValue;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::recording::{Caller, Recording};

/// Arguments that page or order a connection; every other argument picks what is answered.
const PAGING: &[&str] = &["first", "last", "after", "before", "offset", "orderBy"];

/// The root fields an operation selects, with their arguments resolved against `variables`.
pub(crate) fn root_fields(
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
pub(crate) fn identifying(arguments: &Map<String, Value>) -> BTreeMap<String, Value> {
    arguments
        .iter()
        .filter(|(name, value)| !PAGING.contains(&name.as_str()) && !value.is_null())
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// Graphene's validation messages end with a suggestion worded by the library; the rule's words come first.
pub(crate) fn without_suggestion(message: &str) -> &str {
    message
        .split(" Did you mean")
        .next()
        .unwrap_or(message)
        .trim()
}

/// Every node the recording shows, by `kfId`, merged across answers; the study each belongs to; the studies each
/// caller's recorded `allStudies` lists (node values are the same whoever asks, visibility is not).
#[derive(Default)]
pub(crate) struct RecordedNodes {
    pub(crate) nodes: HashMap<String, Map<String, Value>>,
    study_of: HashMap<String, String>,
    studies_seen_by: HashMap<Caller, HashSet<String>>,
}

impl RecordedNodes {
    pub(crate) fn from_recording(recording: &Recording) -> Self {
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

    pub(crate) fn visible_to(&self, caller: Caller, kf_id: &str) -> bool {
        let study = self.study_of.get(kf_id);
        let seen = self.studies_seen_by.get(&caller);
        matches!((study, seen), (Some(study), Some(seen)) if seen.contains(study))
    }
}

/// A recorded connection cut as the real server cuts it for these arguments: `orderBy` on a field, then `after`
/// and `first` over graphene's offset cursors (`arrayconnection:N` in base64).
pub(crate) fn page(recorded: &Value, arguments: &Map<String, Value>) -> Result<Value, String> {
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
