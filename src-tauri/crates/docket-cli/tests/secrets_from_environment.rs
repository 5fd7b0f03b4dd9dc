//! Secrets given through the environment reach the one remote their variable names: `DOCKET_SECRET_<REMOTE>_<KEY>`.
//! The older `DOCKET_SECRET_<KEY>` names no remote, so it is read only where it cannot be meant for another:
//! by `docket remote add` (which names one remote) and while a single configured remote takes that secret. Needs
//! the OS keyring for `remote add`: run through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::process::{Command, Output};

use docket_core::remote::secret_env_var;
use docket_demo::demo_remotes;
use support::{add_remote, demo_on, docket, succeeded};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `docket` as a headless machine runs it: no keyring service to reach, secrets from the environment.
fn docket_without_keyring(data_dir: &std::path::Path) -> Command {
    let mut command = docket(data_dir);
    command.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/docket-test-no-bus",
    );
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_add_takes_the_remotes_own_variable_before_the_shared_one() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let (remote, credentials) = demo_remotes(&server)
        .into_iter()
        .find(|(r, _)| r.kind == docket_providers::inforouter::KIND)
        .unwrap();
    let password = credentials.get("password").unwrap().expose().to_owned();
    let mut add = docket(data.path());
    add.args([
        "remote",
        "add",
        &remote.name,
        "--kind",
        "inforouter",
        "--url",
    ])
    .arg(&remote.url)
    .args(["--secret", "password"])
    .env(secret_env_var(&remote.name, "password"), &password)
    .env("DOCKET_SECRET_PASSWORD", "a-password-for-some-other-server");
    for (key, value) in &remote.settings {
        add.args(["--set", &format!("{key}={value}")]);
    }
    succeeded(add.output().unwrap());

    let listed = docket(data.path())
        .args(["ls", &remote.name])
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "the remote's own password was stored: {}",
        stderr(&listed)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_shared_token_variable_is_not_sent_to_every_remote_that_takes_a_token() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let room = add_remote(&server, data.path(), docket_providers::ansarada::KIND, &[]);
    let studies = add_remote(
        &server,
        data.path(),
        docket_providers::study_creator::KIND,
        &[],
    );
    let (_, credentials) = demo_remotes(&server)
        .into_iter()
        .find(|(r, _)| r.kind == docket_providers::ansarada::KIND)
        .unwrap();
    let token = credentials.get("token").unwrap().expose().to_owned();
    let own = secret_env_var(&room, "token");

    let shared = docket_without_keyring(data.path())
        .args(["ls", &room])
        .env("DOCKET_SECRET_TOKEN", &token)
        .output()
        .unwrap();
    assert!(
        !shared.status.success(),
        "two remotes take a token, and the shared variable names neither"
    );
    assert!(
        stderr(&shared).contains(&format!("set {own}")),
        "{}",
        stderr(&shared)
    );
    assert!(
        stderr(&shared).contains("DOCKET_SECRET_TOKEN is not used"),
        "{}",
        stderr(&shared)
    );

    let by_name = docket_without_keyring(data.path())
        .args(["ls", &room])
        .env(&own, &token)
        .output()
        .unwrap();
    assert!(by_name.status.success(), "{}", stderr(&by_name));

    succeeded(
        docket(data.path())
            .args(["remote", "rm", &studies])
            .output()
            .unwrap(),
    );
    let only_taker = docket_without_keyring(data.path())
        .args(["ls", &room])
        .env("DOCKET_SECRET_TOKEN", &token)
        .output()
        .unwrap();
    assert!(only_taker.status.success(), "{}", stderr(&only_taker));
    assert!(
        !stderr(&only_taker).contains("could not be refreshed"),
        "the shared token was used: {}",
        stderr(&only_taker)
    );
    assert!(
        stderr(&only_taker).contains(&format!("set {own} instead")),
        "a warning says to use the remote's own variable: {}",
        stderr(&only_taker)
    );
}
