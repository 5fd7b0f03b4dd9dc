//! A ranged transfer killed mid-way (its runtime shut down at once: no stream, checkpoint or lease renewal runs
//! after) and resumed by another queue over the same data dir. In the same boot its written marks are trusted and
//! nothing they cover is fetched again; after another boot (a power loss) only its fsynced ranges are, and the
//! file still comes out byte-identical even when the unsynced bytes on disk are garbage.

mod common;

use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use docket_demo::demo_remotes;
use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_store::QueueStore;
use docket_transfer::{EngineConfig, RunScope, TransferQueue};

const SIZE: u64 = 24 * 1024 * 1024;
const NEVER: Duration = Duration::from_secs(3600);

/// Under the boot `boot`: written marks often; an fsync every `checkpoint_bytes` and durable marks every
/// `checkpoint_every`.
fn config(boot: &str, checkpoint_bytes: u64, checkpoint_every: Duration) -> EngineConfig {
    EngineConfig {
        boot_id: Some(boot.to_owned()),
        checkpoint_bytes,
        checkpoint_every,
        mark_every: Duration::from_millis(5),
        ..quick_config()
    }
}

/// A queue of its own (HTTP client, providers, database pool) over the bench's data dir.
async fn queue_over(bench: &Bench, config: EngineConfig) -> TransferQueue {
    queue_from(
        demo_remotes(&bench.server),
        bench.data.path().to_owned(),
        config,
    )
    .await
}

async fn queue_from(
    remotes: Vec<(docket_core::RemoteConfig, docket_core::Credentials)>,
    data: std::path::PathBuf,
    config: EngineConfig,
) -> TransferQueue {
    let http = docket_core::http::client().unwrap();
    let remotes = remotes
        .into_iter()
        .map(|(config, credentials)| {
            let name = config.name.clone();
            let provider = docket_providers::connect(config, credentials, http.clone()).unwrap();
            (name, provider)
        })
        .collect();
    let pool = docket_store::database::open(&data).await.unwrap();
    TransferQueue::new(
        QueueStore::new(pool),
        Arc::new(Remotes(remotes)),
        http,
        config,
    )
}

/// Runs the large file under `config` on a runtime of its own, throttled, and shuts that runtime down once the
/// queue shows half the file written: like a `kill -9`, nothing of that run happens afterwards. Answers the id.
async fn download_then_kill(bench: &Bench, config: EngineConfig) -> i64 {
    let state = bench.server.state();
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(2 * 1024 * 1024));
    let document = bench
        .document_id(
            docket_providers::index_health::KIND,
            "telemetry-archive.bin",
        )
        .await;
    let id = bench
        .enqueue(docket_providers::index_health::KIND, &document)
        .await;
    let first = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (remotes, data) = (demo_remotes(&bench.server), bench.data.path().to_owned());
    first.spawn(async move {
        let queue = queue_from(remotes, data, config).await;
        queue.run(RunScope::Only(vec![id])).await
    });
    let limit = Duration::from_secs(20);
    let deadline = tokio::time::Instant::now() + limit;
    while bench.record(id).await.bytes_done < SIZE / 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the queue did not show half the file written within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A write, fsync or commit already handed to a thread still ends (as after a real kill, where the OS finishes
    // a write the process started): wait for it before the test looks at the disk and the queue.
    tokio::task::spawn_blocking(move || ended_like_a_kill(first, limit))
        .await
        .unwrap();
    let write_lock = bench
        .queue
        .store()
        .pool()
        .begin_with("BEGIN IMMEDIATE")
        .await
        .expect("the killed run's last commit ends and frees the database");
    write_lock.commit().await.unwrap();
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);
    id
}

/// Shuts `runtime` down as a kill would (each task is dropped at its next await) and waits until its threads have
/// ended, so the file writes and fsyncs they were in the middle of are done. Commits run on the database's own
/// connection threads: the caller waits for those through the database's write lock.
fn ended_like_a_kill(runtime: tokio::runtime::Runtime, limit: Duration) {
    let started = std::time::Instant::now();
    runtime.shutdown_timeout(limit);
    assert!(
        started.elapsed() < limit,
        "the killed run's threads did not end within {limit:?}"
    );
}

fn covered(ranges: &[Range<u64>]) -> u64 {
    ranges.iter().map(|r| r.end - r.start).sum()
}

fn sent(bench: &Bench) -> u64 {
    bench
        .server
        .state()
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent
}

fn partial_path(bench: &Bench) -> std::path::PathBuf {
    std::fs::read_dir(bench.dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".docket-part"))
        .expect("the killed run left its partial file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transfer_killed_mid_way_resumes_from_its_written_marks_without_fetching_them_again_in_the_same_boot(
) {
    let bench = bench_with(SIZE, quick_config()).await;
    let id = download_then_kill(&bench, config("boot-a", u64::MAX, NEVER)).await;
    let killed = bench.record(id).await;
    assert!(killed.bytes_done >= SIZE / 2, "{killed:?}");
    assert!(
        bench.queue.store().committed(id).await.unwrap().is_empty(),
        "no fsync was due, so nothing is durable: only written marks can save the bytes"
    );
    let before = sent(&bench);

    let queue = queue_over(&bench, config("boot-a", u64::MAX, NEVER)).await;
    queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    let expected = bench.library_bytes(sample::LARGE_FILE);
    assert!(read(&saved_path(&record)) == expected, "byte-identical");
    let fetched = sent(&bench) - before;
    assert!(
        fetched <= SIZE - killed.bytes_done,
        "the restart fetched {fetched} bytes; only {} were not marked written",
        SIZE - killed.bytes_done
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_another_boot_only_durable_ranges_are_trusted_and_garbage_in_the_rest_is_fetched_again(
) {
    let bench = bench_with(SIZE, quick_config()).await;
    let id = download_then_kill(
        &bench,
        config("boot-a", SIZE / 16, Duration::from_millis(300)),
    )
    .await;
    let killed = bench.record(id).await;
    let durable = bench.queue.store().committed(id).await.unwrap();
    assert!(covered(&durable) > 0, "a checkpoint ran before the kill");
    // Durable marks lag the written ones (by up to 300 ms), so garbage lands on bytes a written mark covers.
    assert!(
        covered(&durable) <= killed.bytes_done,
        "no more fsynced ({durable:?}) than written ({})",
        killed.bytes_done
    );
    // A power loss keeps what was fsynced; anything else on disk may be anything.
    let partial = partial_path(&bench);
    let mut bytes = std::fs::read(&partial).unwrap();
    let mut at = 0usize;
    for range in durable.iter().chain(std::iter::once(&(SIZE..SIZE))) {
        let end = (range.start as usize).min(bytes.len());
        bytes[at.min(end)..end].fill(0xA5);
        at = range.end as usize;
    }
    std::fs::write(&partial, &bytes).unwrap();
    let before = sent(&bench);

    let queue = queue_over(
        &bench,
        config("boot-b", SIZE / 16, Duration::from_millis(300)),
    )
    .await;
    queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    let expected = bench.library_bytes(sample::LARGE_FILE);
    assert!(read(&saved_path(&record)) == expected, "byte-identical");
    let fetched = sent(&bench) - before;
    assert_eq!(
        fetched,
        SIZE - covered(&durable),
        "everything not fsynced is fetched again, nothing fsynced is"
    );
    let hash = docket_core::content_hash::content_hash(&expected);
    assert_eq!(record.content_hash.as_deref(), Some(hash.as_str()));
}
