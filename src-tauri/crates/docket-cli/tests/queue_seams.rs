//! Where the queue meets the catalog and the user's limits, through the `docket` binary against the demo server:
//! finished downloads show in `ls --json`, downloads queued while the server is down start when it is back
//! without spending retries, queue ordering and `--all` actions, connection limits and `--limit-rate`.
//! Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use docket_demo::library::sample;
use docket_demo::{demo_remotes, DemoServer};
use serde_json::Value;

use support::{demo_on, docket, free_port_base, library_bytes};

const REMOTE: &str = "demo-inforouter";
const FOLDER: &str = "/Finance/Reports/2024";

fn ok(output: Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn run(data_dir: &Path, args: &[&str]) -> String {
    ok(
        docket(data_dir).args(args).output().unwrap(),
        &args.join(" "),
    )
}

/// `docket get --no-wait`: `document` of the inforouter remote queued to be saved in `dest`.
fn queue_without_waiting(data_dir: &Path, document: &str, dest: &Path) {
    ok(
        docket(data_dir)
            .args(["get", REMOTE, document, "--no-wait", "--to"])
            .arg(dest)
            .output()
            .unwrap(),
        "get --no-wait",
    );
}

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text)
        .expect("JSON on stdout")
        .as_array()
        .expect("an array")
        .clone()
}

/// Registers the demo's infoRouter remote through `docket remote add`, its password from the environment.
fn add_inforouter(server: &DemoServer, data_dir: &Path) {
    let (remote, credentials) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.kind == docket_providers::inforouter::KIND)
        .unwrap();
    let mut command = docket(data_dir);
    command.args([
        "remote",
        "add",
        REMOTE,
        "--kind",
        "inforouter",
        "--url",
        &remote.url,
    ]);
    for (key, value) in &remote.settings {
        command.args(["--set", &format!("{key}={value}")]);
    }
    command.args(["--secret", "password"]).env(
        "DOCKET_SECRET_PASSWORD",
        credentials.get("password").unwrap().expose(),
    );
    ok(command.output().unwrap(), "remote add");
}

fn queue_json(data_dir: &Path) -> Vec<Value> {
    json(&run(data_dir, &["queue", "--json"]))
}

/// The entry of `ls REMOTE FOLDER --offline --json` whose name contains `name`.
fn listed(data_dir: &Path, name: &str) -> Value {
    json(&run(
        data_dir,
        &["ls", REMOTE, FOLDER, "--offline", "--json"],
    ))
    .into_iter()
    .find(|e| e["name"].as_str().unwrap_or("").contains(name))
    .unwrap_or_else(|| panic!("{name} is listed"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_fetched_by_get_and_by_queue_run_show_in_ls_json_with_their_local_path() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    add_inforouter(&server, data.path());
    run(data.path(), &["ls", REMOTE, FOLDER]);
    assert!(listed(data.path(), "Q1-Report")["local_path"].is_null());

    let saved = json(&format!(
        "[{}]",
        ok(
            docket(data.path())
                .args(["get", REMOTE, sample::REPORT_PDF, "--json", "--to"])
                .arg(dest.path())
                .output()
                .unwrap(),
            "get"
        )
    ));
    let report = listed(data.path(), "Q1-Report");
    assert_eq!(report["local_path"], saved[0]["path"], "{report}");
    assert_eq!(report["local_state"], "present");
    assert!(listed(data.path(), "ledger-2024")["local_path"].is_null());

    ok(
        docket(data.path())
            .args(["get", REMOTE, sample::LEDGER_CSV, "--no-wait", "--to"])
            .arg(dest.path())
            .output()
            .unwrap(),
        "get --no-wait",
    );
    run(data.path(), &["queue", "run"]);
    let ledger = listed(data.path(), "ledger-2024");
    let path = ledger["local_path"].as_str().expect("a local path");
    assert_eq!(
        std::fs::read(path).unwrap(),
        library_bytes(&server, sample::LEDGER_CSV)
    );
    assert_eq!(ledger["local_state"], "present");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_queued_while_the_server_is_down_starts_when_it_is_back_without_spending_retries(
) {
    let port_base = free_port_base();
    let server = demo_on(port_base, 1024 * 1024).await;
    let expected = library_bytes(&server, sample::REPORT_PDF);
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    add_inforouter(&server, data.path());
    run(data.path(), &["ls", REMOTE, FOLDER]);
    server.shutdown().await;

    ok(
        docket(data.path())
            .args(["get", REMOTE, sample::REPORT_PDF, "--no-wait", "--to"])
            .arg(dest.path())
            .output()
            .unwrap(),
        "get --no-wait",
    );
    let mut runner = docket(data.path())
        .args(["queue", "run"])
        // Each failed probe of the server is logged at debug level: "still unreachable: <why>".
        .env("DOCKET_LOG", "warn,docket_transfer::availability=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut runner_said = StderrLines::of(&mut runner);

    let started = Instant::now();
    let waiting = loop {
        let transfer = queue_json(data.path())[0].clone();
        if transfer["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("waiting for demo-inforouter"))
        {
            break transfer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never said it waits for the server: {transfer}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(waiting["state"], "queued", "{waiting}");
    // Several probes fail meanwhile; none of them is a retry of the transfer.
    runner_said.wait_for(
        "still unreachable: ",
        2,
        Duration::from_secs(30),
        "two failed probes of the server",
    );
    let still = queue_json(data.path())[0].clone();
    assert_eq!(still["state"], "queued", "{still}");
    assert_eq!(still["attempts"], 0, "{still}");
    let offline = docket(data.path())
        .args(["ls", REMOTE, FOLDER, "--offline"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&offline.stderr).contains("offline"),
        "the catalog knows the remote is offline"
    );

    let server = demo_on(port_base, 1024 * 1024).await;
    let finished = tokio::task::spawn_blocking(move || runner.wait_with_output().unwrap());
    let output = tokio::time::timeout(Duration::from_secs(60), finished)
        .await
        .expect("queue run finishes once the server is back")
        .unwrap();
    let said = runner_said.all();
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("waiting for demo-inforouter to be reachable again"),
        "{said}"
    );

    let done = queue_json(data.path())[0].clone();
    assert_eq!(done["state"], "completed", "{done}");
    assert_eq!(done["attempts"], 0, "{done}");
    let path = done["saved_path"].as_str().unwrap();
    assert!(std::fs::read(path).unwrap() == expected);
    assert_eq!(listed(data.path(), "Q1-Report")["local_path"], path);
    assert_eq!(
        server.state().gauges.get("inforouter.open_handlers").value,
        0
    );
}

/// What a child process writes on stderr, read line by line as it comes so a test can wait for a line.
struct StderrLines {
    arriving: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl StderrLines {
    /// Takes over `child`'s piped stderr.
    fn of(child: &mut Child) -> StderrLines {
        let stderr = child.stderr.take().expect("stderr is piped");
        let (sender, arriving) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        StderrLines {
            arriving,
            seen: Vec::new(),
        }
    }

    /// Waits until `count` lines containing `text` were written; fails naming `what` after `limit`.
    fn wait_for(&mut self, text: &str, count: usize, limit: Duration, what: &str) {
        let deadline = Instant::now() + limit;
        while self.seen.iter().filter(|l| l.contains(text)).count() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.arriving.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "waited {limit:?} for {what} (`{text}` {count} times on stderr); it said:\n{}",
                    self.seen.join("\n")
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the process ended before {what} (`{text}` {count} times on stderr); it said:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Everything written, once the child has exited (its stderr closed).
    fn all(mut self) -> String {
        self.seen.extend(self.arriving.iter());
        self.seen.join("\n")
    }
}

fn ids(data_dir: &Path) -> Vec<i64> {
    queue_json(data_dir)
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

fn states(data_dir: &Path) -> Vec<String> {
    queue_json(data_dir)
        .iter()
        .map(|t| t["state"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_are_reordered_reprioritised_and_acted_on_all_at_once() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    add_inforouter(&server, data.path());
    for document in [sample::REPORT_PDF, sample::LEDGER_CSV, sample::NOTES_TXT] {
        queue_without_waiting(data.path(), document, data.path());
    }
    let [a, b, c] = ids(data.path())[..] else {
        panic!("three queued")
    };

    run(data.path(), &["queue", "move", &c.to_string(), "1"]);
    assert_eq!(ids(data.path()), [c, a, b]);
    run(data.path(), &["queue", "priority", &b.to_string(), "5"]);
    assert_eq!(ids(data.path()), [b, c, a]);
    let said = run(data.path(), &["queue", "move", &a.to_string(), "1"]);
    assert!(said.contains("priority 5 (was 0)"), "{said}");
    assert_eq!(ids(data.path()), [a, b, c]);
    run(data.path(), &["queue", "priority", &a.to_string(), "-1"]);
    assert_eq!(ids(data.path()), [b, c, a]);

    let said = run(data.path(), &["queue", "pause", "--all"]);
    assert_eq!(said.trim(), "paused 3 transfers");
    assert_eq!(states(data.path()), ["paused"; 3]);
    let said = run(data.path(), &["queue", "resume", "--all"]);
    assert_eq!(said.trim(), "resumed 3 transfers");
    run(data.path(), &["queue", "pause", &c.to_string()]);
    let said = run(data.path(), &["queue", "cancel", "--all"]);
    assert_eq!(said.trim(), "cancelled 3 transfers");
    assert_eq!(states(data.path()), ["cancelled"; 3]);
    let said = run(data.path(), &["queue", "retry", "--all"]);
    assert_eq!(said.trim(), "queued again 3 transfers");
    assert_eq!(states(data.path()), ["queued"; 3]);

    let neither = docket(data.path())
        .args(["queue", "pause"])
        .output()
        .unwrap();
    assert_eq!(neither.status.code(), Some(2));
    let both = docket(data.path())
        .args(["queue", "pause", &a.to_string(), "--all"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    let nowhere = docket(data.path())
        .args(["queue", "move", &a.to_string(), "0"])
        .output()
        .unwrap();
    assert_eq!(nowhere.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_flags_cap_what_the_server_sees_in_flight() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    add_inforouter(&server, data.path());
    let documents = [
        sample::REPORT_PDF,
        sample::LEDGER_CSV,
        sample::NOTES_TXT,
        sample::LARGE_FILE,
    ];
    // Unlimited, these four put two or more requests in flight at once.
    for (flag, limit) in [("--max-connections", 1), ("--per-remote", 1)] {
        let dest = tempfile::tempdir().unwrap();
        for document in documents {
            queue_without_waiting(data.path(), document, dest.path());
        }
        server.state().stats.reset();
        run(data.path(), &["queue", "run", flag, &limit.to_string()]);
        let most = server
            .state()
            .stats
            .get(docket_providers::inforouter::KIND, "/")
            .max_in_flight;
        println!("{flag} {limit}: at most {most} requests in flight");
        assert!(
            (1..=limit).contains(&most),
            "{flag} {limit}: {most} in flight"
        );
        assert_eq!(std::fs::read_dir(dest.path()).unwrap().count(), 4);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_get_is_no_faster_than_the_limit_allows() {
    const SIZE: u64 = 3 * 1024 * 1024;
    const RATE: u64 = 1024 * 1024;
    let server = demo_on(0, SIZE).await;
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    add_inforouter(&server, data.path());

    let started = Instant::now();
    let saved = ok(
        docket(data.path())
            .args([
                "get",
                REMOTE,
                sample::LARGE_FILE,
                "--limit-rate",
                "1M",
                "--json",
                "--to",
            ])
            .arg(dest.path())
            .output()
            .unwrap(),
        "get --limit-rate",
    );
    let took = started.elapsed();
    // The bucket starts with a tenth of a second's worth of bytes; everything else waits for the rate.
    let least = Duration::from_secs_f64((SIZE - RATE / 10) as f64 / RATE as f64);
    assert!(
        took >= least,
        "{SIZE} bytes at {RATE} B/s took only {took:?}"
    );
    let saved: Value = serde_json::from_str(&saved).unwrap();
    assert!(
        std::fs::read(saved["path"].as_str().unwrap()).unwrap()
            == library_bytes(&server, sample::LARGE_FILE)
    );
    println!("{SIZE} bytes limited to {RATE} B/s: {took:?}");

    let refused = docket(data.path())
        .args(["get", REMOTE, sample::LARGE_FILE, "--limit-rate", "fast"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("e.g. 500K or 20M"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_large_download_at_once_still_gets_every_file_and_zero_at_once_is_refused() {
    let server = demo_on(0, 3 * 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    add_inforouter(&server, data.path());
    let dest = tempfile::tempdir().unwrap();
    // The large file twice, into two folders (asked twice into one folder, it is one transfer).
    let second = dest.path().join("second");
    for (document, folder) in [
        (sample::LARGE_FILE, dest.path()),
        (sample::LARGE_FILE, second.as_path()),
        (sample::REPORT_PDF, dest.path()),
        (sample::NOTES_TXT, dest.path()),
    ] {
        queue_without_waiting(data.path(), document, folder);
    }
    let refused = docket(data.path())
        .args(["queue", "run", "--at-once", "0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--at-once"),
        "the message names the flag"
    );
    run(data.path(), &["queue", "run", "--at-once", "1"]);
    let mut saved: Vec<u64> = [dest.path(), second.as_path()]
        .into_iter()
        .flat_map(|folder| std::fs::read_dir(folder).unwrap())
        .map(|entry| entry.unwrap().metadata().unwrap())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .collect();
    saved.sort();
    let large = 3 * 1024 * 1024;
    assert_eq!(saved.len(), 4, "{saved:?}");
    assert_eq!(&saved[2..], [large, large], "both large copies whole");
}
