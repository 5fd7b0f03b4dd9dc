//! A downloaded file says where it came from, as a browser's download does, and never carries the link's
//! credential.

#![cfg(target_os = "linux")]

mod common;

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use common::*;
use docket_core::{DocRef, IgnoreStatus, TransferSource};
use docket_store::queue::TransferState;
use docket_transfer::RunScope;

/// The value of the extended attribute `name` of `path`, if it has one.
fn attribute(path: &Path, name: &str) -> Option<String> {
    let path = CString::new(path.as_os_str().as_bytes()).unwrap();
    let name = CString::new(name).unwrap();
    let mut value = vec![0u8; 4096];
    // SAFETY: both strings are NUL-terminated and the buffer is valid for its length.
    let read = unsafe {
        libc::getxattr(
            path.as_ptr(),
            name.as_ptr(),
            value.as_mut_ptr().cast(),
            value.len(),
        )
    };
    let read = usize::try_from(read).ok()?;
    value.truncate(read);
    Some(String::from_utf8(value).unwrap())
}

/// Whether the file system of `dir` keeps user extended attributes (tmpfs without `user_xattr` does not).
fn keeps_user_attributes(dir: &Path) -> bool {
    let probe = dir.join("xattr-probe");
    std::fs::write(&probe, b"").unwrap();
    let path = CString::new(probe.as_os_str().as_bytes()).unwrap();
    // SAFETY: both strings are NUL-terminated and the value is valid for its length.
    let done = unsafe {
        libc::setxattr(
            path.as_ptr(),
            c"user.docket.probe".as_ptr(),
            b"1".as_ptr().cast(),
            1,
            0,
        )
    };
    std::fs::remove_file(&probe).unwrap();
    done == 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_downloaded_through_a_presigned_link_records_the_server_and_document_but_not_the_link(
) {
    let bench = bench(quick_config()).await;
    if !keeps_user_attributes(bench.dest.path()) {
        eprintln!(
            "SKIPPED: {} refuses user extended attributes, so no origin can be recorded there",
            bench.dest.path().display()
        );
        return;
    }
    let document = bench
        .document_id(docket_providers::index_health::KIND, "Q1-Report.pdf")
        .await;
    // The link this document downloads through carries its signature in the query string.
    let source = bench
        .provider(docket_providers::index_health::KIND)
        .prepare(&DocRef::new(document.clone()), None, &IgnoreStatus)
        .await
        .unwrap();
    let TransferSource::Url(link) = source else {
        panic!("Index Health downloads through a link");
    };
    let (_, signature) = link.url.split_once('?').expect("a presigned link");

    let id = bench
        .enqueue(docket_providers::index_health::KIND, &document)
        .await;
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    let saved = saved_path(&record);

    let origin = attribute(&saved, "user.xdg.origin.url").expect("an origin attribute");
    let base = bench.server.base_url(docket_providers::index_health::KIND);
    assert_eq!(origin, format!("{base}/#document={document}"));
    assert!(!origin.contains('?'), "no query string: {origin}");
    assert!(!origin.contains(signature), "no signature: {origin}");
    assert_eq!(
        attribute(&saved, "user.xdg.referrer.url").as_deref(),
        Some(format!("{base}/").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_download_records_its_document_path_percent_encoded() {
    let bench = bench(quick_config()).await;
    if !keeps_user_attributes(bench.dest.path()) {
        eprintln!(
            "SKIPPED: {} refuses user extended attributes, so no origin can be recorded there",
            bench.dest.path().display()
        );
        return;
    }
    let document = bench
        .document_id(docket_providers::inforouter::KIND, "Q1-Report.pdf")
        .await;
    let id = bench
        .enqueue(docket_providers::inforouter::KIND, &document)
        .await;
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");

    let origin =
        attribute(&saved_path(&record), "user.xdg.origin.url").expect("an origin attribute");
    let encoded = document.replace('/', "%2F");
    assert_eq!(
        origin,
        format!(
            "{}/#document={encoded}",
            bench.server.base_url(docket_providers::inforouter::KIND)
        )
    );
}
