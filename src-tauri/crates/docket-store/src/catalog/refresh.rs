//! Stale-while-revalidate: browsing answers from the cache now and refreshes it from the server meanwhile.
//! A server that cannot be reached marks its remote offline; the cache stays as it was.

use std::collections::HashMap;
use std::sync::Arc;

use docket_core::{Entry, Location, Provider, ProviderError};
use tokio::task::JoinHandle;

use super::time::unix_ms;
use super::{
    location_key, CachedListing, Catalog, CatalogError, CatalogEvent, ListingDiff, Offline,
};

/// Hears each page of a listing while a refresh fetches it, before the listing is complete and cached.
pub type PageListener = Arc<dyn Fn(&[Entry]) + Send + Sync>;

/// What `browse` answers at once, and the refresh running behind it.
pub struct Browse {
    /// The listing as last fetched; `None` when never fetched (wait for `refresh` then).
    pub cached: Option<CachedListing>,
    /// The background refresh; `None` when one for the same place is already running.
    pub refresh: Option<JoinHandle<Result<ListingDiff, CatalogError>>>,
}

impl Catalog {
    /// The cached listing now, and a refresh through `provider` in the background whose diff is also sent to
    /// subscribers as [`CatalogEvent::ListingChanged`]; `pages` hears that refresh page by page.
    pub async fn browse(
        &self,
        remote: &str,
        location: &Location,
        provider: Arc<dyn Provider>,
        pages: Option<PageListener>,
    ) -> Result<Browse, CatalogError> {
        let cached = self.cached(remote, location).await?;
        let place = (remote.to_owned(), location_key(location).to_owned());
        let started = self
            .refreshing
            .lock()
            .map(|mut running| running.insert(place.clone()))
            .unwrap_or(true);
        let refresh = started.then(|| {
            let catalog = self.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let outcome = match pages {
                    Some(pages) => {
                        catalog
                            .refresh_paged(&place.0, &location, provider.as_ref(), pages.as_ref())
                            .await
                    }
                    None => {
                        catalog
                            .refresh(&place.0, &location, provider.as_ref())
                            .await
                    }
                };
                if let Ok(mut running) = catalog.refreshing.lock() {
                    running.remove(&place);
                }
                outcome
            })
        });
        Ok(Browse { cached, refresh })
    }

    /// Fetches the listing at `location` page by page to the end and applies it as a diff. A failure on any
    /// page leaves the cache untouched; a server that cannot be reached marks the remote offline.
    pub async fn refresh(
        &self,
        remote: &str,
        location: &Location,
        provider: &dyn Provider,
    ) -> Result<ListingDiff, CatalogError> {
        self.refresh_paged(remote, location, provider, &|_| {})
            .await
    }

    /// [`Catalog::refresh`], telling `on_page` each page as the server hands it out. The cache changes only once
    /// the last page arrived: a listing interrupted halfway leaves the cached one (or none) as it was.
    pub async fn refresh_paged(
        &self,
        remote: &str,
        location: &Location,
        provider: &dyn Provider,
        on_page: &(dyn Fn(&[Entry]) + Send + Sync),
    ) -> Result<ListingDiff, CatalogError> {
        match provider
            .list_all_paged(location, &mut |page| on_page(page))
            .await
        {
            Ok(entries) => self.ingest(remote, location, entries).await,
            Err(source) => {
                if let ProviderError::Transient { message } = &source {
                    self.mark_offline(remote, message).await?;
                }
                Err(CatalogError::Provider {
                    remote: remote.to_owned(),
                    source,
                })
            }
        }
    }

    /// Records that `remote` cannot be reached and why, and tells subscribers.
    pub async fn mark_offline(&self, remote: &str, reason: &str) -> Result<(), CatalogError> {
        let changed = sqlx::query(
            "UPDATE remotes SET offline_since = coalesce(offline_since, ?), offline_reason = ? WHERE name = ?",
        )
        .bind(unix_ms())
        .bind(reason)
        .bind(remote)
        .execute(&self.pool)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(CatalogError::UnknownRemote(remote.to_owned()));
        }
        tracing::info!(remote, reason, "remote offline");
        self.emit(CatalogEvent::RemoteOffline {
            remote: remote.to_owned(),
            reason: reason.to_owned(),
        });
        Ok(())
    }

    /// Records that `remote` answered (a probe or a transfer reached it); subscribers hear
    /// [`CatalogEvent::RemoteOnline`] when it was offline until now.
    pub async fn mark_online(&self, remote: &str) -> Result<(), CatalogError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let was_offline: Option<Option<i64>> =
            sqlx::query_scalar("SELECT offline_since FROM remotes WHERE name = ?")
                .bind(remote)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "UPDATE remotes SET last_contact = ?, offline_since = NULL, offline_reason = NULL WHERE name = ?",
        )
        .bind(unix_ms())
        .bind(remote)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let Some(was_offline) = was_offline else {
            return Err(CatalogError::UnknownRemote(remote.to_owned()));
        };
        if was_offline.is_some() {
            tracing::info!(remote, "remote online again");
            self.emit(CatalogEvent::RemoteOnline {
                remote: remote.to_owned(),
            });
        }
        Ok(())
    }

    /// Every remote that could not be reached when last tried, with since when and why.
    pub async fn offline_remotes(&self) -> Result<HashMap<String, Offline>, CatalogError> {
        let rows: Vec<(String, i64, Option<String>)> = sqlx::query_as(
            "SELECT name, offline_since, offline_reason FROM remotes WHERE offline_since IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(name, since, reason)| {
                let reason = reason.unwrap_or_else(|| "the server could not be reached".into());
                (name, Offline { since, reason })
            })
            .collect())
    }
}
