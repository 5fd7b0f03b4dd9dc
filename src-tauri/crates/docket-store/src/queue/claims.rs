//! Claiming work and keeping it: a runner claims a pending row with a lease it keeps renewing, so two runners
//! never work on the same transfer and a crashed runner's claim lapses; while it holds the claim it moves the
//! transfer along, or puts it back in the queue to wait for its server.

use super::id_ranges::{among, as_ranges_json};
use super::rows::{as_json, record, COLUMNS};
use super::state_sql::{list_of, PENDING};
use super::transitions::{ADVANCE_FROM, CLAIM, WAIT_FOR_REMOTE};
use super::{now_ms, QueueError, QueueStore, TransferRecord, TransferState};

impl QueueStore {
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
            "UPDATE transfers SET owner = ?1, lease_until = ?2, updated_at = ?3, state = ?7 WHERE id = \
             (SELECT id FROM transfers WHERE state IN {from} AND (owner IS NULL OR lease_until < ?3) AND remote \
             NOT IN (SELECT value FROM json_each(?4)) AND id NOT IN (SELECT value FROM json_each(?5)) AND (?6 IS \
             NULL OR {only}) ORDER BY priority DESC, position LIMIT 1) RETURNING {COLUMNS}",
            from = list_of(CLAIM.from),
            only = among("transfers.id", "?6")
        ))
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now)
        .bind(as_json(skip)?)
        .bind(as_json(running)?)
        .bind(only.map(as_ranges_json).transpose()?)
        .bind(CLAIM.to.as_str())
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
            "UPDATE transfers SET state = ?, updated_at = ? WHERE id = ? AND owner = ? AND state IN {from}",
            from = list_of(ADVANCE_FROM)
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
            "UPDATE transfers SET state = ?, last_error = ?, owner = NULL, lease_until = NULL, \
             updated_at = ? WHERE id = ? AND owner = ? AND state IN {from}",
            from = list_of(WAIT_FOR_REMOTE.from)
        ))
        .bind(WAIT_FOR_REMOTE.to.as_str())
        .bind(message)
        .bind(now_ms())
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
