//! The transfer queue worked for as long as a front end stays open (the window), where `docket get` and
//! `docket queue run` work it until it is empty and exit. It resumes what an earlier run left, takes new limits
//! at once, and notices transfers another process queued.

use std::future::Future;
use std::time::Duration;

use docket_transfer::{EngineConfig, QueueLimits, RunScope, TransferQueue};
use tokio::sync::Notify;

/// How often an idle queue looks for work another process queued.
const IDLE_POLL: Duration = Duration::from_secs(2);

pub struct ResidentQueue {
    queue: TransferQueue,
    wake: Notify,
}

impl ResidentQueue {
    pub fn new(queue: TransferQueue) -> Self {
        ResidentQueue {
            queue,
            wake: Notify::new(),
        }
    }

    pub fn queue(&self) -> &TransferQueue {
        &self.queue
    }

    /// Something was queued, resumed or retried: the next pass starts now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// New limits apply at once, to the running transfers too (the scheduler starts more right away when more
    /// may run).
    pub fn reconfigure(&self, config: &EngineConfig) {
        self.queue.set_limits(QueueLimits::from(config));
        self.wake();
    }

    /// Works the queue for as long as the caller keeps this future, including what an earlier run left
    /// unfinished; `after_each_pass` runs whenever a pass ends (nothing left to do for now).
    pub async fn keep_running<F, Fut>(&self, after_each_pass: F)
    where
        F: Fn() -> Fut,
        Fut: Future<Output = ()>,
    {
        loop {
            if let Err(err) = self.queue.run(RunScope::All).await {
                tracing::error!("the transfer queue stopped: {err}");
            }
            after_each_pass().await;
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }
}
