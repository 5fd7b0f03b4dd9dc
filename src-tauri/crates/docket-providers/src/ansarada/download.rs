//! Preparing a download: initiate the job, poll it with backoff until COMPLETED or FAILED, and hand the
//! presigned URL to the transfer engine.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

use docket_core::{
    sanitize_file_name, DocRef, PrepareObserver, PrepareStatus, ProviderError, RangeSupport,
    RemoteUrl, TransferSource,
};

use super::graphql::DataRoomGraphql;
use super::rfc3339;
use super::schema::{self, Download, InitiateData, StatusData, TransferStatus};

/// How the job is polled. The API asks for no more than two polls a second; the delay grows so a slow
/// watermarking job is not hammered, and the whole wait is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Past this the job is given up as a transient failure; preparing again starts a fresh job.
    pub give_up_after: Duration,
}

/// Never poll faster than this, whatever a policy says.
pub const MIN_POLL_DELAY: Duration = Duration::from_millis(500);

impl Default for PollPolicy {
    fn default() -> Self {
        PollPolicy {
            first_delay: MIN_POLL_DELAY,
            max_delay: Duration::from_secs(5),
            give_up_after: Duration::from_secs(10 * 60),
        }
    }
}

impl PollPolicy {
    /// The wait after `previous`: 1.5 times longer, capped, plus up to a quarter of jitter so many clients do
    /// not poll in step; never under [`MIN_POLL_DELAY`].
    fn next_delay(&self, previous: Duration) -> Duration {
        let grown = previous
            .mul_f64(1.5)
            .min(self.max_delay.max(MIN_POLL_DELAY));
        let jitter = grown.mul_f64(jitter_fraction() * 0.25);
        (grown + jitter).max(MIN_POLL_DELAY)
    }
}

/// A number in [0, 1) that differs from call to call (RandomState is seeded randomly per instance).
fn jitter_fraction() -> f64 {
    let value = RandomState::new().hash_one(Instant::now());
    (value % 10_000) as f64 / 10_000.0
}

/// Runs the whole preparation of `doc`.
pub async fn prepare(
    endpoint: &DataRoomGraphql,
    doc: &DocRef,
    policy: PollPolicy,
    observer: &dyn PrepareObserver,
) -> Result<TransferSource, ProviderError> {
    let started = Instant::now();
    let initiated: InitiateData = endpoint
        .run(
            "InitiateDataRoomDocumentDownload",
            schema::INITIATE_DOWNLOAD,
            json!({ "documentId": doc.id() }),
        )
        .await?;
    let mut download = initiated
        .initiate_data_room_document_download
        .and_then(|payload| payload.download)
        .ok_or_else(|| {
            ProviderError::protocol("initiateDataRoomDocumentDownload answered no download request")
        })?;
    let job_id = download.id.clone();
    tracing::debug!(doc = doc.id(), job = %job_id, status = download.status.word(), "download initiated");
    let mut delay = policy.first_delay.max(MIN_POLL_DELAY);
    loop {
        match download.status {
            TransferStatus::Completed => return completed(download),
            TransferStatus::Failed => {
                return Err(ProviderError::JobFailed {
                    message: download
                        .failure_reason
                        .filter(|r| !r.trim().is_empty())
                        .unwrap_or_else(|| "the server gave no failure reason".to_owned()),
                })
            }
            // Like a request no longer known: a fresh preparation starts a new one.
            TransferStatus::Expired => {
                return Err(ProviderError::LinkExpired {
                    message: format!("download request {job_id} expired before the file was ready"),
                })
            }
            TransferStatus::Initiated
            | TransferStatus::Pending
            | TransferStatus::Processing
            | TransferStatus::Unknown(_) => {}
        }
        observer.status(PrepareStatus::WaitingForServer {
            state: download.status.word().to_owned(),
        });
        if started.elapsed() + delay > policy.give_up_after {
            return Err(ProviderError::transient(format!(
                "the server was still preparing the download after {} s (last state {})",
                started.elapsed().as_secs(),
                download.status.word()
            )));
        }
        tokio::time::sleep(delay).await;
        delay = policy.next_delay(delay);
        download = poll(endpoint, &job_id).await?;
    }
}

async fn poll(endpoint: &DataRoomGraphql, job_id: &str) -> Result<Download, ProviderError> {
    let answer: Result<StatusData, ProviderError> = endpoint
        .run(
            "GetDownloadStatus",
            schema::DOWNLOAD_STATUS,
            json!({ "id": job_id }),
        )
        .await;
    match answer {
        Ok(StatusData {
            data_room_document_download: Some(download),
        }) => Ok(download),
        // The job we just created is gone: it expired on the server. A fresh preparation starts a new one.
        Ok(StatusData {
            data_room_document_download: None,
        }) => Err(ProviderError::LinkExpired {
            message: "the download request is no longer known to the server".to_owned(),
        }),
        Err(ProviderError::NotFound { message }) => Err(ProviderError::LinkExpired { message }),
        Err(other) => Err(other),
    }
}

/// The presigned URL of a COMPLETED job. It carries its own signature, so no header goes with it.
fn completed(download: Download) -> Result<TransferSource, ProviderError> {
    let url = download
        .download_presigned_url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            ProviderError::protocol("the download is COMPLETED but has no downloadPresignedUrl")
        })?;
    let mut remote = RemoteUrl::new(url);
    remote.ranges = RangeSupport::Supported;
    remote.expires_at = download.expires_at.as_deref().and_then(rfc3339::parse);
    remote.file_name = download.document.and_then(|doc| {
        let name = doc.name?;
        let extension = doc.file.and_then(|f| f.extension);
        Some(sanitize_file_name(&schema::file_name(
            &name,
            extension.as_deref(),
        )))
    });
    tracing::debug!(url = %remote.redacted(), "download ready");
    Ok(TransferSource::Url(remote))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_slow_down_but_never_go_under_half_a_second() {
        let policy = PollPolicy {
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
            give_up_after: Duration::from_secs(1),
        };
        assert!(policy.next_delay(Duration::from_millis(10)) >= MIN_POLL_DELAY);
        let policy = PollPolicy::default();
        let mut delay = policy.first_delay;
        for _ in 0..20 {
            let next = policy.next_delay(delay);
            assert!(
                next >= delay.min(policy.max_delay),
                "{next:?} after {delay:?}"
            );
            assert!(next <= policy.max_delay.mul_f64(1.25), "{next:?}");
            delay = next;
        }
        assert!(delay >= policy.max_delay);
    }

    #[test]
    fn a_completed_job_becomes_a_presigned_url_without_headers() {
        let download: Download = serde_json::from_value(json!({
            "id": "job", "status": "COMPLETED",
            "downloadPresignedUrl": "http://127.0.0.1:1/s3/b/k?X-Amz-Signature=abc",
            "expiresAt": "2030-01-01T00:00:00Z", "failureReason": null,
            "document": {"id": "d", "name": "../Plan", "file": {"extension": "pdf"}}
        }))
        .unwrap();
        let TransferSource::Url(url) = completed(download).unwrap() else {
            panic!("not a URL")
        };
        assert!(url.headers.is_empty());
        assert_eq!(url.ranges, RangeSupport::Supported);
        assert_eq!(url.file_name.as_deref(), Some("_Plan.pdf"));
        assert!(url.expires_at.is_some());
    }

    #[test]
    fn a_completed_job_without_a_url_is_a_protocol_error() {
        let download: Download =
            serde_json::from_value(json!({"id": "job", "status": "COMPLETED"})).unwrap();
        let err = completed(download).unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
    }
}
