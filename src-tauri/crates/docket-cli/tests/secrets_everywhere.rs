//! Every kind of remote is added, browsed and downloaded from with the most verbose logging, a download is killed
//! mid-way and one fails; then the SQLite database (with its WAL), the remotes file, every other file in the data
//! folder, the logs and the output of the killed and the failed runs are searched for the secrets: none may
//! appear, nor a presigned URL's signature. Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use docket_demo::{demo_remotes, DemoConfig, DemoServer};

fn docket(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docket"));
    command
        .env("DOCKET_DATA_DIR", data_dir)
        .env("DOCKET_LOG", "trace")
        .env("RUST_BACKTRACE", "1");
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("DOCKET_SECRET_")) {
        command.env_remove(key);
    }
    command
}

/// Everything a run printed, kept for the search.
struct Transcript(Vec<(String, Vec<u8>)>);

impl Transcript {
    fn keep(&mut self, what: &str, output: &Output) {
        self.0
            .push((format!("{what} (stdout)"), output.stdout.clone()));
        self.0
            .push((format!("{what} (stderr)"), output.stderr.clone()));
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_database_the_config_the_logs_or_crash_output() {
    let server = DemoServer::start(DemoConfig {
        port_base: 0,
        large_file_size: 8 * 1024 * 1024,
        bulk_study_files: 0,
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let mut transcript = Transcript(Vec::new());
    let mut secrets: Vec<String> = Vec::new();

    for (remote, credentials) in demo_remotes(&server) {
        let mut add = docket(data.path());
        add.args([
            "remote",
            "add",
            &remote.name,
            "--kind",
            remote.kind.id(),
            "--url",
        ]);
        add.arg(&remote.url);
        for (key, value) in &remote.settings {
            add.args(["--set", &format!("{key}={value}")]);
        }
        for key in credentials.keys() {
            let value = credentials.get(key).unwrap().expose().to_owned();
            add.args(["--secret", key]);
            add.env(
                docket_core::remote::secret_env_var(&remote.name, key),
                &value,
            );
            secrets.push(value);
        }
        let output = add.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        transcript.keep(&format!("remote add {}", remote.name), &output);

        let output = docket(data.path())
            .args(["ls", &remote.name, "--json"])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        transcript.keep(&format!("ls {}", remote.name), &output);

        let document = match remote.kind {
            docket_providers::inforouter::KIND => {
                docket_demo::library::sample::README_TXT.to_owned()
            }
            _ => first_document(&output.stdout, &remote.name, data.path(), &mut transcript),
        };
        let output = docket(data.path())
            .args(["get", &remote.name, &document, "--to"])
            .arg(dest.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        transcript.keep(&format!("get {} {document}", remote.name), &output);

        let output = docket(data.path())
            .args(["get", &remote.name, "no-such-document-77", "--to"])
            .arg(dest.path())
            .output()
            .unwrap();
        assert!(!output.status.success(), "a missing document fails");
        transcript.keep(&format!("failed get {}", remote.name), &output);
    }
    assert!(secrets.len() >= 5, "{secrets:?}");

    // A large download killed mid-way: whatever it had printed by then is crash output.
    let state = server.state();
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(1024 * 1024));
    let (remote, _) = demo_remotes(&server)
        .into_iter()
        .find(|(r, _)| r.kind == docket_providers::index_health::KIND)
        .unwrap();
    let child = docket(data.path())
        .args(["get", &remote.name, "doc-1006", "--to"])
        .arg(dest.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let pid = child.id();
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    transcript.keep("killed get", &output);
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);

    let mut places: Vec<(String, Vec<u8>)> = files_under(data.path())
        .into_iter()
        .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
        .collect();
    assert!(
        places.iter().any(|(p, _)| p.ends_with("docket.db")),
        "the database is searched: {:?}",
        places.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    places.extend(transcript.0);
    let logged: usize = places.iter().map(|(_, bytes)| bytes.len()).sum();
    assert!(
        logged > 10_000,
        "trace logging produced output to search ({logged} bytes)"
    );

    let mut leaks = Vec::new();
    for (place, bytes) in &places {
        for secret in &secrets {
            if contains(bytes, secret.as_bytes()) {
                leaks.push(format!(
                    "{place}: the secret {}…",
                    &secret[..secret.len().min(6)]
                ));
            }
        }
        for signature in [
            "X-Amz-Signature=",
            "X-Amz-Credential=",
            "?token=",
            "&token=",
        ] {
            if contains(bytes, signature.as_bytes()) {
                leaks.push(format!("{place}: a presigned URL's `{signature}`"));
            }
        }
    }
    println!(
        "searched {} places, {logged} bytes, for {} secrets",
        places.len(),
        secrets.len()
    );
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

/// The id of the first document `docket ls` shows, looking into folders breadth-first.
fn first_document(
    listing: &[u8],
    remote: &str,
    data_dir: &Path,
    transcript: &mut Transcript,
) -> String {
    let mut pending = vec![listing.to_vec()];
    while let Some(listing) = pending.pop() {
        let entries: serde_json::Value = serde_json::from_slice(&listing).unwrap();
        let entries = entries.as_array().cloned().unwrap_or_default();
        if let Some(document) = entries.iter().find(|e| e["kind"] == "document") {
            return document["id"].as_str().unwrap().to_owned();
        }
        for folder in entries.iter().filter(|e| e["kind"] == "folder") {
            let id = folder["id"].as_str().unwrap();
            let output = docket(data_dir)
                .args(["ls", remote, id, "--json"])
                .output()
                .unwrap();
            transcript.keep(&format!("ls {remote} {id}"), &output);
            pending.insert(0, output.stdout);
        }
    }
    panic!("no document under {remote}");
}
