//! How a run of one transfer ends, recorded in the queue: paused keeps the partial, cancelled removes it, a
//! server that cannot be reached puts the transfer back in the queue, a final failure keeps the partial only when
//! retrying later could finish it.

use std::sync::atomic::Ordering;

use docket_store::queue::{TransferRecord, TransferState};
use docket_store::{QueueError, QueueStore};

use tokio::sync::watch;

use crate::engine::{Control, Engine};
use crate::error::TransferError;
use crate::partial::remove_partial;
use crate::progress::ProgressMeter;

/// How a run of one transfer ended, for the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    Completed,
    Failed(String),
    Paused,
    Cancelled,
    /// Put back in the queue until its server can be reached again (the run starts it then); says why.
    WaitingForRemote(String),
}

/// What settling a run needs of it: a run may end before it has a provider (its lookup was stopped or its server
/// cannot be reached).
pub(crate) struct Run<'a> {
    pub engine: &'a Engine,
    pub record: &'a TransferRecord,
    pub meter: &'a ProgressMeter,
    pub stop: &'a watch::Receiver<Control>,
}

impl Run<'_> {
    fn id(&self) -> i64 {
        self.record.id
    }
}

/// Records how the run ended: paused keeps the partial, cancelled removes it, a final failure keeps it only when
/// retrying later could finish it.
pub(crate) async fn settle(
    run: Run<'_>,
    outcome: Result<std::path::PathBuf, TransferError>,
) -> JobEnd {
    let store = &run.engine.store;
    match outcome {
        Ok(_) => JobEnd::Completed,
        Err(TransferError::Stopped) => {
            let control = *run.stop.borrow();
            let state = store.get(run.id()).await.map(|r| r.state).ok();
            if control == Control::Cancel || state == Some(TransferState::Cancelled) {
                let record = store.get(run.id()).await.unwrap_or(run.record.clone());
                if let Err(err) = discard_partial(store, &record).await {
                    tracing::warn!(
                        id = run.id(),
                        "could not forget the cancelled partial: {err}"
                    );
                }
                run.meter.state(TransferState::Cancelled, None);
                JobEnd::Cancelled
            } else {
                run.meter.state(TransferState::Paused, None);
                JobEnd::Paused
            }
        }
        Err(TransferError::RemoteOffline { remote, reason }) => {
            let message = format!("waiting for {remote} to be reachable again ({reason})");
            if let Err(err) = store
                .wait_for_remote(run.id(), &run.engine.owner, &message)
                .await
            {
                tracing::warn!(id = run.id(), %err, "could not put the transfer back in the queue");
            }
            run.meter
                .state(TransferState::Queued, Some(message.clone()));
            tracing::info!(id = run.id(), "{message}");
            JobEnd::WaitingForRemote(message)
        }
        Err(err) => {
            let message = err.to_string();
            if matches!(err, TransferError::Queue(QueueError::StorageFull)) {
                run.engine.storage_full.store(true, Ordering::SeqCst);
            }
            if !err.keeps_the_partial() {
                let record = store.get(run.id()).await.unwrap_or(run.record.clone());
                if let Err(err) = discard_partial(store, &record).await {
                    tracing::warn!(
                        id = run.id(),
                        "could not forget the discarded partial: {err}"
                    );
                }
            }
            if let Err(err) = store.fail(run.id(), &message).await {
                tracing::warn!(id = run.id(), %err, "could not record the failure");
            }
            run.meter
                .state(TransferState::Failed, Some(message.clone()));
            tracing::info!(id = run.id(), "failed: {message}");
            JobEnd::Failed(message)
        }
    }
}

/// Removes a transfer's partial file, if it has one (a symlink in its place is removed, never followed), and
/// forgets it with every byte recorded of it.
pub(crate) async fn discard_partial(
    store: &QueueStore,
    record: &TransferRecord,
) -> Result<(), QueueError> {
    if let Some(path) = record.partial_path() {
        remove_partial(&path).await;
    }
    store.forget_partial(record.id).await
}
