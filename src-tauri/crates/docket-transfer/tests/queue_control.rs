//! Limits hold under a long queue, and pause, resume and cancel behave as a user expects.

mod common;

use std::time::Duration;

use common::*;
use docket_core::{EntryKind, Location};
use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_transfer::{EngineConfig, JobEnd, QueueLimits, RunScope};

/// The ids of every downloadable Index Health document except the large one.
async fn small_documents(bench: &Bench) -> Vec<String> {
    let provider = bench.provider(docket_providers::index_health::KIND);
    let mut ids = Vec::new();
    for collection in provider.list_all(&Location::root()).await.unwrap() {
        for entry in provider
            .list_all(&Location::at(collection.id))
            .await
            .unwrap()
        {
            let skip = entry.name.contains("telemetry") || entry.name.contains("Travel policy");
            if entry.kind == EntryKind::Document && !skip {
                ids.push(entry.id);
            }
        }
    }
    ids
}

async fn run_many(config: EngineConfig, count: usize) -> (Bench, u64) {
    let bench = bench(config).await;
    let documents = small_documents(&bench).await;
    let mut ids = Vec::new();
    for n in 0..count {
        ids.push(
            bench
                .enqueue(
                    docket_providers::index_health::KIND,
                    &documents[n % documents.len()],
                )
                .await,
        );
    }
    let summary = bench.queue.run(RunScope::All).await.unwrap();
    assert_eq!(summary.ended.len(), count);
    for id in ids {
        let record = bench.record(id).await;
        assert_eq!(record.state, TransferState::Completed, "{record:?}");
    }
    let most = bench
        .server
        .state()
        .stats
        .get(docket_providers::index_health::KIND, "/")
        .max_in_flight;
    (bench, most)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_queued_documents_never_put_more_than_the_per_remote_limit_in_flight() {
    let config = EngineConfig {
        max_transfers: 8,
        max_connections: 16,
        max_connections_per_remote: 3,
        ..quick_config()
    };
    let (bench, most) = run_many(config, 200).await;
    assert!(most <= 3, "the server saw {most} requests at once");
    assert!(most >= 2, "transfers did run in parallel ({most})");
    let files = std::fs::read_dir(bench.dest.path()).unwrap().count();
    assert_eq!(files, 200, "every copy kept under its own name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_global_limit_holds_when_it_is_tighter_than_the_per_remote_one() {
    let config = EngineConfig {
        max_transfers: 8,
        max_connections: 2,
        max_connections_per_remote: 6,
        ..quick_config()
    };
    let (_bench, most) = run_many(config, 60).await;
    assert!(most <= 2, "the server saw {most} requests at once");
}

/// Starts the large Index Health file throttled; answers its id once bytes are on disk.
async fn start_slow(bench: &Bench) -> (i64, tokio::task::JoinHandle<docket_transfer::RunSummary>) {
    let state = bench.server.state();
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(1024 * 1024));
    let document = bench
        .document_id(
            docket_providers::index_health::KIND,
            "telemetry-archive.bin",
        )
        .await;
    let id = bench
        .enqueue(docket_providers::index_health::KIND, &document)
        .await;
    let queue = bench.queue.clone();
    let running = tokio::spawn(async move { queue.run(RunScope::Only(vec![id])).await.unwrap() });
    for _ in 0..400 {
        if bench.record(id).await.bytes_done >= 512 * 1024 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    (id, running)
}

fn partial_files(bench: &Bench) -> Vec<String> {
    std::fs::read_dir(bench.dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".docket-part"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_paused_transfer_keeps_its_partial_file_and_resumes_where_it_stopped() {
    let bench = bench(quick_config()).await;
    let (id, running) = start_slow(&bench).await;
    bench.queue.pause(id).await.unwrap();
    let summary = running.await.unwrap();
    assert_eq!(summary.ended, [(id, JobEnd::Paused)]);
    let paused = bench.record(id).await;
    assert_eq!(paused.state, TransferState::Paused);
    assert!(paused.bytes_done > 0);
    assert_eq!(partial_files(&bench).len(), 1, "the partial file is kept");

    let state = bench.server.state();
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);
    bench.queue.resume(id).await.unwrap();
    bench.queue.run(RunScope::All).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed);
    assert!(read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE));
    let sent = state
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent;
    let config = quick_config();
    assert!(
        sent <= LARGE + config.segments_per_transfer as u64 * config.min_segment,
        "resumed, not restarted: {sent}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cancelled_transfer_removes_its_partial_file_and_is_not_run_again() {
    let bench = bench(quick_config()).await;
    let (id, running) = start_slow(&bench).await;
    bench.queue.cancel(id).await.unwrap();
    let summary = running.await.unwrap();
    assert_eq!(summary.ended, [(id, JobEnd::Cancelled)]);
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Cancelled);
    assert_eq!(record.bytes_done, 0);
    assert!(partial_files(&bench).is_empty());
    assert!(bench
        .queue
        .run(RunScope::All)
        .await
        .unwrap()
        .ended
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lower_per_remote_limit_set_while_a_transfer_runs_holds_at_the_server_from_then_on() {
    let config = EngineConfig {
        max_transfers: 3,
        max_connections: 16,
        max_connections_per_remote: 4,
        segments_per_transfer: 4,
        ..quick_config()
    };
    let bench = bench(config).await;
    let state = bench.server.state();
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(1024 * 1024));
    let document = bench
        .document_id(
            docket_providers::index_health::KIND,
            "telemetry-archive.bin",
        )
        .await;
    let id = bench
        .enqueue(docket_providers::index_health::KIND, &document)
        .await;
    let queue = bench.queue.clone();
    let running = tokio::spawn(async move { queue.run(RunScope::Only(vec![id])).await.unwrap() });
    let in_flight = || {
        state
            .stats
            .get(docket_providers::index_health::KIND, "/s3")
            .in_flight
    };
    until("several segments download at once", || in_flight() >= 2).await;

    bench.queue.set_limits(QueueLimits {
        max_transfers: 3,
        max_connections: 16,
        max_connections_per_remote: 1,
        bandwidth_limit: None,
    });
    // Requests already in flight finish their ranges; none starts beside them.
    until("the server sees one request at a time", || in_flight() <= 1).await;
    state.stats.reset();
    let summary = running.await.unwrap();
    assert_eq!(summary.ended, [(id, JobEnd::Completed)]);
    let record = bench.record(id).await;
    assert!(read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE));
    let counts = state.stats.get(docket_providers::index_health::KIND, "/s3");
    assert!(
        counts.max_in_flight <= 1,
        "at most one request at once after the limit was lowered: {counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn removing_a_paused_transfer_deletes_it_and_its_partial_file_and_clearing_keeps_completed_files(
) {
    let bench = bench(quick_config()).await;
    let (slow, running) = start_slow(&bench).await;
    bench.queue.pause(slow).await.unwrap();
    running.await.unwrap();
    assert_eq!(partial_files(&bench).len(), 1);

    bench.queue.remove(slow).await.unwrap();
    assert!(
        partial_files(&bench).is_empty(),
        "the partial file went too"
    );
    assert!(
        bench.queue.store().get(slow).await.is_err(),
        "the row is gone"
    );

    bench
        .server
        .state()
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);
    let report = bench
        .document_id(docket_providers::index_health::KIND, "Q1-Report.pdf")
        .await;
    let done = bench
        .enqueue(docket_providers::index_health::KIND, &report)
        .await;
    let waiting = bench
        .enqueue(docket_providers::index_health::KIND, &report)
        .await;
    bench.queue.pause(waiting).await.unwrap();
    bench.queue.run(RunScope::All).await.unwrap();
    let saved = saved_path(&bench.record(done).await);

    assert_eq!(bench.queue.clear_finished().await.unwrap(), 1);
    let left: Vec<i64> = bench
        .queue
        .list()
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(left, [waiting]);
    assert!(
        saved.exists(),
        "clearing the list never deletes a downloaded file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_more_large_files_than_transfers_at_once_download_together_while_small_ones_pass_beside_them(
) {
    let config = EngineConfig {
        max_transfers: 2,
        max_connections_per_remote: 8,
        segments_per_transfer: 1,
        ..quick_config()
    };
    let bench = bench(config).await;
    // Large copies that take a while (at 4 MiB/s each), small documents queued after them.
    bench
        .server
        .state()
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(4 * 1024 * 1024));
    let large = bench
        .document_id(
            docket_providers::index_health::KIND,
            "telemetry-archive.bin",
        )
        .await;
    let mut large_ids = Vec::new();
    for _ in 0..4 {
        large_ids.push(
            bench
                .enqueue(docket_providers::index_health::KIND, &large)
                .await,
        );
    }
    let mut small_ids = Vec::new();
    for document in small_documents(&bench).await.iter().take(4) {
        small_ids.push(
            bench
                .enqueue(docket_providers::index_health::KIND, document)
                .await,
        );
    }
    let mut events = bench.queue.subscribe();
    let watcher = tokio::spawn(async move {
        let mut downloading = std::collections::HashSet::new();
        let mut most = 0;
        let mut told_to_wait = false;
        while let Ok(event) = events.recv().await {
            let is_large = event.bytes_total.is_some_and(|total| total == LARGE);
            if is_large && event.state == TransferState::Downloading && event.bytes_done > 0 {
                downloading.insert(event.id);
            } else {
                downloading.remove(&event.id);
            }
            most = most.max(downloading.len());
            told_to_wait |= event.state == TransferState::Queued
                && event
                    .message
                    .as_deref()
                    .is_some_and(|m| m.contains("large transfers at once"));
        }
        (most, told_to_wait)
    });
    let summary = bench.queue.run(RunScope::All).await.unwrap();
    assert_eq!(summary.ended.len(), 8, "{summary:?}");
    let ended: Vec<i64> = summary.ended.iter().map(|(id, _)| *id).collect();
    let first_large_done = large_ids
        .iter()
        .map(|id| ended.iter().position(|e| e == id).unwrap())
        .min()
        .unwrap();
    for id in &small_ids {
        let place = ended.iter().position(|e| e == id).unwrap();
        assert!(
            place < first_large_done,
            "the small transfer {id} did not wait for the large ones: {ended:?} {:?}",
            bench.record(*id).await
        );
    }
    for id in large_ids.iter().chain(&small_ids) {
        assert_eq!(bench.record(*id).await.state, TransferState::Completed);
    }
    drop(bench);
    let (most, told_to_wait) = watcher.await.unwrap();
    assert_eq!(most, 2, "two large files at a time");
    assert!(told_to_wait, "a large file waiting for its turn says why");
}
