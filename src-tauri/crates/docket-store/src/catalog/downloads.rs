//! The link between a completed download, its catalog entry and the local file, and whether that file is
//! still what Docket saved.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::time::unix_ms;
use super::{Catalog, CatalogError, CatalogEvent};

/// Whether the file Docket saved is still there as saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LocalState {
    Present,
    /// Deleted or moved away outside Docket.
    Missing,
    /// Modified outside Docket: its bytes are no longer the ones downloaded.
    Changed,
}

impl LocalState {
    pub fn as_str(self) -> &'static str {
        match self {
            LocalState::Present => "present",
            LocalState::Missing => "missing",
            LocalState::Changed => "changed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "present" => Some(LocalState::Present),
            "missing" => Some(LocalState::Missing),
            "changed" => Some(LocalState::Changed),
            _ => None,
        }
    }
}

/// A downloaded file as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalCopy {
    pub path: PathBuf,
    pub state: LocalState,
    pub version: Option<String>,
    /// `blake3:<hex>`, or `sha256:<hex>` for a download recorded before BLAKE3.
    pub content_hash: String,
    pub bytes: u64,
    /// Unix ms.
    pub completed_at: i64,
}

/// A download record with the document it came from, as the watcher and the re-download list need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedDownload {
    pub remote: String,
    pub doc_id: String,
    pub copy: LocalCopy,
    /// The file's modification time when its content was last known to match (unix ns).
    pub file_mtime_ns: Option<i64>,
}

const COLUMNS: &str =
    "remote, doc_id, version, path, content_hash, bytes, file_mtime_ns, completed_at, state";

/// A completed download, as [`Catalog::record_download`] records it.
#[derive(Debug, Clone, Copy)]
pub struct SavedDownload<'a> {
    pub remote: &'a str,
    pub doc_id: &'a str,
    pub version: Option<&'a str>,
    pub path: &'a Path,
    /// `blake3:<hex>`.
    pub content_hash: &'a str,
    pub bytes: u64,
    /// What the server said of the document when a folder download planned it (see `FilePlan`).
    pub source_signature: Option<&'a str>,
}

impl Catalog {
    /// Records a completed download (the queue calls this on completion). A download saved again to the same
    /// path replaces the old record.
    pub async fn record_download(&self, saved: &SavedDownload<'_>) -> Result<(), CatalogError> {
        let SavedDownload {
            remote,
            doc_id,
            version,
            path,
            content_hash,
            bytes,
            source_signature,
        } = *saved;
        // Absolute, so that the watcher's event paths compare equal to it.
        let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        let mtime = std::fs::metadata(path).ok().and_then(|m| mtime_ns(&m));
        let now = unix_ms();
        let done = sqlx::query(
            "INSERT INTO downloads (remote, doc_id, version, path, content_hash, bytes, file_mtime_ns, completed_at, \
             state, checked_at, source_signature) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'present', ?8, ?9 \
             WHERE EXISTS (SELECT 1 FROM remotes WHERE name = ?1) \
             ON CONFLICT (path) DO UPDATE SET remote = ?1, doc_id = ?2, version = ?3, content_hash = ?5, bytes = ?6, \
             file_mtime_ns = ?7, completed_at = ?8, state = 'present', checked_at = ?8, source_signature = ?9",
        )
        .bind(remote)
        .bind(doc_id)
        .bind(version)
        .bind(path_text(path))
        .bind(content_hash)
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .bind(mtime)
        .bind(now)
        .bind(source_signature)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(CatalogError::UnknownRemote(remote.to_owned()));
        }
        self.emit(CatalogEvent::DownloadRecorded {
            remote: remote.to_owned(),
            doc_id: doc_id.to_owned(),
            path: path.to_owned(),
        });
        Ok(())
    }

    /// The newest local copy of each downloaded document of `remote`, by document id.
    pub async fn local_copies(
        &self,
        remote: &str,
    ) -> Result<HashMap<String, LocalCopy>, CatalogError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM downloads WHERE remote = ? ORDER BY completed_at, key"
        ))
        .bind(remote)
        .fetch_all(&self.pool)
        .await?;
        let mut copies = HashMap::new();
        for row in &rows {
            let download = download_from_row(row)?;
            copies.insert(download.doc_id, download.copy);
        }
        Ok(copies)
    }

    /// The newest local copy of one document.
    pub async fn local_copy(
        &self,
        remote: &str,
        doc_id: &str,
    ) -> Result<Option<LocalCopy>, CatalogError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM downloads WHERE remote = ? AND doc_id = ? ORDER BY completed_at DESC, key DESC \
             LIMIT 1"
        ))
        .bind(remote)
        .bind(doc_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| download_from_row(&row).map(|d| d.copy))
            .transpose()
    }

    /// Every recorded download, for the watcher.
    pub async fn recorded_downloads(&self) -> Result<Vec<RecordedDownload>, CatalogError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM downloads ORDER BY key"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(download_from_row).collect()
    }

    /// Downloads whose file is missing or changed: what the UI offers to download again.
    pub async fn downloads_needing_attention(&self) -> Result<Vec<RecordedDownload>, CatalogError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM downloads WHERE state <> 'present' ORDER BY key"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(download_from_row).collect()
    }

    /// Sets what the watcher found at `path`; subscribers hear about a change of state.
    pub async fn set_local_state(
        &self,
        path: &Path,
        state: LocalState,
        file_mtime_ns: Option<i64>,
    ) -> Result<(), CatalogError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT remote, doc_id, state FROM downloads WHERE path = ?")
                .bind(path_text(path))
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "UPDATE downloads SET state = ?, file_mtime_ns = coalesce(?, file_mtime_ns), checked_at = ? \
             WHERE path = ?",
        )
        .bind(state.as_str())
        .bind(file_mtime_ns)
        .bind(unix_ms())
        .bind(path_text(path))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some((remote, doc_id, before)) = row else {
            return Ok(());
        };
        if before != state.as_str() {
            tracing::info!(remote, doc_id, state = state.as_str(), "local copy changed");
            self.emit(CatalogEvent::LocalCopyChanged {
                remote,
                doc_id,
                path: path.to_owned(),
                state,
            });
        }
        Ok(())
    }
}

fn download_from_row(row: &SqliteRow) -> Result<RecordedDownload, CatalogError> {
    let remote: String = row.try_get("remote")?;
    let state: String = row.try_get("state")?;
    let state = LocalState::parse(&state).ok_or_else(|| CatalogError::Damaged {
        remote: remote.clone(),
        problem: format!("unknown download state `{state}`"),
    })?;
    let path: String = row.try_get("path")?;
    let bytes: i64 = row.try_get("bytes")?;
    Ok(RecordedDownload {
        doc_id: row.try_get("doc_id")?,
        copy: LocalCopy {
            path: PathBuf::from(path),
            state,
            version: row.try_get("version")?,
            content_hash: row.try_get("content_hash")?,
            bytes: u64::try_from(bytes).unwrap_or(0),
            completed_at: row.try_get("completed_at")?,
        },
        file_mtime_ns: row.try_get("file_mtime_ns")?,
        remote,
    })
}

/// Paths are stored as text; a name that is not UTF-8 is stored lossily and the watcher then sees it missing.
pub(crate) fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A file's modification time as the catalog records it (unix ns).
pub fn mtime_ns(metadata: &std::fs::Metadata) -> Option<i64> {
    let modified = metadata.modified().ok()?;
    let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_nanos()).ok()
}
