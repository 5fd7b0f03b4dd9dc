//! Adding transfers to the queue, and finding the unfinished one a second request for the same document
//! continues instead of downloading a copy beside it.

use super::rows::{path_text, record, COLUMNS};
use super::transitions::ENQUEUED;
use super::{now_ms, FilePlan, NewTransfer, QueueError, QueueStore, TransferRecord, TransferState};

/// The newest unfinished transfer of a document (and version) into a folder: remote, document, version,
/// dest_dir, and the completed state bound in that order.
fn unfinished_statement() -> String {
    format!(
        "SELECT {COLUMNS} FROM transfers WHERE remote = ? AND document = ? AND version IS ? AND dest_dir = ? AND \
         state != ? ORDER BY id DESC LIMIT 1"
    )
}

/// The insert of a new transfer (remote, document, version, dest_dir, state, priority, the time, the plan's four
/// columns), its position given by `position`: a subquery, or `?12` bound last.
fn insert_statement(position: &str) -> String {
    format!(
        "INSERT INTO transfers (remote, document, version, dest_dir, state, priority, created_at, updated_at, \
         fixed_name, replaces_hash, keep_replaced_as, source_signature, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6, \
         ?7, ?7, ?8, ?9, ?10, ?11, {position})"
    )
}

/// [`insert_statement`] with everything but a bound position bound.
fn insert_query<'q>(
    statement: &'q str,
    new: &'q NewTransfer,
    plan: Option<&'q FilePlan>,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    sqlx::query(statement)
        .bind(&new.remote)
        .bind(&new.document)
        .bind(&new.version)
        .bind(path_text(&new.dest_dir))
        .bind(ENQUEUED.as_str())
        .bind(new.priority)
        .bind(now_ms())
        .bind(plan.map(|p| &p.name))
        .bind(plan.and_then(|p| p.replaces_hash.as_ref()))
        .bind(plan.and_then(|p| p.keep_replaced_as.as_ref()))
        .bind(plan.and_then(|p| p.source_signature.as_ref()))
}

/// What [`QueueStore::enqueue_planned_many`] did with one document.
#[derive(Debug, Clone, PartialEq)]
pub enum QueuedPlan {
    New(i64),
    /// An unfinished transfer of the same document into the same folder, which the request continues.
    Continues(Box<TransferRecord>),
}

impl QueueStore {
    /// Adds a transfer at the end of the queue.
    pub async fn enqueue(&self, new: &NewTransfer) -> Result<i64, QueueError> {
        self.insert(new, None).await
    }

    /// Queues a document of a folder download with the place its plan decided (one statement: no runner ever
    /// sees it without its plan).
    pub async fn enqueue_planned(
        &self,
        new: &NewTransfer,
        plan: &FilePlan,
    ) -> Result<i64, QueueError> {
        self.insert(new, Some(plan)).await
    }

    async fn insert(&self, new: &NewTransfer, plan: Option<&FilePlan>) -> Result<i64, QueueError> {
        let statement = insert_statement("(SELECT coalesce(max(position), 0) + 1 FROM transfers)");
        let id = insert_query(&statement, new, plan)
            .execute(&self.pool)
            .await?
            .last_insert_rowid();
        Ok(id)
    }

    /// Queues many documents of a folder download in one transaction, in order: each that has an unfinished
    /// transfer already (see [`QueueStore::find_unfinished`]) answers that one, the others are added at the end of
    /// the queue. One commit for the lot: queueing a 10,000-document sync one statement at a time cost seconds.
    pub async fn enqueue_planned_many(
        &self,
        planned: &[(NewTransfer, FilePlan)],
    ) -> Result<Vec<QueuedPlan>, QueueError> {
        // IMMEDIATE takes the write lock before the first read: a runner's commit between the reads and the
        // inserts would otherwise fail the inserts at once instead of waiting.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut position: i64 =
            sqlx::query_scalar("SELECT coalesce(max(position), 0) FROM transfers")
                .fetch_one(&mut *tx)
                .await?;
        let mut queued = Vec::with_capacity(planned.len());
        let statement = insert_statement("?12");
        for (new, plan) in planned {
            let earlier = sqlx::query(&unfinished_statement())
                .bind(&new.remote)
                .bind(&new.document)
                .bind(&new.version)
                .bind(path_text(&new.dest_dir))
                .bind(TransferState::Completed.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(row) = earlier {
                queued.push(QueuedPlan::Continues(Box::new(record(&row)?)));
                continue;
            }
            position += 1;
            let id = insert_query(&statement, new, Some(plan))
                .bind(position)
                .execute(&mut *tx)
                .await?
                .last_insert_rowid();
            queued.push(QueuedPlan::New(id));
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// The newest transfer of the same document (and version) into the same folder that has not completed: a
    /// second request for it continues that one instead of downloading a copy beside it.
    pub async fn find_unfinished(
        &self,
        wanted: &NewTransfer,
    ) -> Result<Option<TransferRecord>, QueueError> {
        let row = sqlx::query(&unfinished_statement())
            .bind(&wanted.remote)
            .bind(&wanted.document)
            .bind(&wanted.version)
            .bind(path_text(&wanted.dest_dir))
            .bind(TransferState::Completed.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(record).transpose()
    }
}
