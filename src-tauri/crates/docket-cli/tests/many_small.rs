//! Many small documents through `docket queue run`: every one completes with its own bytes, and the queue and the
//! catalog record each of them. Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

use std::path::Path;
use std::process::{Command, Output};

use docket_core::Kind;
use docket_demo::{demo_remotes, DemoConfig, DemoServer, GeneratedDocuments};
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::{Catalog, QueueStore};

const DOCUMENTS: usize = 40;

fn docket(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docket"));
    command
        .env("DOCKET_DATA_DIR", data_dir)
        .env_remove("DOCKET_LOG");
    command
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Registers the demo's Index Health remote as a user would.
fn add_index_health(server: &DemoServer, data_dir: &Path) -> String {
    let (remote, credentials) = demo_remotes(server)
        .into_iter()
        .find(|(r, _)| r.kind == Kind::IndexHealth)
        .unwrap();
    let mut command = docket(data_dir);
    command.args([
        "remote",
        "add",
        &remote.name,
        "--kind",
        "index-health",
        "--url",
        &remote.url,
    ]);
    for (key, value) in &remote.settings {
        command.args(["--set", &format!("{key}={value}")]);
    }
    for key in credentials.keys() {
        command.args(["--secret", key]).env(
            format!("DOCKET_SECRET_{}", key.to_ascii_uppercase()),
            credentials.get(key).unwrap().expose(),
        );
    }
    ok(command.output().unwrap());
    remote.name
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_small_documents_complete_with_their_own_bytes_and_are_all_recorded() {
    let generated = GeneratedDocuments::many_small(DOCUMENTS, 10 * 1024);
    let server = DemoServer::start_with(
        DemoConfig {
            port_base: 0,
            large_file_size: 1024,
            bulk_study_files: 0,
        },
        std::slice::from_ref(&generated),
    )
    .await
    .unwrap();
    let state = server.state();
    let data = tempfile::tempdir().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let remote = add_index_health(&server, data.path());

    let pool = docket_store::database::open(data.path()).await.unwrap();
    let store = QueueStore::new(pool.clone());
    let mut expected = Vec::new();
    for index in 0..DOCUMENTS {
        let document = state
            .library
            .document_by_path(&generated.path(index))
            .unwrap();
        let id = format!("doc-{}", document.id);
        store
            .enqueue(&NewTransfer {
                remote: remote.clone(),
                document: id.clone(),
                version: None,
                dest_dir: dest.path().to_owned(),
                priority: 0,
            })
            .await
            .unwrap();
        expected.push((id, document.latest().content.sha256_hex()));
    }
    ok(docket(data.path()).args(["queue", "run"]).output().unwrap());

    let transfers = store.list().await.unwrap();
    assert_eq!(transfers.len(), DOCUMENTS);
    let copies = Catalog::new(pool).local_copies(&remote).await.unwrap();
    for (id, sha256) in &expected {
        let transfer = transfers.iter().find(|t| &t.document == id).unwrap();
        assert_eq!(transfer.state, TransferState::Completed, "{transfer:?}");
        assert_eq!(transfer.sha256.as_ref(), Some(sha256), "{id} in the queue");
        let path = transfer.saved_path.as_ref().unwrap();
        let on_disk = std::fs::read(path).unwrap();
        assert_eq!(on_disk.len(), 10 * 1024, "{}", path.display());
        let copy = copies
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not in the catalog"));
        assert_eq!(&copy.sha256, sha256, "{id} in the catalog");
    }
    let files = std::fs::read_dir(dest.path()).unwrap().count();
    assert_eq!(files, DOCUMENTS, "one file each, no partial left behind");
}
