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
    let secrets = SecretStore::new();
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
