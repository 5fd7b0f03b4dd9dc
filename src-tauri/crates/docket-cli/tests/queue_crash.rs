//! `docket` killed with SIGKILL in the middle of a large download, then `docket queue run`: the file completes
//! byte-identical and what is fetched again is at most one segment or chunk per connection (the demo server's
//! counters prove it). Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use docket_demo::library::sample;
use docket_demo::DemoServer;
use serde_json::Value;

use support::{add_remote, demo_on, docket};

const LARGE: u64 = 24 * 1024 * 1024;

fn queue_json(data_dir: &Path) -> Vec<Value> {
    let output = docket(data_dir).args(["queue", "--json"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Starts `docket get`, waits until the queue shows `at_least` bytes committed, then kills it with SIGKILL.
fn get_then_kill(data_dir: &Path, dest: &Path, remote: &str, document: &str, at_least: u64) -> u64 {
    let mut child: Child = docket(data_dir)
        .args(["get", remote, document, "--to"])
        .arg(dest)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no progress within 60 s"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "docket get ended before it was killed"
        );
        let done = queue_json(data_dir)
            .first()
            .and_then(|t| t["bytes_done"].as_u64())
            .unwrap_or(0);
        if done >= at_least {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let transfer = &queue_json(data_dir)[0];
    assert_eq!(
        transfer["state"], "interrupted",
        "a killed process's transfer says so: {transfer}"
    );
    transfer["bytes_done"].as_u64().unwrap()
}

fn run_queue(data_dir: &Path) -> Value {
    let output = docket(data_dir).args(["queue", "run"]).output().unwrap();
    assert!(
        output.status.success(),
        "queue run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    queue_json(data_dir)[0].clone()
}

async fn demo() -> DemoServer {
    demo_on(0, LARGE).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ranged_download_killed_mid_way_completes_with_queue_run_refetching_at_most_a_segment_per_connection(
) {
    let server = demo().await;
    let state = server.state();
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::index_health::KIND,
        &[],
    );
    let document = "doc-1006";
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(1024 * 1024));

    let committed = get_then_kill(data.path(), dest.path(), &remote, document, 4 * 1024 * 1024);
    let before = state
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent;
    let partial = std::fs::read_dir(dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .count();
    assert_eq!(partial, 1, "only the partial file is there");
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);

    let transfer = run_queue(data.path());
    assert_eq!(transfer["state"], "completed", "{transfer}");
    let path = transfer["saved_path"].as_str().unwrap();
    let library = state.library.document_by_path(sample::LARGE_FILE).unwrap();
    let expected = library.latest().content.read(0..LARGE).to_vec();
    assert!(std::fs::read(path).unwrap() == expected, "byte-identical");
    assert_eq!(
        transfer["content_hash"],
        library.latest().content.content_hash()
    );

    let after = state
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent
        - before;
    let fetched_again = (before + after).saturating_sub(LARGE);
    let config = docket_transfer::EngineConfig::default();
    let connections = config.segments_per_transfer as u64;
    println!(
        "committed at kill {committed}, sent before kill {before}, sent after {after}, fetched again {fetched_again}"
    );
    assert!(
        fetched_again <= connections * config.min_segment,
        "fetched again {fetched_again} bytes, more than a segment per connection"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_download_killed_mid_way_completes_with_queue_run_rereading_at_most_a_chunk_per_connection_and_no_handler_stays_open(
) {
    let server = demo().await;
    let state = server.state();
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let chunk: u64 = 512 * 1024;
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::inforouter::KIND,
        &[&format!("chunk_size={chunk}")],
    );
    state
        .faults
        .set_throttle(docket_providers::inforouter::KIND, Some(1024 * 1024));

    let committed = get_then_kill(
        data.path(),
        dest.path(),
        &remote,
        sample::LARGE_FILE,
        4 * 1024 * 1024,
    );
    let gauge = || state.gauges.get("inforouter.open_handlers").value;
    assert_eq!(gauge(), 1, "the killed run left its handler open");
    let before = state
        .stats
        .get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        )
        .requests;
    state
        .faults
        .set_throttle(docket_providers::inforouter::KIND, None);

    let transfer = run_queue(data.path());
    assert_eq!(transfer["state"], "completed", "{transfer}");
    let library = state.library.document_by_path(sample::LARGE_FILE).unwrap();
    let path = transfer["saved_path"].as_str().unwrap();
    assert!(
        std::fs::read(path).unwrap() == library.latest().content.read(0..LARGE).to_vec(),
        "byte-identical"
    );
    assert_eq!(
        gauge(),
        0,
        "the leftover handler and the new one were deleted"
    );

    let reads = state
        .stats
        .get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        )
        .requests
        - before;
    let needed = (LARGE - committed).div_ceil(chunk);
    let connections = docket_transfer::EngineConfig::default().chunk_reads(chunk) as u64;
    let read_again = before - committed / chunk;
    println!(
        "committed at kill {committed}, chunk reads before {before}, after {reads}, needed {needed}, read again {read_again}"
    );
    assert!(
        committed.is_multiple_of(chunk),
        "chunks are committed whole"
    );
    assert_eq!(reads, needed, "after the restart every chunk is read once");
    assert!(
        read_again <= connections,
        "{read_again} chunks read before the kill were read again"
    );
}
