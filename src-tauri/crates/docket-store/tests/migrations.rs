//! The schema only moves forward: a database left at any earlier version opens with this version's code, keeps
//! its data and passes SQLite's integrity check; and a process killed in the middle of writing the catalog
//! leaves a sound database with every listing either whole or absent.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use docket_core::Location;
use docket_store::database::{open_file, MIGRATOR};
use docket_store::Catalog;
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;

fn migration_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// A database brought to the version of the first `count` migrations only, as an older Docket left it.
async fn database_at(path: &Path, count: usize) -> SqlitePool {
    let only = tempfile::tempdir().unwrap();
    for file in &migration_files()[..count] {
        std::fs::copy(file, only.path().join(file.file_name().unwrap())).unwrap();
    }
    let pool = SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true),
    )
    .await
    .unwrap();
    Migrator::new(only.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    pool
}

#[tokio::test]
async fn an_unfinished_transfer_from_before_owned_partials_keeps_owning_the_partial_it_wrote_then()
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docket.db");
    let before = migration_files()
        .iter()
        .position(|file| file.to_string_lossy().contains("0007_owned_partials"))
        .expect("the migration that records partial names");
    let old = database_at(&path, before).await;
    for (id, state, file_name) in [
        (1, "downloading", Some("a.pdf")),
        (2, "completed", Some("b.pdf")),
        (3, "queued", None),
    ] {
        sqlx::query(
            "INSERT INTO transfers (id, remote, document, dest_dir, file_name, state, position, created_at, \
             updated_at) VALUES (?, 'r', 'd', '/tmp/x', ?, ?, ?, 1, 1)",
        )
        .bind(id)
        .bind(file_name)
        .bind(state)
        .bind(id)
        .execute(&old)
        .await
        .unwrap();
    }
    old.close().await;
    let pool = open_file(&path).await.unwrap();
    let owned: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, partial_name FROM transfers ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        owned,
        [
            (1, Some("a.pdf.docket-part".to_owned())),
            (2, None),
            (3, None)
        ]
    );
    let id: String = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'data_dir_id'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(id.len(), 32, "the data dir got its id: {id}");
}

async fn table_exists(pool: &SqlitePool, name: &str) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master WHERE name = ?")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
        > 0
}

#[tokio::test]
async fn a_database_from_every_earlier_version_opens_keeps_its_data_and_passes_the_integrity_check()
{
    let total = migration_files().len();
    assert_eq!(
        total,
        MIGRATOR.iter().count(),
        "every migration file is embedded"
    );
    for count in 0..total {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docket.db");
        let old = database_at(&path, count).await;
        let had_meta = table_exists(&old, "meta").await;
        if had_meta {
            sqlx::query("INSERT INTO meta (key, value) VALUES ('written-by', 'old docket')")
                .execute(&old)
                .await
                .unwrap();
        }
        let had_remotes = table_exists(&old, "remotes").await;
        if had_remotes {
            sqlx::query("INSERT INTO remotes (name, kind, url, added_at) VALUES ('kept', 'inforouter', 'http://x', 1)")
                .execute(&old)
                .await
                .unwrap();
        }
        old.close().await;

        let pool = open_file(&path)
            .await
            .unwrap_or_else(|e| panic!("from version {count}: {e}"));
        let applied: i64 =
            sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(applied as usize, total, "from version {count}");
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok", "from version {count}");
        if had_meta {
            let kept: String =
                sqlx::query_scalar("SELECT value FROM meta WHERE key = 'written-by'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            assert_eq!(kept, "old docket");
        }
        if had_remotes {
            let status = Catalog::new(pool.clone())
                .remote_status("kept")
                .await
                .unwrap();
            assert_eq!(status.offline, None);
        }
    }
}

#[tokio::test]
async fn downloads_hashed_with_sha256_before_blake3_keep_a_hash_that_still_checks_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docket.db");
    let saved = dir.path().join("a.txt");
    std::fs::write(&saved, b"abc").unwrap();
    let sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let before_blake3 = migration_files()
        .iter()
        .position(|file| file.to_string_lossy().contains("content_hash"))
        .unwrap();
    let old = database_at(&path, before_blake3).await;
    for statement in [
        "INSERT INTO remotes (name, kind, url, added_at) VALUES ('r', 'inforouter', 'http://x', 1)",
        "INSERT INTO transfers (remote, document, dest_dir, state, priority, position, created_at, updated_at, \
         sha256) VALUES ('r', 'd', '/tmp', 'completed', 0, 1, 1, 1, ?1)",
        "INSERT INTO downloads (remote, doc_id, path, sha256, bytes, completed_at, checked_at) \
         VALUES ('r', 'd', ?2, ?1, 3, 1, 1)",
    ] {
        sqlx::query(statement)
            .bind(sha256)
            .bind(saved.to_string_lossy())
            .execute(&old)
            .await
            .unwrap();
    }
    old.close().await;

    let pool = open_file(&path).await.unwrap();
    let transfer = docket_store::QueueStore::new(pool.clone())
        .list()
        .await
        .unwrap()
        .remove(0);
    let expected = format!("sha256:{sha256}");
    assert_eq!(transfer.content_hash.as_deref(), Some(expected.as_str()));
    let recorded: String = sqlx::query_scalar("SELECT content_hash FROM downloads")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(recorded, expected);
    assert!(docket_core::content_hash::file_matches(&saved, &recorded).unwrap());
}

const CRASH_DIR: &str = "DOCKET_TEST_CRASH_DIR";
const LISTING_SIZE: usize = 2_000;

/// The child half of the crash test: writes listing after listing until it is killed.
#[tokio::test]
#[ignore = "run by the crash test in a child process"]
async fn crash_child_writes_listings_until_killed() {
    let Some(dir) = std::env::var_os(CRASH_DIR) else {
        return;
    };
    let catalog = common::catalog_with_remote(Path::new(&dir), "files").await;
    for round in 0.. {
        let entries = (0..LISTING_SIZE)
            .map(|i| {
                common::document(
                    &format!("{round}-{i}"),
                    &format!("file {round} {i}.pdf"),
                    i as u64,
                )
            })
            .collect();
        catalog
            .ingest("files", &Location::at(format!("/round-{round}")), entries)
            .await
            .unwrap();
        std::fs::write(written_mark(Path::new(&dir), round), b"").unwrap();
    }
}

/// The file the crash child creates once the listing of `round` is committed.
fn written_mark(dir: &Path, round: usize) -> PathBuf {
    dir.join(format!("listing-{round}-written"))
}

/// Waits until `condition` holds, checking every 10 ms; fails naming what it waited for after `limit`.
async fn wait_until(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "waited {limit:?} for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_while_writing_the_catalog_leaves_whole_listings_and_a_sound_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "crash_child_writes_listings_until_killed",
            "--nocapture",
        ])
        .env(CRASH_DIR, dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Two listings are whole and the child has gone straight on to the next one: killed while it writes that.
    let second = written_mark(dir.path(), 1);
    wait_until(
        Duration::from_secs(60),
        "the child to write two listings",
        || second.exists(),
    )
    .await;
    child.kill().unwrap();
    child.wait().unwrap();

    let pool = open_file(&dir.path().join("docket.db")).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let sizes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.location, (SELECT count(*) FROM listing_entries le WHERE le.listing = l.key) FROM listings l",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        !sizes.is_empty(),
        "the child completed listings before it was killed"
    );
    for (location, size) in &sizes {
        assert_eq!(*size as usize, LISTING_SIZE, "{location} is whole");
    }
    let entries: i64 = sqlx::query_scalar("SELECT count(*) FROM entries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        entries as usize,
        sizes.len() * LISTING_SIZE,
        "no entry outside a whole listing"
    );
    sqlx::query("INSERT INTO entries_fts (entries_fts) VALUES ('integrity-check')")
        .execute(&pool)
        .await
        .expect("the name index matches the entries");
}
