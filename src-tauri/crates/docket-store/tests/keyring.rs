//! Secrets live in the real OS keyring (run inside a Secret Service session: `/tmp/kr.sh cargo test`, or
//! `cargo xtask test`), and never in the SQLite database.

mod common;

use docket_core::{Location, Secret};
use docket_store::SecretStore;

#[tokio::test]
async fn secrets_go_to_the_keyring_and_never_into_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let remote = format!("vault-{}", std::process::id());
    let catalog = common::catalog_with_remote(dir.path(), &remote).await;
    let secrets = SecretStore::of_database(catalog.pool()).await.unwrap();
    let token = format!(
        "tok-{}-e3b0c44298fc1c149afbf4c8996fb924",
        std::process::id()
    );
    let password = format!("pw-{}-Correct-Horse-Battery", std::process::id());
    secrets
        .store(&remote, "token", &Secret::new(token.clone()))
        .unwrap();
    secrets
        .store(&remote, "password", &Secret::new(password.clone()))
        .unwrap();

    // The catalog is written as it is in use.
    catalog
        .ingest(
            &remote,
            &Location::root(),
            vec![common::document("1", "a.pdf", 1)],
        )
        .await
        .unwrap();
    catalog
        .mark_offline(&remote, "connection refused")
        .await
        .unwrap();
    assert_eq!(secrets.load(&remote, "token").unwrap().expose(), token);
    // Read while the pool is open, so that the write-ahead log still holds the latest writes.
    let mut read = 0;

    for file in std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
    {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        read += 1;
        for secret in [&token, &password] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret is in {}",
                file.display()
            );
        }
    }
    assert!(read >= 2, "the database and its write-ahead log were read");
    secrets.delete(&remote, "token").unwrap();
    secrets.delete(&remote, "password").unwrap();
}

#[test]
fn two_data_dirs_with_a_remote_of_the_same_name_keep_their_own_secrets() {
    let remote = format!("kf-{}", std::process::id());
    let first = SecretStore::for_data_dir(format!("first-{}", std::process::id()));
    let second = SecretStore::for_data_dir(format!("second-{}", std::process::id()));
    first
        .store(&remote, "token", &Secret::new("first-token"))
        .unwrap();
    second
        .store(&remote, "token", &Secret::new("second-token"))
        .unwrap();
    assert_eq!(
        first.load(&remote, "token").unwrap().expose(),
        "first-token"
    );
    assert_eq!(
        second.load(&remote, "token").unwrap().expose(),
        "second-token"
    );
    second.delete(&remote, "token").unwrap();
    assert_eq!(
        first.load(&remote, "token").unwrap().expose(),
        "first-token",
        "removing the remote in one data dir left the other's secret"
    );
    first.delete(&remote, "token").unwrap();
}

#[test]
fn a_secret_an_older_docket_filed_by_remote_name_moves_to_the_first_data_dir_that_reads_it() {
    let remote = format!("legacy-{}", std::process::id());
    let unscoped = keyring::Entry::new("docket", &format!("{remote}/token")).unwrap();
    unscoped.set_password("filed-by-0.1").unwrap();
    let data_dir = SecretStore::for_data_dir(format!("adopter-{}", std::process::id()));
    assert_eq!(
        data_dir.load(&remote, "token").unwrap().expose(),
        "filed-by-0.1"
    );
    assert!(
        matches!(unscoped.get_password(), Err(keyring::Error::NoEntry)),
        "the old entry is gone once moved"
    );
    let other = SecretStore::for_data_dir(format!("other-{}", std::process::id()));
    assert!(
        other.load(&remote, "token").is_err(),
        "another data dir does not share the moved secret"
    );
    assert_eq!(
        data_dir.load(&remote, "token").unwrap().expose(),
        "filed-by-0.1",
        "it reads back from the data dir's own entry"
    );
    data_dir.delete(&remote, "token").unwrap();
}
