//! The partial files transfers own. A transfer records its partial's name before it creates the file, so a file
//! a transfer made is always known to it; a `.docket-part` file no row names belongs to no transfer.

use std::path::PathBuf;

use super::progress::forget_ranges;
use super::{now_ms, QueueError, QueueStore};

/// A partial file some transfer of this queue owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedPartial {
    pub id: i64,
    pub dest_dir: PathBuf,
    pub partial_name: String,
}

impl QueueStore {
    /// Records that transfer `id` writes its bytes to `partial_name` in its folder, to be renamed to `file_name`
    /// when verified. Call before creating the file. A new partial starts empty: any progress recorded for an
    /// earlier one is forgotten in the same transaction.
    pub async fn reserve_partial(
        &self,
        id: i64,
        file_name: &str,
        partial_name: &str,
    ) -> Result<(), QueueError> {
        let mut tx = self.pool.begin().await?;
        forget_ranges(&mut tx, id).await?;
        sqlx::query(
            "UPDATE transfers SET file_name = ?, partial_name = ?, partial_identity = NULL, bytes_done = 0, \
             updated_at = ? WHERE id = ?",
        )
        .bind(file_name)
        .bind(partial_name)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records which file the partial of `id` is (call right after creating it).
    pub async fn record_partial_identity(&self, id: i64, identity: &str) -> Result<(), QueueError> {
        sqlx::query("UPDATE transfers SET partial_identity = ? WHERE id = ?")
            .bind(identity)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records the name the verified file is renamed to (call before renaming it there), so a run stopped right
    /// after the rename finds the file it finished.
    pub async fn name_file(&self, id: i64, file_name: &str) -> Result<(), QueueError> {
        sqlx::query("UPDATE transfers SET file_name = ?, updated_at = ? WHERE id = ?")
            .bind(file_name)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets the partial file of `id` (it was deleted) with every byte recorded of it.
    pub async fn forget_partial(&self, id: i64) -> Result<(), QueueError> {
        self.reset_progress(id).await?;
        sqlx::query(
            "UPDATE transfers SET partial_name = NULL, partial_identity = NULL, updated_at = ? WHERE id = ?",
        )
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every partial file a transfer of this queue owns.
    pub async fn owned_partials(&self) -> Result<Vec<OwnedPartial>, QueueError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, dest_dir, partial_name FROM transfers WHERE partial_name IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, dest_dir, partial_name)| OwnedPartial {
                id,
                dest_dir: PathBuf::from(dest_dir),
                partial_name,
            })
            .collect())
    }

    /// Every folder a transfer of this queue downloads (or downloaded) into.
    pub async fn download_dirs(&self) -> Result<Vec<PathBuf>, QueueError> {
        let dirs: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT dest_dir FROM transfers ORDER BY dest_dir")
                .fetch_all(&self.pool)
                .await?;
        Ok(dirs.into_iter().map(PathBuf::from).collect())
    }
}
