//! The queue tells the truth after kills and reruns: a `docket get` killed at any instant of a transfer's start
//! leaves no orphan partial and no `name (1)` copy once it is run again; running the same `get` again resumes
//! the transfer instead of starting a second one; a transfer whose process was killed shows as interrupted at
//! once; partial files no transfer owns are reported and removed only when asked. Needs the OS keyring: run
//! through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use docket_core::Kind;
use docket_demo::library::sample;
use docket_demo::DemoServer;
use docket_transfer::pause_point::POINTS;
use serde_json::Value;

use support::{add_remote, demo_on, docket, document_ids, library_bytes, succeeded};

const LARGE: u64 = 6 * 1024 * 1024;
/// How long a step that should take a second or two may take on a busy machine before the test gives up.
const PATIENCE: Duration = Duration::from_secs(90);

fn queue_json(data_dir: &Path) -> Vec<Value> {
    let stdout = succeeded(docket(data_dir).args(["queue", "--json"]).output().unwrap());
    serde_json::from_str::<Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn get(data_dir: &Path, remote: &str, document: &str, dest: &Path) -> Command {
    let mut command = docket(data_dir);
    command.args(["get", remote, document, "--to"]).arg(dest);
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Waits for `condition`, failing the test with `what` after [`PATIENCE`] or when `child` exits first.
fn wait_for(child: &mut Child, what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("docket exited ({status}) before {what}");
        }
        assert!(started.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
}

/// One document of one kind, and what the demo serves for it.
struct Case {
    kind: Kind,
    path: &'static str,
    /// Whether it is small enough to be written whole in one step.
    small: bool,
}

const CASES: [Case; 3] = [
    // Ranged: segments over presigned storage.
    Case {
        kind: docket_providers::index_health::KIND,
        path: sample::LARGE_FILE,
        small: false,
    },
    // Small: written whole in one step.
    Case {
        kind: docket_providers::index_health::KIND,
        path: sample::README_TXT,
        small: true,
    },
    // Chunked: a staged handler read by offset.
    Case {
        kind: docket_providers::inforouter::KIND,
        path: sample::LARGE_FILE,
        small: false,
    },
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_killed_at_any_instant_of_its_start_leaves_no_orphan_and_no_copy_when_run_again() {
    let server = demo_on(0, LARGE).await;
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let mut remotes = std::collections::HashMap::new();
    for case in &CASES {
        remotes
            .entry(case.kind)
            .or_insert_with(|| add_remote(&server, data.path(), case.kind, &[]));
    }
    let mut checked = 0;
    for (number, case) in CASES.iter().enumerate() {
        let remote = &remotes[&case.kind];
        let ids = document_ids(&server, case.kind, &[case.path]).await;
        let document = ids.values().next().unwrap();
        let expected = library_bytes(&server, case.path);
        for point in POINTS
            .iter()
            .filter(|point| case.small || **point != "small-file-written")
        {
            let folder = dest.path().join(format!("{number}-{point}"));
            let mark = dest.path().join(format!("{number}-{point}.reached"));
            let mut child = get(data.path(), remote, document, &folder)
                .env("DOCKET_TEST_PAUSE_AT", point)
                .env("DOCKET_TEST_PAUSE_MARK", &mark)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            wait_for(
                &mut child,
                &format!("{} {}: pause point {point}", case.kind, case.path),
                || mark.exists(),
            );
            kill(child);

            let again = get(data.path(), remote, document, &folder)
                .output()
                .unwrap();
            let said = stderr(&again);
            assert!(again.status.success(), "{point}: {said}");
            assert!(
                said.contains("resuming interrupted transfer"),
                "{} {}, killed at {point}: the rerun did not say it resumed: {said}",
                case.kind,
                case.path
            );
            let names = names_in(&folder);
            let transfers = queue_json(data.path());
            let saved: Vec<&Value> = transfers
                .iter()
                .filter(|t| t["dest_dir"] == folder.to_string_lossy().as_ref())
                .collect();
            assert_eq!(saved.len(), 1, "{point}: one transfer, not two: {saved:?}");
            let name = Path::new(saved[0]["saved_path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert_eq!(
                names,
                vec![name.clone()],
                "{} {}, killed at {point}: exactly the file, no partial and no copy beside it",
                case.kind,
                case.path
            );
            assert!(!name.contains(" (1)"), "{point}: saved as {name}");
            assert!(
                std::fs::read(folder.join(&name)).unwrap() == expected,
                "{point}: {name} is not byte-identical"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * (POINTS.len() - 1) + POINTS.len());
    assert_eq!(
        server.state().gauges.get("inforouter.open_handlers").value,
        0,
        "every staged handler was released"
    );
}

/// A demo server, a data dir with its Index Health remote, a download folder, and one document's id.
struct Setup {
    server: DemoServer,
    data: tempfile::TempDir,
    dest: tempfile::TempDir,
    remote: String,
    document: String,
}

impl Setup {
    async fn index_health(path: &str) -> Setup {
        let server = demo_on(0, LARGE).await;
        let data = tempfile::tempdir().unwrap();
        let dest = tempfile::tempdir().unwrap();
        let remote = add_remote(
            &server,
            data.path(),
            docket_providers::index_health::KIND,
            &[],
        );
        let ids = document_ids(&server, docket_providers::index_health::KIND, &[path]).await;
        let document = ids.into_values().next().unwrap();
        Setup {
            server,
            data,
            dest,
            remote,
            document,
        }
    }
}

/// Starts `docket get` of the throttled large file and kills it once the queue shows bytes on disk.
fn get_killed_mid_download(data_dir: &Path, remote: &str, document: &str, dest: &Path) {
    let mut child = get(data_dir, remote, document, dest)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&mut child, "bytes on disk", || {
        queue_json(data_dir)
            .iter()
            .any(|t| t["bytes_done"].as_u64().unwrap_or(0) > 0)
    });
    kill(child);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_transfer_shows_as_interrupted_and_the_same_get_resumes_it_instead_of_copying() {
    let Setup {
        server,
        data,
        dest,
        remote,
        document,
    } = Setup::index_health(sample::LARGE_FILE).await;
    let document = &document;
    server
        .state()
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(1024 * 1024));

    get_killed_mid_download(data.path(), &remote, document, dest.path());
    let transfers = queue_json(data.path());
    assert_eq!(transfers.len(), 1);
    assert_eq!(
        transfers[0]["state"], "interrupted",
        "the killed process's transfer, right after the kill"
    );
    let listing = succeeded(docket(data.path()).arg("queue").output().unwrap());
    assert!(listing.contains("interrupted"), "{listing}");

    server
        .state()
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);
    let again = get(data.path(), &remote, document, dest.path())
        .output()
        .unwrap();
    let said = stderr(&again);
    assert!(again.status.success(), "{said}");
    let id = transfers[0]["id"].as_i64().unwrap();
    assert!(
        said.contains(&format!("resuming interrupted transfer {id}"))
            && said.contains("already on disk"),
        "{said}"
    );
    let transfers = queue_json(data.path());
    assert_eq!(transfers.len(), 1, "no second transfer: {transfers:?}");
    assert_eq!(transfers[0]["state"], "completed");
    assert_eq!(
        names_in(dest.path()),
        vec!["telemetry-archive.bin".to_owned()]
    );
    assert!(
        std::fs::read(dest.path().join("telemetry-archive.bin")).unwrap()
            == library_bytes(&server, sample::LARGE_FILE)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_transfer_is_resumed_by_the_same_get_and_a_finished_one_is_downloaded_again_beside_it(
) {
    let Setup {
        server: _server, // kept: the demo serves until the test ends
        data,
        dest,
        remote,
        document,
    } = Setup::index_health(sample::REPORT_PDF).await;
    let document = &document;
    let queued = succeeded(
        get(data.path(), &remote, document, dest.path())
            .arg("--no-wait")
            .output()
            .unwrap(),
    );
    assert!(queued.contains("queued as 1"), "{queued}");
    succeeded(
        docket(data.path())
            .args(["queue", "pause", "1"])
            .output()
            .unwrap(),
    );

    let resumed = get(data.path(), &remote, document, dest.path())
        .output()
        .unwrap();
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains("resuming paused transfer 1"),
        "{}",
        stderr(&resumed)
    );
    assert_eq!(queue_json(data.path()).len(), 1);

    // A completed download asked for again is a new download; the first file is never overwritten.
    succeeded(
        get(data.path(), &remote, document, dest.path())
            .output()
            .unwrap(),
    );
    assert_eq!(queue_json(data.path()).len(), 2);
    assert_eq!(
        names_in(dest.path()),
        vec!["Q1-Report (1).pdf".to_owned(), "Q1-Report.pdf".to_owned()]
    );
}

/// Makes `path` look untouched for two hours (what a partial left by a crash long ago looks like).
fn age(path: &Path) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_files_no_transfer_owns_are_reported_never_reused_and_removed_only_when_asked() {
    let Setup {
        server: _server, // kept: the demo serves until the test ends
        data,
        dest,
        remote,
        document,
    } = Setup::index_health(sample::REPORT_PDF).await;
    let document = &document;
    // What an older Docket killed between creating its partial and recording it left behind.
    let stale: PathBuf = dest.path().join("Q1-Report.pdf.docket-part");
    std::fs::write(&stale, b"half a report from a crash").unwrap();
    age(&stale);

    let got = get(data.path(), &remote, document, dest.path())
        .output()
        .unwrap();
    assert!(got.status.success(), "{}", stderr(&got));
    assert!(
        stderr(&got).contains("1 partial file belongs to no transfer"),
        "{}",
        stderr(&got)
    );
    assert_eq!(
        std::fs::read(&stale).unwrap(),
        b"half a report from a crash",
        "never reused"
    );
    let listed = docket(data.path()).arg("queue").output().unwrap();
    assert!(
        stderr(&listed).contains("`docket queue orphans` lists them"),
        "{}",
        stderr(&listed)
    );
    let orphans = succeeded(
        docket(data.path())
            .args(["queue", "orphans", "--json"])
            .output()
            .unwrap(),
    );
    let orphans: Value = serde_json::from_str(&orphans).unwrap();
    assert_eq!(orphans.as_array().unwrap().len(), 1, "{orphans}");
    assert_eq!(orphans[0]["path"], stale.to_string_lossy().as_ref());

    // A fresh one may be another Docket's download in progress: left alone.
    let fresh = dest.path().join("other.bin.docket-part");
    std::fs::write(&fresh, b"being written").unwrap();
    let refused = docket(data.path())
        .args(["queue", "orphans", "--remove"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("another Docket (another data dir) may be writing it"),
        "{}",
        stderr(&refused)
    );
    assert!(!stale.exists(), "the stale one went");
    assert!(fresh.exists(), "the fresh one stayed");
    let saved: Vec<String> = names_in(dest.path());
    assert_eq!(
        saved,
        vec![
            "Q1-Report (1).pdf".to_owned(),
            "other.bin.docket-part".to_owned()
        ],
        "the download took a free name and nothing Docket owns was removed"
    );
}
