//! A server's numbers and nesting drive no unbounded work: the issue's probes (a staged file claiming 8 EiB in
//! one-byte chunks, an answer nested 100,000 deep) played by the demo server's fault injection end as one clear
//! failure within seconds and without memory to match, and the engine plans even an absurd staged file lazily.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use common::*;
use docket_core::{
    Capabilities, Chunk, ChunkSource, DocRef, Entry, Kind, Location, Page, PageToken,
    PrepareObserver, Provider, ProviderError, RangeSupport, RemoteUrl, StagedFile, TransferSource,
    Version,
};
use docket_demo::faults::{Failure, Target};
use docket_demo::library::sample;
use docket_store::queue::{NewTransfer, TransferRecord, TransferState};
use docket_store::QueueStore;
use docket_transfer::{RunScope, TransferQueue};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the issue's probe answered to `GetDownloadHandler`.
const HUGE_STAGING: &str = r#"<response success="true" Size="9223372036854775807" ContentType="application/octet-stream"
    ModificationDate="2024-06-15" VersionNumber="0" AlterDocumentName="huge.bin" RenderedContent="false"
    CRC32="a3f1c29d" ChunkSize="1" downloadhandler="7f3a1b2c-d4e5-6789-abcd-ef0123456789" />"#;

/// The most a probe may add to the process's peak memory: the issue's bound for the whole CLI.
const MEMORY_BOUND: u64 = 64 * 1024 * 1024;
/// How long a probe may take to end.
const DEADLINE: Duration = Duration::from_secs(10);

fn deeply_nested(depth: usize) -> String {
    format!(
        r#"<response success="true" itemcount="1">{}{}</response>"#,
        "<f>".repeat(depth),
        "</f>".repeat(depth)
    )
}

/// The process's peak resident memory so far (Linux `VmHWM`), in bytes: only when this test has the process to
/// itself (nextest, as CI runs it), since under `cargo test` the other tests' peaks would count too.
fn peak_rss() -> Option<u64> {
    if std::env::var("NEXTEST_EXECUTION_MODE").as_deref() != Ok("process-per-test") {
        return None;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kib * 1024)
}

/// Fails when the peak memory grew past the bound since `before` was taken.
fn assert_memory_bounded(before: Option<u64>) {
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        let grew = after.saturating_sub(before);
        assert!(
            grew < MEMORY_BOUND,
            "the peak memory grew by {} MiB",
            grew >> 20
        );
    }
}

fn answer_with(bench: &Bench, path: &str, xml: String) {
    bench.server.state().faults.fail_next(
        Target::new(docket_providers::inforouter::KIND, path),
        1,
        Failure::status(StatusCode::OK).body("text/xml; charset=utf-8", xml),
    );
}

/// Runs transfer `id` of `queue` to its end, which must come within the deadline and without the peak memory
/// growing past the bound.
async fn run_bounded(queue: &TransferQueue, id: i64) -> TransferRecord {
    let before = peak_rss();
    let started = Instant::now();
    let running = queue.clone();
    let ended = tokio::time::timeout(DEADLINE, async move {
        running.run(RunScope::Only(vec![id])).await
    })
    .await;
    assert!(
        ended.is_ok(),
        "the transfer did not end within {DEADLINE:?}"
    );
    assert_memory_bounded(before);
    let record = queue.store().get(id).await.unwrap();
    assert!(started.elapsed() < DEADLINE);
    record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staging_answer_claiming_8_eib_in_one_byte_chunks_fails_at_once_naming_the_size() {
    let bench = bench(quick_config()).await;
    answer_with(
        &bench,
        "/srv.asmx/GetDownloadHandler",
        HUGE_STAGING.to_owned(),
    );
    let id = bench
        .enqueue(docket_providers::inforouter::KIND, sample::LARGE_FILE)
        .await;
    let record = run_bounded(&bench.queue, id).await;
    assert_eq!(record.state, TransferState::Failed);
    let message = record.last_error.unwrap_or_default();
    assert!(
        message.contains(r#"GetDownloadHandler answered Size="9223372036854775807""#),
        "{message}"
    );
    assert!(!message.contains('\n'), "one line: {message}");
    assert_eq!(record.saved_path, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_nested_100000_deep_is_a_clear_error_not_a_stack_overflow() {
    let bench = bench(quick_config()).await;
    answer_with(
        &bench,
        "/srv.asmx/GetFoldersAndDocumentsByPage",
        deeply_nested(100_000),
    );
    let provider = bench.provider(docket_providers::inforouter::KIND);
    let before = peak_rss();
    // On a runtime worker, whose stack is as small as the desktop app's.
    let listing = tokio::spawn(async move { provider.list(&Location::root(), None).await });
    let outcome = tokio::time::timeout(DEADLINE, listing)
        .await
        .expect("the listing ended in time")
        .expect("the listing did not panic");
    let err = outcome.unwrap_err();
    assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    assert!(err.message().contains("more than 64 deep"), "{err}");
    assert_memory_bounded(before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staging_answer_nested_100000_deep_fails_the_transfer_clearly() {
    let bench = bench(quick_config()).await;
    answer_with(
        &bench,
        "/srv.asmx/GetDownloadHandler",
        deeply_nested(100_000),
    );
    let id = bench
        .enqueue(docket_providers::inforouter::KIND, sample::LARGE_FILE)
        .await;
    let record = run_bounded(&bench.queue, id).await;
    assert_eq!(record.state, TransferState::Failed);
    let message = record.last_error.unwrap_or_default();
    assert!(message.contains("more than 64 deep"), "{message}");
}

/// A provider of one document, prepared as `source` makes it.
struct OneDocument {
    source: fn() -> TransferSource,
}

/// Chunks that cannot be read: the engine must get as far as asking for the first one.
struct UnreadableChunks {
    staged: StagedFile,
}

#[async_trait]
impl ChunkSource for UnreadableChunks {
    fn staged(&self) -> &StagedFile {
        &self.staged
    }

    async fn read(&self, offset: u64, len: u64) -> Result<Chunk, ProviderError> {
        Err(ProviderError::NotFound {
            message: format!("no chunk of {len} bytes at offset {offset}"),
        })
    }

    async fn release(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

#[async_trait]
impl Provider for OneDocument {
    fn kind(&self) -> Kind {
        docket_providers::inforouter::KIND
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            versions: false,
            folders: false,
            server_previews: false,
            ranges: true,
            single_use_links: false,
        }
    }

    async fn list(
        &self,
        _location: &Location,
        _page: Option<&PageToken>,
    ) -> Result<Page<Entry>, ProviderError> {
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }

    async fn stat(&self, doc: &DocRef) -> Result<Entry, ProviderError> {
        Ok(Entry::document(doc.id(), "absurd.bin"))
    }

    async fn versions(&self, _doc: &DocRef) -> Result<Vec<Version>, ProviderError> {
        Ok(Vec::new())
    }

    async fn prepare(
        &self,
        _doc: &DocRef,
        _version: Option<&str>,
        _observer: &dyn PrepareObserver,
    ) -> Result<TransferSource, ProviderError> {
        Ok((self.source)())
    }

    async fn release_staged(&self, _handle: &str) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// Queues the one document of `provider` and runs it to its end, bounded as [`run_bounded`] says.
async fn transfer_bounded(provider: OneDocument) -> TransferRecord {
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let providers: HashMap<String, Arc<dyn Provider>> =
        HashMap::from([("absurd".to_owned(), Arc::new(provider) as Arc<dyn Provider>)]);
    let pool = docket_store::database::open(data.path()).await.unwrap();
    let queue = TransferQueue::new(
        QueueStore::new(pool),
        Arc::new(Remotes(providers)),
        docket_core::http::client().unwrap(),
        quick_config(),
    );
    let id = queue
        .enqueue(&NewTransfer {
            remote: "absurd".into(),
            document: "absurd.bin".into(),
            version: None,
            dest_dir: dest.path().to_owned(),
            priority: 0,
        })
        .await
        .unwrap();
    run_bounded(&queue, id).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_plans_an_absurd_staged_file_lazily_and_fails_at_its_first_chunk() {
    let record = transfer_bounded(OneDocument {
        source: || {
            TransferSource::Chunked(Box::new(UnreadableChunks {
                staged: StagedFile {
                    handle: "absurd".into(),
                    size: i64::MAX as u64,
                    chunk_size: 1,
                    crc32: None,
                    file_name: Some("absurd.bin".into()),
                    mime: None,
                    modified: None,
                },
            }))
        },
    })
    .await;
    assert_eq!(record.state, TransferState::Failed);
    let message = record.last_error.unwrap_or_default();
    assert!(
        message.contains("no chunk of 1 bytes at offset 0"),
        "{message}"
    );
}

/// The address of a link server whose every answer is the first KiB of a file it claims is 8 EiB long.
async fn server_claiming_8_eib() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 8192];
                let _ = socket.read(&mut request).await;
                let head = "HTTP/1.1 206 Partial Content\r\n\
                            Content-Range: bytes 0-1023/9223372036854775807\r\n\
                            Content-Length: 1024\r\nConnection: close\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&[0u8; 1024]).await;
            });
        }
    });
    format!("http://{address}/huge.bin")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_whose_content_range_claims_8_eib_fails_at_once_naming_the_header() {
    let url = server_claiming_8_eib().await;
    LINK.set(url).unwrap();
    let record = transfer_bounded(OneDocument {
        source: || {
            let mut url = RemoteUrl::new(LINK.get().cloned().unwrap_or_default());
            url.ranges = RangeSupport::Supported;
            TransferSource::Url(url)
        },
    })
    .await;
    assert_eq!(record.state, TransferState::Failed);
    let message = record.last_error.unwrap_or_default();
    assert!(
        message.contains("a size of 9223372036854775807 bytes (Content-Range)"),
        "{message}"
    );
}

/// The link server's address, for the `fn` that prepares the document.
static LINK: std::sync::OnceLock<String> = std::sync::OnceLock::new();
