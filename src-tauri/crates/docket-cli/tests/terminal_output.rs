//! A server that puts terminal escape sequences and bidi controls in its messages and names gets them shown, never
//! obeyed: no raw ESC, BEL or direction override reaches the terminal from an error line, a table or JSON. Needs
//! the OS keyring: run through `cargo xtask test` (or a private Secret Service).

mod support;

use std::process::Output;

use docket_demo::faults::{Failure, Target};
use reqwest::StatusCode;

use support::{add_remote, demo_on, docket, succeeded};

/// Retitles the terminal window, rings the bell and turns what follows red, as JSON text.
const HOSTILE_JSON: &str = "\\u001b]0;PWNED\\u0007\\u001b[31m";
/// The same, as `docket` must print it.
const HOSTILE_SHOWN: &str = "\\u{1b}]0;PWNED\\u{7}\\u{1b}[31m";

/// Whether `bytes` hold anything a terminal would act on or reorder: ESC, BEL, CSI (U+009B) or a direction
/// override.
fn has_raw_controls(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .any(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{9b}' | '\u{202e}'))
}

fn all_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_with_escape_sequences_is_printed_escaped_in_the_error_line_and_the_queue() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::index_health::KIND,
        &[],
    );
    let body =
        format!(r#"{{"statusCode":404,"data":{{}},"message":"{HOSTILE_JSON}Document not found"}}"#);
    server.state().faults.fail_next(
        Target::new(
            docket_providers::index_health::KIND,
            "/get-document-details",
        ),
        1,
        Failure::status(StatusCode::NOT_FOUND).body("application/json", body),
    );

    let got = docket(data.path())
        .args(["get", &remote, "doc-1001", "--to"])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(got.status.code(), Some(1), "{}", all_output(&got));
    let line = String::from_utf8_lossy(&got.stderr).into_owned();
    assert!(!has_raw_controls(&got.stderr), "raw controls in {line:?}");
    assert_eq!(line.trim_end().lines().count(), 1, "{line}");
    assert!(
        line.contains(&format!("{HOSTILE_SHOWN}Document not found")),
        "{line}"
    );

    let listed = docket(data.path()).arg("queue").output().unwrap();
    let queue = succeeded(listed.clone());
    assert!(
        !has_raw_controls(&listed.stdout),
        "raw controls in {queue:?}"
    );
    assert!(queue.contains(HOSTILE_SHOWN), "{queue}");

    let json = docket(data.path())
        .args(["queue", "--json"])
        .output()
        .unwrap();
    let text = succeeded(json.clone());
    assert!(!has_raw_controls(&json.stdout), "raw controls in {text:?}");
    let transfers: serde_json::Value = serde_json::from_str(&text).unwrap();
    let recorded = transfers[0]["last_error"].as_str().unwrap_or_default();
    assert!(
        recorded.contains("\u{1b}]0;PWNED\u{7}"),
        "JSON keeps the value for scripts: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_names_and_ids_are_escaped_in_ls_tables_and_json() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::index_health::KIND,
        &[],
    );
    let listing = format!(
        r#"{{"statusCode":200,"message":"OKAY","data":[{{
            "document_id":"doc-{HOSTILE_JSON}",
            "document_name":"{HOSTILE_JSON}invoice\u202efdp.exe\u009b2J",
            "document_type":"pdf",
            "collection_id":"col-finance",
            "document_file_path":"finance/invoice.pdf",
            "document_url":null,
            "document_tags":[],
            "created_at":"2024-04-02T08:15:00.000Z",
            "updated_at":"2024-04-02T08:15:00.000Z",
            "collection_name":"Finance"
        }}]}}"#
    );
    server.state().faults.fail_next(
        Target::new(docket_providers::index_health::KIND, "/get-documents"),
        1,
        Failure::status(StatusCode::OK).body("application/json", listing),
    );

    let listed = docket(data.path())
        .args(["ls", &remote, "col-finance", "--refresh"])
        .output()
        .unwrap();
    let table = succeeded(listed.clone());
    assert!(
        !has_raw_controls(&listed.stdout),
        "raw controls in {table:?}"
    );
    assert!(
        table.contains(&format!(
            "{HOSTILE_SHOWN}invoice\\u{{202e}}fdp.exe\\u{{9b}}2J"
        )),
        "{table}"
    );
    assert!(table.contains(&format!("doc-{HOSTILE_SHOWN}")), "{table}");

    let json = docket(data.path())
        .args(["ls", &remote, "col-finance", "--offline", "--json"])
        .output()
        .unwrap();
    let text = succeeded(json.clone());
    assert!(!has_raw_controls(&json.stdout), "raw controls in {text:?}");
    let entries: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        entries[0]["name"], "\u{1b}]0;PWNED\u{7}\u{1b}[31minvoice\u{202e}fdp.exe\u{9b}2J",
        "JSON keeps the value for scripts: {text}"
    );
}
