//! How a run goes and ends, as its runner records it: errors noted and attempts counted on the way, then
//! completed or failed; and the staged server-side files a run must release.

use std::path::Path;

use sqlx::Row;

use super::rows::path_text;
use super::state_sql::list_of;
use super::transitions::{COMPLETE, FAIL};
use super::{now_ms, QueueError, QueueStore, TransferState};

impl QueueStore {
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
            "UPDATE transfers SET state = ?, saved_path = ?, file_name = ?, partial_name = NULL, \
             partial_identity = NULL, bytes_total = ?, bytes_done = ?, content_hash = ?, last_error = NULL, \
             owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ? WHERE id = ?",
        )
        .bind(COMPLETE.to.as_str())
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
        // Written as the states it may not fail from, as it always was: a row in a state this version does not
        // know still fails.
        let keep = TransferState::ALL
            .into_iter()
            .filter(|state| !FAIL.allows(*state));
        sqlx::query(&format!(
            "UPDATE transfers SET state = ?, last_error = ?, owner = NULL, lease_until = NULL, \
             updated_at = ?, finished_at = ? WHERE id = ? AND state NOT IN {kept}",
            kept = list_of(&keep.collect::<Vec<_>>())
        ))
        .bind(FAIL.to.as_str())
        .bind(message)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
