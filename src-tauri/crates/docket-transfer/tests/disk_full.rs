//! A download folder that fills up mid-transfer: the transfer fails saying the disk is full, the partial file and
//! its committed bytes are kept, and once space is freed a retry completes the file byte-identical from where it
//! stopped. The same when the disk that fills is the one holding the queue's database. The folder is a small tmpfs, which needs root (or CAP_SYS_ADMIN): where mounting is not permitted
//! the test fails saying why, unless DOCKET_SKIP_DISK_FULL=1 asks to skip it (a developer without root). CI runs
//! as root, so there it always runs: a silent skip would hide that it never ran.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use docket_core::Kind;
use docket_demo::library::sample;
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::QueueError;
use docket_transfer::RunScope;

const FILE_SIZE: u64 = 6 * 1024 * 1024;
/// Leaves 5 MiB: room for the first 4 MiB infoRouter chunk, not for the whole file.
const FILLER: usize = 3 * 1024 * 1024;
/// Set to 1 to skip these tests where a tmpfs cannot be mounted.
const SKIP_VARIABLE: &str = "DOCKET_SKIP_DISK_FULL";

/// An 8 MiB tmpfs, unmounted when dropped.
struct SmallDisk {
    _parent: tempfile::TempDir,
    path: PathBuf,
}

impl SmallDisk {
    fn mount() -> Result<SmallDisk, String> {
        let parent = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = parent.path().join("small-disk");
        std::fs::create_dir(&path).map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"])
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run `mount`: {e}"))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // One line, so the reason reads in the panic message and in the skip note.
            let said: Vec<&str> = stderr
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let said = said.join(" ");
            return Err(format!(
                "`mount -t tmpfs` failed ({}): {said}",
                output.status
            ));
        }
        Ok(SmallDisk {
            _parent: parent,
            path,
        })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

fn skip_requested() -> bool {
    std::env::var(SKIP_VARIABLE).is_ok_and(|value| value.trim() == "1")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ranged_download_onto_a_full_disk_fails_clearly_and_completes_after_space_is_freed() {
    fills_the_disk_then_completes(docket_providers::index_health::KIND).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_chunked_download_onto_a_full_disk_fails_clearly_and_completes_after_space_is_freed() {
    fills_the_disk_then_completes(docket_providers::inforouter::KIND).await;
}

/// The small disk, or `None` when mounting is not permitted and skipping was asked for (else a failure that says
/// how to run the test).
fn small_disk(used_as: &str) -> Option<SmallDisk> {
    match SmallDisk::mount() {
        Ok(disk) => Some(disk),
        Err(why) if skip_requested() => {
            println!(
                "skipped on request ({SKIP_VARIABLE}=1): cannot mount an 8 MiB tmpfs as the {used_as} here ({why})"
            );
            None
        }
        Err(why) => panic!(
            "cannot mount an 8 MiB tmpfs as the {used_as}, which this test needs: {why}\n\
             run it as root (or with CAP_SYS_ADMIN), or set {SKIP_VARIABLE}=1 to skip it explicitly"
        ),
    }
}

async fn fills_the_disk_then_completes(kind: Kind) {
    let Some(disk) = small_disk("download folder") else {
        return;
    };
    let filler = disk.path.join("filler.bin");
    std::fs::write(&filler, vec![7u8; FILLER]).unwrap();

    let bench = bench_with(FILE_SIZE, quick_config()).await;
    let document = bench.document_id(kind, "telemetry-archive.bin").await;
    let id = bench
        .queue
        .enqueue(&NewTransfer {
            remote: bench.remote(kind),
            document,
            version: None,
            dest_dir: disk.path.clone(),
            priority: 0,
        })
        .await
        .unwrap();
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Failed, "{record:?}");
    let message = record.last_error.clone().unwrap();
    assert!(
        message.contains("disk") && message.contains("full"),
        "the message says the disk is full: {message}"
    );
    assert!(record.saved_path.is_none());
    let names = names_in(&disk.path);
    assert!(
        names.iter().any(|n| n.ends_with(".docket-part")),
        "the partial file is kept: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "telemetry-archive.bin"),
        "nothing is presented as complete: {names:?}"
    );
    let committed = record.bytes_done;
    assert!(committed > 0, "committed bytes are kept for the resume");

    let sent_before = bench
        .server
        .state()
        .stats
        .get(kind, Bench::download_prefix(kind))
        .bytes_sent;
    std::fs::remove_file(&filler).unwrap();
    bench.queue.retry(id).await.unwrap();
    bench.queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = bench.record(id).await;
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    let got = read(&saved_path(&record));
    let want = bench.library_bytes(sample::LARGE_FILE);
    let first_diff = got.iter().zip(&want).position(|(a, b)| a != b);
    assert!(
        got == want,
        "{kind}: not byte-identical: lengths {} and {}, first difference at {first_diff:?}",
        got.len(),
        want.len()
    );
    assert_eq!(
        names_in(&disk.path),
        vec!["telemetry-archive.bin".to_owned()]
    );
    let sent_after = bench
        .server
        .state()
        .stats
        .get(kind, Bench::download_prefix(kind))
        .bytes_sent
        - sent_before;
    println!(
        "{kind}: committed before the disk filled {committed}, sent after the retry {sent_after}"
    );
    // infoRouter's chunk answers are base64 in XML: a third larger than the bytes they carry.
    let encoding = if kind == docket_providers::inforouter::KIND {
        4.0 / 3.0
    } else {
        1.0
    };
    let resumed = (FILE_SIZE - committed) as f64 * encoding;
    assert!(
        sent_after as f64 <= resumed * 1.05 + 4.0 * quick_config().min_segment as f64,
        "the retry resumed instead of starting over: {sent_after} bytes sent"
    );
}

/// Fills `dir`'s file system with `filler`, leaving about `leave` bytes free.
fn fill_leaving(dir: &Path, filler: &Path, leave: u64) {
    use std::io::Write;
    let mut file = std::fs::File::create(filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    while file.write_all(&block).is_ok() {
        written += block.len() as u64;
    }
    drop(file);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(filler)
        .unwrap();
    file.set_len(written.saturating_sub(leave)).unwrap();
    assert!(dir.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_under_the_queues_database_keeps_the_downloaded_bytes_and_the_download_completes_later(
) {
    let Some(disk) = small_disk("data dir") else {
        return;
    };
    let bench = bench_with(FILE_SIZE, quick_config()).await;
    let document = bench
        .document_id(
            docket_providers::index_health::KIND,
            "telemetry-archive.bin",
        )
        .await;
    let pool = docket_store::database::open(&disk.path).await.unwrap();
    let queue = docket_transfer::TransferQueue::new(
        docket_store::QueueStore::new(pool),
        bench.remotes.clone(),
        docket_core::http::client().unwrap(),
        quick_config(),
    );
    let id = queue
        .enqueue(&NewTransfer {
            remote: bench.remote(docket_providers::index_health::KIND),
            document,
            version: None,
            dest_dir: bench.dest.path().to_owned(),
            priority: 0,
        })
        .await
        .unwrap();
    // The schema's pages move from the WAL into the database file first, so the room left below is for the claim
    // and the progress only, however large the migrations' last pages were.
    docket_store::database::checkpoint(queue.store().pool())
        .await
        .unwrap();
    // Room for the claim and a few records of progress, not for the whole download's.
    let filler = disk.path.join("filler.bin");
    fill_leaving(&disk.path, &filler, 96 * 1024);
    bench
        .server
        .state()
        .faults
        .set_throttle(docket_providers::index_health::KIND, Some(2 * 1024 * 1024));
    let outcome = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        queue.run(RunScope::Only(vec![id])),
    )
    .await
    .expect("the run ends, saying why, instead of waiting on its own claim");
    let err = outcome.expect_err("the run cannot complete while the database cannot grow");
    assert!(matches!(err, QueueError::StorageFull), "{err:?}");
    assert!(
        err.to_string().contains("free some space") && err.to_string().contains("are kept"),
        "{err}"
    );
    let partials: Vec<String> = names_in(bench.dest.path())
        .into_iter()
        .filter(|n| n.ends_with(".docket-part"))
        .collect();
    assert_eq!(partials.len(), 1, "the partial file is kept: {partials:?}");
    let on_disk = std::fs::metadata(bench.dest.path().join(&partials[0]))
        .unwrap()
        .len();
    assert!(
        on_disk > 0,
        "bytes were downloaded before the database filled"
    );

    std::fs::remove_file(&filler).unwrap();
    bench
        .server
        .state()
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);
    let sent_before = bench
        .server
        .state()
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent;
    queue.run(RunScope::Only(vec![id])).await.unwrap();
    let record = queue.store().get(id).await.unwrap();
    assert_eq!(record.state, TransferState::Completed, "{record:?}");
    assert!(read(&saved_path(&record)) == bench.library_bytes(sample::LARGE_FILE));
    let sent_after = bench
        .server
        .state()
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent
        - sent_before;
    println!("sent after space was freed: {sent_after} of {FILE_SIZE}");
    assert!(
        sent_after < FILE_SIZE,
        "it continued from what was recorded instead of starting over: {sent_after} bytes sent"
    );
}
