//! The local copies Docket saved below one folder, as a folder sync compares them with the server's listing, and
//! the bookkeeping a sync does on them (a copy found unchanged, a copy deleted on request).

use std::path::{Path, PathBuf};

use sqlx::Row;

use super::downloads::{mtime_ns, path_text};
use super::{Catalog, CatalogError};

/// A download of `remote` saved below a sync's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyBelow {
    pub doc_id: String,
    pub path: PathBuf,
    pub version: Option<String>,
    /// `blake3:<hex>` (or `sha256:<hex>` from before BLAKE3).
    pub content_hash: String,
    pub bytes: u64,
    /// The file's modification time when its content was last known to match (unix ns).
    pub file_mtime_ns: Option<i64>,
    /// What the server said of the document when a folder download planned it.
    pub source_signature: Option<String>,
}

impl Catalog {
    /// Every download of `remote` recorded below `root` (not `root` itself).
    pub async fn copies_below(
        &self,
        remote: &str,
        root: &Path,
    ) -> Result<Vec<CopyBelow>, CatalogError> {
        let prefix = format!("{}/", path_text(root).trim_end_matches('/'));
        let rows = sqlx::query(
            "SELECT doc_id, path, version, content_hash, bytes, file_mtime_ns, source_signature FROM downloads \
             WHERE remote = ? AND substr(path, 1, length(?2)) = ?2 ORDER BY path",
        )
        .bind(remote)
        .bind(&prefix)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let path: String = row.try_get("path")?;
                let bytes: i64 = row.try_get("bytes")?;
                Ok(CopyBelow {
                    doc_id: row.try_get("doc_id")?,
                    path: PathBuf::from(path),
                    version: row.try_get("version")?,
                    content_hash: row.try_get("content_hash")?,
                    bytes: u64::try_from(bytes).unwrap_or(0),
                    file_mtime_ns: row.try_get("file_mtime_ns")?,
                    source_signature: row.try_get("source_signature")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(CatalogError::from)
    }

    /// The file at `path` was read again and still has its recorded content: its modification time now is the
    /// one to compare with next time (so it is not read again while untouched).
    pub async fn confirm_unchanged(&self, path: &Path) -> Result<(), CatalogError> {
        let mtime = std::fs::symlink_metadata(path)
            .ok()
            .and_then(|m| mtime_ns(&m));
        sqlx::query("UPDATE downloads SET file_mtime_ns = ?, state = 'present' WHERE path = ?")
            .bind(mtime)
            .bind(path_text(path))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Forgets the download saved at `path` (its file was deleted on request).
    pub async fn forget_download(&self, path: &Path) -> Result<(), CatalogError> {
        sqlx::query("DELETE FROM downloads WHERE path = ?")
            .bind(path_text(path))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
