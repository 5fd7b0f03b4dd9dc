//! The run order: priorities and queue positions, and moving a transfer to a place in the order a person sees.

use super::state_sql::FINISHED;
use super::{now_ms, QueueError, QueueStore, TransferState};

/// Where [`QueueStore::move_to_place`] put a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// 1 is first among the unfinished transfers.
    pub place: usize,
    pub priority: i64,
    pub previous_priority: i64,
}

impl QueueStore {
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
}
