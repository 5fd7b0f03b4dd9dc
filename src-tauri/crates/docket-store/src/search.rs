//! Search by name across every remote's cached entries: SQLite FTS5 with the trigram tokenizer, so any part of
//! a name of three characters or more matches (case- and accent-insensitively); shorter terms match as plain
//! substrings. Filters by remote, kind, type, size and date. Reads only the cache, so it works offline.

use docket_core::{Entry, EntryKind, Location};
use serde::Serialize;
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::catalog::rows::{entry_from_row, kind_text, ENTRY_COLUMNS};
use crate::catalog::time::sortable_date;
use crate::catalog::{Catalog, CatalogError, LocalCopy};

/// Results returned when the query does not say.
pub const DEFAULT_LIMIT: usize = 50;

/// The fewest characters the trigram index can look up; shorter terms are matched by scanning names.
const TRIGRAM: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Words that must all appear in the name, in any order; a trailing `*` is accepted and changes nothing,
    /// since every word already matches as a prefix or any other part of a name.
    pub text: String,
    pub remote: Option<String>,
    pub kind: Option<EntryKind>,
    /// A MIME type or part of one (`pdf`, `text/csv`), or a file extension (`.xlsx`).
    pub file_type: Option<String>,
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    /// Modified on or after this ISO date (`2024-01-31`) or date-time.
    pub modified_from: Option<String>,
    /// Modified before this ISO date or date-time.
    pub modified_before: Option<String>,
    /// At most this many results; 0 means [`DEFAULT_LIMIT`].
    pub limit: usize,
}

impl SearchQuery {
    pub fn text(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }
}

/// One entry found, where it was listed, and its local copy when Docket downloaded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub remote: String,
    pub entry: Entry,
    /// A listing that holds the entry (the folder or filter to browse to see it).
    pub location: Location,
    pub local: Option<LocalCopy>,
}

impl Catalog {
    pub async fn search(&self, query: &SearchQuery) -> Result<Vec<SearchHit>, CatalogError> {
        let terms = terms(&query.text);
        let has_filter = query.remote.is_some()
            || query.kind.is_some()
            || query.file_type.is_some()
            || query.min_size.is_some()
            || query.max_size.is_some()
            || query.modified_from.is_some()
            || query.modified_before.is_some();
        if terms.is_empty() && !has_filter {
            return Err(CatalogError::BadQuery(
                "nothing to search for: give part of a name, or a filter".into(),
            ));
        }
        let from = date_bound(query.modified_from.as_deref(), "from")?;
        let before = date_bound(query.modified_before.as_deref(), "before")?;
        let (indexed, scanned): (Vec<&str>, Vec<&str>) = terms
            .iter()
            .map(String::as_str)
            .partition(|t| t.chars().count() >= TRIGRAM);

        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!("SELECT {ENTRY_COLUMNS} "));
        if indexed.is_empty() {
            sql.push("FROM entries e WHERE 1 = 1");
        } else {
            sql.push(
                "FROM entries_fts f JOIN entries e ON e.key = f.rowid WHERE entries_fts MATCH ",
            );
            sql.push_bind(fts_expression(&indexed));
        }
        for term in &scanned {
            sql.push(" AND e.name LIKE ");
            sql.push_bind(format!("%{}%", escape_like(term)));
            sql.push(" ESCAPE '\\'");
        }
        if let Some(remote) = &query.remote {
            sql.push(" AND e.remote = ").push_bind(remote.clone());
        }
        if let Some(kind) = query.kind {
            sql.push(" AND e.kind = ").push_bind(kind_text(kind));
        }
        if let Some(file_type) = query.file_type.as_deref().map(str::trim) {
            let extension = file_type.trim_start_matches('.');
            sql.push(" AND (e.mime LIKE ")
                .push_bind(format!("%{}%", escape_like(file_type)))
                .push(" ESCAPE '\\' OR e.name LIKE ")
                .push_bind(format!("%.{}", escape_like(extension)))
                .push(" ESCAPE '\\')");
        }
        if let Some(min) = query.min_size {
            sql.push(" AND e.size >= ").push_bind(clamp(min));
        }
        if let Some(max) = query.max_size {
            sql.push(" AND e.size <= ").push_bind(clamp(max));
        }
        if let Some(from) = from {
            sql.push(" AND e.modified_key >= ").push_bind(from);
        }
        if let Some(before) = before {
            sql.push(" AND e.modified_key < ").push_bind(before);
        }
        // Matches come in catalog order so that the first `limit` end the scan, whatever their number: a
        // relevance order would rank every match first (200 ms for a term in a third of 100,000 names). The
        // page of results is then ordered for people below.
        if indexed.is_empty() {
            sql.push(" ORDER BY e.key");
        } else {
            sql.push(" ORDER BY f.rowid");
        }
        let limit = if query.limit == 0 {
            DEFAULT_LIMIT
        } else {
            query.limit
        };
        sql.push(" LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));

        let rows = sql.build().fetch_all(self.pool()).await?;
        let mut hits = Vec::with_capacity(rows.len());
        for row in &rows {
            let remote: String = row.try_get("remote")?;
            let entry = entry_from_row(row)?;
            let location: Option<String> = sqlx::query_scalar(
                "SELECT l.location FROM entries e JOIN listing_entries le ON le.entry = e.key \
                 JOIN listings l ON l.key = le.listing WHERE e.remote = ? AND e.id = ? LIMIT 1",
            )
            .bind(&remote)
            .bind(&entry.id)
            .fetch_optional(self.pool())
            .await?;
            let local = match entry.kind {
                EntryKind::Document => self.local_copy(&remote, &entry.id).await?,
                EntryKind::Folder => None,
            };
            hits.push(SearchHit {
                location: Location::at(location.unwrap_or_default()),
                remote,
                entry,
                local,
            });
        }
        let first = terms.first().map(|t| t.to_lowercase()).unwrap_or_default();
        hits.sort_by_cached_key(|hit| {
            let name = hit.entry.name.to_lowercase();
            (!name.starts_with(&first), name)
        });
        Ok(hits)
    }
}

fn terms(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|t| t.trim_end_matches('*').trim_matches('"'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Each term as an FTS5 string (quotes doubled), all required.
fn fts_expression(terms: &[&str]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn clamp(size: u64) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

fn date_bound(value: Option<&str>, which: &str) -> Result<Option<String>, CatalogError> {
    match value {
        None => Ok(None),
        Some(text) => sortable_date(text).map(Some).ok_or_else(|| {
            CatalogError::BadQuery(format!(
                "`{text}` is not a date for --{which}: write it as YYYY-MM-DD (or YYYY-MM-DDTHH:MM)"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_split_and_a_trailing_star_is_dropped() {
        assert_eq!(terms(" Q1  rep* "), ["Q1", "rep"]);
        assert_eq!(fts_expression(&["rep", "a\"b"]), "\"rep\" AND \"a\"\"b\"");
    }

    #[test]
    fn like_wildcards_in_user_text_are_literal() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}
