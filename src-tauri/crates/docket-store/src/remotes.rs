//! The configured remotes, in the `remotes` table of `docket.db`. Holds no secret: those are in the keyring.
//! A `remotes.json` left by an earlier Docket is imported once, then renamed to `remotes.json.imported`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use docket_core::{Kind, RemoteConfig};
use serde::Deserialize;
use sqlx::{Row, SqlitePool};

use crate::catalog::time::unix_ms;

const LEGACY_FILE_NAME: &str = "remotes.json";
const IMPORTED_MARK: &str = "remotes_json_imported";

#[derive(Debug, thiserror::Error)]
pub enum RemoteBookError {
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a valid remotes file ({source}); fix or remove it", path.display())]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the remotes in docket.db could not be read or saved: {0}")]
    Database(#[from] sqlx::Error),
    #[error("remote `{name}` in docket.db is damaged ({problem}); remove it with `docket remote rm {name}` and add it again")]
    Damaged { name: String, problem: String },
    #[error("no remote named `{0}`: `docket remote ls` lists them")]
    Unknown(String),
    #[error("a remote named `{0}` exists already: remove it first with `docket remote rm {0}`")]
    Exists(String),
    #[error("`{0}` is not a usable remote name: use letters, digits, `-` and `_` (at most 64)")]
    BadName(String),
}

#[derive(Debug, Default, Deserialize)]
struct LegacyRemotesFile {
    remotes: Vec<RemoteConfig>,
}

/// The remotes of one data dir.
#[derive(Clone)]
pub struct RemoteBook {
    pool: SqlitePool,
}

impl RemoteBook {
    /// The remotes in `pool` (the data dir's `docket.db`); imports `data_dir/remotes.json` the first time.
    pub async fn open(pool: SqlitePool, data_dir: &Path) -> Result<Self, RemoteBookError> {
        let book = RemoteBook { pool };
        book.import_legacy_file(&data_dir.join(LEGACY_FILE_NAME))
            .await?;
        Ok(book)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn list(&self) -> Result<Vec<RemoteConfig>, RemoteBookError> {
        let rows = sqlx::query("SELECT name, kind, url, settings FROM remotes ORDER BY rowid")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(remote_from_row).collect()
    }

    pub async fn get(&self, name: &str) -> Result<RemoteConfig, RemoteBookError> {
        let row = sqlx::query("SELECT name, kind, url, settings FROM remotes WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => remote_from_row(&row),
            None => Err(RemoteBookError::Unknown(name.to_owned())),
        }
    }

    /// Adds a remote; with `replace`, an existing one of the same name is replaced. Replacing keeps the cached
    /// catalog unless the kind or the server address changed, since ids would then mean other documents.
    pub async fn add(&self, remote: RemoteConfig, replace: bool) -> Result<(), RemoteBookError> {
        check_name(&remote.name)?;
        let settings = serde_json::to_string(&remote.settings)
            .map_err(|e| RemoteBookError::Database(sqlx::Error::Encode(Box::new(e))))?;
        let mut tx = self.pool.begin().await?;
        let existing: Option<(String, String)> =
            sqlx::query_as("SELECT kind, url FROM remotes WHERE name = ?")
                .bind(&remote.name)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((kind, url)) = existing {
            if !replace {
                return Err(RemoteBookError::Exists(remote.name));
            }
            if kind != remote.kind.id() || url != remote.url {
                forget_catalog(&mut tx, &remote.name).await?;
            }
            sqlx::query(
                "UPDATE remotes SET kind = ?, url = ?, settings = ?, offline_since = NULL, offline_reason = NULL \
                 WHERE name = ?",
            )
            .bind(remote.kind.id())
            .bind(&remote.url)
            .bind(&settings)
            .bind(&remote.name)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO remotes (name, kind, url, settings, added_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&remote.name)
            .bind(remote.kind.id())
            .bind(&remote.url)
            .bind(&settings)
            .bind(unix_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a remote and, through the foreign keys, its cached catalog and download records.
    pub async fn remove(&self, name: &str) -> Result<RemoteConfig, RemoteBookError> {
        let removed = self.get(name).await?;
        sqlx::query("DELETE FROM remotes WHERE name = ?")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(removed)
    }

    /// Imports `remotes.json` once: a name already in the table wins, the file is renamed afterwards, and a
    /// mark in `meta` keeps a file restored later from being imported again.
    async fn import_legacy_file(&self, path: &Path) -> Result<(), RemoteBookError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => {
                return Err(RemoteBookError::Read {
                    path: path.to_owned(),
                    source,
                })
            }
        };
        let imported: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(IMPORTED_MARK)
            .fetch_optional(&self.pool)
            .await?;
        if imported.is_some() {
            return Ok(());
        }
        let file: LegacyRemotesFile =
            serde_json::from_slice(&bytes).map_err(|source| RemoteBookError::Corrupt {
                path: path.to_owned(),
                source,
            })?;
        let mut tx = self.pool.begin().await?;
        for remote in &file.remotes {
            check_name(&remote.name)?;
            let settings = serde_json::to_string(&remote.settings)
                .map_err(|e| RemoteBookError::Database(sqlx::Error::Encode(Box::new(e))))?;
            sqlx::query(
                "INSERT INTO remotes (name, kind, url, settings, added_at) VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(&remote.name)
            .bind(remote.kind.id())
            .bind(&remote.url)
            .bind(&settings)
            .bind(unix_ms())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?)")
            .bind(IMPORTED_MARK)
            .bind(path.display().to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let renamed = path.with_extension("json.imported");
        if let Err(err) = std::fs::rename(path, &renamed) {
            // The mark in `meta` already prevents a second import; the file only stays where it was.
            tracing::warn!("imported {} but could not rename it: {err}", path.display());
        }
        tracing::info!(
            count = file.remotes.len(),
            "imported remotes from {}",
            path.display()
        );
        Ok(())
    }
}

async fn forget_catalog(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    name: &str,
) -> Result<(), sqlx::Error> {
    for table in ["listings", "entries", "versions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE remote = ?"))
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn remote_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<RemoteConfig, RemoteBookError> {
    let name: String = row.try_get("name")?;
    let kind: String = row.try_get("kind")?;
    let damaged = |problem: String| RemoteBookError::Damaged {
        name: name.clone(),
        problem,
    };
    // Whether a module still speaks this kind is the provider registry's call, when the remote is used.
    let kind =
        Kind::checked(&kind).ok_or_else(|| damaged(format!("`{kind}` is not a server kind id")))?;
    let settings: String = row.try_get("settings")?;
    let settings: BTreeMap<String, String> =
        serde_json::from_str(&settings).map_err(|e| damaged(format!("settings: {e}")))?;
    Ok(RemoteConfig {
        kind,
        url: row.try_get("url")?,
        settings,
        name,
    })
}

fn check_name(name: &str) -> Result<(), RemoteBookError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(RemoteBookError::BadName(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(name: &str) -> RemoteConfig {
        RemoteConfig {
            name: name.into(),
            kind: Kind::new("inforouter"),
            url: "http://127.0.0.1:9".into(),
            settings: [("username".to_owned(), "ada".to_owned())].into(),
        }
    }

    async fn book(dir: &Path) -> RemoteBook {
        let pool = crate::database::open(dir).await.unwrap();
        RemoteBook::open(pool, dir).await.unwrap()
    }

    #[tokio::test]
    async fn remotes_added_are_listed_and_found_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        book(dir.path())
            .await
            .add(remote("files"), false)
            .await
            .unwrap();
        let book = book(dir.path()).await;
        assert_eq!(book.list().await.unwrap(), vec![remote("files")]);
        assert_eq!(book.get("files").await.unwrap().settings["username"], "ada");
    }

    #[tokio::test]
    async fn adding_a_name_twice_is_refused_unless_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let book = book(dir.path()).await;
        book.add(remote("files"), false).await.unwrap();
        assert!(matches!(
            book.add(remote("files"), false).await,
            Err(RemoteBookError::Exists(_))
        ));
        book.add(remote("files"), true).await.unwrap();
        assert_eq!(book.list().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn removing_an_unknown_remote_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = book(dir.path()).await.remove("nope").await.unwrap_err();
        assert!(err.to_string().contains("`nope`"));
    }

    #[tokio::test]
    async fn names_with_path_characters_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = book(dir.path())
            .await
            .add(remote("../x"), false)
            .await
            .unwrap_err();
        assert!(matches!(err, RemoteBookError::BadName(_)));
    }

    #[tokio::test]
    async fn a_remotes_json_is_imported_once_and_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = serde_json::json!({ "remotes": [remote("old"), remote("older")] });
        std::fs::write(dir.path().join(LEGACY_FILE_NAME), legacy.to_string()).unwrap();
        let first = book(dir.path()).await;
        let names: Vec<String> = first
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["old", "older"]);
        assert!(!dir.path().join(LEGACY_FILE_NAME).exists());
        assert!(dir.path().join("remotes.json.imported").exists());

        // Removed after the import and the old file restored: it does not come back.
        first.remove("old").await.unwrap();
        std::fs::rename(
            dir.path().join("remotes.json.imported"),
            dir.path().join(LEGACY_FILE_NAME),
        )
        .unwrap();
        let again = book(dir.path()).await;
        assert_eq!(again.list().await.unwrap(), vec![remote("older")]);
    }

    #[tokio::test]
    async fn a_corrupt_remotes_json_is_reported_with_its_path_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LEGACY_FILE_NAME), b"{not json").unwrap();
        let pool = crate::database::open(dir.path()).await.unwrap();
        let err = RemoteBook::open(pool, dir.path()).await.err().unwrap();
        assert!(err.to_string().contains("remotes.json"), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join(LEGACY_FILE_NAME)).unwrap(),
            b"{not json"
        );
    }
}
