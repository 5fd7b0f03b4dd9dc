//! Resuming from a server that offers no validator (no `ETag`, no `Last-Modified`): nothing then says the file is
//! still the one the partial bytes came from, so before continuing, the last bytes before where it stopped are
//! fetched again and compared with what is on disk. A difference starts the download over; equal bytes let it
//! continue from where it stopped instead of from zero.

use std::io;
use std::ops::Range;

use docket_core::ProviderError;

use crate::error::TransferError;
use crate::file_digest::read_at;
use crate::job::Job;
use crate::link::LinkRefresher;
use crate::partial::{blocking, PartialFile};
use crate::ranged::open_segment;

/// How much before a resume point is fetched again and compared.
pub(crate) const OVERLAP: u64 = 64 * 1024;

/// What to compare: the last [`OVERLAP`] bytes (at most) of the first committed range.
pub(crate) fn overlap_span(committed: &[Range<u64>]) -> Option<Range<u64>> {
    let first = committed.iter().find(|range| !range.is_empty())?;
    Some(first.end.saturating_sub(OVERLAP).max(first.start)..first.end)
}

/// Fetches `span` of the file again and compares it with the partial; a difference is
/// [`TransferError::Changed`].
pub(crate) async fn check(
    job: &Job,
    links: &LinkRefresher,
    partial: &PartialFile,
    span: Range<u64>,
    total: u64,
) -> Result<(), TransferError> {
    let fetched = fetch(job, links, span.clone(), total).await?;
    let path = partial.path.clone();
    let at = span.start;
    let len = fetched.len();
    let on_disk = blocking(&partial.path, move || {
        let file = std::fs::File::open(&path)?;
        let mut bytes = vec![0u8; len];
        let mut filled = 0;
        while filled < len {
            match read_at(&file, &mut bytes[filled..], at + filled as u64)? {
                0 => break,
                n => filled += n,
            }
        }
        bytes.truncate(filled);
        Ok(bytes)
    })
    .await?;
    if on_disk == fetched {
        tracing::debug!(
            id = job.id(),
            ?span,
            "the bytes before the resume point are unchanged"
        );
        Ok(())
    } else {
        Err(TransferError::Changed(format!(
            "the server offers no ETag or Last-Modified, and bytes {}-{} it sends now differ from those on disk",
            span.start,
            span.end - 1
        )))
    }
}

/// The bytes of `span`, retried as the policy says.
async fn fetch(
    job: &Job,
    links: &LinkRefresher,
    span: Range<u64>,
    total: u64,
) -> Result<Vec<u8>, TransferError> {
    let want = usize::try_from(span.end - span.start).map_err(|_| {
        TransferError::io(&job.record.dest_dir)(io::Error::other("overlap too large"))
    })?;
    let mut failures = 0;
    let mut refreshes = 0;
    loop {
        let attempt = async {
            let mut opened = open_segment(job, links, span.clone(), total, None).await?;
            let mut bytes = Vec::with_capacity(want);
            while bytes.len() < want {
                match opened.response.chunk().await {
                    Ok(Some(chunk)) => {
                        let room = want - bytes.len();
                        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    }
                    Ok(None) => break,
                    Err(err) => {
                        return Err(TransferError::from(ProviderError::transient(format!(
                            "the connection broke re-reading bytes before the resume point: {}",
                            docket_core::network_failure::cause(&err)
                        ))))
                    }
                }
            }
            if bytes.len() < want {
                return Err(ProviderError::transient(format!(
                    "the server sent {} of the {want} bytes asked for",
                    bytes.len()
                ))
                .into());
            }
            Ok(bytes)
        };
        match attempt.await {
            Ok(bytes) => return Ok(bytes),
            Err(TransferError::Provider(err)) => {
                if job.recover(err, &mut failures, &mut refreshes).await? {
                    links.invalidate().await;
                }
            }
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlap_is_the_end_of_the_first_committed_range() {
        assert_eq!(
            overlap_span(&[0..1_000_000, 2_000_000..3_000_000]),
            Some(934_464..1_000_000)
        );
        assert_eq!(
            overlap_span(&[5..100, 200..300]),
            Some(5..100),
            "no further back than the range"
        );
        assert_eq!(overlap_span(&[]), None);
    }
}
