//! The transfer queue in `docket.db`: transfers, their state, and the ranges of their partial files known to be on
//! disk. Runtime queries only (no compile-time checked macros), so building needs no database.
//!
//! Several processes may share the queue (the desktop app and `docket queue run`): a runner claims a row with a
//! lease it keeps renewing, so two never work on the same transfer, and a crashed runner's lease lapses.
//!
//! A transfer's states are [`TransferState`]; which move takes it from which states to which is the table in
//! `transitions`, and every statement takes its state words from there. [`QueueStore`]'s methods live by concern:
//! `enqueue`, `reads`, `claims` (claims, leases and the runner's moves), `progress` (ranges and marks),
//! `outcomes` (attempts, completion, failure), `actions` (a person's requests), `ordering`, `partials` and
//! `reaping`.

mod actions;
mod claims;
mod enqueue;
mod error;
mod id_ranges;
mod ordering;
mod outcomes;
mod partials;
mod progress;
mod reads;
mod reaping;
mod record;
mod rows;
mod runner;
mod state_sql;
mod transfer_state;
mod transitions;

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use enqueue::QueuedPlan;
pub use error::QueueError;
pub use ordering::Placement;
pub use partials::OwnedPartial;
pub use progress::merged;
pub use record::{FilePlan, NewTransfer, TransferRecord};
pub use runner::RunnerId;
pub use transfer_state::{TransferState, UnknownState};
pub use transitions::{ActionRule, QueueAction, Transition};

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone)]
pub struct QueueStore {
    pool: SqlitePool,
    /// The same database with `synchronous = NORMAL`, for written marks: a commit there survives a crash of the
    /// process without waiting for the disk (a power loss may drop it, and then it is not trusted anyway).
    marks: SqlitePool,
}

impl QueueStore {
    pub fn new(pool: SqlitePool) -> Self {
        // Marks come many times a second: their connection leaves WAL checkpoints (which wait for the disk) to
        // the others.
        let options = (*pool.connect_options())
            .clone()
            .synchronous(SqliteSynchronous::Normal)
            .pragma("wal_autocheckpoint", "0");
        let marks = crate::busy_wait::retry_soon_when_busy(SqlitePoolOptions::new())
            .max_connections(1)
            .connect_lazy_with(options);
        QueueStore { pool, marks }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[cfg(test)]
mod planned_tests;
#[cfg(test)]
mod tests;
