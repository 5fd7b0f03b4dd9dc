//! A remote saved by a Docket that knew a server kind this one does not (a retired module, a newer build's kind)
//! still loads: it is listed, the other remotes work, and only using it fails, naming the kind and what to do.
//! Needs the OS keyring for `remote add`: run through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::process::Output;

use support::{add_remote, demo_on, docket, succeeded};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes a remote of kind `kind` straight into the data dir's database, as another build would have.
async fn save_remote_of_kind(data_dir: &std::path::Path, name: &str, kind: &str) {
    let pool = docket_store::database::open(data_dir).await.unwrap();
    sqlx::query(
        "INSERT INTO remotes (name, kind, url, settings, added_at) VALUES (?, ?, ?, '{}', 0)",
    )
    .bind(name)
    .bind(kind)
    .bind("https://files.example.com")
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_of_a_kind_this_build_lacks_is_listed_and_fails_only_when_used() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let working = add_remote(
        &server,
        data.path(),
        docket_providers::inforouter::KIND,
        &[],
    );
    save_remote_of_kind(data.path(), "old-vault", "retired-vault").await;

    let listed = succeeded(
        docket(data.path())
            .args(["remote", "ls", "--json"])
            .output()
            .unwrap(),
    );
    let remotes: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let names: Vec<&str> = remotes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(names.contains(&"old-vault"), "{listed}");
    assert!(names.contains(&working.as_str()), "{listed}");

    succeeded(docket(data.path()).args(["ls", &working]).output().unwrap());

    let used = docket(data.path())
        .args(["ls", "old-vault"])
        .output()
        .unwrap();
    assert!(
        !used.status.success(),
        "listing a remote of an unknown kind fails"
    );
    let message = stderr(&used);
    assert!(
        message.contains("retired-vault"),
        "names the kind: {message}"
    );
    assert!(
        message.contains(docket_providers::inforouter::KIND.id()),
        "names the kinds this build speaks: {message}"
    );
    assert!(!message.contains("panicked"), "{message}");
}
