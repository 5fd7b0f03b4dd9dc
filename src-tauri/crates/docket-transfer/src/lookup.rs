//! Finding the provider of a transfer's remote before the transfer starts. The directory may fail for a while
//! (a keyring that is locked, a database that is busy): what it says is retryable is retried under the retry
//! policy, or waited for like an unreachable server, so the transfer is not failed for good.

use std::sync::Arc;

use docket_core::{Provider, ProviderError};
use docket_store::queue::TransferRecord;
use tokio::sync::watch;

use crate::engine::{Control, Engine};
use crate::error::TransferError;
use crate::retry::Decision;

/// The provider of `record`'s remote; `RemoteOffline` when it cannot be reached (the directory's own trouble
/// included), `Stopped` when the transfer is paused or cancelled while waiting to try again.
pub(crate) async fn provider(
    engine: &Engine,
    record: &TransferRecord,
    stop: &watch::Receiver<Control>,
) -> Result<Arc<dyn Provider>, TransferError> {
    let mut failures = 0;
    loop {
        let error = match engine.provider(&record.remote).await {
            Ok(provider) => return Ok(provider),
            Err(error) if error.is_retryable() => error,
            Err(error) => return Err(error.into()),
        };
        if matches!(error, ProviderError::Transient { .. }) {
            if let Some(reason) = engine.unreachable(&record.remote).await {
                return Err(TransferError::RemoteOffline {
                    remote: record.remote.clone(),
                    reason,
                });
            }
        }
        engine
            .store
            .note_error(record.id, &error.to_string())
            .await?;
        // No provider yet, so nothing to re-authenticate: a refresh is simply another try.
        let policy = &engine.config.retry;
        let delay = match policy.decide(&error, failures, true) {
            Decision::RetryAfter(delay) => delay,
            Decision::Refresh if failures < policy.max_attempts => policy.backoff(failures),
            Decision::Refresh | Decision::Fail => return Err(error.into()),
        };
        failures += 1;
        engine.store.count_attempt(record.id).await?;
        tracing::info!(
            id = record.id,
            ?delay,
            "looking the remote up again after: {error}"
        );
        let mut stopped = stop.clone();
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stopped.wait_for(|c| *c != Control::Run) => return Err(TransferError::Stopped),
        }
    }
}
