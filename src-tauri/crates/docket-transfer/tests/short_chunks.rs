//! A staged-file server that answers each chunk request with fewer bytes than asked (its `chunklength` is what
//! counts, per the infoRouter page: older servers send smaller chunks): the queue writes what arrived, asks for
//! the rest from there, and saves the file whole.

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use common::chunk_wrapping::large_file_through;
use common::*;
use docket_core::{Chunk, ChunkSource, ProviderError, StagedFile};
use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_transfer::RunScope;

struct HalfChunkSource {
    inner: Box<dyn ChunkSource>,
    reads: Arc<AtomicU64>,
}

#[async_trait]
impl ChunkSource for HalfChunkSource {
    fn staged(&self) -> &StagedFile {
        self.inner.staged()
    }

    async fn read(&self, offset: u64, len: u64) -> Result<Chunk, ProviderError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.inner.read(offset, len.div_ceil(2)).await
    }

    async fn release(&self) -> Result<(), ProviderError> {
        self.inner.release().await
    }
}

#[tokio::test]
async fn chunks_shorter_than_asked_are_written_and_the_rest_asked_for_from_where_they_ended() {
    let chunk: u64 = 256 * 1024;
    let bench = bench_with_chunks(2 * 1024 * 1024, quick_config(), Some(chunk)).await;
    let reads = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&reads);
    // The demo's infoRouter, except that every chunk comes back with at most half the bytes asked for.
    let (queue, id) = large_file_through(&bench, move |inner| {
        Box::new(HalfChunkSource {
            inner,
            reads: Arc::clone(&counted),
        })
    })
    .await;
    queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = queue.store().get(id).await.unwrap();
    assert_eq!(
        record.state,
        TransferState::Completed,
        "{:?}",
        record.last_error
    );
    assert!(read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE));
    let size = 2 * 1024 * 1024;
    assert!(
        reads.load(Ordering::SeqCst) >= 2 * size / chunk,
        "every chunk came in two answers"
    );
    assert_eq!(bench.open_handlers(), 0, "the handler was released");
}
