//! Telling the truth about transfers whose runner is gone: a row left "downloading" by a killed process is
//! marked interrupted (and its claim dropped) as soon as another process can tell, not when its lease lapses.

use super::rows::as_json;
use super::runner::RunnerId;
use super::state_sql::{list_of, WORKED};
use super::transitions::INTERRUPT;
use super::{now_ms, QueueError, QueueStore};

impl QueueStore {
    /// Marks as interrupted every transfer a runner left mid-work and no longer works: its process ended (known
    /// at once for a runner of this boot), or its claim lapsed (a runner of another boot, or an older Docket's),
    /// or nobody claims it. A live runner of this boot whose renewal is late keeps its transfers. Answers how many
    /// were marked.
    pub async fn mark_interrupted(&self) -> Result<u64, QueueError> {
        let owners: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT DISTINCT owner FROM transfers WHERE state IN {worked} AND owner IS NOT NULL",
            worked = *WORKED
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut gone = Vec::new();
        let mut judged_by_lease = Vec::new();
        for owner in owners {
            match RunnerId::parse(&owner) {
                Some(runner) if runner.is_gone() => gone.push(owner),
                Some(runner) if runner.is_checkable() => {}
                _ => judged_by_lease.push(owner),
            }
        }
        let marked = sqlx::query(&format!(
            "UPDATE transfers SET state = ?4, owner = NULL, lease_until = NULL, updated_at = ?1 \
             WHERE state IN {from} AND (owner IS NULL OR owner IN (SELECT value FROM json_each(?2)) OR \
             (owner IN (SELECT value FROM json_each(?3)) AND lease_until < ?1))",
            from = list_of(INTERRUPT.from)
        ))
        .bind(now_ms())
        .bind(as_json(&gone)?)
        .bind(as_json(&judged_by_lease)?)
        .bind(INTERRUPT.to.as_str())
        .execute(&self.pool)
        .await?;
        Ok(marked.rows_affected())
    }
}
