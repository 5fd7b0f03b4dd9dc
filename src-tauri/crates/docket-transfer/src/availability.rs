//! Which remotes can be reached. The catalog keeps the answer (browsing, the app and other processes write it
//! too); the engine confirms a suspected outage with one cheap request (the first page of the root listing)
//! before it parks a transfer, and keeps probing a parked remote with growing pauses until it answers. A
//! transfer waiting for its server spends none of its retries.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use docket_core::{Location, ProviderError};
use docket_store::catalog::Offline;
use docket_store::CatalogError;
use tokio::time::Instant;

use crate::engine::Engine;

/// A probe that has not answered by then counts as no answer.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one probe's verdict stands for the other streams that fail at the same moment.
const VERDICT_FRESH: Duration = Duration::from_secs(2);

/// What the engine knows about reaching each remote between the catalog's words.
#[derive(Default)]
pub(crate) struct Availability {
    /// One confirming probe per remote at a time; the streams failing meanwhile take its verdict.
    verdicts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Verdict>>>>>,
    /// When each parked remote is probed next, and the pause after that.
    schedule: Mutex<HashMap<String, (Instant, Duration)>>,
    /// Remotes a revival probe is running for.
    probing: Mutex<HashSet<String>>,
}

struct Verdict {
    at: Instant,
    /// Why it cannot be reached; `None` when it answered.
    unreachable: Option<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Engine {
    /// The remotes the catalog says cannot be reached now (none without a catalog).
    pub(crate) async fn offline_remotes(&self) -> HashMap<String, Offline> {
        let Some(catalog) = self.catalog() else {
            return HashMap::new();
        };
        match catalog.offline_remotes().await {
            Ok(offline) => offline,
            Err(err) => {
                tracing::warn!("could not read which remotes are offline: {err}");
                HashMap::new()
            }
        }
    }

    /// After a transient failure: whether `remote` really cannot be reached (a probe says so), in which case it
    /// is marked offline in the catalog and the reason is returned; the transfer then waits for it instead of
    /// retrying. `None` (retry as usual) when it answers, or when there is no catalog to remember the outage.
    pub(crate) async fn unreachable(&self, remote: &str) -> Option<String> {
        let catalog = self.catalog()?;
        let gate = {
            let mut verdicts = lock(&self.availability.verdicts);
            Arc::clone(verdicts.entry(remote.to_owned()).or_default())
        };
        let mut verdict = gate.lock().await;
        if let Some(fresh) = verdict.as_ref().filter(|v| v.at.elapsed() < VERDICT_FRESH) {
            return fresh.unreachable.clone();
        }
        let unreachable = match probe(self, remote).await {
            Ok(()) => None,
            Err(reason) => match catalog.mark_offline(remote, &reason).await {
                Ok(()) => {
                    let pause = self.config.offline_probe;
                    lock(&self.availability.schedule).insert(
                        remote.to_owned(),
                        (
                            Instant::now() + pause,
                            (pause * 2).min(self.config.offline_probe_max),
                        ),
                    );
                    Some(reason)
                }
                // A remote the catalog does not know cannot be remembered as offline: retry as usual.
                Err(CatalogError::UnknownRemote(_)) => None,
                Err(err) => {
                    tracing::warn!(remote, "could not mark the remote offline: {err}");
                    None
                }
            },
        };
        *verdict = Some(Verdict {
            at: Instant::now(),
            unreachable: unreachable.clone(),
        });
        unreachable
    }

    /// When a parked remote is tried next; `None` while a try runs (or none is scheduled).
    pub(crate) fn next_probe(&self, remote: &str) -> Option<Instant> {
        if lock(&self.availability.probing).contains(remote) {
            return None;
        }
        lock(&self.availability.schedule)
            .get(remote)
            .map(|&(due, _)| due)
    }

    /// Probes a parked remote in the background when its pause is over; when it answers, the catalog marks it
    /// online (subscribers hear `RemoteOnline`) and the queue starts what waited for it.
    pub(crate) fn revive(self: &Arc<Self>, remote: &str) {
        let Some(catalog) = self.catalog().cloned() else {
            return;
        };
        let now = Instant::now();
        {
            let mut probing = lock(&self.availability.probing);
            if probing.contains(remote) {
                return;
            }
            let mut schedule = lock(&self.availability.schedule);
            let (due, _) = *schedule
                .entry(remote.to_owned())
                .or_insert((now, self.config.offline_probe));
            if due > now {
                return;
            }
            probing.insert(remote.to_owned());
        }
        let engine = Arc::clone(self);
        let remote = remote.to_owned();
        tokio::spawn(async move {
            let outcome = probe(&engine, &remote).await;
            match outcome {
                Ok(()) => {
                    lock(&engine.availability.schedule).remove(&remote);
                    lock(&engine.availability.verdicts).remove(&remote);
                    tracing::info!(remote, "reachable again; starting what waited for it");
                    if let Err(err) = catalog.mark_online(&remote).await {
                        tracing::warn!(remote, "could not mark the remote online: {err}");
                    }
                }
                Err(reason) => {
                    {
                        let mut schedule = lock(&engine.availability.schedule);
                        let pause = schedule
                            .get(&remote)
                            .map_or(engine.config.offline_probe, |&(_, pause)| pause);
                        let next = (pause * 2).min(engine.config.offline_probe_max);
                        schedule.insert(remote.clone(), (Instant::now() + pause, next));
                    }
                    tracing::debug!(remote, "still unreachable: {reason}");
                    if let Err(err) = catalog.mark_offline(&remote, &reason).await {
                        tracing::warn!(remote, "could not mark the remote offline: {err}");
                    }
                }
            }
            lock(&engine.availability.probing).remove(&remote);
        });
    }
}

/// One cheap request: the first page of the root listing. Any answer but a transient failure (a refusal, a
/// missing folder) means the server is there.
async fn probe(engine: &Engine, remote: &str) -> Result<(), String> {
    let provider = match engine.provider(remote).await {
        Ok(provider) => provider,
        Err(ProviderError::Transient { message }) => return Err(message),
        // Not an outage: the transfer itself reports what is wrong.
        Err(_) => return Ok(()),
    };
    let _permit = engine.limits.acquire(remote).await;
    match tokio::time::timeout(PROBE_TIMEOUT, provider.list(&Location::root(), None)).await {
        Ok(Err(ProviderError::Transient { message })) => Err(message),
        Ok(_) => Ok(()),
        Err(_) => Err(format!("no answer within {} s", PROBE_TIMEOUT.as_secs())),
    }
}
