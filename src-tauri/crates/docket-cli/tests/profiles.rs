//! Two data dirs (profiles) with a remote of the same name keep their own secrets: adding it in one does not
//! replace the other's secret, removing it in one does not delete the other's. Needs the OS keyring: run
//! through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::path::Path;

use docket_demo::demo_remotes;

use support::{demo_on, docket, succeeded};

/// Adds the demo Index Health remote as `kf` in `data_dir`, with `client_secret` as its secret.
fn add_kf(server: &docket_demo::DemoServer, data_dir: &Path, client_secret: &str) {
    let (remote, _) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.kind == docket_providers::index_health::KIND)
        .unwrap();
    let mut command = docket(data_dir);
    command.args([
        "remote",
        "add",
        "kf",
        "--kind",
        "index-health",
        "--url",
        &remote.url,
    ]);
    for (key, value) in &remote.settings {
        command.args(["--set", &format!("{key}={value}")]);
    }
    command
        .args(["--secret", "client_secret"])
        .env("DOCKET_SECRET_CLIENT_SECRET", client_secret);
    succeeded(command.output().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_data_dirs_with_a_remote_of_the_same_name_keep_separate_secrets() {
    let server = demo_on(0, 1024 * 1024).await;
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, credentials) = demo_remotes(&server)
        .into_iter()
        .find(|(r, _)| r.kind == docket_providers::index_health::KIND)
        .unwrap();
    let right = credentials
        .get("client_secret")
        .unwrap()
        .expose()
        .to_owned();

    add_kf(&server, first.path(), &right);
    add_kf(&server, second.path(), "a-wrong-secret");
    let ls = |dir: &Path| {
        docket(dir)
            .args(["ls", "kf", "--refresh"])
            .output()
            .unwrap()
    };
    assert!(
        ls(first.path()).status.success(),
        "adding `kf` in the second data dir replaced the first one's secret: {}",
        String::from_utf8_lossy(&ls(first.path()).stderr)
    );
    assert!(
        !ls(second.path()).status.success(),
        "the second data dir uses its own (wrong) secret"
    );

    succeeded(
        docket(second.path())
            .args(["remote", "rm", "kf"])
            .output()
            .unwrap(),
    );
    let still = ls(first.path());
    assert!(
        still.status.success(),
        "removing `kf` in the second data dir deleted the first one's secret: {}",
        String::from_utf8_lossy(&still.stderr)
    );
}
