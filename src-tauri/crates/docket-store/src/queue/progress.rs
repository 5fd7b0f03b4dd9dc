//! A download's progress: the file it becomes, and the byte ranges of its partial file known to be on disk
//! (fsynced ranges, and written marks trusted within the same boot).

use std::ops::Range;

use sqlx::Row;

use super::state_sql::DOWNLOADING_AGAIN;
use super::{now_ms, QueueError, QueueStore};

impl QueueStore {
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
             WHERE transfer_id = ?1), {downloading_again}, updated_at = ?2 WHERE id = ?1 RETURNING bytes_done",
            downloading_again = *DOWNLOADING_AGAIN
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
            "UPDATE transfers SET bytes_done = ?, updated_at = ?, {downloading_again} WHERE id = ?",
            downloading_again = *DOWNLOADING_AGAIN
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
            "UPDATE transfers SET bytes_done = max(bytes_done, ?), updated_at = ?, {downloading_again} WHERE id = ?",
            downloading_again = *DOWNLOADING_AGAIN
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
}

/// Deletes the durable ranges and written marks of `id` in `tx`.
pub(super) async fn forget_ranges(
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
