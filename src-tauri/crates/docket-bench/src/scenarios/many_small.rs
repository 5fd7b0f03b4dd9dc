//! Item 4 of the issue: Many small documents through the queue (`docket queue run`) against a sequential curl loop over the
//! same URLs.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use docket_demo::GeneratedDocuments;
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::QueueStore;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, RANGED_REMOTE};
use crate::measure::{sh_quote, timed};
use crate::pairs::{alternate, Side};
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};
use crate::spread::Spread;

/// The loop a user would write from the vendor page (`$TOKEN` from `generate-client-auth-token`, once).
const LOOP: &str = r#"set -e; i=0
while read -r id; do
  i=$((i+1))
  url=$(curl -sS --fail -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    -d "{\"document_id\":\"$id\"}" @API@ | sed -n 's/.*"download_url":"\([^"]*\)".*/\1/p')
  curl -sS --fail -o @DIR@/$i "$url"
done < @IDS@"#;

/// The issue's document size.
const DOCUMENT_SIZE: u64 = 10 * 1024;

/// Runs [`LOOP`] over the Index Health documents `ids` into `dir/curl` (each file named by its place in the list),
/// as a user would script it from the vendor page: one access token first, then per document a `POST /download`
/// for its presigned URL and a `curl -o` of that URL, one after the other. Answers its wall time and the folder.
pub(super) fn index_health_loop(
    lab: &Lab,
    dir: &Path,
    ids: &[String],
) -> Result<(f64, PathBuf), BenchError> {
    let curl_dir = dir.join("curl");
    std::fs::create_dir_all(&curl_dir).map_err(|e| BenchError::io(&curl_dir, e))?;
    let id_file = dir.join("ids.txt");
    let lines: String = ids.iter().map(|id| format!("{id}\n")).collect();
    std::fs::write(&id_file, lines).map_err(|e| BenchError::io(&id_file, e))?;
    let token = lab.index_health_token()?;
    let script = LOOP
        .replace(
            "@API@",
            &sh_quote(&format!(
                "{}/download",
                lab.base_url(docket_providers::index_health::KIND)
            )),
        )
        .replace("@DIR@", &sh_quote(&curl_dir.to_string_lossy()))
        .replace("@IDS@", &sh_quote(&id_file.to_string_lossy()));
    let took = timed(
        Command::new("sh")
            .args(["-c", &script])
            .env("TOKEN", &token),
    )?
    .as_secs_f64();
    Ok((took, curl_dir))
}

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let count = bench.plan.small_documents;
    let generated = GeneratedDocuments::many_small(count, DOCUMENT_SIZE);
    let lab = Lab::start_with(
        bench,
        "many-small",
        MIB,
        &[],
        std::slice::from_ref(&generated),
    )?;
    let state = lab.state();
    let mut documents = Vec::with_capacity(count);
    for index in 0..count {
        let doc = state
            .library
            .document_by_path(&generated.path(index))
            .ok_or_else(|| {
                BenchError::unexpected("demo library", "a generated document is missing")
            })?;
        documents.push((
            format!("doc-{}", doc.id),
            doc.latest().content.content_hash(),
        ));
    }
    let dir = bench.scratch("many-small")?;

    let ids: Vec<String> = documents.iter().map(|(id, _)| id.clone()).collect();
    let docket_dir = dir.join("docket");
    // Each Docket run starts from a fresh data dir (an empty queue, as a first run has), its transfers queued
    // there by the prepare step; the run after it checks them by their queue ids.
    let queued: RefCell<Option<(QueueStore, Vec<i64>)>> = RefCell::new(None);
    let data_dir = RefCell::new(lab.data_dir.clone());
    let times = alternate(
        bench.plan.pairs,
        |side| {
            let _ = std::fs::remove_dir_all(&docket_dir);
            let _ = std::fs::remove_dir_all(dir.join("curl"));
            if side == Side::Docket {
                let fresh = lab.fresh_data_dir()?;
                let old = data_dir.replace(fresh.clone());
                if old != lab.data_dir {
                    let _ = std::fs::remove_dir_all(old);
                }
                *queued.borrow_mut() = Some(enqueue_all(bench, &fresh, &ids, &docket_dir)?);
            }
            Ok(())
        },
        || {
            let took = timed(lab.docket_in(&data_dir.borrow()).args(["queue", "run"]))?;
            let (store, transfers) = queued
                .borrow_mut()
                .take()
                .ok_or_else(|| BenchError::unexpected("the queue", "nothing was queued"))?;
            check_completed(bench, &store, &transfers, &documents)?;
            Ok(took)
        },
        || {
            let (took, curl_dir) = index_health_loop(&lab, &dir, &ids)?;
            check_arrived(&curl_dir, count)?;
            Ok(Duration::from_secs_f64(took))
        },
    )?;
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let speedup = times.speedup();
    let (docket_took, curl_took) = (times.docket_time(), times.peer_time());
    let per_second = |took: Spread| {
        format!(
            "{:.0} documents/s, {}",
            count as f64 / took.median,
            took.time_cell()
        )
    };
    report.add(Figure::judged(
        4,
        format!(
            "{count} documents of {} through the queue",
            size_label(DOCUMENT_SIZE)
        ),
        [
            per_second(docket_took),
            format!("sequential curl loop: {}", per_second(curl_took)),
            speedup.ratio_cell(),
            ">= 8x the loop".into(),
        ],
        speedup.median >= 8.0,
        || {
            let defaults = docket_transfer::EngineConfig::default();
            (
                format!(
                    "the queue ran up to {} transfers not known to be small (`EngineConfig::max_transfers`) \
                     and, beside them, small ones (at most `small_transfer_bytes`, {} KiB) up to {} at once \
                     (`max_connections_per_remote`); each Docket transfer asks the API twice (the document's \
                     details for its name, then the presigned URL) where the loop asks once, fsyncs the file \
                     before renaming it into place and records it in the queue and the catalog (a small file \
                     that arrives whole costs six SQLite statements and one fsync). On {} cores shared by the \
                     demo server, Docket and the disk, that work, not the network, is what a small document \
                     costs.",
                    defaults.max_transfers,
                    defaults.small_transfer_bytes / 1024,
                    defaults.max_connections_per_remote,
                    std::thread::available_parallelism().map_or(1, |n| n.get())
                ),
                "take document names from the catalog's listing instead of a details call per document, and \
                 record completed small files in the queue and the catalog in one transaction per batch"
                    .into(),
            )
        },
    ));
    report.method(
        4,
        format!(
            "{count} distinct documents of {DOCUMENT_SIZE} bytes, generated by the demo server in \
             `{folder}` (`GeneratedDocuments`), Index Health. {pairs} alternating pairs, every run's folders \
             removed before it. Docket: all {count} transfers enqueued (untimed) in the queue of a fresh data \
             dir with the remotes registered, each into its own folder, then one timed `docket queue run` (which \
             asks the API for each document's presigned URL, as it must). Peer: one timed `sh` loop written from \
             the vendor page: \
             an access token from `generate-client-auth-token` issued once before the loop (not timed), then per \
             document `curl -X POST /download` for its presigned URL and `curl -sS --fail -o` of that URL, one \
             after the other. A user's loop has to ask the API per document too: the presigned URLs are minted \
             per document and expire in an hour, so a list of them cannot be prepared ahead. Every file of \
             both is checked (the loop's by size, Docket's by the content hash it recorded), after the clock \
             stopped. A pair's ratio is the loop's time over Docket's; met when the median ratio meets the \
             target.",
            folder = generated.folder,
            pairs = bench.plan.pairs
        ),
    );
    Ok(())
}

/// Every document queued in `data_dir`, each into a folder of its own below `to`: the store and the queue ids.
fn enqueue_all(
    bench: &Bench,
    data_dir: &Path,
    documents: &[String],
    to: &Path,
) -> Result<(QueueStore, Vec<i64>), BenchError> {
    let store = bench.runtime.block_on(async {
        let pool = docket_store::database::open(data_dir).await?;
        Ok::<_, BenchError>(QueueStore::new(pool))
    })?;
    let mut ids = Vec::with_capacity(documents.len());
    for (index, document) in documents.iter().enumerate() {
        let dest_dir = to.join(index.to_string());
        std::fs::create_dir_all(&dest_dir).map_err(|e| BenchError::io(&dest_dir, e))?;
        ids.push(bench.runtime.block_on(store.enqueue(&NewTransfer {
            remote: RANGED_REMOTE.to_owned(),
            document: document.clone(),
            version: None,
            dest_dir,
            priority: 0,
        }))?);
    }
    Ok((store, ids))
}

/// Every queued transfer completed with the library's bytes: its recorded content hash is the document's.
fn check_completed(
    bench: &Bench,
    store: &QueueStore,
    transfers: &[i64],
    documents: &[(String, String)],
) -> Result<(), BenchError> {
    let mut completed = 0;
    for id in transfers {
        let transfer = bench.runtime.block_on(store.get(*id))?;
        let whole = transfer.state == TransferState::Completed
            && documents.iter().any(|(document, hash)| {
                *document == transfer.document
                    && transfer.content_hash.as_deref() == Some(hash.as_str())
            });
        completed += usize::from(whole);
    }
    if completed == transfers.len() {
        Ok(())
    } else {
        Err(BenchError::unexpected(
            "docket queue run",
            format!(
                "{completed} of {} transfers completed with the document's content hash",
                transfers.len()
            ),
        ))
    }
}

/// All `count` files of the loop arrived whole.
fn check_arrived(curl_dir: &Path, count: usize) -> Result<(), BenchError> {
    let fetched = std::fs::read_dir(curl_dir)
        .map_err(|e| BenchError::io(curl_dir, e))?
        .filter_map(Result::ok)
        .filter(|entry| entry.metadata().is_ok_and(|m| m.len() == DOCUMENT_SIZE))
        .count();
    if fetched == count {
        Ok(())
    } else {
        Err(BenchError::unexpected(
            "the curl loop",
            format!("{fetched} of {count} documents arrived whole"),
        ))
    }
}
