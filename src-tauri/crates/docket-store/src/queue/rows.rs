//! Reading a `transfers` row into a [`TransferRecord`], and the small conversions the statements share.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{FilePlan, QueueError, TransferRecord};

/// The columns [`record`] reads, in the order statements select them.
pub(super) const COLUMNS: &str = "id, remote, document, version, dest_dir, file_name, partial_name, partial_identity, state, priority, position, \
    bytes_total, bytes_done, attempts, refreshes, last_error, validator, staged_handle, content_hash, saved_path, \
    created_at, updated_at, finished_at, fixed_name, replaces_hash, keep_replaced_as, source_signature";

pub(super) fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

pub(super) fn record(row: &SqliteRow) -> Result<TransferRecord, QueueError> {
    let state: String = row.try_get("state")?;
    let dest_dir: String = row.try_get("dest_dir")?;
    let saved_path: Option<String> = row.try_get("saved_path")?;
    let bytes_total: Option<i64> = row.try_get("bytes_total")?;
    let bytes_done: i64 = row.try_get("bytes_done")?;
    let attempts: i64 = row.try_get("attempts")?;
    let refreshes: i64 = row.try_get("refreshes")?;
    let fixed_name: Option<String> = row.try_get("fixed_name")?;
    let plan = match fixed_name {
        Some(name) => Some(FilePlan {
            name,
            replaces_hash: row.try_get("replaces_hash")?,
            keep_replaced_as: row.try_get("keep_replaced_as")?,
            source_signature: row.try_get("source_signature")?,
        }),
        None => None,
    };
    Ok(TransferRecord {
        id: row.try_get("id")?,
        remote: row.try_get("remote")?,
        document: row.try_get("document")?,
        version: row.try_get("version")?,
        dest_dir: PathBuf::from(dest_dir),
        file_name: row.try_get("file_name")?,
        partial_name: row.try_get("partial_name")?,
        partial_identity: row.try_get("partial_identity")?,
        state: state.parse()?,
        priority: row.try_get("priority")?,
        position: row.try_get("position")?,
        bytes_total: bytes_total.map(|n| n as u64),
        bytes_done: bytes_done as u64,
        attempts: attempts as u32,
        refreshes: refreshes as u32,
        last_error: row.try_get("last_error")?,
        validator: row.try_get("validator")?,
        staged_handle: row.try_get("staged_handle")?,
        content_hash: row.try_get("content_hash")?,
        saved_path: saved_path.map(PathBuf::from),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        finished_at: row.try_get("finished_at")?,
        plan,
    })
}

/// A list as the JSON array `json_each` reads.
pub(super) fn as_json<T: serde::Serialize>(values: &[T]) -> Result<String, QueueError> {
    serde_json::to_string(values)
        .map_err(|err| QueueError::Database(sqlx::Error::Encode(Box::new(err))))
}
