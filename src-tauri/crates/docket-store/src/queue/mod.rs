//! The transfer queue in `docket.db`: transfers, their state, and the ranges of their partial files known to be on
//! disk. Runtime queries only (no compile-time checked macros), so building needs no database.
//!
//! Several processes may share the queue (the desktop app and `docket queue run`): a runner claims a row with a
//! lease it keeps renewing, so two never work on the same transfer, and a crashed runner's lease lapses.

mod partials;
mod reaping;
mod record;
mod runner;
mod states;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::sqlite::{SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

pub use partials::OwnedPartial;
pub use record::{NewTransfer, TransferRecord, TransferState, UnknownState};
pub use runner::RunnerId;

use states::{FINISHED, PENDING};

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the transfer queue could not be read or written: {0}")]
    Database(sqlx::Error),
    /// The disk holding the data dir is full: progress cannot be recorded, but nothing on disk is lost.
    #[error(
        "the disk that holds Docket's data dir is full, so the transfer queue cannot record progress: free some \
         space, then `docket queue run` (or `docket queue retry`) continues; the bytes downloaded so far are kept"
    )]
    StorageFull,
    #[error("there is no transfer {0} in the queue (see `docket queue`)")]
    NotFound(i64),
    #[error("transfer {id} is {state}; only {allowed} transfers can be {action}")]
    NotAllowed {
        id: i64,
        state: TransferState,
        action: &'static str,
        allowed: &'static str,
    },
    #[error("the queue holds a transfer in an unknown state: {0}")]
    Corrupt(#[from] UnknownState),
}

impl From<sqlx::Error> for QueueError {
    fn from(err: sqlx::Error) -> Self {
        if is_storage_full(&err) {
            QueueError::StorageFull
        } else {
            QueueError::Database(err)
        }
    }
}

/// SQLite's `SQLITE_FULL` (13), or the OS saying the disk is full.
fn is_storage_full(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => db.code().as_deref() == Some("13"),
        sqlx::Error::Io(io) => matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ),
        _ => false,
    }
}

/// What a person asks of one transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAction {
    Pause,
    Resume,
    Cancel,
    Retry,
}

impl QueueAction {
    fn rule(
        self,
    ) -> (
        &'static str,
        &'static [TransferState],
        TransferState,
        &'static str,
    ) {
        use TransferState::*;
        match self {
            QueueAction::Pause => (
                "paused",
                &[
                    Queued,
                    Preparing,
                    WaitingForServer,
                    Downloading,
                    Refreshing,
                    Verifying,
                    Interrupted,
                ],
                Paused,
                "queued, active or interrupted",
            ),
            QueueAction::Resume => ("resumed", &[Paused], Queued, "paused"),
            QueueAction::Cancel => (
                "cancelled",
                &[
                    Queued,
                    Preparing,
                    WaitingForServer,
                    Downloading,
                    Refreshing,
                    Paused,
                    Verifying,
                    Interrupted,
                    Failed,
                ],
                Cancelled,
                "unfinished or failed",
            ),
            QueueAction::Retry => (
                "retried",
                &[Failed, Cancelled, Interrupted],
                Queued,
                "failed, cancelled or interrupted",
            ),
        }
    }
}

/// Where [`QueueStore::move_to_place`] put a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// 1 is first among the unfinished transfers.
    pub place: usize,
    pub priority: i64,
    pub previous_priority: i64,
}

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

const COLUMNS: &str = "id, remote, document, version, dest_dir, file_name, partial_name, partial_identity, state, priority, position, \
    bytes_total, bytes_done, attempts, refreshes, last_error, validator, staged_handle, content_hash, saved_path, \
    created_at, updated_at, finished_at";

impl QueueStore {
    pub fn new(pool: SqlitePool) -> Self {
        // Marks come many times a second: their connection leaves WAL checkpoints (which wait for the disk) to
        // the others.
        let options = (*pool.connect_options())
            .clone()
            .synchronous(SqliteSynchronous::Normal)
            .pragma("wal_autocheckpoint", "0");
        let marks = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options);
        QueueStore { pool, marks }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Adds a transfer at the end of the queue.
    pub async fn enqueue(&self, new: &NewTransfer) -> Result<i64, QueueError> {
        let now = now_ms();
        let id = sqlx::query(
            "INSERT INTO transfers (remote, document, version, dest_dir, state, priority, position, created_at, \
             updated_at) VALUES (?, ?, ?, ?, 'queued', ?, (SELECT coalesce(max(position), 0) + 1 FROM transfers), \
             ?, ?)",
        )
        .bind(&new.remote)
        .bind(&new.document)
        .bind(&new.version)
        .bind(path_text(&new.dest_dir))
        .bind(new.priority)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?
        .last_insert_rowid();
        Ok(id)
    }

    pub async fn get(&self, id: i64) -> Result<TransferRecord, QueueError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM transfers WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(QueueError::NotFound(id))?;
        record(&row)
    }

    /// Every transfer in the order they run: unfinished first by priority and position, then finished ones.
    pub async fn list(&self) -> Result<Vec<TransferRecord>, QueueError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM transfers ORDER BY state IN {finished}, priority DESC, position",
            finished = *FINISHED
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// Pending transfers nobody holds a live claim on, in run order.
    pub async fn claimable(&self, limit: i64) -> Result<Vec<TransferRecord>, QueueError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM transfers WHERE state IN {pending} AND (owner IS NULL OR lease_until < ?) \
             ORDER BY priority DESC, position LIMIT ?",
            pending = *PENDING
        ))
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// Claims for `owner` the first pending transfer nobody holds a live claim on (highest priority, then queue
    /// position) in one statement, and answers it, now preparing. Transfers of the `skip` remotes (unreachable
    /// ones) and the `running` ids are left out; `only`, when given, limits the choice to those ids.
    pub async fn claim_next(
        &self,
        owner: &str,
        lease_ms: i64,
        skip: &[String],
        running: &[i64],
        only: Option<&[i64]>,
    ) -> Result<Option<TransferRecord>, QueueError> {
        let now = now_ms();
        let row = sqlx::query(&format!(
            "UPDATE transfers SET owner = ?1, lease_until = ?2, updated_at = ?3, state = 'preparing' WHERE id = \
             (SELECT id FROM transfers WHERE state IN {pending} AND (owner IS NULL OR lease_until < ?3) AND remote \
             NOT IN (SELECT value FROM json_each(?4)) AND id NOT IN (SELECT value FROM json_each(?5)) AND (?6 IS \
             NULL OR id IN (SELECT value FROM json_each(?6))) ORDER BY priority DESC, position LIMIT 1) RETURNING \
             {COLUMNS}",
            pending = *PENDING
        ))
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now)
        .bind(as_json(skip)?)
        .bind(as_json(running)?)
        .bind(only.map(as_json).transpose()?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(record).transpose()
    }

    /// `(id, remote)` of every pending transfer nobody holds a live claim on.
    pub async fn unclaimed_remotes(&self) -> Result<Vec<(i64, String)>, QueueError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT id, remote FROM transfers WHERE state IN {pending} AND (owner IS NULL OR lease_until < ?) \
             ORDER BY id",
            pending = *PENDING
        ))
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Pending transfers held by a live claim of another runner.
    pub async fn held_elsewhere(&self, owner: &str) -> Result<i64, QueueError> {
        let count: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM transfers WHERE state IN {pending} AND owner IS NOT NULL AND owner != ? AND \
             lease_until >= ?",
            pending = *PENDING
        ))
        .bind(owner)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    /// Claims a pending transfer for `owner` until `lease_ms` from now; false when someone else holds it or it is
    /// no longer pending.
    pub async fn claim(&self, id: i64, owner: &str, lease_ms: i64) -> Result<bool, QueueError> {
        let now = now_ms();
        let done = sqlx::query(&format!(
            "UPDATE transfers SET owner = ?, lease_until = ?, updated_at = ? WHERE id = ? AND state IN {pending} \
             AND (owner IS NULL OR owner = ? OR lease_until < ?)",
            pending = *PENDING
        ))
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now)
        .bind(id)
        .bind(owner)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Extends `owner`'s claims on `ids` only: a claim the runner no longer works on (its release could not be
    /// recorded) lapses instead of being kept alive by the runner's own renewals.
    pub async fn renew(&self, owner: &str, ids: &[i64], lease_ms: i64) -> Result<(), QueueError> {
        sqlx::query(
            "UPDATE transfers SET lease_until = ? WHERE owner = ? AND id IN (SELECT value FROM json_each(?))",
        )
        .bind(now_ms() + lease_ms)
        .bind(owner)
        .bind(as_json(ids)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives up `owner`'s claim on `id`.
    pub async fn unclaim(&self, id: i64, owner: &str) -> Result<(), QueueError> {
        sqlx::query(
            "UPDATE transfers SET owner = NULL, lease_until = NULL WHERE id = ? AND owner = ?",
        )
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Moves an active transfer along (`preparing`, `downloading`, …) unless someone paused or cancelled it
    /// meanwhile; false then, and the runner stops.
    pub async fn advance(
        &self,
        id: i64,
        owner: &str,
        state: TransferState,
    ) -> Result<bool, QueueError> {
        let done = sqlx::query(&format!(
            "UPDATE transfers SET state = ?, updated_at = ? WHERE id = ? AND owner = ? AND state IN {pending}",
            pending = *PENDING
        ))
        .bind(state.as_str())
        .bind(now_ms())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts an active transfer of `owner` back in the queue, its partial file and committed ranges kept, because
    /// its server cannot be reached: it waits without spending its retries. `message` says what it waits for.
    pub async fn wait_for_remote(
        &self,
        id: i64,
        owner: &str,
        message: &str,
    ) -> Result<bool, QueueError> {
        let done = sqlx::query(&format!(
            "UPDATE transfers SET state = 'queued', last_error = ?, owner = NULL, lease_until = NULL, \
             updated_at = ? WHERE id = ? AND owner = ? AND state IN {pending}",
            pending = *PENDING
        ))
        .bind(message)
        .bind(now_ms())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Applies a person's request. Returns the record as it was before.
    pub async fn request(
        &self,
        id: i64,
        action: QueueAction,
    ) -> Result<TransferRecord, QueueError> {
        let before = self.get(id).await?;
        let (verb, from, to, allowed) = action.rule();
        if !from.contains(&before.state) {
            return Err(QueueError::NotAllowed {
                id,
                state: before.state,
                action: verb,
                allowed,
            });
        }
        let extra = match action {
            QueueAction::Retry => {
                ", attempts = 0, refreshes = 0, last_error = NULL, finished_at = NULL"
            }
            QueueAction::Cancel => ", finished_at = ?2",
            QueueAction::Pause | QueueAction::Resume => "",
        };
        let query = format!(
            "UPDATE transfers SET state = ?1, updated_at = ?2{extra} WHERE id = ?3 AND state = ?4"
        );
        let done = sqlx::query(&query)
            .bind(to.as_str())
            .bind(now_ms())
            .bind(id)
            .bind(before.state.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            // It changed under us (a runner moved it on); judge again against the new state.
            return Box::pin(self.request(id, action)).await;
        }
        Ok(before)
    }

    pub async fn set_priority(&self, id: i64, priority: i64) -> Result<(), QueueError> {
        let done = sqlx::query("UPDATE transfers SET priority = ?, updated_at = ? WHERE id = ?")
            .bind(priority)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(QueueError::NotFound(id));
        }
        Ok(())
    }

    /// Puts `id` at `position` (1 is first), shifting the others down.
    pub async fn move_to(&self, id: i64, position: i64) -> Result<(), QueueError> {
        self.get(id).await?;
        let position = position.max(1);
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE transfers SET position = position + 1 WHERE position >= ? AND id != ?")
            .bind(position)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE transfers SET position = ?, updated_at = ? WHERE id = ?")
            .bind(position)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves an unfinished transfer to `place` (1 is first) in the run order `list` shows, among the unfinished
    /// transfers. To really run there it takes the priority of the transfer whose place it takes (or of the
    /// last one, when moved to the end). Answers where it ended up and its priority now.
    pub async fn move_to_place(&self, id: i64, place: usize) -> Result<Placement, QueueError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM transfers WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let state: TransferState = state.ok_or(QueueError::NotFound(id))?.parse()?;
        if state.is_finished() {
            return Err(QueueError::NotAllowed {
                id,
                state,
                action: "moved",
                allowed: "unfinished",
            });
        }
        let others: Vec<(i64, i64)> = sqlx::query_as(&format!(
            "SELECT id, priority FROM transfers WHERE state NOT IN {finished} AND id != ? ORDER BY priority \
             DESC, position",
            finished = *FINISHED
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let index = place.max(1).min(others.len() + 1) - 1;
        let own_priority: i64 = sqlx::query_scalar("SELECT priority FROM transfers WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let priority = others
            .get(index)
            .or_else(|| others.last())
            .map_or(own_priority, |&(_, priority)| priority);
        let mut order: Vec<i64> = others.iter().map(|&(other, _)| other).collect();
        order.insert(index, id);
        // Renumbered 1..n in the new order; finished transfers follow, keeping theirs relative to each other.
        for (position, transfer) in order.iter().enumerate() {
            sqlx::query("UPDATE transfers SET position = ? WHERE id = ?")
                .bind(position as i64 + 1)
                .bind(transfer)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(&format!(
            "UPDATE transfers SET position = position + ? WHERE state IN {finished}",
            finished = *FINISHED
        ))
        .bind(order.len() as i64 + 1)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE transfers SET priority = ?, updated_at = ? WHERE id = ?")
            .bind(priority)
            .bind(now_ms())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Placement {
            place: index + 1,
            priority,
            previous_priority: own_priority,
        })
    }

    /// Fixes the final name, the size and what the partial bytes came from.
    pub async fn set_target(
        &self,
        id: i64,
        file_name: &str,
        bytes_total: Option<u64>,
        validator: Option<&str>,
    ) -> Result<(), QueueError> {
        self.name_target(id, file_name, bytes_total, validator, None)
            .await
    }

    /// Like [`QueueStore::set_target`] for a file whose every byte is already on disk and synced (a small one
    /// written in one step): `bytes_done` becomes its size in the same statement, so a run stopped after the
    /// file is renamed into place adopts it instead of fetching it again.
    pub async fn set_target_written(
        &self,
        id: i64,
        file_name: &str,
        bytes: u64,
        validator: &str,
    ) -> Result<(), QueueError> {
        self.name_target(id, file_name, Some(bytes), Some(validator), Some(bytes))
            .await
    }

    async fn name_target(
        &self,
        id: i64,
        file_name: &str,
        bytes_total: Option<u64>,
        validator: Option<&str>,
        bytes_done: Option<u64>,
    ) -> Result<(), QueueError> {
        sqlx::query(
            "UPDATE transfers SET file_name = ?, bytes_total = ?, validator = ?, \
             bytes_done = coalesce(?, bytes_done), updated_at = ? WHERE id = ?",
        )
        .bind(file_name)
        .bind(bytes_total.map(|n| n as i64))
        .bind(validator)
        .bind(bytes_done.map(|n| n as i64))
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The byte ranges of the partial file known to be on disk, in order.
    pub async fn committed(&self, id: i64) -> Result<Vec<Range<u64>>, QueueError> {
        let rows = sqlx::query(
            "SELECT start, \"end\" FROM transfer_ranges WHERE transfer_id = ? ORDER BY start",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let start: i64 = row.try_get(0)?;
                let end: i64 = row.try_get(1)?;
                Ok(start as u64..end as u64)
            })
            .collect()
    }

    /// Records that `range` is on disk (call right after its fsync), in one transaction with the new total. Bytes
    /// on disk after a refresh mean the fresh link works: a refreshing transfer is downloading again.
    pub async fn commit_range(&self, id: i64, range: Range<u64>) -> Result<u64, QueueError> {
        if range.is_empty() {
            return Ok(self.get(id).await?.bytes_done);
        }
        let mut tx = self.pool.begin().await?;
        let extended = sqlx::query(
            "UPDATE transfer_ranges SET \"end\" = ? WHERE transfer_id = ? AND \"end\" = ?",
        )
        .bind(range.end as i64)
        .bind(id)
        .bind(range.start as i64)
        .execute(&mut *tx)
        .await?;
        if extended.rows_affected() == 0 {
            sqlx::query(
                "INSERT INTO transfer_ranges (transfer_id, start, \"end\") VALUES (?, ?, ?) \
                 ON CONFLICT (transfer_id, start) DO UPDATE SET \"end\" = max(\"end\", excluded.\"end\")",
            )
            .bind(id)
            .bind(range.start as i64)
            .bind(range.end as i64)
            .execute(&mut *tx)
            .await?;
        }
        let done: i64 = sqlx::query_scalar(&format!(
            "UPDATE transfers SET bytes_done = (SELECT coalesce(sum(\"end\" - start), 0) FROM transfer_ranges \
             WHERE transfer_id = ?1), {DOWNLOADING_AGAIN}, updated_at = ?2 WHERE id = ?1 RETURNING bytes_done",
        ))
        .bind(id)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done as u64)
    }

    /// The ranges a transfer resuming in the boot `boot` may trust: the fsynced ones, plus the written marks of
    /// that same boot (the OS that holds them in its page cache is still running). Written marks of any other
    /// boot, or all of them when the boot is unknown, are forgotten. `bytes_done` becomes what is trusted.
    pub async fn resumable(
        &self,
        id: i64,
        boot: Option<&str>,
    ) -> Result<Vec<Range<u64>>, QueueError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM transfer_written WHERE transfer_id = ? AND boot_id IS NOT ?")
            .bind(id)
            .bind(boot)
            .execute(&mut *tx)
            .await?;
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT start, \"end\" FROM transfer_ranges WHERE transfer_id = ?1 UNION ALL \
             SELECT start, \"end\" FROM transfer_written WHERE transfer_id = ?1",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let trusted = merged(rows.into_iter().map(|(s, e)| s as u64..e as u64));
        sqlx::query("UPDATE transfers SET bytes_done = ? WHERE id = ?")
            .bind(covered(&trusted) as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(trusted)
    }

    /// Replaces the written marks of `id` with `written` (every range written so far, fsynced or not), tagged with
    /// `boot`; `bytes_done` becomes their sum. Cheap: committed without waiting for the disk. Call only for bytes
    /// the OS has accepted (after the `write` returned).
    pub async fn mark_written(
        &self,
        id: i64,
        written: &[Range<u64>],
        boot: &str,
    ) -> Result<(), QueueError> {
        let mut tx = self.marks.begin().await?;
        sqlx::query("DELETE FROM transfer_written WHERE transfer_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for range in written.iter().filter(|r| !r.is_empty()) {
            sqlx::query(
                "INSERT INTO transfer_written (transfer_id, start, \"end\", boot_id) VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(range.start as i64)
            .bind(range.end as i64)
            .bind(boot)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(&format!(
            "UPDATE transfers SET bytes_done = ?, updated_at = ?, {DOWNLOADING_AGAIN} WHERE id = ?"
        ))
        .bind(covered(written) as i64)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the fsynced ranges of `id` with `durable` (call right after the fsync that made them so).
    pub async fn mark_durable(&self, id: i64, durable: &[Range<u64>]) -> Result<(), QueueError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM transfer_ranges WHERE transfer_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for range in durable.iter().filter(|r| !r.is_empty()) {
            sqlx::query(
                "INSERT INTO transfer_ranges (transfer_id, start, \"end\") VALUES (?, ?, ?)",
            )
            .bind(id)
            .bind(range.start as i64)
            .bind(range.end as i64)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(&format!(
            "UPDATE transfers SET bytes_done = max(bytes_done, ?), updated_at = ?, {DOWNLOADING_AGAIN} WHERE id = ?"
        ))
        .bind(covered(durable) as i64)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets every committed range (the partial file is being started over).
    pub async fn reset_progress(&self, id: i64) -> Result<(), QueueError> {
        let mut tx = self.pool.begin().await?;
        forget_ranges(&mut tx, id).await?;
        sqlx::query(
            "UPDATE transfers SET bytes_done = 0, validator = NULL, updated_at = ? WHERE id = ?",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers (or, with `None`, forgets) a staged server-side file to release.
    pub async fn set_staged(&self, id: i64, handle: Option<&str>) -> Result<(), QueueError> {
        sqlx::query("UPDATE transfers SET staged_handle = ? WHERE id = ?")
            .bind(handle)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Staged files left by runs that are gone: `(id, remote, handle)`.
    pub async fn staged_leftovers(&self) -> Result<Vec<(i64, String, String)>, QueueError> {
        let rows = sqlx::query(
            "SELECT id, remote, staged_handle FROM transfers WHERE staged_handle IS NOT NULL AND \
             (owner IS NULL OR lease_until < ?)",
        )
        .bind(now_ms())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect()
    }

    pub async fn count_attempt(&self, id: i64) -> Result<u32, QueueError> {
        let attempts: i64 = sqlx::query_scalar(
            "UPDATE transfers SET attempts = attempts + 1 WHERE id = ? RETURNING attempts",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(attempts as u32)
    }

    pub async fn count_refresh(&self, id: i64) -> Result<u32, QueueError> {
        let refreshes: i64 = sqlx::query_scalar(
            "UPDATE transfers SET refreshes = refreshes + 1 WHERE id = ? RETURNING refreshes",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(refreshes as u32)
    }

    /// Notes what went wrong last without changing the state (a retry is coming).
    pub async fn note_error(&self, id: i64, message: &str) -> Result<(), QueueError> {
        sqlx::query("UPDATE transfers SET last_error = ?, updated_at = ? WHERE id = ?")
            .bind(message)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The transfer is done and verified: where it is and its content hash. Its ranges are no longer needed.
    pub async fn complete(
        &self,
        id: i64,
        saved_path: &Path,
        bytes: u64,
        content_hash: &str,
    ) -> Result<(), QueueError> {
        let now = now_ms();
        // The ranges and written marks go with it (trigger `transfers_completed_forget_progress`).
        sqlx::query(
            "UPDATE transfers SET state = 'completed', saved_path = ?, file_name = ?, partial_name = NULL, \
             partial_identity = NULL, bytes_total = ?, bytes_done = ?, content_hash = ?, last_error = NULL, \
             owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ?",
        )
        .bind(path_text(saved_path))
        .bind(
            saved_path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
        )
        .bind(bytes as i64)
        .bind(bytes as i64)
        .bind(content_hash)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The transfer failed for good with `message`.
    pub async fn fail(&self, id: i64, message: &str) -> Result<(), QueueError> {
        let now = now_ms();
        sqlx::query(
            "UPDATE transfers SET state = 'failed', last_error = ?, owner = NULL, lease_until = NULL, \
             updated_at = ?, finished_at = ? WHERE id = ? AND state NOT IN ('paused', 'cancelled')",
        )
        .bind(message)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The state change every progress update makes: bytes on disk after a refresh mean the fresh link works, so a
/// refreshing transfer is downloading again.
const DOWNLOADING_AGAIN: &str =
    "state = CASE state WHEN 'refreshing' THEN 'downloading' ELSE state END";

/// Deletes the durable ranges and written marks of `id` in `tx`.
async fn forget_ranges(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: i64,
) -> Result<(), QueueError> {
    sqlx::query("DELETE FROM transfer_ranges WHERE transfer_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM transfer_written WHERE transfer_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `ranges` sorted, with overlapping and touching ones joined.
pub fn merged(ranges: impl IntoIterator<Item = Range<u64>>) -> Vec<Range<u64>> {
    let mut sorted: Vec<Range<u64>> = ranges.into_iter().filter(|r| !r.is_empty()).collect();
    sorted.sort_by_key(|r| r.start);
    let mut joined: Vec<Range<u64>> = Vec::with_capacity(sorted.len());
    for range in sorted {
        match joined.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => joined.push(range),
        }
    }
    joined
}

/// The bytes `ranges` cover (they must not overlap).
fn covered(ranges: &[Range<u64>]) -> u64 {
    ranges.iter().map(|r| r.end.saturating_sub(r.start)).sum()
}

impl QueueStore {
    /// Removes a transfer that no runner holds from the queue, with its committed ranges. Files on disk are the
    /// caller's business: the queue never deletes a completed download.
    pub async fn delete(&self, id: i64) -> Result<(), QueueError> {
        let record = self.get(id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM transfer_ranges WHERE transfer_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "DELETE FROM transfers WHERE id = ? AND (state IN ('completed', 'failed', 'cancelled', 'paused', \
             'queued', 'interrupted') AND (owner IS NULL OR lease_until < ?))",
        )
        .bind(id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if done.rows_affected() == 0 {
            let now = self.get(id).await.map(|r| r.state).unwrap_or(record.state);
            return Err(QueueError::NotAllowed {
                id,
                state: now,
                action: "removed",
                allowed: "queued, interrupted, paused or finished",
            });
        }
        Ok(())
    }

    /// Removes every completed, failed and cancelled transfer; answers how many went.
    pub async fn delete_finished(&self) -> Result<u64, QueueError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(&format!(
            "DELETE FROM transfer_ranges WHERE transfer_id IN (SELECT id FROM transfers WHERE state IN {finished})",
            finished = *FINISHED
        ))
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(&format!(
            "DELETE FROM transfers WHERE state IN {finished}",
            finished = *FINISHED
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn record(row: &SqliteRow) -> Result<TransferRecord, QueueError> {
    let state: String = row.try_get("state")?;
    let dest_dir: String = row.try_get("dest_dir")?;
    let saved_path: Option<String> = row.try_get("saved_path")?;
    let bytes_total: Option<i64> = row.try_get("bytes_total")?;
    let bytes_done: i64 = row.try_get("bytes_done")?;
    let attempts: i64 = row.try_get("attempts")?;
    let refreshes: i64 = row.try_get("refreshes")?;
    Ok(TransferRecord {
        id: row.try_get("id")?,
        remote: row.try_get("remote")?,
        document: row.try_get("document")?,
        version: row.try_get("version")?,
        dest_dir: PathBuf::from(dest_dir),
        file_name: row.try_get("file_name")?,
        partial_name: row.try_get("partial_name")?,
        partial_identity: row.try_get("partial_identity")?,
        state: state.parse()?,
        priority: row.try_get("priority")?,
        position: row.try_get("position")?,
        bytes_total: bytes_total.map(|n| n as u64),
        bytes_done: bytes_done as u64,
        attempts: attempts as u32,
        refreshes: refreshes as u32,
        last_error: row.try_get("last_error")?,
        validator: row.try_get("validator")?,
        staged_handle: row.try_get("staged_handle")?,
        content_hash: row.try_get("content_hash")?,
        saved_path: saved_path.map(PathBuf::from),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

#[cfg(test)]
mod tests;

/// A list as the JSON array `json_each` reads.
fn as_json<T: serde::Serialize>(values: &[T]) -> Result<String, QueueError> {
    serde_json::to_string(values)
        .map_err(|err| QueueError::Database(sqlx::Error::Encode(Box::new(err))))
}
