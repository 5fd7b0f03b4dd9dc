//! The served fixtures against the copies of the pages: the same text but for the one noted change.

use serde_json::Value;

use super::{page, parsed};

/// The page prints its error bodies in a TypeScript-like notation (`statusCode: 435;`, no comma after
/// `data: {}`); the served fixture is the same text with the keys quoted and `;`/line ends as JSON commas.
fn page_notation_as_json(text: &str) -> Value {
    let quoted: Vec<String> = text
        .lines()
        .map(|line| match line.split_once(':') {
            Some((key, rest))
                if !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                format!("\"{key}\":{rest}")
            }
            _ => line.to_owned(),
        })
        .collect();
    let json = quoted
        .join("\n")
        .replace(";\n}", "\n}")
        .replace(";\n", ",\n")
        .replace("}\n\"", "},\n\"");
    serde_json::from_str(&json).unwrap_or_else(|err| panic!("{json}: {err}"))
}

#[test]
fn the_served_fixtures_are_the_page_copies_with_only_the_noted_change() {
    // Printed as shell comments under `# Response:`.
    let token: String = page("token-download-page.page.txt")
        .lines()
        .map(|line| format!("{}\n", line.trim_start_matches('#').trim_start()))
        .collect();
    assert_eq!(token, page("token-download-page.json"));
    // Printed as the `-d '...'` argument of the example curl commands.
    for request in ["token-request", "download-request"] {
        let copy = page(&format!("{request}.page.txt"));
        let body = copy
            .trim_end()
            .trim_start_matches("-d '")
            .trim_end_matches('\'');
        assert_eq!(format!("{body}\n"), page(&format!("{request}.json")));
    }
    for refusal in [
        "error-435-document-id-required",
        "error-403-unauthorized",
        "error-437-document-not-found",
        "error-435-no-file-path",
        "error-500-failed-to-generate-download-url",
        "error-500-failed-to-download-document",
    ] {
        assert_eq!(
            page_notation_as_json(&page(&format!("{refusal}.page.txt"))),
            parsed(&format!("{refusal}.json")),
            "{refusal}"
        );
    }
    // The README gives the auth page's shape only: `{status: 200, data: {auth_token}}`.
    assert_eq!(
        page("token-auth-page.page.txt").trim(),
        "{status: 200, data: {auth_token}}"
    );
    let auth = parsed("token-auth-page.json");
    assert_eq!(auth["status"], 200);
    assert_eq!(
        auth["data"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["auth_token"]
    );
    // The page runs the three headers together on one line.
    let printed: String = page("direct-download-headers.page.txt")
        .split_whitespace()
        .collect();
    for line in page("direct-download-headers.txt").lines() {
        let (name, value) = line.split_once(": ").unwrap();
        assert!(printed.contains(&format!("{name}:")), "{name}");
        let value: String = value.split_whitespace().collect();
        assert!(printed.contains(&value), "{value}");
    }
    // The README lists the fields of a listed document; `?` marks the optional ones.
    let shape = page("get-documents.page.txt");
    let fields = shape.split("data: [{").nth(1).unwrap().split("}]").next();
    let fields: Vec<&str> = fields
        .unwrap()
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| !f.ends_with('?'))
        .collect();
    let known: Vec<&str> = fields.iter().map(|f| f.trim_end_matches('?')).collect();
    let listed = parsed("get-documents.json");
    let details = parsed("get-document-details.json");
    let records = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&details["data"]]);
    for record in records {
        let keys: Vec<&str> = record
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert!(required.iter().all(|f| keys.contains(f)), "{keys:?}");
        assert!(keys.iter().all(|k| known.contains(k)), "{keys:?}");
    }
    assert_eq!(listed["message"], "OKAY");
}
