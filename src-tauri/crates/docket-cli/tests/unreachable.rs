//! A server that cannot be reached: `docket get` says so at once, says each new try and when it will be, gives up
//! after `--offline-wait` with the transfer left queued, and names the cause (refused, no answer). A server that
//! accepts connections and never answers fails within two minutes with the defaults. Needs the OS keyring: run
//! through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use support::{docket, succeeded};

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// An Index Health remote at `127.0.0.1:port` (any client token settings: nothing answers there anyway).
fn add_remote_at(data_dir: &Path, name: &str, port: u16) {
    let mut command = docket(data_dir);
    command
        .args(["remote", "add", name, "--kind", "index-health", "--url"])
        .arg(format!("http://127.0.0.1:{port}"))
        .args(["--set", "allow_insecure_http=true"]);
    for setting in [
        "client_id=docket",
        "fingerprint=test",
        "first_name=Ada",
        "last_name=Lovelace",
        "email=ada@example.org",
        "group_name=auditors",
        "collections=col-finance",
    ] {
        command.args(["--set", setting]);
    }
    command
        .args(["--secret", "client_secret"])
        .env("DOCKET_SECRET_CLIENT_SECRET", "not-used");
    succeeded(command.output().unwrap());
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn get_on_a_remote_marked_unreachable_says_so_tries_again_visibly_and_gives_up_within_its_bound() {
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let port = closed_port();
    add_remote_at(data.path(), "gone", port);
    let listed = docket(data.path()).args(["ls", "gone"]).output().unwrap();
    assert!(!listed.status.success(), "nothing listens there");
    assert!(
        stderr(&listed).contains("connection refused"),
        "the cause is named: {}",
        stderr(&listed)
    );

    let started = Instant::now();
    let got = docket(data.path())
        .args(["get", "gone", "doc-1001", "--offline-wait", "5s", "--to"])
        .arg(dest.path())
        .output()
        .unwrap();
    let took = started.elapsed();
    let said = stderr(&got);
    assert_eq!(got.status.code(), Some(1), "{said}");
    assert!(
        took < Duration::from_secs(30),
        "it gave up long after its 5 s bound: {took:?}\n{said}"
    );
    for needed in [
        "waiting for gone to be reachable again",
        "connection refused",
        "next try in",
        "Ctrl-C leaves it in the queue",
        "gone is still unreachable after waiting",
        "stays queued",
    ] {
        assert!(said.contains(needed), "`{needed}` missing from:\n{said}");
    }
    let queue = succeeded(
        docket(data.path())
            .args(["queue", "--json"])
            .output()
            .unwrap(),
    );
    let queue: Value = serde_json::from_str(&queue).unwrap();
    assert_eq!(queue[0]["state"], "queued", "left in the queue: {queue}");
}

#[test]
fn a_server_that_accepts_connections_and_never_answers_fails_within_two_minutes_by_default() {
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    // Accepts every connection and never writes a byte.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        for connection in silent.incoming().flatten() {
            held.push(connection);
        }
    });
    add_remote_at(data.path(), "silent", port);

    let started = Instant::now();
    let got = docket(data.path())
        .args(["get", "silent", "doc-1001", "--to"])
        .arg(dest.path())
        .output()
        .unwrap();
    let took = started.elapsed();
    let said = stderr(&got);
    assert_eq!(got.status.code(), Some(1), "{said}");
    assert!(took < Duration::from_secs(120), "took {took:?}:\n{said}");
    assert!(
        said.contains("no answer within"),
        "the cause is named:\n{said}"
    );
    assert!(said.contains("stays queued"), "{said}");
    drop(holder);
}
