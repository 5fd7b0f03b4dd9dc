//! The queue against the demo server: every kind completes byte-identical, whatever the server throws at it.

mod common;

use common::*;
use docket_demo::faults::{Failure, Target};
use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_transfer::{EngineConfig, JobEnd, RunScope};

fn status(code: u16) -> reqwest::StatusCode {
    reqwest::StatusCode::from_u16(code).unwrap()
}

const LARGE_NAME: &str = "telemetry-archive.bin";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_kind_downloads_the_large_file_through_the_queue_byte_identical() {
    let bench = bench(quick_config()).await;
    let expected = bench.library_bytes(sample::LARGE_FILE);
    let hash = docket_core::content_hash::content_hash(&expected);
    let mut ids = Vec::new();
    for kind in docket_demo::apis::kinds() {
        let document = bench.document_id(kind, LARGE_NAME).await;
        ids.push((kind, bench.enqueue(kind, &document).await));
    }
    let summary = bench.queue.run(RunScope::All).await.unwrap();
    assert_eq!(summary.ended.len(), 5, "{summary:?}");
    let mut names = Vec::new();
    for (kind, id) in ids {
        let record = bench.record(id).await;
        assert_eq!(record.state, TransferState::Completed, "{kind}: {record:?}");
        let path = saved_path(&record);
        assert_eq!(read(&path), expected, "{kind}: bytes of {}", path.display());
        assert_eq!(record.bytes_done, LARGE, "{kind}");
        assert_eq!(
            record.content_hash.as_deref(),
            Some(hash.as_str()),
            "{kind}"
        );
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.contains(&LARGE_NAME.to_owned()), "{names:?}");
    assert!(
        names.contains(&"telemetry-archive (1).bin".to_owned()),
        "a taken name gets a (1) suffix: {names:?}"
    );
    assert_eq!(bench.open_handlers(), 0);
    let leftovers: Vec<_> = std::fs::read_dir(bench.dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".docket-part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_large_ranged_file_is_fetched_by_several_segments_without_fetching_a_byte_twice() {
    let bench = bench(quick_config()).await;
    let document = bench
        .document_id(docket_providers::index_health::KIND, LARGE_NAME)
        .await;
    let id = bench
        .enqueue(docket_providers::index_health::KIND, &document)
        .await;
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    assert_eq!(
        read(&saved_path(&record)),
        bench.library_bytes(sample::LARGE_FILE)
    );
    let counts = bench
        .server
        .state()
        .stats
        .get(docket_providers::index_health::KIND, "/s3");
    assert!(
        counts.max_in_flight >= 2,
        "segments in parallel: {counts:?}"
    );
    // Stealing the end of a running segment can waste what the server already sent on that connection: at most
    // one segment per connection.
    let config = quick_config();
    let allowed = LARGE + config.segments_per_transfer as u64 * config.min_segment;
    assert!(counts.bytes_sent <= allowed, "{counts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dropped_connections_500s_and_429s_are_retried_and_the_file_completes_identical() {
    let bench = bench(quick_config()).await;
    let state = bench.server.state();
    let expected = bench.library_bytes(sample::LARGE_FILE);
    let mut ids = Vec::new();
    for kind in [
        docket_providers::index_health::KIND,
        docket_providers::sage_active::KIND,
        docket_providers::study_creator::KIND,
        docket_providers::inforouter::KIND,
    ] {
        let document = bench.document_id(kind, LARGE_NAME).await;
        let target = Target::new(kind, Bench::download_prefix(kind));
        state.faults.drop_next(target.clone(), 1, 300_000);
        state
            .faults
            .fail_next(target.clone(), 1, Failure::status(status(500)));
        state
            .faults
            .fail_next(target, 1, Failure::status(status(429)).retry_after(0));
        ids.push((kind, bench.enqueue(kind, &document).await));
    }
    bench.queue.run(RunScope::All).await.unwrap();
    for (kind, id) in ids {
        let record = bench.record(id).await;
        assert_eq!(record.state, TransferState::Completed, "{kind}: {record:?}");
        assert!(record.attempts >= 2, "{kind}: {record:?}");
        assert_eq!(read(&saved_path(&record)), expected, "{kind}");
    }
    assert!(state.faults.rules().is_empty(), "every fault fired");
    assert_eq!(bench.open_handlers(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_that_keeps_failing_ends_failed_with_its_message_and_no_file() {
    let mut config = quick_config();
    config.retry.max_attempts = 2;
    let bench = bench(config).await;
    let state = bench.server.state();
    let document = bench
        .document_id(docket_providers::sage_active::KIND, "Q1-Report.pdf")
        .await;
    state.faults.fail_next(
        Target::new(docket_providers::sage_active::KIND, "/files"),
        10,
        Failure::status(status(503)).body("text/plain", "maintenance window"),
    );
    let id = bench
        .enqueue(docket_providers::sage_active::KIND, &document)
        .await;
    let summary = bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Failed);
    assert!(
        record
            .last_error
            .as_deref()
            .unwrap()
            .contains("maintenance window"),
        "{record:?}"
    );
    assert!(matches!(&summary.ended[..], [(_, JobEnd::Failed(m))] if m.contains("maintenance")));
    assert!(record.saved_path.is_none());
    let names: Vec<String> = std::fs::read_dir(bench.dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n == "Q1-Report.pdf"), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_ansarada_job_fails_at_once_with_the_failure_reason() {
    let bench = bench(quick_config()).await;
    let document = bench
        .document_id(
            docket_providers::ansarada::KIND,
            "Board minutes (restricted).pdf",
        )
        .await;
    let id = bench
        .enqueue(docket_providers::ansarada::KIND, &document)
        .await;
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Failed);
    assert_eq!(record.attempts, 0, "a FAILED job is final");
    let message = record.last_error.unwrap();
    assert!(
        message.contains("could not prepare the download"),
        "{message}"
    );
    assert!(std::fs::read_dir(bench.dest.path())
        .unwrap()
        .next()
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_missing_document_and_an_offline_one_fail_at_once_with_the_servers_message() {
    let bench = bench(quick_config()).await;
    let missing = bench
        .enqueue(
            docket_providers::index_health::KIND,
            "doc-that-does-not-exist",
        )
        .await;
    let offline = bench
        .enqueue(docket_providers::inforouter::KIND, sample::ARCHIVED_PDF)
        .await;
    bench.queue.run(RunScope::All).await.unwrap();
    let missing = bench.record(missing).await;
    assert_eq!(missing.state, TransferState::Failed);
    assert!(missing.last_error.unwrap().contains("Document not found"));
    let offline = bench.record(offline).await;
    assert_eq!(offline.state, TransferState::Failed);
    assert!(offline.last_error.unwrap().contains("Offline"), "offline");
    assert_eq!(bench.open_handlers(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wrong_chunk_crc32_is_read_again_and_the_handler_is_still_deleted() {
    let bench = bench(quick_config()).await;
    let state = bench.server.state();
    let bad =
        "<response success=\"true\" filelength=\"6291456\" chunklength=\"5\" lastchunk=\"false\" \
               chunkCRC32=\"00000000\">aGVsbG8=</response>";
    state.faults.fail_next(
        Target::new(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        ),
        2,
        Failure::status(status(200)).body("text/xml; charset=utf-8", bad),
    );
    let id = bench
        .enqueue(docket_providers::inforouter::KIND, sample::LARGE_FILE)
        .await;
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    assert_eq!(record.attempts, 2);
    assert!(record.last_error.is_none());
    assert_eq!(
        read(&saved_path(&record)),
        bench.library_bytes(sample::LARGE_FILE)
    );
    assert_eq!(bench.open_handlers(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_chunk_crc32_that_stays_wrong_fails_clearly_and_leaves_no_handler() {
    let mut config = quick_config();
    config.retry.max_attempts = 1;
    let bench = bench(config).await;
    let state = bench.server.state();
    let bad =
        "<response success=\"true\" filelength=\"6291456\" chunklength=\"5\" lastchunk=\"false\" \
               chunkCRC32=\"00000000\">aGVsbG8=</response>";
    state.faults.fail_next(
        Target::new(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        ),
        100,
        Failure::status(status(200)).body("text/xml; charset=utf-8", bad),
    );
    let id = bench
        .enqueue(docket_providers::inforouter::KIND, sample::LARGE_FILE)
        .await;
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Failed);
    assert!(record.last_error.unwrap().contains("CRC32"));
    assert!(record.saved_path.is_none());
    assert_eq!(bench.open_handlers(), 0);
    assert!(record.staged_handle.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_chunked_download_keeps_no_more_chunk_bytes_in_flight_than_its_budget() {
    const CHUNK: u64 = 256 * 1024;
    let read_counts = |budget: u64| async move {
        let config = EngineConfig {
            chunk_bytes_in_flight: budget,
            ..quick_config()
        };
        let bench = bench_with_chunks(LARGE, config, Some(CHUNK)).await;
        let state = bench.server.state();
        // Each read waits on the server, so the readers overlap as far as the budget lets them.
        state.faults.set_latency(
            docket_providers::inforouter::KIND,
            std::time::Duration::from_millis(30),
        );
        let id = bench
            .enqueue(docket_providers::inforouter::KIND, sample::LARGE_FILE)
            .await;
        bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
        let record = bench.record(id).await;
        assert_eq!(record.state, TransferState::Completed, "{record:?}");
        assert_eq!(
            read(&saved_path(&record)),
            bench.library_bytes(sample::LARGE_FILE)
        );
        assert_eq!(bench.open_handlers(), 0);
        state.stats.get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        )
    };
    let three = read_counts(3 * CHUNK).await;
    assert_eq!(three.requests, LARGE / CHUNK, "every chunk read once");
    assert!(
        (2..=3).contains(&three.max_in_flight),
        "a budget of three chunks: {three:?}"
    );
    // A larger budget for the same chunks means more reads at once, up to the per-remote limit.
    let six = read_counts(6 * CHUNK).await;
    assert!(
        (4..=6).contains(&six.max_in_flight),
        "a budget of six chunks: {six:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_file_renamed_into_place_before_a_crash_is_adopted_not_downloaded_again() {
    let bench = bench(quick_config()).await;
    let id = bench
        .enqueue(docket_providers::inforouter::KIND, sample::LARGE_FILE)
        .await;
    let bytes = bench.library_bytes(sample::LARGE_FILE);
    let crc = crc32fast::hash(&bytes);
    // What a run killed right after the rename leaves: every byte committed, the file under its final name, no
    // partial, and the record not yet completed.
    let store = bench.queue.store();
    store
        .set_target(
            id,
            LARGE_NAME,
            Some(LARGE),
            Some(&format!("size={LARGE};crc32={crc:08x};modified=?")),
        )
        .await
        .unwrap();
    store.commit_range(id, 0..LARGE).await.unwrap();
    std::fs::write(bench.dest.path().join(LARGE_NAME), &bytes).unwrap();

    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    assert_eq!(saved_path(&record), bench.dest.path().join(LARGE_NAME));
    let files = std::fs::read_dir(bench.dest.path()).unwrap().count();
    assert_eq!(files, 1, "no second copy beside it");
    let reads = bench
        .server
        .state()
        .stats
        .get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        )
        .requests;
    assert_eq!(reads, 0, "nothing was downloaded again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_small_document_cut_off_mid_body_is_fetched_again_and_saved_whole_with_its_hash() {
    let bench = bench(quick_config()).await;
    let state = bench.server.state();
    let expected = bench.library_bytes(sample::REPORT_PDF);
    assert!(expected.len() > 300, "the sample is bigger than the cut");
    let mut ids = Vec::new();
    for kind in [
        docket_providers::index_health::KIND,
        docket_providers::sage_active::KIND,
        docket_providers::study_creator::KIND,
    ] {
        let document = bench.document_id(kind, "Q1-Report.pdf").await;
        let target = Target::new(kind, Bench::download_prefix(kind));
        state.faults.drop_next(target, 1, 300);
        ids.push((kind, bench.enqueue(kind, &document).await));
    }
    bench.queue.run(RunScope::All).await.unwrap();
    assert!(state.faults.rules().is_empty(), "every cut happened");
    for (kind, id) in ids {
        let record = bench.record(id).await;
        assert_eq!(record.state, TransferState::Completed, "{kind}: {record:?}");
        assert!(record.attempts >= 1, "{kind} retried: {record:?}");
        let path = saved_path(&record);
        assert_eq!(read(&path), expected, "{kind}");
        assert_eq!(record.bytes_done, expected.len() as u64, "{kind}");
        assert_eq!(
            record.content_hash.as_deref(),
            Some(docket_core::content_hash::content_hash(&expected).as_str()),
            "{kind}"
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(bench.dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(docket_transfer::destination::PARTIAL_SUFFIX))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no partial file is left: {leftovers:?}"
    );
}
