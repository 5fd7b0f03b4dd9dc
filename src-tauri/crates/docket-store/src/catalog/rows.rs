//! Entries to and from their `entries` rows.

use docket_core::{Entry, EntryKind};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::CatalogError;

/// The columns `entry_from_row` reads, for `SELECT {ENTRY_COLUMNS} FROM entries e`.
pub(crate) const ENTRY_COLUMNS: &str =
    "e.remote, e.id, e.parent, e.name, e.kind, e.size, e.mime, e.modified, e.version, e.extra";

pub(crate) fn kind_text(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Folder => "folder",
        EntryKind::Document => "document",
    }
}

pub(crate) fn entry_from_row(row: &SqliteRow) -> Result<Entry, CatalogError> {
    let remote: String = row.try_get("remote")?;
    let damaged = |problem: String| CatalogError::Damaged {
        remote: remote.clone(),
        problem,
    };
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "folder" => EntryKind::Folder,
        "document" => EntryKind::Document,
        other => return Err(damaged(format!("unknown entry kind `{other}`"))),
    };
    let size: Option<i64> = row.try_get("size")?;
    let extra = match row.try_get::<Option<String>, _>("extra")? {
        Some(text) => serde_json::from_str(&text).map_err(|e| damaged(format!("extra: {e}")))?,
        None => serde_json::Value::Null,
    };
    Ok(Entry {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind,
        size: size.and_then(|s| u64::try_from(s).ok()),
        mime: row.try_get("mime")?,
        modified: row.try_get("modified")?,
        version: row.try_get("version")?,
        parent: row.try_get("parent")?,
        extra,
    })
}

/// `size` as SQLite stores it; sizes beyond i64 do not exist on real servers and are stored as unknown.
pub(crate) fn size_value(size: Option<u64>) -> Option<i64> {
    size.and_then(|s| i64::try_from(s).ok())
}

pub(crate) fn extra_text(entry: &Entry) -> Option<String> {
    if entry.extra.is_null() {
        None
    } else {
        Some(entry.extra.to_string())
    }
}
