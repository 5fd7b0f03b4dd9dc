//! Links, tokens, tickets and staged files that expire mid-transfer are refreshed and the transfer continues from
//! its committed bytes (the study creator, which has no Range, starts again from zero with a fresh signed URL).

mod common;

use std::time::Duration;

use common::*;
use docket_core::Kind;
use docket_demo::faults::Target;
use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_transfer::{RunScope, TransferEvent};

/// Starts the large file of `kind` throttled, expires everything the API issued once some bytes are on disk,
/// and cuts the running stream so the next request meets the expired link. Answers the finished record and the
/// bytes the server sent for it.
async fn expire_mid_transfer(kind: Kind) -> (Bench, docket_store::queue::TransferRecord, u64) {
    let (bench, record, sent, _) = expire_mid_transfer_watched(kind, None).await;
    (bench, record, sent)
}

/// [`expire_mid_transfer`], also answering every progress event of the transfer, in order. With `latency`,
/// every request after the expiry waits that long first, so a refresh takes a while.
async fn expire_mid_transfer_watched(
    kind: Kind,
    latency: Option<Duration>,
) -> (
    Bench,
    docket_store::queue::TransferRecord,
    u64,
    Vec<TransferEvent>,
) {
    let mut config = quick_config();
    config.segments_per_transfer = 1;
    let bench = bench(config).await;
    let mut events = bench.queue.subscribe();
    let watched = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Ok(event) = events.recv().await {
            let finished = event.state.is_finished();
            seen.push(event);
            if finished {
                break;
            }
        }
        seen
    });
    let state = bench.server.state();
    let document = bench.document_id(kind, "telemetry-archive.bin").await;
    let id = bench.enqueue(kind, &document).await;
    state.faults.set_throttle(kind, Some(2 * 1024 * 1024));
    // The first ranged request is a short probe the cut does not reach; the stream after it is cut at 3 MiB.
    state.faults.drop_next(
        Target::new(kind, Bench::download_prefix(kind)),
        2,
        3 * 1024 * 1024,
    );
    let queue = bench.queue.clone();
    let running = tokio::spawn(async move { queue.run(RunScope::Only(vec![id])).await });
    let store = bench.queue.store().clone();
    for _ in 0..400 {
        if store.get(id).await.unwrap().bytes_done >= 512 * 1024 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    if let Some(latency) = latency {
        state.faults.set_latency(kind, latency);
    }
    state.expiry.expire(Some(kind));
    running.await.unwrap().unwrap();
    let record = bench.record(id).await;
    let sent = state
        .stats
        .get(kind, Bench::download_prefix(kind))
        .bytes_sent;
    let seen = tokio::time::timeout(Duration::from_secs(20), watched)
        .await
        .expect("the final event arrives")
        .unwrap();
    (bench, record, sent, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transfer_shows_refreshing_link_while_its_expired_link_is_replaced_until_bytes_flow_again(
) {
    let (_bench, record, _, seen) = expire_mid_transfer_watched(
        docket_providers::index_health::KIND,
        Some(Duration::from_millis(300)),
    )
    .await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    let states: Vec<TransferState> = seen.iter().map(|e| e.state).collect();
    let refreshing = seen
        .iter()
        .position(|e| e.state == TransferState::Refreshing)
        .unwrap_or_else(|| panic!("no refreshing event in {states:?}"));
    let at = seen[refreshing].bytes_done;
    assert!(
        seen[refreshing].message.is_some(),
        "says what expired: {:?}",
        seen[refreshing]
    );
    let flowing = seen[refreshing..]
        .iter()
        .find(|e| e.state == TransferState::Downloading)
        .unwrap_or_else(|| panic!("never downloading again after refreshing: {states:?}"));
    assert!(
        flowing.bytes_done > at,
        "downloading again means bytes arrived: {} then {}",
        at,
        flowing.bytes_done
    );
    assert!(
        seen.iter()
            .skip(refreshing)
            .take_while(|e| e.state == TransferState::Refreshing)
            .all(|e| e.bytes_done == at),
        "no bytes arrive while refreshing: {states:?}"
    );
    assert_eq!(states.last(), Some(&TransferState::Completed));
}

async fn continues_without_starting_over(kind: Kind) {
    let (bench, record, sent) = expire_mid_transfer(kind).await;
    assert_eq!(record.state, TransferState::Completed, "{kind}: {record:?}");
    assert!(record.refreshes >= 1, "{kind}: refreshed: {record:?}");
    assert!(
        read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE),
        "{kind}: bytes"
    );
    assert!(
        sent <= LARGE + quick_config().checkpoint_bytes,
        "{kind}: {sent} bytes sent for a {LARGE}-byte file: it started over"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_presigned_index_health_url_is_refreshed_and_the_download_continues() {
    continues_without_starting_over(docket_providers::index_health::KIND).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_ansarada_job_and_url_are_prepared_again_and_the_download_continues() {
    continues_without_starting_over(docket_providers::ansarada::KIND).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_sage_active_short_link_is_refreshed_and_the_download_continues() {
    continues_without_starting_over(docket_providers::sage_active::KIND).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_study_creator_signed_url_is_minted_again_and_the_download_restarts_from_zero() {
    let (bench, record, sent) = expire_mid_transfer(docket_providers::study_creator::KIND).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    assert!(read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE));
    assert!(
        sent >= LARGE + 1024 * 1024,
        "restarted from zero by design: {sent}"
    );
    let signed = bench
        .server
        .state()
        .stats
        .get(docket_providers::study_creator::KIND, "/signed-url")
        .requests;
    assert!(signed >= 2, "a fresh signed URL per request: {signed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_vanished_inforouter_handler_and_ticket_are_replaced_and_reading_continues_at_the_committed_chunk(
) {
    let (bench, record, _) = expire_mid_transfer(docket_providers::inforouter::KIND).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    assert!(record.refreshes >= 1, "re-staged: {record:?}");
    assert!(read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE));
    let state = bench.server.state();
    let reads = state
        .stats
        .get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        )
        .requests;
    let staged = state
        .stats
        .get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/GetDownloadHandler",
        )
        .requests;
    let chunks = LARGE.div_ceil(4 * 1024 * 1024);
    assert_eq!(staged, 2, "staged once more after the handler vanished");
    assert!(
        reads <= chunks + 4,
        "{reads} chunk reads for {chunks} chunks"
    );
    assert_eq!(bench.open_handlers(), 0);
}
