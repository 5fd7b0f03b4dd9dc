//! A staged-file server that stops answering mid-download (a chunk request that never completes): a pause or a
//! Delete still takes effect at once, because a stop drops the request in flight instead of waiting for it, and
//! Delete right after a pause still removes the partial file.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::chunk_wrapping::large_file_through;
use common::*;
use docket_core::{Chunk, ChunkSource, ProviderError, StagedFile};
use docket_store::queue::TransferState;
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
    let answered = Arc::new(AtomicU64::new(0));
    large_file_through(bench, move |inner| {
        Box::new(StallingChunks {
            inner,
            answered: Arc::clone(&answered),
            limit: 2,
        })
    })
    .await
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
