//! A link server that honours `Range` but sends no `ETag` or `Last-Modified` (Sage Active's short links, with the
//! demo's validators switched off): a download killed part-way resumes from where it stopped, fetching again only
//! a small overlap before that point (compared with the disk) and what was in flight; and when the bytes on disk
//! no longer match what the server sends, it starts over instead of stitching two files together. Needs the OS
//! keyring: run through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use docket_demo::library::sample;
use docket_demo::DemoServer;
use serde_json::Value;

use support::{add_remote, demo_on, docket, document_ids, library_bytes, succeeded};

const LARGE: u64 = 24 * 1024 * 1024;
/// Where link downloads are served.
const LINKS: &str = "/files";

fn queue_json(data_dir: &Path) -> Vec<Value> {
    let stdout = succeeded(docket(data_dir).args(["queue", "--json"]).output().unwrap());
    serde_json::from_str::<Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A Sage Active remote on a demo whose link server sends no validators and trickles, with the large file's id.
async fn sage_without_validators() -> (DemoServer, tempfile::TempDir, String, String) {
    let server = demo_on(0, LARGE).await;
    let data = tempfile::tempdir().unwrap();
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::sage_active::KIND,
        &[],
    );
    let ids = document_ids(
        &server,
        docket_providers::sage_active::KIND,
        &[sample::LARGE_FILE],
    )
    .await;
    let document = ids.into_values().next().unwrap();
    let faults = &server.state().faults;
    faults.set_no_validators(docket_providers::sage_active::KIND, true);
    faults.set_throttle(docket_providers::sage_active::KIND, Some(1024 * 1024));
    (server, data, remote, document)
}

/// `docket get`, killed once the queue shows `at_least` bytes on disk; answers the partial file.
fn get_then_kill(
    data_dir: &Path,
    dest: &Path,
    remote: &str,
    document: &str,
    at_least: u64,
) -> PathBuf {
    let mut child = docket(data_dir)
        .args(["get", remote, document, "--to"])
        .arg(dest)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while queue_json(data_dir)
        .first()
        .and_then(|t| t["bytes_done"].as_u64())
        .unwrap_or(0)
        < at_least
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "docket get ended before it was killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "no progress within 90 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let partials: Vec<PathBuf> = std::fs::read_dir(dest)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(partials.len(), 1, "{partials:?}");
    partials.into_iter().next().unwrap()
}

fn finish(data_dir: &Path) -> Value {
    succeeded(docket(data_dir).args(["queue", "run"]).output().unwrap());
    queue_json(data_dir)[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_validators_a_killed_download_resumes_fetching_again_only_the_overlap_and_what_was_in_flight(
) {
    let (server, data, remote, document) = sage_without_validators().await;
    let state = server.state();
    let dest = tempfile::tempdir().unwrap();
    get_then_kill(
        data.path(),
        dest.path(),
        &remote,
        &document,
        6 * 1024 * 1024,
    );
    let before = state
        .stats
        .get(docket_providers::sage_active::KIND, LINKS)
        .bytes_sent;
    state
        .faults
        .set_throttle(docket_providers::sage_active::KIND, None);

    let transfer = finish(data.path());
    assert_eq!(transfer["state"], "completed", "{transfer}");
    let saved = std::fs::read(transfer["saved_path"].as_str().unwrap()).unwrap();
    assert!(
        saved == library_bytes(&server, sample::LARGE_FILE),
        "byte-identical"
    );

    let after = state
        .stats
        .get(docket_providers::sage_active::KIND, LINKS)
        .bytes_sent
        - before;
    let fetched_again = (before + after).saturating_sub(LARGE);
    let segment = docket_transfer::EngineConfig::default().min_segment;
    println!("sent before the kill {before}, after {after}: fetched again {fetched_again} bytes");
    assert!(
        after < LARGE - 4 * 1024 * 1024,
        "it resumed instead of starting from zero: {after} bytes after the kill"
    );
    assert!(
        fetched_again < 2 * segment,
        "fetched again {fetched_again} bytes, more than the overlap and what was in flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_validators_bytes_on_disk_that_differ_from_the_server_start_the_download_over() {
    let (server, data, remote, document) = sage_without_validators().await;
    let state = server.state();
    let dest = tempfile::tempdir().unwrap();
    let partial = get_then_kill(
        data.path(),
        dest.path(),
        &remote,
        &document,
        6 * 1024 * 1024,
    );
    // What a file replaced on the server looks like from here: the bytes before the resume point differ.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&partial)
        .unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    file.write_all(&[0xA5; 4 * 1024 * 1024]).unwrap();
    drop(file);
    let before = state
        .stats
        .get(docket_providers::sage_active::KIND, LINKS)
        .bytes_sent;
    state
        .faults
        .set_throttle(docket_providers::sage_active::KIND, None);

    let transfer = finish(data.path());
    assert_eq!(transfer["state"], "completed", "{transfer}");
    let saved = std::fs::read(transfer["saved_path"].as_str().unwrap()).unwrap();
    assert!(
        saved == library_bytes(&server, sample::LARGE_FILE),
        "byte-identical: nothing of the stale bytes was kept"
    );
    let after = state
        .stats
        .get(docket_providers::sage_active::KIND, LINKS)
        .bytes_sent
        - before;
    assert!(
        after >= LARGE,
        "the whole file was fetched again: {after} bytes"
    );
}
