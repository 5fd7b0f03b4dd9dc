//! Reading a cached listing, and replacing it with a fresh one as a diff applied in one transaction.

use std::collections::HashMap;
use std::sync::Arc;

use docket_core::{Entry, Location};
use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::rows::{entry_from_row, extra_text, kind_text, size_value, ENTRY_COLUMNS};
use super::time::{sortable_date, unix_ms};
use super::{location_key, CachedListing, Catalog, CatalogError, CatalogEvent, ListingDiff};

impl Catalog {
    /// The listing as last fetched, or `None` when this location was never fetched.
    pub async fn cached(
        &self,
        remote: &str,
        location: &Location,
    ) -> Result<Option<CachedListing>, CatalogError> {
        let listing: Option<(i64, i64)> = sqlx::query_as(
            "SELECT key, fetched_at FROM listings WHERE remote = ? AND location = ?",
        )
        .bind(remote)
        .bind(location_key(location))
        .fetch_optional(&self.pool)
        .await?;
        let Some((key, fetched_at)) = listing else {
            return Ok(None);
        };
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM listing_entries le JOIN entries e ON e.key = le.entry \
             WHERE le.listing = ? ORDER BY e.key"
        ))
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let entries = rows
            .iter()
            .map(entry_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(CachedListing {
            remote: remote.to_owned(),
            location: location.clone(),
            fetched_at,
            entries,
        }))
    }

    /// Makes `entries` (a complete listing, every page) the cached listing of `location`: added, changed and
    /// removed entries are applied in one transaction, the remote is marked as reachable, and subscribers are
    /// told the diff. Nothing is written when anything fails.
    pub async fn ingest(
        &self,
        remote: &str,
        location: &Location,
        entries: Vec<Entry>,
    ) -> Result<ListingDiff, CatalogError> {
        let now = unix_ms();
        // IMMEDIATE takes the write lock before reading the old listing, so a concurrent refresh of the same
        // place cannot slip in between the read and the write.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let was_offline: Option<Option<i64>> =
            sqlx::query_scalar("SELECT offline_since FROM remotes WHERE name = ?")
                .bind(remote)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(was_offline) = was_offline else {
            return Err(CatalogError::UnknownRemote(remote.to_owned()));
        };
        let listing: i64 = sqlx::query_scalar(
            "INSERT INTO listings (remote, location, fetched_at) VALUES (?, ?, ?) \
             ON CONFLICT (remote, location) DO UPDATE SET fetched_at = excluded.fetched_at RETURNING key",
        )
        .bind(remote)
        .bind(location_key(location))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;

        let diff = apply_diff(&mut tx, remote, listing, entries, now).await?;

        sqlx::query(
            "UPDATE remotes SET last_contact = ?, offline_since = NULL, offline_reason = NULL WHERE name = ?",
        )
        .bind(now)
        .bind(remote)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;

        tracing::debug!(
            remote,
            location = location_key(location),
            added = diff.added.len(),
            changed = diff.changed.len(),
            removed = diff.removed.len(),
            "listing refreshed"
        );
        if was_offline.is_some() {
            self.emit(CatalogEvent::RemoteOnline {
                remote: remote.to_owned(),
            });
        }
        if !diff.is_empty() {
            self.emit(CatalogEvent::ListingChanged {
                remote: remote.to_owned(),
                location: location.clone(),
                diff: Arc::new(diff.clone()),
            });
        }
        Ok(diff)
    }
}

async fn apply_diff(
    tx: &mut Transaction<'_, Sqlite>,
    remote: &str,
    listing: i64,
    entries: Vec<Entry>,
    now: i64,
) -> Result<ListingDiff, CatalogError> {
    let old_rows = sqlx::query(&format!(
        "SELECT e.key, {ENTRY_COLUMNS} FROM listing_entries le JOIN entries e ON e.key = le.entry \
         WHERE le.listing = ?"
    ))
    .bind(listing)
    .fetch_all(&mut **tx)
    .await?;
    let mut old: HashMap<String, (i64, Entry)> = HashMap::with_capacity(old_rows.len());
    for row in &old_rows {
        let entry = entry_from_row(row)?;
        let key: i64 = sqlx::Row::try_get(row, "key")?;
        old.insert(entry.id.clone(), (key, entry));
    }

    // A server that repeats an id across pages (items shifting while paging) yields it once, as last seen.
    let mut fresh: Vec<Entry> = Vec::with_capacity(entries.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(entries.len());
    for entry in entries {
        match seen.get(&entry.id) {
            Some(&at) => fresh[at] = entry,
            None => {
                seen.insert(entry.id.clone(), fresh.len());
                fresh.push(entry);
            }
        }
    }

    let mut diff = ListingDiff::default();
    for entry in fresh {
        match old.remove(&entry.id) {
            None => diff.added.push(entry),
            Some((key, before)) if before != entry => {
                update_entry(tx, key, &entry, now).await?;
                diff.changed.push(entry);
            }
            Some(_) => {}
        }
    }
    for batch in diff.added.chunks(BATCH) {
        insert_entries(tx, remote, listing, batch, now).await?;
    }
    let removed: Vec<(i64, Entry)> = old.into_values().collect();
    for batch in removed.chunks(BATCH) {
        remove_entries(tx, listing, batch).await?;
    }
    diff.removed = removed.into_iter().map(|(_, entry)| entry).collect();
    Ok(diff)
}

/// Rows per multi-row statement: 12 parameters each stays far below SQLite's 32,766.
const BATCH: usize = 500;

/// Inserts entries new to this listing (updating them where another listing already holds them) and adds
/// them to the listing, a batch per statement.
async fn insert_entries(
    tx: &mut Transaction<'_, Sqlite>,
    remote: &str,
    listing: i64,
    batch: &[Entry],
    now: i64,
) -> Result<(), CatalogError> {
    let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO entries (remote, id, parent, name, kind, size, mime, modified, modified_key, version, extra, \
         fetched_at) ",
    );
    insert.push_values(batch, |mut row, entry| {
        row.push_bind(remote)
            .push_bind(&entry.id)
            .push_bind(&entry.parent)
            .push_bind(&entry.name)
            .push_bind(kind_text(entry.kind))
            .push_bind(size_value(entry.size))
            .push_bind(&entry.mime)
            .push_bind(&entry.modified)
            .push_bind(entry.modified.as_deref().and_then(sortable_date))
            .push_bind(&entry.version)
            .push_bind(extra_text(entry))
            .push_bind(now);
    });
    insert.push(
        " ON CONFLICT (remote, id) DO UPDATE SET parent = excluded.parent, name = excluded.name, \
         kind = excluded.kind, size = excluded.size, mime = excluded.mime, modified = excluded.modified, \
         modified_key = excluded.modified_key, version = excluded.version, extra = excluded.extra, \
         fetched_at = excluded.fetched_at",
    );
    insert.build().execute(&mut **tx).await?;

    let mut member: QueryBuilder<Sqlite> =
        QueryBuilder::new("INSERT INTO listing_entries (listing, entry) SELECT ");
    member
        .push_bind(listing)
        .push(", key FROM entries WHERE remote = ")
        .push_bind(remote)
        .push(" AND id IN (");
    let mut ids = member.separated(", ");
    for entry in batch {
        ids.push_bind(&entry.id);
    }
    member.push(") ON CONFLICT DO NOTHING");
    member.build().execute(&mut **tx).await?;
    Ok(())
}

/// Takes entries out of the listing, and out of the catalog unless another listing still holds them.
async fn remove_entries(
    tx: &mut Transaction<'_, Sqlite>,
    listing: i64,
    batch: &[(i64, Entry)],
) -> Result<(), CatalogError> {
    let mut unlink: QueryBuilder<Sqlite> =
        QueryBuilder::new("DELETE FROM listing_entries WHERE listing = ");
    unlink.push_bind(listing).push(" AND entry IN (");
    let mut keys = unlink.separated(", ");
    for (key, _) in batch {
        keys.push_bind(*key);
    }
    unlink.push(")");
    unlink.build().execute(&mut **tx).await?;

    let mut orphans: QueryBuilder<Sqlite> = QueryBuilder::new("DELETE FROM entries WHERE key IN (");
    let mut keys = orphans.separated(", ");
    for (key, _) in batch {
        keys.push_bind(*key);
    }
    orphans
        .push(") AND NOT EXISTS (SELECT 1 FROM listing_entries le WHERE le.entry = entries.key)");
    orphans.build().execute(&mut **tx).await?;
    Ok(())
}

async fn update_entry(
    tx: &mut Transaction<'_, Sqlite>,
    key: i64,
    entry: &Entry,
    now: i64,
) -> Result<(), CatalogError> {
    sqlx::query(
        "UPDATE entries SET parent = ?, name = ?, kind = ?, size = ?, mime = ?, modified = ?, modified_key = ?, \
         version = ?, extra = ?, fetched_at = ? WHERE key = ?",
    )
    .bind(&entry.parent)
    .bind(&entry.name)
    .bind(kind_text(entry.kind))
    .bind(size_value(entry.size))
    .bind(&entry.mime)
    .bind(&entry.modified)
    .bind(entry.modified.as_deref().and_then(sortable_date))
    .bind(&entry.version)
    .bind(extra_text(entry))
    .bind(now)
    .bind(key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
