//! Reading the queue as a person sees it: one transfer, or all of them in the order they run.

use super::rows::{record, COLUMNS};
use super::state_sql::FINISHED;
use super::{QueueError, QueueStore, TransferRecord};

impl QueueStore {
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
