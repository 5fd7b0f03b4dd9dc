//! Whole folders and whole remotes taken home with `docket sync` and `docket get --recursive`, for every kind of
//! server: the tree rebuilt, a dry run that changes nothing, an unchanged sync that downloads nothing, local edits
//! kept as conflicts, copies deleted only when asked, and a sync killed mid-batch that goes on without fetching
//! again what it saved. Needs the OS keyring for `remote add`: run through `cargo xtask test` (or /tmp/kr.sh).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use docket_core::{EntryKind, Kind, Location};
use docket_demo::library::sample;
use docket_demo::{demo_remotes, DemoServer};
use serde_json::Value;
use support::{add_remote, demo_on, docket, library_bytes};

fn kinds() -> Vec<Kind> {
    docket_providers::registry::kinds().collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `docket sync REMOTE [FOLDER] --to DIR --json ARGS…`: its report (printed also when a document failed).
fn sync(data: &Path, remote: &str, folder: Option<&str>, to: &Path, args: &[&str]) -> Value {
    let mut command = docket(data);
    command.args(["sync", remote]);
    command.args(folder);
    command.arg("--to").arg(to).arg("--json").args(args);
    let output = command.output().unwrap();
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("{remote}: no report ({err}): {}", stderr(&output)))
}

fn paths(report: &Value, field: &str) -> BTreeSet<String> {
    report[field]
        .as_array()
        .unwrap_or_else(|| panic!("no `{field}` in {report}"))
        .iter()
        .map(|v| match v {
            Value::String(path) => path.clone(),
            other => other["path"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Every regular file below `dir`, relative and `/`-separated.
fn files_below(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, found: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, found);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                found.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(dir, dir, &mut found);
    found
}

fn queue_length(data: &Path) -> usize {
    let output = docket(data).args(["queue", "--json"]).output().unwrap();
    let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
    listed.as_array().map_or(0, Vec::len)
}

/// The path below the synced root where the sample README landed.
fn readme(report: &Value) -> String {
    paths(report, "added")
        .into_iter()
        .find(|p| p.ends_with("README.txt"))
        .unwrap_or_else(|| panic!("README.txt was not added: {report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_remote_of_every_kind_comes_home_as_a_tree_and_an_unchanged_sync_downloads_nothing()
{
    let server = demo_on(0, 256 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let remote = add_remote(&server, data.path(), kind, &[]);
        let to = tempfile::tempdir().unwrap();

        let planned = sync(data.path(), &remote, None, to.path(), &["--dry-run"]);
        assert_eq!(planned["dry_run"], true);
        assert!(
            files_below(to.path()).is_empty(),
            "{kind}: a dry run writes nothing"
        );
        let would_add = paths(&planned, "added");
        assert!(would_add.len() >= 10, "{kind}: {planned}");

        let synced = sync(data.path(), &remote, None, to.path(), &[]);
        let added = paths(&synced, "added");
        let failed = paths(&synced, "failed");
        assert_eq!(
            added.union(&failed).cloned().collect::<BTreeSet<_>>(),
            would_add,
            "{kind}: the sync does what the dry run said"
        );
        assert!(
            failed.len() <= 1,
            "{kind}: only the demo's one undownloadable document fails: {synced}"
        );
        assert_eq!(
            files_below(to.path()),
            added,
            "{kind}: every added file is there, nothing else"
        );
        let readme = readme(&synced);
        assert!(
            std::fs::read(to.path().join(&readme)).unwrap()
                == library_bytes(&server, sample::README_TXT),
            "{kind}: {readme} holds the server's bytes"
        );

        let transfers = queue_length(data.path());
        let again = sync(data.path(), &remote, None, to.path(), &[]);
        assert!(paths(&again, "added").is_subset(&failed), "{kind}: {again}");
        assert!(paths(&again, "updated").is_empty(), "{kind}: {again}");
        assert_eq!(again["unchanged"], added.len(), "{kind}: {again}");
        assert_eq!(
            queue_length(data.path()),
            transfers,
            "{kind}: an unchanged sync queues no download"
        );
    }
}

/// The id of the top folder of `kind`'s demo remote whose local name is `name`.
async fn top_folder(server: &DemoServer, kind: Kind, name: &str) -> String {
    let (config, credentials) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.kind == kind)
        .unwrap();
    let provider =
        docket_providers::connect(config, credentials, docket_core::http::client().unwrap())
            .unwrap();
    let entries = provider.list_all(&Location::root()).await.unwrap();
    entries
        .into_iter()
        .find(|e| e.kind == EntryKind::Folder && e.name == name)
        .unwrap_or_else(|| panic!("{kind}: no top folder `{name}`"))
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_recursive_takes_one_folder_of_every_kind_home_with_its_tree() {
    let server = demo_on(0, 256 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let remote = add_remote(&server, data.path(), kind, &[]);
        let whole = tempfile::tempdir().unwrap();
        let planned = sync(data.path(), &remote, None, whole.path(), &["--dry-run"]);
        let readme = readme(&planned);
        let (top, below) = readme.split_once('/').unwrap();
        let folder = top_folder(&server, kind, top).await;

        let to = tempfile::tempdir().unwrap();
        let output = docket(data.path())
            .args(["get", &remote, &folder, "--recursive", "--to"])
            .arg(to.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{kind}: {}", stderr(&output));
        let files = files_below(to.path());
        assert!(files.contains(below), "{kind}: {below} in {files:?}");
        let expected: BTreeSet<String> = paths(&planned, "added")
            .into_iter()
            .filter_map(|p| p.strip_prefix(&format!("{top}/")).map(str::to_owned))
            .collect();
        assert_eq!(files, expected, "{kind}: the folder's tree, and only it");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_here_is_kept_as_a_conflict_and_a_file_deleted_here_comes_back() {
    let server = demo_on(0, 256 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let remote = add_remote(&server, data.path(), kind, &[]);
        let to = tempfile::tempdir().unwrap();
        let first = sync(data.path(), &remote, None, to.path(), &[]);
        let readme = readme(&first);
        let other = paths(&first, "added")
            .into_iter()
            .find(|p| *p != readme)
            .unwrap();
        std::fs::write(to.path().join(&readme), b"my own notes").unwrap();
        std::fs::remove_file(to.path().join(&other)).unwrap();

        let second = sync(data.path(), &remote, None, to.path(), &[]);
        assert!(
            paths(&second, "conflicts").contains(&readme),
            "{kind}: {second}"
        );
        assert_eq!(
            std::fs::read(to.path().join(&readme)).unwrap(),
            b"my own notes",
            "{kind}: the edit is kept"
        );
        assert!(paths(&second, "added").contains(&other), "{kind}: {second}");
        assert!(to.path().join(&other).is_file(), "{kind}: {other} is back");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_of_documents_not_on_the_server_are_deleted_only_when_asked_and_only_if_unchanged() {
    let server = demo_on(0, 256 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let remote = add_remote(&server, data.path(), kind, &[]);
        let whole = tempfile::tempdir().unwrap();
        let planned = sync(data.path(), &remote, None, whole.path(), &["--dry-run"]);
        // The two top folders holding the most documents (one of the demo's holds only an undownloadable one).
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for path in paths(&planned, "added") {
            if let Some((top, _)) = path.split_once('/') {
                *counts.entry(top.to_owned()).or_default() += 1;
            }
        }
        let mut tops: Vec<(String, usize)> = counts.into_iter().collect();
        tops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let [(first, _), (second, _), ..] = tops.as_slice() else {
            panic!("{kind}: two top folders with documents: {planned}");
        };
        let (first, second) = (first.clone(), second.clone());
        let first_id = top_folder(&server, kind, &first).await;
        let second_id = top_folder(&server, kind, &second).await;

        // The folder's copies of `first`, then `second` synced into the same folder: `first`'s copies are not on
        // the server there.
        let to = tempfile::tempdir().unwrap();
        let from_first = paths(
            &sync(data.path(), &remote, Some(&first_id), to.path(), &[]),
            "added",
        );
        let mut changed = from_first.iter();
        let edited = changed.next().unwrap().clone();
        std::fs::write(to.path().join(&edited), b"edited here").unwrap();

        let kept = sync(data.path(), &remote, Some(&second_id), to.path(), &[]);
        assert!(
            paths(&kept, "deleted").is_empty(),
            "{kind}: nothing deleted unasked: {kept}"
        );
        for path in &from_first {
            assert!(to.path().join(path).is_file(), "{kind}: {path} kept");
        }

        let dry = sync(
            data.path(),
            &remote,
            Some(&second_id),
            to.path(),
            &["--delete", "--dry-run"],
        );
        let deleted = sync(
            data.path(),
            &remote,
            Some(&second_id),
            to.path(),
            &["--delete"],
        );
        let expected: BTreeSet<String> = from_first
            .iter()
            .filter(|p| **p != edited)
            .cloned()
            .collect();
        assert_eq!(paths(&dry, "deleted"), expected, "{kind}: {dry}");
        assert_eq!(paths(&deleted, "deleted"), expected, "{kind}: {deleted}");
        assert!(
            paths(&deleted, "conflicts").contains(&edited),
            "{kind}: {deleted}"
        );
        for path in &expected {
            assert!(!to.path().join(path).exists(), "{kind}: {path} deleted");
        }
        assert_eq!(
            std::fs::read(to.path().join(&edited)).unwrap(),
            b"edited here"
        );
    }
}

/// Waits until `count` files are saved below `dir` (partial files do not count).
fn wait_for_saved(dir: &Path, count: usize, child: &mut std::process::Child) -> BTreeSet<String> {
    let started = Instant::now();
    loop {
        let saved: BTreeSet<String> = files_below(dir)
            .into_iter()
            .filter(|p| !p.ends_with(".docket-part"))
            .collect();
        if saved.len() >= count {
            return saved;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the sync ended ({status}) with only {} files saved",
                saved.len()
            );
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{saved:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn modified(path: &PathBuf) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_mid_batch_goes_on_and_fetches_nothing_it_had_saved() {
    let server = demo_on(0, 4 * 1024 * 1024).await;
    let data = tempfile::tempdir().unwrap();
    for kind in kinds() {
        let remote = add_remote(&server, data.path(), kind, &[]);
        let to = tempfile::tempdir().unwrap();
        // Slow enough that the large file is still coming when the small ones are saved.
        server.state().faults.set_throttle(kind, Some(512 * 1024));
        let mut child = docket(data.path())
            .args(["sync", &remote, "--json", "--to"])
            .arg(to.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let saved = wait_for_saved(to.path(), 3, &mut child);
        child.kill().unwrap();
        child.wait().unwrap();
        server.state().faults.set_throttle(kind, None);
        let saved: Vec<(String, std::time::SystemTime)> = saved
            .into_iter()
            .map(|p| {
                let when = modified(&to.path().join(&p));
                (p, when)
            })
            .collect();

        let output = docket(data.path())
            .args(["sync", &remote, "--json", "--to"])
            .arg(to.path())
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(
            stderr(&output).contains("going on with the interrupted download of this folder"),
            "{kind}: {}",
            stderr(&output)
        );
        for (path, when) in &saved {
            // Fetched again, it would have been written anew (a new partial renamed over the name); one whose
            // download was killed before the catalog heard of it is adopted as it is.
            assert_eq!(
                modified(&to.path().join(path)),
                *when,
                "{kind}: {path} was fetched again: {report}"
            );
        }
        assert!(
            files_below(to.path())
                .iter()
                .all(|p| !p.ends_with(".docket-part")),
            "{kind}: no partial file left"
        );
        assert!(paths(&report, "failed").len() <= 1, "{kind}: {report}");
    }
}
