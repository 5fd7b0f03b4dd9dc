//! A queue over the demo server's five remotes, in process, with a small large file and quick retries.

#![allow(dead_code)]

pub mod chunk_wrapping;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use docket_core::{EntryKind, Kind, Location, Provider, ProviderError};
use docket_demo::{demo_remote_name, demo_remotes, DemoConfig, DemoServer};
use docket_store::queue::{NewTransfer, TransferRecord};
use docket_store::QueueStore;
use docket_transfer::{EngineConfig, ProviderDirectory, RetryPolicy, TransferQueue};

pub struct Remotes(pub HashMap<String, Arc<dyn Provider>>);

#[async_trait::async_trait]
impl ProviderDirectory for Remotes {
    async fn provider(&self, remote: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        self.0
            .get(remote)
            .cloned()
            .ok_or_else(|| ProviderError::InvalidRequest {
                message: format!("no remote `{remote}`"),
            })
    }
}

pub struct Bench {
    pub server: DemoServer,
    pub data: tempfile::TempDir,
    pub dest: tempfile::TempDir,
    pub queue: TransferQueue,
    pub remotes: Arc<Remotes>,
}

pub const LARGE: u64 = 6 * 1024 * 1024;

pub fn quick_config() -> EngineConfig {
    EngineConfig {
        min_segment: 512 * 1024,
        checkpoint_bytes: 256 * 1024,
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_millis(400),
            max_refreshes: 4,
        },
        lease: Duration::from_secs(2),
        ..EngineConfig::default()
    }
}

pub async fn bench(config: EngineConfig) -> Bench {
    bench_with(LARGE, config).await
}

pub async fn bench_with(large: u64, config: EngineConfig) -> Bench {
    bench_with_chunks(large, config, None).await
}

/// Like [`bench_with`], the infoRouter remote asking for `chunk_size`-byte chunks when given.
pub async fn bench_with_chunks(large: u64, config: EngineConfig, chunk_size: Option<u64>) -> Bench {
    let server = DemoServer::start(DemoConfig {
        port_base: 0,
        large_file_size: large,
        bulk_study_files: 0,
    })
    .await
    .expect("demo server starts");
    let http = docket_core::http::client().unwrap();
    let remotes = Arc::new(Remotes(
        demo_remotes(&server)
            .into_iter()
            .map(|(mut config, credentials)| {
                if let (docket_providers::inforouter::KIND, Some(size)) = (config.kind, chunk_size)
                {
                    config
                        .settings
                        .insert("chunk_size".into(), size.to_string());
                }
                let name = config.name.clone();
                let provider =
                    docket_providers::connect(config, credentials, http.clone()).unwrap();
                (name, provider)
            })
            .collect(),
    ));
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let pool = docket_store::database::open(data.path()).await.unwrap();
    let queue = TransferQueue::new(QueueStore::new(pool), remotes.clone(), http, config);
    Bench {
        server,
        data,
        dest,
        queue,
        remotes,
    }
}

impl Bench {
    pub fn remote(&self, kind: Kind) -> String {
        demo_remote_name(kind)
    }

    pub fn provider(&self, kind: Kind) -> Arc<dyn Provider> {
        self.remotes.0[&self.remote(kind)].clone()
    }

    /// The id `kind` uses for the first document named `name`, found by walking its listing.
    pub async fn document_id(&self, kind: Kind, name: &str) -> String {
        find_document(self.provider(kind).as_ref(), name).await
    }

    pub async fn enqueue(&self, kind: Kind, document: &str) -> i64 {
        self.queue
            .enqueue(&NewTransfer {
                remote: self.remote(kind),
                document: document.to_owned(),
                version: None,
                dest_dir: self.dest.path().to_owned(),
                priority: 0,
            })
            .await
            .unwrap()
    }

    pub async fn record(&self, id: i64) -> TransferRecord {
        self.queue.store().get(id).await.unwrap()
    }

    /// The library's bytes of the sample at `path`.
    pub fn library_bytes(&self, path: &str) -> Vec<u8> {
        let state = self.server.state();
        let content = &state
            .library
            .document_by_path(path)
            .unwrap()
            .latest()
            .content;
        content.read(0..content.len()).to_vec()
    }

    pub fn open_handlers(&self) -> i64 {
        self.server
            .state()
            .gauges
            .get("inforouter.open_handlers")
            .value
    }

    /// The download path prefix each kind's bytes come from, for the demo's counters.
    pub fn download_prefix(kind: Kind) -> &'static str {
        docket_demo::apis::api(kind)
            .unwrap_or_else(|| panic!("the demo serves {kind}"))
            .bytes_path
    }
}

pub async fn find_document(provider: &dyn Provider, name: &str) -> String {
    let mut pending = VecDeque::from([Location::root()]);
    while let Some(location) = pending.pop_front() {
        for entry in provider.list_all(&location).await.unwrap() {
            match entry.kind {
                EntryKind::Document if entry.name == name => return entry.id,
                EntryKind::Folder => pending.push_back(Location::at(entry.id.clone())),
                EntryKind::Document => {}
            }
        }
    }
    panic!("no document named {name}");
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

pub fn saved_path(record: &TransferRecord) -> PathBuf {
    record.saved_path.clone().expect("a saved path")
}

/// Waits until `condition` holds, polling; panics after 20 s.
pub async fn until<F: FnMut() -> bool>(what: &str, mut condition: F) {
    for _ in 0..400 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}
