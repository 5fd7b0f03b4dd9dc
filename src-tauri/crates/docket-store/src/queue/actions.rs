//! What a person asks of transfers: pause, resume, cancel and retry (judged against the transition table),
//! removing one, and clearing the finished ones.

use super::state_sql::{FINISHED, REMOVABLE_LIST};
use super::transitions::REMOVABLE_WORDS;
use super::{now_ms, QueueAction, QueueError, QueueStore, TransferRecord};

impl QueueStore {
    /// Applies a person's request. Returns the record as it was before.
    pub async fn request(
        &self,
        id: i64,
        action: QueueAction,
    ) -> Result<TransferRecord, QueueError> {
        let before = self.get(id).await?;
        let rule = action.rule();
        if !rule.transition.allows(before.state) {
            return Err(QueueError::NotAllowed {
                id,
                state: before.state,
                action: rule.verb,
                allowed: rule.allowed,
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
            .bind(rule.transition.to.as_str())
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

    /// Removes a transfer that no runner holds from the queue, with its committed ranges. Files on disk are the
    /// caller's business: the queue never deletes a completed download.
    pub async fn delete(&self, id: i64) -> Result<(), QueueError> {
        let record = self.get(id).await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM transfer_ranges WHERE transfer_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(&format!(
            "DELETE FROM transfers WHERE id = ? AND (state IN {removable} AND (owner IS NULL OR lease_until < ?))",
            removable = *REMOVABLE_LIST
        ))
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
                allowed: REMOVABLE_WORDS,
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
