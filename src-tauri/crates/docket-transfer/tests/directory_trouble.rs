//! A provider directory that fails for a while (a keyring briefly locked) leaves the transfer to be retried;
//! one that says the remote cannot be had fails it.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use common::*;
use docket_core::{Provider, ProviderError};
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::QueueStore;
use docket_transfer::{ProviderDirectory, RunScope, TransferQueue};

/// The bench's remotes behind a directory that answers `trouble` the first `failures` times it is asked.
struct TroubledDirectory {
    remotes: Arc<Remotes>,
    failures: u32,
    asked: AtomicU32,
    trouble: fn() -> ProviderError,
}

#[async_trait::async_trait]
impl ProviderDirectory for TroubledDirectory {
    async fn provider(&self, remote: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        if self.asked.fetch_add(1, Ordering::SeqCst) < self.failures {
            return Err((self.trouble)());
        }
        self.remotes.provider(remote).await
    }
}

async fn run_one_through(directory: TroubledDirectory, bench: &Bench) -> TransferState {
    let kind = docket_providers::inforouter::KIND;
    let document = bench.document_id(kind, "telemetry-archive.bin").await;
    let pool = docket_store::database::open(bench.data.path())
        .await
        .unwrap();
    let http = docket_core::http::client().unwrap();
    let queue = TransferQueue::new(
        QueueStore::new(pool),
        Arc::new(directory),
        http,
        quick_config(),
    );
    let id = queue
        .enqueue(&NewTransfer {
            remote: bench.remote(kind),
            document,
            version: None,
            dest_dir: bench.dest.path().to_owned(),
            priority: 0,
        })
        .await
        .unwrap();
    queue.run(RunScope::Only(vec![id])).await.unwrap();
    queue.store().get(id).await.unwrap().state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_keyring_locked_for_a_moment_delays_the_transfer_instead_of_failing_it() {
    let bench = bench(quick_config()).await;
    let directory = TroubledDirectory {
        remotes: bench.remotes.clone(),
        failures: 2,
        asked: AtomicU32::new(0),
        trouble: || ProviderError::transient("the keyring is locked"),
    };
    assert_eq!(
        run_one_through(directory, &bench).await,
        TransferState::Completed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_remote_the_directory_does_not_know_fails_the_transfer() {
    let bench = bench(quick_config()).await;
    let directory = TroubledDirectory {
        remotes: bench.remotes.clone(),
        failures: u32::MAX,
        asked: AtomicU32::new(0),
        trouble: || ProviderError::InvalidRequest {
            message: "no remote `gone`".into(),
        },
    };
    assert_eq!(
        run_one_through(directory, &bench).await,
        TransferState::Failed
    );
}
