//! A synced remote whose server changes while Docket is away, for every kind of server: a document added on the
//! server is added here, a new version replaces the copy here (the earlier one kept under its version when asked),
//! and a document removed on the server is deleted here only with `--delete`. Changes go through the demo
//! server's library, which every API serves. Needs the OS keyring for `remote add`: run through `cargo xtask test`
//! (or /tmp/kr.sh).

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use docket_demo::library::sample;
use docket_demo::Content;
use serde_json::Value;
use support::{add_remote, demo_on, docket};

/// `docket sync REMOTE --to DIR --json ARGS…`: its report.
fn sync(data: &Path, remote: &str, to: &Path, args: &[&str]) -> Value {
    let output = docket(data)
        .args(["sync", remote, "--json", "--to"])
        .arg(to)
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "{remote}: no report ({err}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn paths(report: &Value, field: &str) -> BTreeSet<String> {
    report[field]
        .as_array()
        .unwrap_or_else(|| panic!("no `{field}` in {report}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

fn only(set: BTreeSet<String>, what: &str) -> String {
    assert_eq!(set.len(), 1, "{what}: {set:?}");
    set.into_iter().next().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_added_changed_and_removed_on_the_server_reach_the_local_copy_as_asked() {
    let server = demo_on(0, 256 * 1024).await;
    let library = &server.state().library;
    let readme = library
        .document_by_path(sample::README_TXT)
        .map(|d| d.id)
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    for (round, kind) in docket_providers::registry::kinds().enumerate() {
        let remote = add_remote(&server, data.path(), kind, &[]);
        let to = tempfile::tempdir().unwrap();
        let first = sync(data.path(), &remote, to.path(), &[]);
        let readme_path = paths(&first, "added")
            .into_iter()
            .find(|p| p.ends_with("README.txt"))
            .unwrap();

        // Added on the server.
        let name = format!("Q{}-Report.txt", round + 2);
        let added = library
            .add_document(
                "/Finance/Reports/2024",
                &name,
                Content::stored(format!("{kind} report")),
            )
            .unwrap();
        let report = sync(data.path(), &remote, to.path(), &[]);
        let new_path = only(paths(&report, "added"), &format!("{kind}: added"));
        assert!(new_path.ends_with(&name), "{kind}: {report}");
        assert_eq!(
            std::fs::read(to.path().join(&new_path)).unwrap(),
            format!("{kind} report").as_bytes()
        );

        // A new version: replaces the copy here.
        let before = std::fs::read(to.path().join(&readme_path)).unwrap();
        library
            .add_version(
                readme,
                Content::stored(format!("{kind}: README, second edition")),
            )
            .unwrap();
        let dry = sync(data.path(), &remote, to.path(), &["--dry-run"]);
        assert_eq!(
            paths(&dry, "updated"),
            BTreeSet::from([readme_path.clone()]),
            "{kind}: {dry}"
        );
        assert_eq!(
            std::fs::read(to.path().join(&readme_path)).unwrap(),
            before,
            "a dry run changes nothing"
        );
        let report = sync(data.path(), &remote, to.path(), &[]);
        assert_eq!(
            paths(&report, "updated"),
            BTreeSet::from([readme_path.clone()]),
            "{kind}: {report}"
        );
        assert!(paths(&report, "added").is_empty(), "{kind}: {report}");
        assert_eq!(
            std::fs::read(to.path().join(&readme_path)).unwrap(),
            format!("{kind}: README, second edition").as_bytes()
        );

        // Another version, versions kept: the earlier copy stays beside it, named with its version.
        library
            .add_version(
                readme,
                Content::stored(format!("{kind}: README, third edition")),
            )
            .unwrap();
        let report = sync(data.path(), &remote, to.path(), &["--keep-versions"]);
        assert_eq!(
            paths(&report, "updated"),
            BTreeSet::from([readme_path.clone()]),
            "{kind}: {report}"
        );
        let folder = to.path().join(&readme_path).parent().unwrap().to_owned();
        let kept: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("README (version"))
            .collect();
        assert_eq!(kept.len(), 1, "{kind}: {kept:?}");
        assert_eq!(
            std::fs::read(folder.join(&kept[0])).unwrap(),
            format!("{kind}: README, second edition").as_bytes(),
            "{kind}: the earlier copy is kept as it was"
        );

        // Removed on the server: kept here unless asked.
        library.remove_document(added).unwrap();
        let report = sync(data.path(), &remote, to.path(), &[]);
        assert!(paths(&report, "deleted").is_empty(), "{kind}: {report}");
        assert!(to.path().join(&new_path).is_file());
        let report = sync(data.path(), &remote, to.path(), &["--delete"]);
        assert_eq!(
            paths(&report, "deleted"),
            BTreeSet::from([new_path.clone()]),
            "{kind}: {report}"
        );
        assert!(!to.path().join(&new_path).exists(), "{kind}: deleted");
        assert!(
            paths(&report, "updated").is_empty() && paths(&report, "added").is_empty(),
            "{kind}: {report}"
        );
    }
}
