//! Folder downloads as the data dir keeps them: a folder (or a whole remote) taken home into a local folder, the
//! folders of its tree found so far and whether each was listed, and the documents found. A walk interrupted by a
//! kill goes on from the folders not listed yet; a batch that ran to its end is walked again by the next sync.

use std::path::{Path, PathBuf};

use sqlx::{Row, SqlitePool};

use crate::queue::{now_ms, QueueError};

#[derive(Debug, Clone)]
pub struct FolderBatches {
    pool: SqlitePool,
}

/// One batch: `folder` of `remote` (`None`: the whole remote) into `dest_root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderBatch {
    pub id: i64,
    pub remote: String,
    pub folder: Option<String>,
    pub dest_root: PathBuf,
    /// Every folder below was listed: the documents are all known.
    pub walked: bool,
}

/// A folder of a batch's tree: its location on the server and where it goes below the batch's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFolder {
    pub location: String,
    /// `/`-separated names already made safe; empty for the root.
    pub rel_dir: String,
}

/// A document found in a batch's tree, as the server listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchDocument {
    pub doc_id: String,
    pub rel_dir: String,
    /// The local file name: the server's name made safe and unique in its folder.
    pub name: String,
    pub version: Option<String>,
    pub size: Option<u64>,
    pub modified: Option<String>,
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl FolderBatches {
    pub fn new(pool: SqlitePool) -> Self {
        FolderBatches { pool }
    }

    /// The batch of `folder` into `dest_root`: the unfinished one (its walk goes on, its documents stay known), or
    /// a fresh one whose walk starts at `root_location`.
    /// With `check`, the batch of a dry run: its own, apart from the batch of a sync of the same folder.
    pub async fn open(
        &self,
        remote: &str,
        folder: Option<&str>,
        root_location: &str,
        dest_root: &Path,
        check: bool,
    ) -> Result<(FolderBatch, bool), QueueError> {
        let folder_key = folder.unwrap_or("");
        let purpose = if check { "check" } else { "sync" };
        let mut tx = self.pool.begin().await?;
        let existing = sqlx::query(
            "SELECT id, walked, finished_at FROM folder_batches WHERE remote = ? AND folder = ? AND dest_root = ? \
             AND purpose = ?",
        )
        .bind(remote)
        .bind(folder_key)
        .bind(path_text(dest_root))
        .bind(purpose)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, walked, resumed) = match existing {
            Some(row) if row.try_get::<Option<i64>, _>("finished_at")?.is_none() => {
                let walked: i64 = row.try_get("walked")?;
                (row.try_get::<i64, _>("id")?, walked != 0, true)
            }
            Some(row) => {
                // Finished before: this sync walks the server again from the root.
                let id: i64 = row.try_get("id")?;
                sqlx::query("DELETE FROM batch_folders WHERE batch = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM batch_documents WHERE batch = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE folder_batches SET walked = 0, finished_at = NULL WHERE id = ?",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                insert_folder(&mut tx, id, root_location, "").await?;
                (id, false, false)
            }
            None => {
                let id = sqlx::query(
                    "INSERT INTO folder_batches (remote, folder, dest_root, purpose, created_at) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(remote)
                .bind(folder_key)
                .bind(path_text(dest_root))
                .bind(purpose)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?
                .last_insert_rowid();
                insert_folder(&mut tx, id, root_location, "").await?;
                (id, false, false)
            }
        };
        tx.commit().await?;
        let batch = FolderBatch {
            id,
            remote: remote.to_owned(),
            folder: folder.map(str::to_owned),
            dest_root: dest_root.to_owned(),
            walked,
        };
        Ok((batch, resumed))
    }

    /// The folders of `batch` not listed yet, in the order they were found.
    pub async fn unlisted(&self, batch: i64) -> Result<Vec<BatchFolder>, QueueError> {
        let rows = sqlx::query(
            "SELECT location, rel_dir FROM batch_folders WHERE batch = ? AND listed = 0 ORDER BY rowid",
        )
        .bind(batch)
        .fetch_all(&self.pool)
        .await?;
        folders_of(&rows)
    }

    /// Records what listing `folder` found, in one transaction: its subfolders (to list later) and its documents;
    /// the folder is listed from then on.
    pub async fn record_listing(
        &self,
        batch: i64,
        folder: &BatchFolder,
        subfolders: &[BatchFolder],
        documents: &[BatchDocument],
    ) -> Result<(), QueueError> {
        let mut tx = self.pool.begin().await?;
        for sub in subfolders {
            insert_folder(&mut tx, batch, &sub.location, &sub.rel_dir).await?;
        }
        for doc in documents {
            sqlx::query(
                "INSERT INTO batch_documents (batch, doc_id, rel_dir, name, version, size, modified) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch, doc_id) DO NOTHING",
            )
            .bind(batch)
            .bind(&doc.doc_id)
            .bind(&doc.rel_dir)
            .bind(&doc.name)
            .bind(&doc.version)
            .bind(doc.size.map(|s| i64::try_from(s).unwrap_or(i64::MAX)))
            .bind(&doc.modified)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE batch_folders SET listed = 1 WHERE batch = ? AND location = ?")
            .bind(batch)
            .bind(&folder.location)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every folder below was listed.
    pub async fn mark_walked(&self, batch: i64) -> Result<(), QueueError> {
        sqlx::query("UPDATE folder_batches SET walked = 1 WHERE id = ?")
            .bind(batch)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The folders of `batch` (listed or not), root first.
    pub async fn folders(&self, batch: i64) -> Result<Vec<BatchFolder>, QueueError> {
        let rows = sqlx::query(
            "SELECT location, rel_dir FROM batch_folders WHERE batch = ? ORDER BY rowid",
        )
        .bind(batch)
        .fetch_all(&self.pool)
        .await?;
        folders_of(&rows)
    }

    /// The documents found in `batch`'s tree, by folder and name.
    pub async fn documents(&self, batch: i64) -> Result<Vec<BatchDocument>, QueueError> {
        let rows = sqlx::query(
            "SELECT doc_id, rel_dir, name, version, size, modified FROM batch_documents WHERE batch = ? \
             ORDER BY rel_dir, name, doc_id",
        )
        .bind(batch)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let size: Option<i64> = row.try_get("size")?;
                Ok(BatchDocument {
                    doc_id: row.try_get("doc_id")?,
                    rel_dir: row.try_get("rel_dir")?,
                    name: row.try_get("name")?,
                    version: row.try_get("version")?,
                    size: size.and_then(|s| u64::try_from(s).ok()),
                    modified: row.try_get("modified")?,
                })
            })
            .collect()
    }

    /// The batch ran to its end: the next sync walks the server again.
    pub async fn finish(&self, batch: i64) -> Result<(), QueueError> {
        sqlx::query("UPDATE folder_batches SET finished_at = ? WHERE id = ?")
            .bind(now_ms())
            .bind(batch)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn folders_of(rows: &[sqlx::sqlite::SqliteRow]) -> Result<Vec<BatchFolder>, QueueError> {
    rows.iter()
        .map(|row| {
            Ok(BatchFolder {
                location: row.try_get("location")?,
                rel_dir: row.try_get("rel_dir")?,
            })
        })
        .collect()
}

async fn insert_folder(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    batch: i64,
    location: &str,
    rel_dir: &str,
) -> Result<(), QueueError> {
    sqlx::query(
        "INSERT INTO batch_folders (batch, location, rel_dir) VALUES (?, ?, ?) ON CONFLICT (batch, location) DO NOTHING",
    )
    .bind(batch)
    .bind(location)
    .bind(rel_dir)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
