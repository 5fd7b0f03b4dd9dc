//! What every transfer of one running queue shares: the store, HTTP, limits, progress and the providers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use docket_core::{Provider, ProviderError};
use docket_store::{Catalog, QueueStore};
use tokio::sync::watch;

use crate::availability::Availability;
use crate::bandwidth::BandwidthLimit;
use crate::config::EngineConfig;
use crate::large_slots::LargeSlots;
use crate::limits::{ConnectionLimits, QueueLimits};
use crate::progress::ProgressHub;

/// Turns a remote's name into its provider (the CLI and the app know where remotes and secrets live).
#[async_trait::async_trait]
pub trait ProviderDirectory: Send + Sync {
    async fn provider(&self, remote: &str) -> Result<Arc<dyn Provider>, ProviderError>;
}

/// What a running transfer is told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Control {
    Run,
    Pause,
    Cancel,
}

pub(crate) struct Engine {
    pub store: QueueStore,
    pub http: reqwest::Client,
    pub config: EngineConfig,
    pub limits: ConnectionLimits,
    /// Always present so a limit set while transfers run reaches them; unlimited until a rate is set.
    pub bandwidth: Option<BandwidthLimit>,
    /// Transfers worked on at once; starts from `config.max_transfers` and follows [`Engine::set_limits`].
    transfers_at_once: AtomicUsize,
    /// The slots of transfers found not to be small (as many as `transfers_at_once`).
    pub large: LargeSlots,
    pub hub: ProgressHub,
    /// This runner's name in the queue's claims.
    pub owner: String,
    directory: Arc<dyn ProviderDirectory>,
    providers: tokio::sync::Mutex<HashMap<String, Arc<dyn Provider>>>,
    pub controls: Mutex<HashMap<i64, watch::Sender<Control>>>,
    /// Where completed downloads are recorded and which remotes are offline; none in bare engine tests.
    catalog: OnceLock<Catalog>,
    pub availability: Availability,
    /// Set when a transfer could not record its progress because the disk holding the database is full; the run
    /// that sees it stops.
    pub storage_full: AtomicBool,
}

impl Engine {
    pub fn new(
        store: QueueStore,
        directory: Arc<dyn ProviderDirectory>,
        http: reqwest::Client,
        config: EngineConfig,
    ) -> Self {
        Engine {
            store,
            http,
            limits: ConnectionLimits::new(
                config.max_connections,
                config.max_connections_per_remote,
            ),
            bandwidth: Some(BandwidthLimit::adjustable(config.bandwidth_limit)),
            transfers_at_once: AtomicUsize::new(config.max_transfers.max(1)),
            large: LargeSlots::new(config.max_transfers),
            hub: ProgressHub::default(),
            owner: docket_store::queue::RunnerId::for_this_process().to_string(),
            directory,
            providers: tokio::sync::Mutex::new(HashMap::new()),
            controls: Mutex::new(HashMap::new()),
            catalog: OnceLock::new(),
            availability: Availability::default(),
            storage_full: AtomicBool::new(false),
            config,
        }
    }

    pub fn transfers_at_once(&self) -> usize {
        self.transfers_at_once.load(Ordering::Relaxed)
    }

    /// New limits for the transfers running now and those to come.
    pub fn set_limits(&self, limits: QueueLimits) {
        self.transfers_at_once
            .store(limits.max_transfers.max(1), Ordering::Relaxed);
        self.large.resize(limits.max_transfers);
        self.limits
            .resize(limits.max_connections, limits.max_connections_per_remote);
        if let Some(bandwidth) = &self.bandwidth {
            bandwidth.set_rate(limits.bandwidth_limit);
        }
    }

    pub fn catalog(&self) -> Option<&Catalog> {
        self.catalog.get()
    }

    /// Attaches the catalog; a queue keeps the first one for its life.
    pub fn attach_catalog(&self, catalog: Catalog) {
        if self.catalog.set(catalog).is_err() {
            tracing::warn!("the transfer queue has a catalog already; keeping it");
        }
    }

    /// One provider per remote for the whole run, so sessions and tickets are shared by its transfers.
    pub async fn provider(&self, remote: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        let mut providers = self.providers.lock().await;
        if let Some(provider) = providers.get(remote) {
            return Ok(Arc::clone(provider));
        }
        let provider = self.directory.provider(remote).await?;
        providers.insert(remote.to_owned(), Arc::clone(&provider));
        Ok(provider)
    }

    pub fn signal(&self, id: i64, control: Control) -> bool {
        let controls = self.controls.lock().unwrap_or_else(|e| e.into_inner());
        match controls.get(&id) {
            Some(sender) => {
                sender.send_replace(control);
                true
            }
            None => false,
        }
    }

    pub fn is_active(&self, id: i64) -> bool {
        let controls = self.controls.lock().unwrap_or_else(|e| e.into_inner());
        controls.contains_key(&id)
    }

    /// The transfers this engine is running.
    pub fn active_ids(&self) -> Vec<i64> {
        let controls = self.controls.lock().unwrap_or_else(|e| e.into_inner());
        controls.keys().copied().collect()
    }
}
