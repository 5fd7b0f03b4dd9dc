//! `docket get --no-wait`, `docket queue`, `docket queue run` and the per-transfer actions, as a user types them.
//! Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

use docket_demo::library::sample;
use serde_json::Value;

mod support;

use support::{add_remote, demo_on, docket, succeeded};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_wait_only_queues_and_queue_run_downloads_everything_queued() {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::inforouter::KIND,
        &[],
    );
    for document in [sample::REPORT_PDF, sample::NOTES_TXT] {
        let printed = succeeded(
            docket(data.path())
                .args(["get", &remote, document, "--no-wait", "--to"])
                .arg(dest.path())
                .output()
                .unwrap(),
        );
        assert!(printed.starts_with("queued as "), "{printed}");
    }
    assert!(
        std::fs::read_dir(dest.path()).unwrap().next().is_none(),
        "nothing downloaded yet"
    );
    let listed: Value = serde_json::from_str(&succeeded(
        docket(data.path())
            .args(["queue", "--json"])
            .output()
            .unwrap(),
    ))
    .unwrap();
    let states: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["queued", "queued"]);

    let first = listed[0]["id"].as_i64().unwrap().to_string();
    succeeded(
        docket(data.path())
            .args(["queue", "pause", &first])
            .output()
            .unwrap(),
    );
    let ran = succeeded(docket(data.path()).args(["queue", "run"]).output().unwrap());
    assert_eq!(ran.lines().count(), 1, "the paused one waits: {ran}");
    succeeded(
        docket(data.path())
            .args(["queue", "resume", &first])
            .output()
            .unwrap(),
    );
    succeeded(docket(data.path()).args(["queue", "run"]).output().unwrap());

    let table = succeeded(docket(data.path()).args(["queue"]).output().unwrap());
    assert_eq!(table.matches("completed").count(), 2, "{table}");
    let report = server
        .state()
        .library
        .document_by_path(sample::REPORT_PDF)
        .unwrap()
        .latest()
        .content
        .read(0..u64::MAX)
        .to_vec();
    assert!(std::fs::read(dest.path().join("Q1-Report.pdf")).unwrap() == report);
    assert!(dest.path().join("Notizen von Zoë.txt").exists());
    assert_eq!(
        server.state().gauges.get("inforouter.open_handlers").value,
        0
    );

    let refused = docket(data.path())
        .args(["queue", "retry", &first])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains(
            "is completed; only failed, cancelled or interrupted transfers can be retried"
        ),
        "{message}"
    );
    let missing = docket(data.path())
        .args(["queue", "cancel", "999"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no transfer 999"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_clear_removes_finished_transfers_and_remove_takes_a_paused_one_out_leaving_downloads_on_disk(
) {
    let server = demo_on(0, 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::inforouter::KIND,
        &[],
    );
    let queue_one = |document: &str| {
        let printed = succeeded(
            docket(data.path())
                .args(["get", &remote, document, "--no-wait", "--to"])
                .arg(dest.path())
                .output()
                .unwrap(),
        );
        printed
            .trim()
            .trim_start_matches("queued as ")
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    queue_one(sample::REPORT_PDF);
    queue_one(sample::NOTES_TXT);
    succeeded(docket(data.path()).args(["queue", "run"]).output().unwrap());
    let waiting = queue_one(sample::LEDGER_CSV);
    succeeded(
        docket(data.path())
            .args(["queue", "pause", &waiting])
            .output()
            .unwrap(),
    );

    let cleared = succeeded(
        docket(data.path())
            .args(["queue", "clear"])
            .output()
            .unwrap(),
    );
    assert_eq!(cleared.trim(), "removed 2 finished transfers");
    let listed: Value = serde_json::from_str(&succeeded(
        docket(data.path())
            .args(["queue", "--json"])
            .output()
            .unwrap(),
    ))
    .unwrap();
    let left: Vec<(String, String)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].to_string(), t["state"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(left, [(waiting.clone(), "paused".to_owned())]);
    assert!(
        dest.path().join("Q1-Report.pdf").exists(),
        "completed files stay"
    );
    assert!(dest.path().join("Notizen von Zoë.txt").exists());

    succeeded(
        docket(data.path())
            .args(["queue", "remove", &waiting])
            .output()
            .unwrap(),
    );
    let table = succeeded(docket(data.path()).args(["queue"]).output().unwrap());
    assert_eq!(table.trim(), "the queue is empty");
    let parts = std::fs::read_dir(dest.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".docket-part"))
        .count();
    assert_eq!(parts, 0);
}
