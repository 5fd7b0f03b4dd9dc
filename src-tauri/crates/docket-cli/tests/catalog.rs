//! `docket ls` and `docket search` on the local catalog, as a user runs them against the demo server: answers
//! from the cache, offline with the server stopped, downloaded entries marked, secrets kept out of the database
//! and the logs. Needs the OS keyring: run through `cargo xtask test` or `/tmp/kr.sh`.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use docket_core::{Credentials, EntryKind, Location};
use docket_demo::{demo_remotes, DemoServer};
use serde_json::Value;

use support::{demo_on, docket};

const REMOTE: &str = "demo-inforouter";
const FOLDER: &str = "/Finance/Reports/2024";

fn run(command: &mut Command) -> Output {
    command.output().expect("docket runs")
}

fn ok(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("JSON on stdout")
        .as_array()
        .expect("an array")
        .clone()
}

fn names(entries: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn demo() -> DemoServer {
    demo_on(0, 1024 * 1024).await
}

/// Adds the demo's infoRouter remote with its secrets from DOCKET_SECRET_* variables; returns the secrets.
fn add_remote(server: &DemoServer, data_dir: &Path, log: Option<&str>) -> (Credentials, Output) {
    let (remote, credentials) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.name == REMOTE)
        .expect("an inforouter demo remote");
    let mut command = docket(data_dir);
    command.args([
        "remote",
        "add",
        REMOTE,
        "--kind",
        remote.kind.id(),
        "--url",
        &remote.url,
    ]);
    for (key, value) in &remote.settings {
        command.args(["--set", &format!("{key}={value}")]);
    }
    for key in credentials.keys() {
        command.args(["--secret", key]);
        let value = credentials.get(key).unwrap().expose().to_owned();
        command.env(format!("DOCKET_SECRET_{}", key.to_ascii_uppercase()), value);
    }
    if let Some(level) = log {
        command.env("DOCKET_LOG", level);
    }
    let output = ok(run(&mut command), "remote add");
    (credentials, output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_server_stopped_ls_and_search_answer_from_the_catalog_and_say_it_is_offline() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    add_remote(&server, data.path(), None);
    let online = ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--json"])),
        "ls online",
    );
    let online = json(&online);
    assert!(
        names(&online).iter().any(|n| n.contains("Q1-Report")),
        "{online:?}"
    );

    server.shutdown().await;

    let cached = ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--json"])),
        "ls offline",
    );
    assert_eq!(names(&json(&cached)), names(&online));
    let said = String::from_utf8_lossy(&cached.stderr);
    assert!(
        said.contains("offline"),
        "says the remote is offline: {said}"
    );

    let offline_only = ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--offline", "--json"])),
        "ls --offline",
    );
    assert_eq!(names(&json(&offline_only)), names(&online));

    let refresh = run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--refresh"]));
    assert_eq!(refresh.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refresh.stderr);
    assert!(
        said.contains("--offline"),
        "points at the cached listing: {said}"
    );

    let never = run(docket(data.path()).args(["ls", REMOTE, "/Legal", "--offline"]));
    assert_eq!(never.status.code(), Some(1));
    let said = String::from_utf8_lossy(&never.stderr);
    assert!(said.contains("is in the local catalog yet"), "{said}");

    let found = ok(
        run(docket(data.path()).args(["search", "q1-rep", "--remote", REMOTE, "--json"])),
        "search offline",
    );
    let found = json(&found);
    assert!(!found.is_empty(), "found offline");
    assert!(found
        .iter()
        .all(|hit| hit["name"].as_str().unwrap().contains("Q1-Report")));
    assert_eq!(found[0]["location"], FOLDER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_answers_from_the_cache_and_reports_what_the_server_changed_meanwhile() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    add_remote(&server, data.path(), None);
    ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER])),
        "first ls",
    );

    // Make the cache stale: as if the server had called one document otherwise when it was fetched.
    let pool = docket_store::database::open(data.path()).await.unwrap();
    let catalog = docket_store::Catalog::new(pool.clone());
    let location = Location::at(FOLDER);
    let mut listing = catalog.cached(REMOTE, &location).await.unwrap().unwrap();
    let stale = listing
        .entries
        .iter_mut()
        .find(|e| e.kind == EntryKind::Document)
        .unwrap();
    stale.name = "Stale name.pdf".into();
    catalog
        .ingest(REMOTE, &location, listing.entries)
        .await
        .unwrap();
    pool.close().await;

    let second = ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--json"])),
        "second ls",
    );
    assert!(
        names(&json(&second)).contains(&"Stale name.pdf".to_owned()),
        "answered from the cache"
    );
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("1 changed"), "{said}");

    let third = ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--json"])),
        "third ls",
    );
    assert!(
        !names(&json(&third)).contains(&"Stale name.pdf".to_owned()),
        "refreshed for next time"
    );
    assert!(
        third.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_json_marks_downloaded_entries_with_their_local_path() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    add_remote(&server, data.path(), None);
    let listed = json(&ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--json"])),
        "ls",
    ));
    let report = listed
        .iter()
        .find(|e| e["name"].as_str().unwrap().contains("Q1-Report"))
        .unwrap();
    let id = report["id"].as_str().unwrap();
    assert!(report["local_path"].is_null());

    // What the queue does on completion.
    let saved = data.path().join("Q1-Report.pdf");
    std::fs::write(&saved, b"%PDF").unwrap();
    let pool = docket_store::database::open(data.path()).await.unwrap();
    docket_store::Catalog::new(pool.clone())
        .record_download(&docket_store::catalog::SavedDownload {
            remote: REMOTE,
            doc_id: id,
            version: None,
            path: &saved,
            content_hash: "0000",
            bytes: 4,
            source_signature: None,
        })
        .await
        .unwrap();
    pool.close().await;

    let listed = json(&ok(
        run(docket(data.path()).args(["ls", REMOTE, FOLDER, "--json"])),
        "ls again",
    ));
    for entry in &listed {
        if entry["id"] == id {
            assert_eq!(entry["local_path"], saved.display().to_string());
            assert_eq!(entry["local_state"], "present");
        } else {
            assert!(entry["local_path"].is_null(), "{entry}");
        }
    }
    let found = json(&ok(
        run(docket(data.path()).args(["search", "Q1-Report.pdf", "--json"])),
        "search",
    ));
    assert_eq!(found[0]["local_path"], saved.display().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_values_appear_neither_in_the_database_files_nor_in_debug_logs() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    let (credentials, added) = add_remote(&server, data.path(), Some("trace"));
    let mut logs = String::from_utf8_lossy(&added.stderr).into_owned();
    for args in [
        vec!["ls", REMOTE, "--json"],
        vec!["ls", REMOTE, FOLDER, "--refresh", "--json"],
        vec!["search", "report"],
    ] {
        let output = ok(
            run(docket(data.path()).args(&args).env("DOCKET_LOG", "trace")),
            "a command",
        );
        logs.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    assert!(
        logs.contains("listing refreshed"),
        "the logs were captured: {logs}"
    );
    let files: Vec<_> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(files.iter().any(|f| f.ends_with("docket.db")));
    for key in credentials.keys() {
        let secret = credentials.get(key).unwrap().expose();
        assert!(!logs.contains(secret), "{key} is in the logs");
        for file in &files {
            // SQLite's -wal and -shm files vanish when the last connection closes; the database file stays.
            let bytes = match std::fs::read(file) {
                Ok(bytes) => bytes,
                Err(err)
                    if err.kind() == std::io::ErrorKind::NotFound
                        && !file.ends_with("docket.db") =>
                {
                    continue
                }
                Err(err) => panic!("could not read {}: {err}", file.display()),
            };
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{key} is in {}",
                file.display()
            );
        }
    }
}
