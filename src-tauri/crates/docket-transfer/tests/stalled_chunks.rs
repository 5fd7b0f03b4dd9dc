//! A staged-file server that stops answering mid-download (a chunk request that never completes): a pause or a
//! Delete still takes effect at once, because a stop drops the request in flight instead of waiting for it, and
//! Delete right after a pause still removes the partial file.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::chunk_wrapping::ChunkWrapping;
use common::*;
use docket_core::{Chunk, ChunkSource, Provider, ProviderError, StagedFile};
use docket_demo::library::sample;
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::QueueStore;
use docket_transfer::{JobEnd, RunScope, TransferQueue};

/// Answers the first `answered` chunk requests, then never answers again.
struct StallingChunks {
    inner: Box<dyn ChunkSource>,
    answered: Arc<AtomicU64>,
    limit: u64,
}

#[async_trait]
impl ChunkSource for StallingChunks {
    fn staged(&self) -> &StagedFile {
        self.inner.staged()
    }

    async fn read(&self, offset: u64, len: u64) -> Result<Chunk, ProviderError> {
        if self.answered.fetch_add(1, Ordering::SeqCst) >= self.limit {
            std::future::pending::<()>().await;
        }
        self.inner.read(offset, len).await
    }

    async fn release(&self) -> Result<(), ProviderError> {
        self.inner.release().await
    }
}

fn partial_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".docket-part"))
        .count()
}

/// A queue whose infoRouter answers two chunks of the large file, then stalls; the large file queued.
async fn stalling_queue(bench: &Bench) -> (TransferQueue, i64) {
    let remote = bench.remote(docket_providers::inforouter::KIND);
    let answered = Arc::new(AtomicU64::new(0));
    let stalling = ChunkWrapping::new(
        bench.provider(docket_providers::inforouter::KIND),
        move |inner| {
            Box::new(StallingChunks {
                inner,
                answered: Arc::clone(&answered),
                limit: 2,
            })
        },
    );
    let providers: HashMap<String, Arc<dyn Provider>> =
        HashMap::from([(remote.clone(), Arc::new(stalling) as Arc<dyn Provider>)]);
    let pool = docket_store::database::open(bench.data.path())
        .await
        .unwrap();
    let queue = TransferQueue::new(
        QueueStore::new(pool),
        Arc::new(Remotes(providers)),
        docket_core::http::client().unwrap(),
        quick_config(),
    );
    let id = queue
        .enqueue(&NewTransfer {
            remote,
            document: sample::LARGE_FILE.to_owned(),
            version: None,
            dest_dir: bench.dest.path().to_owned(),
            priority: 0,
        })
        .await
        .unwrap();
    (queue, id)
}

/// Bounds a wait that, before stops dropped requests in flight, never ended.
const STOP_BOUND: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pause_ends_a_transfer_whose_server_stopped_answering_and_delete_then_removes_its_partial(
) {
    let bench = bench_with_chunks(2 * 1024 * 1024, quick_config(), Some(64 * 1024)).await;
    let (queue, id) = stalling_queue(&bench).await;
    let running = {
        let queue = queue.clone();
        tokio::spawn(async move { queue.run(RunScope::Only(vec![id])).await.unwrap() })
    };
    for _ in 0..400 {
        if queue.store().get(id).await.unwrap().bytes_done > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(queue.store().get(id).await.unwrap().bytes_done > 0);

    queue.pause(id).await.unwrap();
    let summary = tokio::time::timeout(STOP_BOUND, running)
        .await
        .expect("the run ends although a chunk request never completes")
        .unwrap();
    assert_eq!(summary.ended, [(id, JobEnd::Paused)]);
    assert_eq!(
        queue.store().get(id).await.unwrap().state,
        TransferState::Paused
    );
    assert_eq!(
        partial_files(bench.dest.path()),
        1,
        "a pause keeps the partial"
    );
    assert_eq!(bench.open_handlers(), 0, "the staged file was released");

    tokio::time::timeout(STOP_BOUND, queue.remove(id))
        .await
        .expect("Delete returns")
        .unwrap();
    assert!(queue.store().get(id).await.is_err(), "the row is gone");
    assert_eq!(partial_files(bench.dest.path()), 0, "and its partial file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn delete_of_a_transfer_whose_server_stopped_answering_returns_and_leaves_nothing() {
    let bench = bench_with_chunks(2 * 1024 * 1024, quick_config(), Some(64 * 1024)).await;
    let (queue, id) = stalling_queue(&bench).await;
    let running = {
        let queue = queue.clone();
        tokio::spawn(async move { queue.run(RunScope::Only(vec![id])).await.unwrap() })
    };
    until("the partial file holds bytes", || {
        partial_files(bench.dest.path()) == 1
    })
    .await;

    tokio::time::timeout(STOP_BOUND, queue.remove(id))
        .await
        .expect("Delete returns although a chunk request never completes")
        .unwrap();
    tokio::time::timeout(STOP_BOUND, running)
        .await
        .expect("the run ends")
        .unwrap();
    assert!(queue.store().get(id).await.is_err(), "the row is gone");
    assert_eq!(partial_files(bench.dest.path()), 0, "and its partial file");
    assert_eq!(bench.open_handlers(), 0, "the staged file was released");
}
