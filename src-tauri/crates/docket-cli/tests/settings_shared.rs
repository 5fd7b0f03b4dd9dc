//! The `docket` command runs the queue under the limits the app's Settings saved in the same data dir, says so
//! before it downloads, and a limit given on the command line wins. Needs the OS keyring for `remote add`: run
//! through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::process::Output;

use docket_demo::library::sample;
use support::{add_remote, demo_on, docket, document_ids, library_bytes, succeeded};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_runs_under_the_apps_saved_limits_unless_the_command_line_gives_its_own() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let kind = docket_providers::index_health::KIND;
    let remote = add_remote(&server, data.path(), kind, &[]);
    let ids = document_ids(&server, kind, &[sample::REPORT_PDF, sample::README_TXT]).await;
    std::fs::write(
        data.path().join("settings.json"),
        r#"{"concurrency":1,"bandwidthLimitKib":256}"#,
    )
    .unwrap();

    let limited = docket(data.path())
        .args(["get", &remote, &ids["Q1-Report.pdf"], "--to"])
        .arg(to.path())
        .output()
        .unwrap();
    succeeded(limited.clone());
    let said = stderr(&limited);
    assert!(
        said.contains("downloads run as the app's Settings say: at most 256.0 KiB/s (--limit-rate overrides), 1 large at once (--at-once overrides)"),
        "{said}"
    );
    assert!(
        std::fs::read(to.path().join("Q1-Report.pdf")).unwrap()
            == library_bytes(&server, sample::REPORT_PDF)
    );

    let own_limits = docket(data.path())
        .args([
            "get",
            &remote,
            &ids["README.txt"],
            "--limit-rate",
            "2M",
            "--at-once",
            "2",
            "--to",
        ])
        .arg(to.path())
        .output()
        .unwrap();
    succeeded(own_limits.clone());
    assert!(
        !stderr(&own_limits).contains("app's Settings"),
        "{}",
        stderr(&own_limits)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_saved_settings_nothing_is_said_about_limits() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let kind = docket_providers::index_health::KIND;
    let remote = add_remote(&server, data.path(), kind, &[]);
    let ids = document_ids(&server, kind, &[sample::README_TXT]).await;
    let output = docket(data.path())
        .args(["get", &remote, &ids["README.txt"], "--to"])
        .arg(to.path())
        .output()
        .unwrap();
    succeeded(output.clone());
    assert!(!stderr(&output).contains("Settings"), "{}", stderr(&output));
}
