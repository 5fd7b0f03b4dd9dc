//! `docket queue run` killed with SIGKILL at random moments, again and again, while it works a mixed queue
//! (ranged, chunked and single-use-URL transfers of every kind), then run to the end: every file is
//! byte-identical, no transfer is duplicated or lost, the database passes `PRAGMA integrity_check`, and no
//! infoRouter handler is left open on the server. 20 kills by default; `DOCKET_CRASH_RUNS=200` for a nightly
//! run, `DOCKET_CRASH_SEED` to replay one. Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use docket_core::Kind;
use docket_demo::library::sample;
use serde_json::Value;

mod support;

use support::{add_remote, demo_on, docket, document_ids, succeeded};

const LARGE: u64 = 6 * 1024 * 1024;
/// What each kind downloads: the large file (ranged or chunked or single-use) and two small ones.
const DOCUMENTS: [&str; 3] = [sample::LARGE_FILE, sample::REPORT_PDF, sample::README_TXT];

/// infoRouter reads small chunks here, so a kill lands between many of them.
fn chunk_setting(kind: Kind) -> Vec<&'static str> {
    match kind {
        docket_providers::inforouter::KIND => vec!["chunk_size=262144"],
        _ => Vec::new(),
    }
}

fn succeeded_command(command: &mut Command) -> String {
    succeeded(command.output().expect("docket runs"))
}

fn queue_json(data_dir: &Path) -> Vec<Value> {
    let stdout = succeeded_command(docket(data_dir).args(["queue", "--json"]));
    serde_json::from_str::<Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A small xorshift generator: the kill moments are reproducible from the printed seed.
struct Moments(u64);

impl Moments {
    fn next_millis(&mut self, low: u64, high: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        low + self.0 % (high - low)
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_queue_killed_at_random_moments_ends_complete_byte_identical_and_consistent() {
    let runs = env_number("DOCKET_CRASH_RUNS").unwrap_or(20);
    let seed = env_number("DOCKET_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1
    });
    println!("crash loop: {runs} kills, seed {seed} (DOCKET_CRASH_SEED={seed} replays it)");
    let mut moments = Moments(seed);

    let server = demo_on(0, LARGE).await;
    let state = server.state();
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for kind in docket_demo::apis::kinds() {
        let remote = add_remote(&server, data.path(), kind, &chunk_setting(kind));
        let ids = document_ids(&server, kind, &DOCUMENTS).await;
        let folder = dest.path().join(kind.id());
        for path in DOCUMENTS {
            let name = path.rsplit('/').next().unwrap();
            succeeded_command(
                docket(data.path())
                    .args(["get", &remote, &ids[name], "--no-wait", "--to"])
                    .arg(&folder),
            );
            expected.push((kind, path, remote.clone(), ids[name].clone()));
        }
        // Slow enough that every run is cut somewhere in the middle.
        state.faults.set_throttle(kind, Some(512 * 1024));
    }
    assert_eq!(queue_json(data.path()).len(), expected.len());

    let committed = |data_dir: &Path| -> u64 {
        queue_json(data_dir)
            .iter()
            .filter_map(|t| t["bytes_done"].as_u64())
            .sum()
    };
    let mut survived = 0;
    let mut cut_mid_work = 0;
    let mut before = committed(data.path());
    for run in 0..runs {
        let mut child = docket(data.path())
            .args(["queue", "run"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed at a random moment once this run has committed bytes of its own: a killed run's claims only
        // lapse after the lease, so killing on a timer alone would mostly kill runs that were waiting.
        let waiting = Instant::now();
        let mut finished = false;
        while committed(data.path()) <= before && waiting.elapsed() < Duration::from_secs(30) {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let moment = Duration::from_millis(moments.next_millis(0, 400));
        std::thread::sleep(moment);
        if finished || child.try_wait().unwrap().is_some() {
            println!("run {run}: the queue finished before its kill");
            break;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        survived += 1;
        let after = committed(data.path());
        if after > before {
            cut_mid_work += 1;
        }
        before = after;
    }
    for kind in docket_demo::apis::kinds() {
        state.faults.set_throttle(kind, None);
    }
    let started = Instant::now();
    let output = docket(data.path()).args(["queue", "run"]).output().unwrap();
    assert!(
        output.status.success(),
        "the final run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!(
        "crash loop: {survived} kills survived ({cut_mid_work} after the run had committed bytes), \
         final run took {:?}",
        started.elapsed()
    );
    assert_eq!(
        cut_mid_work, survived,
        "every run was killed after committing bytes"
    );

    let transfers = queue_json(data.path());
    assert_eq!(transfers.len(), expected.len(), "no transfer lost or added");
    let mut saved = Vec::new();
    for (kind, path, remote, document) in &expected {
        let matching: Vec<&Value> = transfers
            .iter()
            .filter(|t| t["remote"] == remote.as_str() && t["document"] == document.as_str())
            .collect();
        assert_eq!(matching.len(), 1, "{kind} {path}: {matching:?}");
        let transfer = matching[0];
        assert_eq!(transfer["state"], "completed", "{kind} {path}: {transfer}");
        let file = transfer["saved_path"].as_str().unwrap();
        let content = &state
            .library
            .document_by_path(path)
            .unwrap()
            .latest()
            .content;
        let bytes = std::fs::read(file).unwrap();
        assert!(
            bytes == content.read(0..content.len()).to_vec(),
            "{kind} {path}: {file} is not byte-identical"
        );
        assert_eq!(
            transfer["content_hash"],
            content.content_hash(),
            "{kind} {path}"
        );
        saved.push(file.to_owned());
    }
    saved.sort();
    saved.dedup();
    assert_eq!(
        saved.len(),
        expected.len(),
        "two transfers saved to one file"
    );
    let mut on_disk: Vec<String> = docket_demo::apis::kinds()
        .flat_map(|kind| std::fs::read_dir(dest.path().join(kind.id())).unwrap())
        .filter_map(Result::ok)
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, saved,
        "no copy and no partial file beside the downloads"
    );

    let pool = docket_store::database::open(data.path()).await.unwrap();
    let check: (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check.0, "ok");
    assert_eq!(
        state.gauges.get("inforouter.open_handlers").value,
        0,
        "every staged handler was released"
    );
}
