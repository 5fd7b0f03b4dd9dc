//! Reading the queue as a person sees it: one transfer, or all of them in the order they run.

use std::path::Path;

use super::rows::{as_json, path_text, record, COLUMNS};
use super::state_sql::{FINISHED, PENDING};
use super::{QueueError, QueueStore, TransferRecord};

impl QueueStore {
    /// The transfers of folder downloads of `remote` into `root` or below it, oldest first.
    pub async fn planned_below(
        &self,
        remote: &str,
        root: &Path,
    ) -> Result<Vec<TransferRecord>, QueueError> {
        let root = path_text(root);
        let prefix = format!("{}/", root.trim_end_matches('/'));
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM transfers WHERE remote = ? AND fixed_name IS NOT NULL \
             AND (dest_dir = ? OR substr(dest_dir, 1, length(?3)) = ?3) ORDER BY id"
        ))
        .bind(remote)
        .bind(&root)
        .bind(&prefix)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }

    /// How many of `ids` have not finished (completed, failed or cancelled); ids no longer queued do not count.
    pub async fn unfinished_among(&self, ids: &[i64]) -> Result<u64, QueueError> {
        let count: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM transfers WHERE id IN (SELECT value FROM json_each(?)) AND state NOT IN {finished}",
            finished = *FINISHED
        ))
        .bind(as_json(ids)?)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Whether any of `ids` is still pending (queued or being worked on).
    pub async fn any_pending_among(&self, ids: &[i64]) -> Result<bool, QueueError> {
        let pending: bool = sqlx::query_scalar(&format!(
            "SELECT EXISTS (SELECT 1 FROM transfers WHERE id IN (SELECT value FROM json_each(?)) AND state IN \
             {pending})",
            pending = *PENDING
        ))
        .bind(as_json(ids)?)
        .fetch_one(&self.pool)
        .await?;
        Ok(pending)
    }

    /// The transfers of `ids` still in the queue, in id order (one statement for thousands).
    pub async fn get_many(&self, ids: &[i64]) -> Result<Vec<TransferRecord>, QueueError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM transfers WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id"
        ))
        .bind(as_json(ids)?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
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
}
