//! The real server's schema from its introspection answer, every field answered from the recording.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use async_graphql::dynamic::{
    Enum, Field, FieldFuture, FieldValue, InputObject, InputValue, Interface, InterfaceField,
    Object, ResolverContext, Scalar, Schema, TypeRef, Union,
};
use async_graphql::Value as GraphqlValue;
use serde_json::{Map, Value};

use crate::nodes::{identifying, page, root_fields};
use crate::recording::{Caller, RECORDING};
use crate::server::Replay;

const INTROSPECTION: &str = include_str!("../fixtures/study-creator-1.22.introspection.json");

/// The real server's schema, from its introspection answer, with every field answered from the recording.
pub(crate) static SCHEMA: LazyLock<Schema> = LazyLock::new(real_schema);

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
pub(crate) struct GraphqlCall {
    pub(crate) caller: Caller,
    pub(crate) replay: Arc<Replay>,
    /// A recorded exchange to send back as it was, when a root field's recorded answer is an error.
    pub(crate) verbatim: Mutex<Option<usize>>,
    pub(crate) gaps: Mutex<Vec<String>>,
    /// Whether any field was resolved: a document refused by validation resolves none.
    pub(crate) resolved: AtomicBool,
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
