//! A small file that arrived whole in the first answer (at most `small_transfer_bytes`): gathered in memory,
//! then claimed, written, synced and digested in one blocking step, and recorded with one statement. It keeps
//! no checkpoints: a run stopped before it completes fetches it again, which costs one small request.

use docket_core::ProviderError;
use docket_store::queue::TransferRecord;

use crate::engine::Control;
use crate::error::TransferError;
use crate::job::{Fetched, Job};
use crate::partial::PartialFile;

/// Reads the body of `response`, which must hold exactly `total` bytes; progress and the bandwidth limit count
/// them as they arrive.
pub(crate) async fn gather(
    job: &Job,
    mut response: reqwest::Response,
    total: u64,
) -> Result<Vec<u8>, TransferError> {
    let capacity = usize::try_from(total).unwrap_or(usize::MAX);
    let mut body = Vec::with_capacity(capacity);
    let mut stop = job.stop.clone();
    loop {
        let next = tokio::select! {
            next = response.chunk() => next,
            _ = stop.wait_for(|c| *c != Control::Run) => return Err(TransferError::Stopped),
        };
        let bytes = match next {
            Ok(Some(bytes)) => bytes,
            Ok(None) => break,
            Err(err) => {
                return Err(ProviderError::transient(format!(
                    "the connection broke at byte {}: {}",
                    body.len(),
                    docket_core::network_failure::cause(&err)
                ))
                .into())
            }
        };
        // Bytes past the announced size are not the file's.
        let room = capacity - body.len();
        let kept = &bytes[..bytes.len().min(room)];
        body.extend_from_slice(kept);
        job.meter.add(kept.len() as u64);
        if let Some(limit) = &job.engine.bandwidth {
            limit.spend(kept.len() as u64).await;
        }
        if body.len() == capacity {
            break;
        }
    }
    if body.len() != capacity {
        job.meter.set_done(0, Some(total));
        return Err(ProviderError::transient(format!(
            "the connection closed after {} of {total} bytes",
            body.len()
        ))
        .into());
    }
    Ok(body)
}

/// Writes the gathered file into the partial an earlier run of `record` left, or one reserved for `name`, and
/// records its name, size and validator with every byte done, before verification renames it into place.
pub(crate) async fn store(
    job: &Job,
    record: &TransferRecord,
    name: String,
    body: Vec<u8>,
    validator: &str,
) -> Result<Fetched, TransferError> {
    let (partial, _) = PartialFile::recorded_or_reserved(&job.engine.store, record, &name).await?;
    let digests = partial.write_whole(body).await?;
    job.engine
        .store
        .set_target_written(job.id(), &partial.name(), digests.size, validator)
        .await?;
    Ok(Fetched {
        partial,
        size: Some(digests.size),
        crc32: None,
        blocks: None,
        whole: Some(digests),
    })
}
