//! The partial file's life: reserved, written, verified, promoted, and never opened through someone else's
//! symlink.

use super::*;
use bytes::Bytes;
use docket_store::queue::NewTransfer;

/// A queue in `data` with one transfer into `dest`.
async fn queue_with_transfer(data: &Path, dest: &Path) -> (QueueStore, i64) {
    let store = QueueStore::new(docket_store::database::open(data).await.unwrap());
    let id = store
        .enqueue(&NewTransfer {
            remote: "r".into(),
            document: "d".into(),
            version: None,
            dest_dir: dest.to_owned(),
            priority: 0,
        })
        .await
        .unwrap();
    (store, id)
}

#[tokio::test]
async fn streams_write_at_their_own_offsets_and_the_digests_read_the_disk() {
    let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
    let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
        .await
        .unwrap();
    let mut tail = partial.writer(5, None).await.unwrap();
    tail.write(Bytes::from_static(b"world")).await.unwrap();
    assert_eq!(tail.checkpoint().await.unwrap(), 5..10);
    let mut head = partial.writer(0, None).await.unwrap();
    head.write(Bytes::from_static(b"hello")).await.unwrap();
    assert_eq!(head.checkpoint().await.unwrap(), 0..5);
    let digests = partial.digests().await.unwrap();
    assert_eq!(digests.size, 10);
    assert_eq!(digests.crc32, crc32fast::hash(b"helloworld"));
    let path = partial.promote(&store, id, None).await.unwrap();
    assert_eq!(path, dest.path().join("a.bin"));
    assert_eq!(std::fs::read(path).unwrap(), b"helloworld");
}

#[tokio::test]
async fn the_partial_is_recorded_before_it_exists_and_found_again_from_the_record() {
    let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
    let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
        .await
        .unwrap();
    let record = store.get(id).await.unwrap();
    assert_eq!(record.file_name.as_deref(), Some("a.bin"));
    assert_eq!(
        record.partial_path().as_deref(),
        Some(partial.path.as_path())
    );
    let found = PartialFile::recorded(&record).expect("the recorded partial is there");
    assert_eq!(found.path, partial.path);
    assert!(found.path.to_string_lossy().ends_with(".docket-part"));
}

#[tokio::test]
async fn two_downloads_of_one_name_never_share_a_partial_and_a_users_file_is_never_replaced() {
    let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, first_id) = queue_with_transfer(data.path(), dest.path()).await;
    let (_, second_id) = queue_with_transfer(data.path(), dest.path()).await;
    std::fs::write(dest.path().join("a.bin"), b"mine").unwrap();
    let first = PartialFile::reserve(&store, first_id, dest.path(), "a.bin")
        .await
        .unwrap();
    let second = PartialFile::reserve(&store, second_id, dest.path(), "a.bin")
        .await
        .unwrap();
    assert_ne!(first.path, second.path);
    assert_eq!(first.name(), "a (1).bin");
    let first_saved = first.promote(&store, first_id, None).await.unwrap();
    let second_saved = second.promote(&store, second_id, None).await.unwrap();
    assert_eq!(first_saved, dest.path().join("a (1).bin"));
    assert_eq!(second_saved, dest.path().join("a (2).bin"));
    assert_eq!(
        store.get(second_id).await.unwrap().file_name.as_deref(),
        Some("a (2).bin"),
        "the name it moved to was recorded"
    );
    assert_eq!(std::fs::read(dest.path().join("a.bin")).unwrap(), b"mine");
}

#[tokio::test]
async fn another_file_put_in_place_of_the_partial_is_left_alone_and_a_fresh_partial_is_started() {
    let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
    let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
        .await
        .unwrap();
    // Someone else's file takes the partial's name (renamed over it: same name, another file).
    let foreign = dest.path().join("theirs.tmp");
    std::fs::write(&foreign, b"not Docket's").unwrap();
    std::fs::rename(&foreign, &partial.path).unwrap();
    let record = store.get(id).await.unwrap();
    assert_eq!(
        PartialFile::check_recorded(&record).err(),
        Some(NotOurs::AnotherFile)
    );
    assert!(
        partial.writer(0, None).await.is_err(),
        "a handle on another file is refused"
    );
    let (fresh, kept) = PartialFile::recorded_or_reserved(&store, &record, "a.bin")
        .await
        .unwrap();
    assert!(!kept);
    assert_ne!(fresh.path, partial.path);
    assert_eq!(
        std::fs::read(&partial.path).unwrap(),
        b"not Docket's",
        "left alone"
    );
    let record = store.get(id).await.unwrap();
    assert!(
        record
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("was replaced by another file")),
        "{:?}",
        record.last_error
    );
    assert_eq!(record.partial_path().as_deref(), Some(fresh.path.as_path()));
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_put_in_place_of_the_partial_is_never_written_through() {
    let (data, dest) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store, id) = queue_with_transfer(data.path(), dest.path()).await;
    let partial = PartialFile::reserve(&store, id, dest.path(), "a.bin")
        .await
        .unwrap();
    let victim = dest.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::remove_file(&partial.path).unwrap();
    std::os::unix::fs::symlink(&victim, &partial.path).unwrap();
    assert!(
        PartialFile::recorded(&store.get(id).await.unwrap()).is_none(),
        "a symlink is not the transfer's partial"
    );
    assert!(partial.writer(0, None).await.is_err());
    assert!(partial.truncate().await.is_err());
    partial.remove().await;
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
}
