//! Folders a person keeps in sync from the window: where each goes, when it was last synced and checked, and what
//! the last check found changed on the server (new documents, changed documents), for the badge and the list of
//! what changed. Paths are below the folder's local copy, `/`-separated.

use std::path::{Path, PathBuf};

use sqlx::{Row, SqlitePool};

use crate::queue::{now_ms, QueueError};

#[derive(Debug, Clone)]
pub struct SyncedFolders {
    pool: SqlitePool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedFolder {
    pub id: i64,
    pub remote: String,
    /// The folder's location id; `None` for the whole remote.
    pub folder: Option<String>,
    pub name: String,
    pub dest_root: PathBuf,
    /// Unix ms.
    pub synced_at: Option<i64>,
    pub checked_at: Option<i64>,
    /// Documents on the server not here yet, as the last check found them.
    pub new_paths: Vec<String>,
    /// Documents changed on the server since they were synced, as the last check found them.
    pub changed_paths: Vec<String>,
}

fn json(paths: &[String]) -> String {
    serde_json::to_string(paths).unwrap_or_else(|_| "[]".to_owned())
}

fn paths(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn folder(row: &sqlx::sqlite::SqliteRow) -> Result<SyncedFolder, sqlx::Error> {
    let location: String = row.try_get("folder")?;
    let dest: String = row.try_get("dest_root")?;
    let new_paths: String = row.try_get("new_paths")?;
    let changed_paths: String = row.try_get("changed_paths")?;
    Ok(SyncedFolder {
        id: row.try_get("id")?,
        remote: row.try_get("remote")?,
        folder: (!location.is_empty()).then_some(location),
        name: row.try_get("name")?,
        dest_root: PathBuf::from(dest),
        synced_at: row.try_get("synced_at")?,
        checked_at: row.try_get("checked_at")?,
        new_paths: paths(&new_paths),
        changed_paths: paths(&changed_paths),
    })
}

const COLUMNS: &str =
    "id, remote, folder, name, dest_root, synced_at, checked_at, new_paths, changed_paths";

impl SyncedFolders {
    pub fn new(pool: SqlitePool) -> Self {
        SyncedFolders { pool }
    }

    /// Keeps `folder` of `remote` in sync into `dest_root`; the one already kept there is answered as it is.
    pub async fn add(
        &self,
        remote: &str,
        folder: Option<&str>,
        name: &str,
        dest_root: &Path,
    ) -> Result<SyncedFolder, QueueError> {
        sqlx::query(
            "INSERT INTO synced_folders (remote, folder, name, dest_root) VALUES (?, ?, ?, ?) \
             ON CONFLICT (remote, folder, dest_root) DO NOTHING",
        )
        .bind(remote)
        .bind(folder.unwrap_or(""))
        .bind(name)
        .bind(dest_root.to_string_lossy())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM synced_folders WHERE remote = ? AND folder = ? AND dest_root = ?"
        ))
        .bind(remote)
        .bind(folder.unwrap_or(""))
        .bind(dest_root.to_string_lossy())
        .fetch_one(&self.pool)
        .await?;
        folder_of(&row)
    }

    pub async fn list(&self) -> Result<Vec<SyncedFolder>, QueueError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM synced_folders ORDER BY name, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(folder).collect::<Result<_, _>>()?)
    }

    pub async fn get(&self, id: i64) -> Result<SyncedFolder, QueueError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM synced_folders WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(QueueError::NotFound(id))?;
        folder_of(&row)
    }

    /// A sync ran to its end: nothing is waiting any more, except what it could not download (`left`).
    pub async fn record_sync(&self, id: i64, left: &[String]) -> Result<(), QueueError> {
        let now = now_ms();
        sqlx::query(
            "UPDATE synced_folders SET synced_at = ?, checked_at = ?, new_paths = ?, changed_paths = '[]' \
             WHERE id = ?",
        )
        .bind(now)
        .bind(now)
        .bind(json(left))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What a check for changes found.
    pub async fn record_check(
        &self,
        id: i64,
        new_paths: &[String],
        changed_paths: &[String],
    ) -> Result<(), QueueError> {
        sqlx::query(
            "UPDATE synced_folders SET checked_at = ?, new_paths = ?, changed_paths = ? WHERE id = ?",
        )
        .bind(now_ms())
        .bind(json(new_paths))
        .bind(json(changed_paths))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stops keeping the folder in sync; its local copy stays as it is.
    pub async fn remove(&self, id: i64) -> Result<(), QueueError> {
        sqlx::query("DELETE FROM synced_folders WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn folder_of(row: &sqlx::sqlite::SqliteRow) -> Result<SyncedFolder, QueueError> {
    Ok(folder(row)?)
}
