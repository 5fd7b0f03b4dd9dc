//! The vendors' GraphQL contracts (`contracts/*.graphql`, each naming where its definitions come from) judge both
//! Docket and its demo server, with a real GraphQL validator (apollo-compiler):
//!
//! - every operation Docket can send, the ones built at run time included, validates against its vendor's schema;
//! - the demo server's schema disagrees with its vendor's on no type, field, argument, enum value or input field
//!   they share, and adds none; and Docket's operations validate against the demo's schema as well.
//!
//! So Docket and the demo cannot agree on something the vendor lacks: issue 14's `dataRoom` selected as a scalar
//! and `allFiles(studyKfId: ...)` passed against the demo and failed against the real servers.

use std::collections::{BTreeSet, HashMap};

use apollo_compiler::ast::OperationType;
use apollo_compiler::collections::{IndexMap, IndexSet};
use apollo_compiler::schema::{
    Component, ComponentName, ExtendedType, FieldDefinition, InputValueDefinition,
};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Schema};

/// One GraphQL vendor: its contract file, the operations Docket sends it, and the demo server's schema for it.
struct Vendor {
    name: &'static str,
    contract: &'static str,
    operations: fn() -> Vec<(&'static str, String)>,
    demo_sdl: fn() -> String,
}

const VENDORS: [Vendor; 3] = [
    Vendor {
        name: "ansarada",
        contract: "ansarada.graphql",
        operations: docket_providers::ansarada::operations,
        demo_sdl: docket_demo::ansarada::schema_sdl,
    },
    Vendor {
        name: "sage-active",
        contract: "sage-active.graphql",
        operations: docket_providers::sage_active::operations,
        demo_sdl: docket_demo::sage_active::schema_sdl,
    },
    Vendor {
        name: "study-creator",
        contract: "study-creator.graphql",
        operations: docket_providers::study_creator::operations,
        demo_sdl: docket_demo::study_creator::schema_sdl,
    },
];

/// What a demo schema may have beyond its vendor's, as `Type` or `Type.field` with the reason: only what the demo
/// needs for its own control, never a field Docket uses. Prefer none.
const DEMO_ONLY: &[(&str, &str)] = &[];

fn contract(vendor: &Vendor) -> Valid<Schema> {
    let path = format!(
        "{}/contracts/{}",
        env!("CARGO_MANIFEST_DIR"),
        vendor.contract
    );
    let text = std::fs::read_to_string(&path).unwrap();
    Schema::parse_and_validate(text, &path)
        .unwrap_or_else(|invalid| panic!("{path} is not a valid schema:\n{}", invalid.errors))
}

fn demo_schema(vendor: &Vendor) -> Valid<Schema> {
    let path = format!("the {} demo server's schema", vendor.name);
    Schema::parse_and_validate((vendor.demo_sdl)(), &path)
        .unwrap_or_else(|invalid| panic!("{path} is not a valid schema:\n{}", invalid.errors))
}

/// The validator's report on `document` against `schema`, or `None` when it is a valid operation.
fn refusal(schema: &Valid<Schema>, name: &str, document: &str) -> Option<String> {
    ExecutableDocument::parse_and_validate(schema, document, format!("{name}.graphql"))
        .err()
        .map(|invalid| invalid.errors.to_string())
}

/// Each refused operation of every vendor against the schema `schema_of` gives it, as one report.
fn refused_operations(schema_of: fn(&Vendor) -> Valid<Schema>) -> Vec<String> {
    let mut refused = Vec::new();
    for vendor in &VENDORS {
        let schema = schema_of(vendor);
        for (name, document) in (vendor.operations)() {
            if let Some(errors) = refusal(&schema, name, &document) {
                refused.push(format!("{}: operation `{name}`:\n{errors}", vendor.name));
            }
        }
    }
    refused
}

#[test]
fn each_contract_is_a_valid_schema_and_each_vendor_has_operations_to_judge() {
    for vendor in &VENDORS {
        contract(vendor);
        assert!(
            !(vendor.operations)().is_empty(),
            "{} lists no operations",
            vendor.name
        );
    }
}

#[test]
fn every_operation_docket_sends_is_valid_against_its_vendors_contract() {
    let refused = refused_operations(contract);
    assert!(
        refused.is_empty(),
        "the vendors' schemas refuse {} of Docket's operations:\n\n{}",
        refused.len(),
        refused.join("\n")
    );
}

#[test]
fn every_operation_docket_sends_also_runs_on_the_demo_server() {
    let refused = refused_operations(demo_schema);
    assert!(
        refused.is_empty(),
        "the demo server's schemas refuse {} of Docket's operations:\n\n{}",
        refused.len(),
        refused.join("\n")
    );
}

#[test]
fn every_document_defines_exactly_the_operation_it_is_sent_as() {
    for vendor in &VENDORS {
        let schema = contract(vendor);
        for (name, document) in (vendor.operations)() {
            // Parsed without validation: a refused operation is the other tests' report.
            let parsed = ExecutableDocument::parse(&schema, document.as_str(), "operation.graphql")
                .unwrap_or_else(|partial| partial.partial);
            let named: Vec<&str> = parsed.operations.named.keys().map(Name::as_str).collect();
            assert!(
                parsed.operations.anonymous.is_none() && named == [name],
                "{}: the document sent as `{name}` defines {named:?}{}",
                vendor.name,
                if parsed.operations.anonymous.is_some() {
                    " and an anonymous operation"
                } else {
                    ""
                }
            );
        }
    }
}

#[test]
fn the_validator_refuses_what_the_real_servers_refused() {
    let [ansarada, _, study_creator] = &VENDORS;
    let scalar_data_room = refusal(
        &contract(ansarada),
        "ScalarDataRoom",
        "query ScalarDataRoom { dataRoomDocumentIndex { id dataRoom } }",
    )
    .expect("a dataRoom without a sub-selection is refused");
    assert!(scalar_data_room.contains("dataRoom"), "{scalar_data_room}");
    let camel_case_argument = refusal(
        &contract(study_creator),
        "CamelCaseArgument",
        "query CamelCaseArgument($s: String) { allFiles(studyKfId: $s) { edges { node { kfId } } } }",
    )
    .expect("allFiles(studyKfId:) is refused");
    assert!(
        camel_case_argument.contains("studyKfId"),
        "{camel_case_argument}"
    );
    let wrong_variable_type = refusal(
        &contract(ansarada),
        "WrongVariableType",
        "query WrongVariableType($id: String!) { dataRoomDocumentDownload(id: $id) { id } }",
    );
    assert!(
        wrong_variable_type.is_some(),
        "a String! variable passed as an ID! argument is refused"
    );
}

#[test]
fn the_demo_server_agrees_with_each_vendor_contract_on_everything_they_share() {
    let mut found = Vec::new();
    for vendor in &VENDORS {
        for disagreement in disagreements(&contract(vendor), &demo_schema(vendor)) {
            found.push(format!("{}: {disagreement}", vendor.name));
        }
    }
    assert!(
        found.is_empty(),
        "the demo server's schemas disagree with the vendors' in {} places:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_comparison_notices_a_changed_type_an_invented_field_and_a_missing_argument() {
    let vendor = Schema::parse_and_validate(
        "type Query { files(first: Int, after: String): [File!] }
         type File { id: ID! name: String }
         enum Kind { A B }",
        "vendor.graphql",
    )
    .unwrap();
    let demo = Schema::parse_and_validate(
        "type Query { files(first: Int): [File!] }
         type File { id: String! name: String invented: Int }
         enum Kind { A }",
        "demo.graphql",
    )
    .unwrap();
    let found = disagreements(&vendor, &demo);
    let expected = [
        "Query.files: the demo lacks the vendor's argument `after: String`",
        "File.id: the demo's type is String!, the vendor's ID!",
        "File.invented: the vendor has no such field",
        "Kind: the demo's values [A] differ from the vendor's [A, B]",
    ];
    assert_eq!(found, expected);
}

/// Where `demo` disagrees with `vendor` on a type, field, argument, enum value or input field both define, or
/// defines one the vendor lacks. The demo may lack what the vendor has (it serves Docket's needs only); root
/// operation types are matched by role, since clients never spell their names.
fn disagreements(vendor: &Schema, demo: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    let mut vendor_name_of = HashMap::new();
    for role in [
        OperationType::Query,
        OperationType::Mutation,
        OperationType::Subscription,
    ] {
        match (demo.root_operation(role), vendor.root_operation(role)) {
            (Some(ours), Some(theirs)) => {
                vendor_name_of.insert(ours.clone(), theirs.clone());
            }
            (Some(ours), None) => found.push(format!(
                "{ours}: the vendor has no {role} root operation type"
            )),
            _ => {}
        }
    }
    for (name, ours) in &demo.types {
        if ours.is_built_in() {
            continue;
        }
        let theirs_name = vendor_name_of.get(name).unwrap_or(name);
        match vendor.types.get(theirs_name) {
            Some(theirs) => compare_type(name, ours, theirs, demo, &mut found),
            None if demo_only(name.as_str()) => {}
            None => found.push(format!("{name}: the vendor has no such type")),
        }
    }
    found
}

fn demo_only(path: &str) -> bool {
    DEMO_ONLY.iter().any(|(allowed, _why)| *allowed == path)
}

fn kind(ty: &ExtendedType) -> &'static str {
    match ty {
        ExtendedType::Scalar(_) => "scalar",
        ExtendedType::Object(_) => "object type",
        ExtendedType::Interface(_) => "interface",
        ExtendedType::Union(_) => "union",
        ExtendedType::Enum(_) => "enum",
        ExtendedType::InputObject(_) => "input type",
    }
}

fn compare_type(
    name: &Name,
    ours: &ExtendedType,
    theirs: &ExtendedType,
    demo: &Schema,
    found: &mut Vec<String>,
) {
    match (ours, theirs) {
        (ExtendedType::Scalar(_), ExtendedType::Scalar(_)) => {}
        (ExtendedType::Object(ours), ExtendedType::Object(theirs)) => {
            compare_fields(name, &ours.fields, &theirs.fields, found);
            compare_interfaces(
                name,
                &ours.implements_interfaces,
                &theirs.implements_interfaces,
                demo,
                found,
            );
        }
        (ExtendedType::Interface(ours), ExtendedType::Interface(theirs)) => {
            compare_fields(name, &ours.fields, &theirs.fields, found);
            compare_interfaces(
                name,
                &ours.implements_interfaces,
                &theirs.implements_interfaces,
                demo,
                found,
            );
        }
        (ExtendedType::Union(ours), ExtendedType::Union(theirs)) => {
            let ours: BTreeSet<&str> = ours.members.iter().map(|n| n.name.as_str()).collect();
            let theirs: BTreeSet<&str> = theirs.members.iter().map(|n| n.name.as_str()).collect();
            if ours != theirs {
                found.push(format!(
                    "{name}: the demo's members {} differ from the vendor's {}",
                    listed(&ours),
                    listed(&theirs)
                ));
            }
        }
        (ExtendedType::Enum(ours), ExtendedType::Enum(theirs)) => {
            let ours: BTreeSet<&str> = ours.values.keys().map(Name::as_str).collect();
            let theirs: BTreeSet<&str> = theirs.values.keys().map(Name::as_str).collect();
            if ours != theirs {
                found.push(format!(
                    "{name}: the demo's values {} differ from the vendor's {}",
                    listed(&ours),
                    listed(&theirs)
                ));
            }
        }
        (ExtendedType::InputObject(ours), ExtendedType::InputObject(theirs)) => {
            // A client writes input fields itself: the demo accepts exactly the vendor's.
            compare_inputs(
                name.as_str(),
                "input field",
                ours.fields.values().map(|f| &***f),
                theirs.fields.values().map(|f| &***f),
                found,
            );
        }
        _ => found.push(format!(
            "{name}: a {} in the demo, a {} at the vendor",
            kind(ours),
            kind(theirs)
        )),
    }
}

fn compare_fields(
    owner: &Name,
    ours: &NamedMap<FieldDefinition>,
    theirs: &NamedMap<FieldDefinition>,
    found: &mut Vec<String>,
) {
    for (field, definition) in ours {
        let path = format!("{owner}.{field}");
        let Some(vendor_definition) = theirs.get(field) else {
            if !demo_only(&path) {
                found.push(format!("{path}: the vendor has no such field"));
            }
            continue;
        };
        if definition.ty != vendor_definition.ty {
            found.push(format!(
                "{path}: the demo's type is {}, the vendor's {}",
                definition.ty, vendor_definition.ty
            ));
        }
        compare_inputs(
            &path,
            "argument",
            definition.arguments.iter().map(|a| &**a),
            vendor_definition.arguments.iter().map(|a| &**a),
            found,
        );
    }
}

/// Arguments of one field, or the fields of one input type: the same names, types and defaults on both sides.
fn compare_inputs<'a>(
    path: &str,
    what: &str,
    ours: impl Iterator<Item = &'a InputValueDefinition>,
    theirs: impl Iterator<Item = &'a InputValueDefinition>,
    found: &mut Vec<String>,
) {
    let ours: Vec<&InputValueDefinition> = ours.collect();
    let theirs: Vec<&InputValueDefinition> = theirs.collect();
    let written = |input: &InputValueDefinition| match &input.default_value {
        Some(default) => format!("{}: {} = {default}", input.name, input.ty),
        None => format!("{}: {}", input.name, input.ty),
    };
    for input in &ours {
        match theirs.iter().find(|t| t.name == input.name) {
            None => found.push(format!(
                "{path}: the vendor has no {what} `{}`",
                written(input)
            )),
            Some(vendor_input) if written(input) != written(vendor_input) => found.push(format!(
                "{path}: the demo's {what} `{}` is `{}` at the vendor",
                written(input),
                written(vendor_input)
            )),
            Some(_) => {}
        }
    }
    for vendor_input in &theirs {
        if !ours.iter().any(|o| o.name == vendor_input.name) {
            found.push(format!(
                "{path}: the demo lacks the vendor's {what} `{}`",
                written(vendor_input)
            ));
        }
    }
}

/// The demo implements no interface its vendor's type does not, and each of the vendor's that the demo defines.
fn compare_interfaces(
    owner: &Name,
    ours: &NamedSet,
    theirs: &NamedSet,
    demo: &Schema,
    found: &mut Vec<String>,
) {
    let ours: BTreeSet<&str> = ours.iter().map(|n| n.name.as_str()).collect();
    let theirs: BTreeSet<&str> = theirs
        .iter()
        .map(|n| n.name.as_str())
        .filter(|interface| demo.types.contains_key(*interface))
        .collect();
    if ours != theirs {
        found.push(format!(
            "{owner}: the demo implements {}, the vendor {}",
            listed(&ours),
            listed(&theirs)
        ));
    }
}

/// `[A, B]`: names as a reader writes them.
fn listed(names: &BTreeSet<&str>) -> String {
    format!("[{}]", names.iter().copied().collect::<Vec<_>>().join(", "))
}

type NamedMap<T> = IndexMap<Name, Component<T>>;
type NamedSet = IndexSet<ComponentName>;
