//! Many small documents through `docket queue run`: every one completes with its own bytes, and the queue and the
//! catalog record each of them. Needs the OS keyring: run through `cargo xtask test` (or /tmp/kr.sh).

use docket_demo::{DemoConfig, DemoServer, GeneratedDocuments};
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::{Catalog, QueueStore};

mod support;

use support::{add_remote, docket, succeeded};

const DOCUMENTS: usize = 40;

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
    let remote = add_remote(
        &server,
        data.path(),
        docket_providers::index_health::KIND,
        &[],
    );

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
        expected.push((id, document.latest().content.content_hash()));
    }
    succeeded(docket(data.path()).args(["queue", "run"]).output().unwrap());

    let transfers = store.list().await.unwrap();
    assert_eq!(transfers.len(), DOCUMENTS);
    let copies = Catalog::new(pool).local_copies(&remote).await.unwrap();
    for (id, hash) in &expected {
        let transfer = transfers.iter().find(|t| &t.document == id).unwrap();
        assert_eq!(transfer.state, TransferState::Completed, "{transfer:?}");
        assert_eq!(
            transfer.content_hash.as_ref(),
            Some(hash),
            "{id} in the queue"
        );
        let path = transfer.saved_path.as_ref().unwrap();
        let on_disk = std::fs::read(path).unwrap();
        assert_eq!(on_disk.len(), 10 * 1024, "{}", path.display());
        let copy = copies
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not in the catalog"));
        assert_eq!(&copy.content_hash, hash, "{id} in the catalog");
    }
    let files = std::fs::read_dir(dest.path()).unwrap().count();
    assert_eq!(files, DOCUMENTS, "one file each, no partial left behind");
}
