//! What the CLI tests share: the `docket` binary on a data dir of the test's own, a command that must succeed,
//! and a demo remote registered as a user would (`docket remote add`, secrets through DOCKET_SECRET_<REMOTE>_<KEY>).

#![allow(dead_code)] // Each test binary uses its own part of this module.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::process::{Command, Output};

use docket_core::{EntryKind, Kind, Location};
use docket_demo::{demo_remotes, DemoServer};

/// `docket` on `data_dir`, quiet, without the developer's DOCKET_SECRET_* variables.
pub fn docket(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docket"));
    command
        .env("DOCKET_DATA_DIR", data_dir)
        .env_remove("DOCKET_LOG");
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("DOCKET_SECRET_")) {
        command.env_remove(key);
    }
    command
}

/// A port base with room for every demo listener and a few to spare, all free now, so a demo server stopped by a
/// test can start again on the same ports.
pub fn free_port_base() -> u16 {
    const PORTS: u16 = 8;
    for _ in 0..50 {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > 60_000 {
            continue;
        }
        if (0..PORTS).all(|i| std::net::TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no {PORTS} consecutive free ports");
}

/// A demo server on `port_base` (0: any free ports) whose large sample file has `large_file_size` bytes.
pub async fn demo_on(port_base: u16, large_file_size: u64) -> DemoServer {
    DemoServer::start(docket_demo::DemoConfig {
        port_base,
        large_file_size,
        bulk_study_files: 0,
    })
    .await
    .expect("demo server starts")
}

/// The stdout of a command that finished successfully; fails the test with its stderr otherwise.
pub fn succeeded(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Registers the demo remote of `kind` with `extra` settings (`key=value`); answers its name.
pub fn add_remote(server: &DemoServer, data_dir: &Path, kind: Kind, extra: &[&str]) -> String {
    let (remote, credentials) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.kind == kind)
        .expect("the demo server has a remote of every kind");
    let mut command = docket(data_dir);
    command.args(["remote", "add", &remote.name, "--kind", kind.id(), "--url"]);
    command.arg(&remote.url);
    for (key, value) in &remote.settings {
        command.args(["--set", &format!("{key}={value}")]);
    }
    for setting in extra {
        command.args(["--set", setting]);
    }
    for key in credentials.keys() {
        let value = credentials.get(key).expect("listed").expose().to_owned();
        command.args(["--secret", key]).env(
            docket_core::remote::secret_env_var(&remote.name, key),
            value,
        );
    }
    succeeded(command.output().expect("docket runs"));
    remote.name
}

/// The ids the demo remote of `kind` gives the sample documents at `paths` (library paths; matched by file name),
/// found by walking its folders as a client would.
pub async fn document_ids(
    server: &DemoServer,
    kind: Kind,
    paths: &[&str],
) -> BTreeMap<String, String> {
    let (config, credentials) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.kind == kind)
        .expect("the demo server has a remote of every kind");
    let http = docket_core::http::client().expect("an HTTP client");
    let provider = docket_providers::connect(config, credentials, http).expect("a demo provider");
    let wanted: Vec<&str> = paths
        .iter()
        .map(|path| path.rsplit('/').next().unwrap_or(path))
        .collect();
    let mut found = BTreeMap::new();
    let mut pending = VecDeque::from([Location::root()]);
    while let Some(location) = pending.pop_front() {
        for entry in provider.list_all(&location).await.expect("the demo lists") {
            match entry.kind {
                EntryKind::Document if wanted.contains(&entry.name.as_str()) => {
                    found.entry(entry.name).or_insert(entry.id);
                }
                EntryKind::Folder => pending.push_back(Location::at(entry.id)),
                EntryKind::Document => {}
            }
        }
    }
    assert_eq!(found.len(), wanted.len(), "{kind}: {found:?}");
    found
}

/// The bytes the demo serves for the sample document at library `path` (its latest version).
pub fn library_bytes(server: &DemoServer, path: &str) -> Vec<u8> {
    let state = server.state();
    let document = state
        .library
        .document_by_path(path)
        .expect("a sample document of the demo library");
    let content = &document.latest().content;
    content.read(0..content.len()).to_vec()
}
