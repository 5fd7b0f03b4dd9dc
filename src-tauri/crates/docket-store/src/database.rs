//! The one SQLite database in the data dir (`docket.db`): WAL, foreign keys on, forward-only migrations
//! embedded in the binary. The queue and the catalog share it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub const FILE_NAME: &str = "docket.db";

/// Migrations under `src-tauri/crates/docket-store/migrations`, applied in order at open.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("could not create the data dir {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not open the database {}: {source}", path.display())]
    Open { path: PathBuf, source: sqlx::Error },
    #[error("could not update the database {} to this version of Docket: {source}", path.display())]
    Migrate {
        path: PathBuf,
        source: sqlx::migrate::MigrateError,
    },
    #[error("could not read the data dir's id from its database: {0}")]
    Id(sqlx::Error),
}

/// Opens (creating if needed) `docket.db` in `data_dir` and brings its schema up to date.
pub async fn open(data_dir: &Path) -> Result<SqlitePool, DatabaseError> {
    std::fs::create_dir_all(data_dir).map_err(|source| DatabaseError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    let path = data_dir.join(FILE_NAME);
    open_file(&path).await
}

pub async fn open_file(path: &Path) -> Result<SqlitePool, DatabaseError> {
    let fail = |source| DatabaseError::Open {
        path: path.to_owned(),
        source,
    };
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .map_err(fail)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // NORMAL under WAL keeps every committed transaction through an app crash (kill -9 included) and fsyncs
        // the WAL at checkpoints rather than at every commit. A power loss can so roll back the last commits,
        // which only costs redoing them: the queue commits a range after the file's bytes are fsynced, so its
        // committed ranges may lag the file but never run ahead of it. FULL cost one fsync per commit, about ten
        // per small document, which made the queue's bookkeeping, not the network, the price of a document.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    // The window and `docket` opening a new data dir at once would both create the file, switch it to WAL and
    // create its tables: one opener does that at a time.
    let lock = migration_lock(path).await?;
    let pool = crate::busy_wait::retry_soon_when_busy(SqlitePoolOptions::new())
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(fail)?;
    let migrated = MIGRATOR.run(&pool).await;
    drop(lock);
    migrated.map_err(|source| DatabaseError::Migrate {
        path: path.to_owned(),
        source,
    })?;
    Ok(pool)
}

/// Moves every page the WAL holds into the database file and empties the WAL: what the file needs on disk is
/// then what it takes, with nothing pending.
pub async fn checkpoint(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
        .map(|_| ())
}

/// An exclusive lock on `<database>.migrating`, held while the schema is brought up to date.
async fn migration_lock(path: &Path) -> Result<std::fs::File, DatabaseError> {
    let lock_path = path.with_extension("db.migrating");
    let held = lock_path.clone();
    let locked = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&held)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(std::io::Error::other)
    .and_then(|locked| locked);
    locked.map_err(|source| DatabaseError::DataDir {
        path: lock_path,
        source,
    })
}

/// This data dir's id, made once when its database was created (or updated to 0007): the OS keyring files the
/// data dir's secrets under it.
pub async fn data_dir_id(pool: &SqlitePool) -> Result<String, DatabaseError> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = 'data_dir_id'")
        .fetch_one(pool)
        .await
        .map_err(DatabaseError::Id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_openers_of_a_new_data_dir_at_once_both_get_its_database() {
        let dir = tempfile::tempdir().unwrap();
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.path().to_owned();
                tokio::spawn(async move { open(&dir).await.map(|_| ()) })
            })
            .collect();
        for opener in openers {
            opener.await.unwrap().unwrap();
        }
    }

    #[tokio::test]
    async fn a_new_database_is_created_in_wal_mode_with_foreign_keys_and_every_migration() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(dir.path()).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(keys, 1);
        let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(applied as usize, MIGRATOR.iter().count());
    }

    #[tokio::test]
    async fn every_data_dir_has_its_own_id_which_stays_the_same() {
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let first = data_dir_id(&open(one.path()).await.unwrap()).await.unwrap();
        let other = data_dir_id(&open(two.path()).await.unwrap()).await.unwrap();
        assert_eq!(first.len(), 32, "{first}");
        assert_ne!(first, other);
        let again = data_dir_id(&open(one.path()).await.unwrap()).await.unwrap();
        assert_eq!(first, again);
    }

    #[tokio::test]
    async fn opening_twice_applies_nothing_new_and_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let pool = open(dir.path()).await.unwrap();
        sqlx::query("INSERT INTO meta (key, value) VALUES ('probe', 'kept')")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let pool = open(dir.path()).await.unwrap();
        let value: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'probe'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(value, "kept");
    }
}
