//! The `docket` binary as a user runs it, against an in-process demo server. Needs the OS keyring: run through
//! `cargo xtask test` (it starts a private Secret Service).

mod support;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Output, Stdio};

use docket_core::Credentials;
use docket_demo::library::sample;
use docket_demo::{demo_remotes, DemoServer};
use serde_json::Value;

use support::{demo_on, docket, free_port_base};

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn demo() -> DemoServer {
    demo_on(0, 2 * 1024 * 1024).await
}

/// Registers the five demo remotes with `docket remote add`, secrets passed as DOCKET_SECRET_<REMOTE>_<KEY>.
fn add_demo_remotes(server: &DemoServer, data_dir: &Path) -> Vec<(String, Credentials)> {
    let mut added = Vec::new();
    for (remote, credentials) in demo_remotes(server) {
        let mut command = docket(data_dir);
        command.args([
            "remote",
            "add",
            &remote.name,
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
            let value = credentials
                .get(key)
                .expect("demo secret")
                .expose()
                .to_owned();
            command.env(
                docket_core::remote::secret_env_var(&remote.name, key),
                value,
            );
        }
        let output = command.output().expect("docket runs");
        assert!(
            output.status.success(),
            "remote add {}: {}",
            remote.name,
            stderr(&output)
        );
        added.push((remote.name, credentials));
    }
    added
}

fn ls_json(data_dir: &Path, remote: &str, location: Option<&str>) -> Vec<Value> {
    let mut command = docket(data_dir);
    command.args(["ls", remote]);
    if let Some(location) = location {
        command.arg(location);
    }
    let output = command.arg("--json").output().expect("docket runs");
    assert!(
        output.status.success(),
        "ls {remote} {location:?}: {}",
        stderr(&output)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("ls --json prints JSON")
        .as_array()
        .expect("an array")
        .clone()
}

/// Walks the remote breadth-first with `docket ls --json` until a document whose name contains `name`.
fn find_document(data_dir: &Path, remote: &str, name: &str) -> Value {
    let mut pending: VecDeque<Option<String>> = VecDeque::from([None]);
    let mut visited = 0;
    while let Some(location) = pending.pop_front() {
        visited += 1;
        assert!(
            visited < 200,
            "{remote}: {name} not found within 200 folders"
        );
        for entry in ls_json(data_dir, remote, location.as_deref()) {
            match entry["kind"].as_str() {
                Some("document") if entry["name"].as_str().unwrap_or("").contains(name) => {
                    return entry
                }
                Some("folder") => pending.push_back(entry["id"].as_str().map(str::to_owned)),
                _ => {}
            }
        }
    }
    panic!("{remote}: no document named like {name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remotes_added_from_the_environment_are_listed_and_their_secrets_stay_out_of_the_data_dir()
{
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    let added = add_demo_remotes(&server, data.path());

    let output = docket(data.path())
        .args(["remote", "ls", "--json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");

    let mut read_database = false;
    for entry in std::fs::read_dir(data.path())
        .unwrap()
        .filter_map(Result::ok)
    {
        // SQLite removes its -wal and -shm files when the last connection closes, which may happen between
        // listing the folder and reading it: a file that vanished holds nothing any more. Any other failure
        // to read still fails the test.
        let bytes = match std::fs::read(entry.path()) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => panic!("could not read {:?}: {err}", entry.path()),
        };
        read_database |= entry.file_name() == "docket.db";
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for (remote, credentials) in &added {
            for key in credentials.keys() {
                let secret = credentials.get(key).unwrap().expose();
                assert!(
                    !text.contains(secret),
                    "{remote}'s {key} leaked into {:?}",
                    entry.path()
                );
            }
        }
    }
    assert!(read_database, "the database itself was searched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_remote_lists_as_json_and_downloads_a_report_byte_for_byte() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    add_demo_remotes(&server, data.path());
    let expected = server
        .state()
        .library
        .document_by_path(sample::REPORT_PDF)
        .expect("sample report")
        .latest()
        .content
        .content_hash();

    for kind in docket_demo::apis::kinds() {
        let remote = docket_demo::demo_remote_name(kind);
        let entry = find_document(data.path(), &remote, "Q1-Report");
        for field in ["id", "name", "kind", "size", "mime", "modified", "version"] {
            assert!(
                entry.get(field).is_some(),
                "{remote}: ls --json has `{field}`: {entry}"
            );
        }
        let id = entry["id"].as_str().unwrap();
        let target = tempfile::tempdir().unwrap();
        let output = docket(data.path())
            .args(["get", &remote, id, "--to"])
            .arg(target.path())
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{remote} get {id}: {}",
            stderr(&output)
        );
        let saved: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            saved["content_hash"], expected,
            "{remote}: content hash of the saved file"
        );
        let path = saved["path"].as_str().unwrap();
        assert!(
            Path::new(path).starts_with(target.path()),
            "{remote}: saved under --to"
        );
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(saved["bytes"], bytes.len() as u64);
        println!("{remote}: {id} -> {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_document_fails_with_one_line_naming_remote_document_and_server_message() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    add_demo_remotes(&server, data.path());

    let output = docket(data.path())
        .args([
            "get",
            "demo-index-health",
            "doc-that-does-not-exist",
            "--to",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    assert!(message.contains("demo-index-health"), "{message}");
    assert!(message.contains("doc-that-does-not-exist"), "{message}");
    assert!(message.contains("Document not found"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_based_document_says_it_has_no_file_path() {
    let server = demo().await;
    let data = tempfile::tempdir().unwrap();
    add_demo_remotes(&server, data.path());
    let entry = find_document(data.path(), "demo-index-health", "Travel policy");

    let output = docket(data.path())
        .args([
            "get",
            "demo-index-health",
            entry["id"].as_str().unwrap(),
            "--to",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("Document has no file path"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_with_code_2() {
    let data = tempfile::tempdir().unwrap();
    let output = docket(data.path())
        .args(["get", "only-a-remote"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn an_unknown_kind_is_refused_with_the_valid_kinds() {
    let data = tempfile::tempdir().unwrap();
    let output = docket(data.path())
        .args([
            "remote",
            "add",
            "x",
            "--kind",
            "dropbox",
            "--url",
            "https://x.example",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a usage error");
    let message = stderr(&output);
    assert!(
        message.contains("`dropbox`") && message.contains("study-creator"),
        "{message}"
    );
}

#[test]
fn a_missing_required_setting_is_named() {
    let data = tempfile::tempdir().unwrap();
    let output = docket(data.path())
        .args([
            "remote",
            "add",
            "ir",
            "--kind",
            "inforouter",
            "--url",
            "https://ir.example",
        ])
        .env("DOCKET_SECRET_PASSWORD", "pw")
        .args(["--secret", "password"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "a usage error");
    assert!(
        stderr(&output).contains("--set username="),
        "{}",
        stderr(&output)
    );
    assert!(
        !data.path().join("remotes.json").exists(),
        "nothing was registered"
    );
}

#[test]
fn a_secret_without_a_value_and_no_terminal_says_which_variable_to_set() {
    let data = tempfile::tempdir().unwrap();
    let output = docket(data.path())
        .args([
            "remote",
            "add",
            "room",
            "--kind",
            "ansarada",
            "--url",
            "https://r.example",
        ])
        .args(["--secret", "token"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("set DOCKET_SECRET_ROOM_TOKEN"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn docket_demo_registers_five_remotes_that_another_terminal_can_browse() {
    let data = tempfile::tempdir().unwrap();
    let port_base = free_port_base();
    let mut demo = docket(data.path())
        .args([
            "demo",
            "--port-base",
            &port_base.to_string(),
            "--large-file-size",
            "1048576",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(demo.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("Press Ctrl-C"));
    assert!(ready, "docket demo announced it is ready");

    let output = docket(data.path()).args(["remote", "ls"]).output().unwrap();
    let listing = stdout(&output);
    for kind in docket_demo::apis::kinds() {
        assert!(
            listing.contains(&docket_demo::demo_remote_name(kind)),
            "{listing}"
        );
    }
    let output = docket(data.path())
        .args(["ls", "demo-inforouter", "/Finance/Reports/2024"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Q1-Report.pdf"),
        "{}",
        stdout(&output)
    );

    let _ = demo.kill();
    let _ = demo.wait();
}

/// No request is sent to the far address: the refusal happens when the remote is added, and the allowed remote
/// is only registered, never browsed.
#[test]
fn plain_http_to_another_machine_is_refused_until_the_remote_allows_it_explicitly() {
    let data = tempfile::tempdir().unwrap();
    let add = |extra: &[&str]| {
        docket(data.path())
            .args([
                "remote",
                "add",
                "far",
                "--kind",
                "inforouter",
                "--url",
                "http://192.0.2.10",
            ])
            .args(["--set", "username=ada", "--secret", "password", "--replace"])
            .args(extra)
            .env("DOCKET_SECRET_PASSWORD", "pw")
            .output()
            .unwrap()
    };
    let output = add(&[]);
    assert_eq!(
        output.status.code(),
        Some(2),
        "refused when added, not on first use"
    );
    assert!(
        stderr(&output).contains("--set allow_insecure_http=true"),
        "{}",
        stderr(&output)
    );

    let output = add(&["--set", "allow_insecure_http=true"]);
    assert!(
        output.status.success(),
        "the setting is accepted: {}",
        stderr(&output)
    );
    let output = docket(data.path())
        .args(["remote", "ls", "--json"])
        .output()
        .unwrap();
    assert!(
        stdout(&output).contains("\"allow_insecure_http\": \"true\""),
        "{}",
        stdout(&output)
    );
}

/// `docket remote add kf --kind study-creator --url https://kf.example` with `settings` and a token.
fn add_study_creator(data_dir: &Path, settings: &[&str]) -> Output {
    let mut command = docket(data_dir);
    command.args([
        "remote",
        "add",
        "kf",
        "--kind",
        "study-creator",
        "--url",
        "https://kf.example",
    ]);
    for setting in settings {
        command.args(["--set", setting]);
    }
    command
        .args(["--secret", "token"])
        .env("DOCKET_SECRET_TOKEN", "a-token")
        .output()
        .unwrap()
}

#[test]
fn settings_a_kind_does_not_accept_are_usage_errors_naming_what_would_fit() {
    let data = tempfile::tempdir().unwrap();
    for (settings, expected) in [
        (
            &["token_type=basic"][..],
            "`token_type` cannot be `basic`: use one of `bearer`, `developer`",
        ),
        (
            &["token_type=bearer", "signed_urls=maybe"][..],
            "`signed_urls` cannot be `maybe`: use `true` or `false`",
        ),
        (
            &["token_type=developer", "signed_urls=true"][..],
            "signed URLs need token_type=bearer",
        ),
    ] {
        let output = add_study_creator(data.path(), settings);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{settings:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{settings:?}: {}",
            stderr(&output)
        );
    }
    let listed = docket(data.path()).args(["remote", "ls"]).output().unwrap();
    assert!(
        stdout(&listed).contains("no remotes yet"),
        "nothing was registered"
    );
    let output = add_study_creator(data.path(), &["token_type=bearer", "signed_urls=true"]);
    assert!(output.status.success(), "{}", stderr(&output));
}
