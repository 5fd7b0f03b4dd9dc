//! The current download link of a URL-shaped transfer: minted afresh for every request when it is single-use,
//! refreshed before use when it is about to expire, and refreshed once for all streams when one finds it dead.

use std::time::SystemTime;

use docket_core::{ProviderError, RemoteUrl, TransferSource};
use tokio::sync::Mutex;

use crate::job::Job;

pub(crate) struct LinkRefresher {
    state: Mutex<Link>,
}

struct Link {
    url: RemoteUrl,
    generation: u64,
    /// A single-use URL that went out already.
    spent: bool,
}

impl LinkRefresher {
    pub fn new(first: RemoteUrl) -> Self {
        LinkRefresher {
            state: Mutex::new(Link {
                url: first,
                generation: 0,
                spent: false,
            }),
        }
    }

    /// A link fit for one request now, with its generation (to name it when reporting it dead).
    pub async fn get(&self, job: &Job) -> Result<(u64, RemoteUrl), ProviderError> {
        let mut link = self.state.lock().await;
        let margin = job.engine.config.refresh_margin;
        let expiring = link
            .url
            .expires_at
            .is_some_and(|at| at <= SystemTime::now() + margin);
        if link.spent || expiring {
            link.url = fresh(job).await?;
            link.generation += 1;
            link.spent = false;
        }
        if link.url.single_use {
            link.spent = true;
        }
        Ok((link.generation, link.url.clone()))
    }

    /// The link is suspect whatever its generation (preparing it failed): prepare afresh next time.
    pub async fn invalidate(&self) {
        self.state.lock().await.spent = true;
    }

    /// The link of `generation` is dead: the next `get` prepares a fresh one (once, however many streams saw it).
    pub async fn expire(&self, generation: u64) {
        let mut link = self.state.lock().await;
        if link.generation == generation {
            link.spent = true;
        }
    }
}

async fn fresh(job: &Job) -> Result<RemoteUrl, ProviderError> {
    match job.prepare().await? {
        TransferSource::Url(url) => {
            tracing::debug!(id = job.id(), url = %url.redacted(), "fresh link");
            Ok(url)
        }
        TransferSource::Chunked(staged) => {
            let _ = staged.release().await;
            Err(ProviderError::protocol(
                "the server switched from a download link to a staged file mid-transfer",
            ))
        }
    }
}
