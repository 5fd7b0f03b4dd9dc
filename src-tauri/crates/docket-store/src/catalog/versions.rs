//! A document's versions, cached so that the version list shows offline too.

use docket_core::{DocRef, Provider, Version};
use sqlx::Row;

use super::rows::size_value;
use super::time::unix_ms;
use super::{Catalog, CatalogError};

impl Catalog {
    /// The cached versions of a document, newest first; `None` when they were never fetched.
    pub async fn versions(
        &self,
        remote: &str,
        doc_id: &str,
    ) -> Result<Option<Vec<Version>>, CatalogError> {
        let rows = sqlx::query(
            "SELECT id, label, size, modified, checksum FROM versions WHERE remote = ? AND doc_id = ? \
             ORDER BY position",
        )
        .bind(remote)
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let versions = rows
            .iter()
            .map(|row| {
                let size: Option<i64> = row.try_get("size")?;
                Ok(Version {
                    id: row.try_get("id")?,
                    label: row.try_get("label")?,
                    size: size.and_then(|s| u64::try_from(s).ok()),
                    modified: row.try_get("modified")?,
                    checksum: row.try_get("checksum")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(Some(versions))
    }

    /// Replaces the cached versions of a document (newest first) in one transaction.
    pub async fn store_versions(
        &self,
        remote: &str,
        doc_id: &str,
        versions: &[Version],
    ) -> Result<(), CatalogError> {
        let now = unix_ms();
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM versions WHERE remote = ? AND doc_id = ?")
            .bind(remote)
            .bind(doc_id)
            .execute(&mut *tx)
            .await?;
        for (position, version) in versions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO versions (remote, doc_id, id, label, size, modified, checksum, position, fetched_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(remote)
            .bind(doc_id)
            .bind(&version.id)
            .bind(&version.label)
            .bind(size_value(version.size))
            .bind(&version.modified)
            .bind(&version.checksum)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|err| match &err {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                    CatalogError::UnknownRemote(remote.to_owned())
                }
                _ => CatalogError::Database(err),
            })?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Fetches a document's versions from the server and caches them; unreachable marks the remote offline.
    pub async fn refresh_versions(
        &self,
        remote: &str,
        doc: &DocRef,
        provider: &dyn Provider,
    ) -> Result<Vec<Version>, CatalogError> {
        match provider.versions(doc).await {
            Ok(versions) => {
                self.store_versions(remote, doc.id(), &versions).await?;
                Ok(versions)
            }
            Err(source) => {
                if let docket_core::ProviderError::Transient { message } = &source {
                    self.mark_offline(remote, message).await?;
                }
                Err(CatalogError::Provider {
                    remote: remote.to_owned(),
                    source,
                })
            }
        }
    }
}
