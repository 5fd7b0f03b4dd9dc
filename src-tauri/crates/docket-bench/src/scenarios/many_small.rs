//! Item 4 of the issue: Many small documents through the queue (`docket queue run`) against a sequential curl loop over the
//! same URLs.

use std::process::Command;

use docket_demo::library::sample;
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::QueueStore;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, RANGED_REMOTE};
use crate::measure::{sh_quote, timed};
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};
use crate::scenarios::{ratio, secs};

/// The document size; the sample document closest to it is used.
const WANTED_SIZE: u64 = 10 * 1024;

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let count = bench.plan.small_documents;
    let lab = Lab::start(bench, "many-small", MIB, &[])?;
    let state = lab.state();
    let doc = state
        .library
        .documents()
        .iter()
        .filter(|d| !d.flags.url_only && d.path() != sample::LARGE_FILE)
        .min_by_key(|d| d.size().abs_diff(WANTED_SIZE))
        .ok_or_else(|| BenchError::unexpected("sample library", "no small document"))?;
    let (document, doc_size, doc_name) = (format!("doc-{}", doc.id), doc.size(), doc.name.clone());
    let url = lab.presigned(&document)?;
    let dir = bench.scratch("many-small")?;

    // The curl loop: one URL per line, fetched one after the other.
    let curl_dir = dir.join("curl");
    std::fs::create_dir_all(&curl_dir).map_err(|e| BenchError::io(&curl_dir, e))?;
    let urls = dir.join("urls.txt");
    std::fs::write(&urls, format!("{}\n", url.url).repeat(count))
        .map_err(|e| BenchError::io(&urls, e))?;
    let headers: String = url
        .headers
        .iter()
        .map(|(name, value)| format!(" -H {}", sh_quote(&format!("{name}: {}", value.expose()))))
        .collect();
    let script = format!(
        "i=0; while read -r url; do i=$((i+1)); curl -sS --fail{headers} -o {}/$i \"$url\"; done < {}",
        sh_quote(&curl_dir.to_string_lossy()),
        sh_quote(&urls.to_string_lossy())
    );
    let curl_took = timed(Command::new("sh").args(["-c", &script]))?.as_secs_f64();

    // The same documents queued, each into a folder of its own, then worked by `docket queue run`.
    let store = bench.runtime.block_on(async {
        let pool = docket_store::database::open(&lab.data_dir).await?;
        Ok::<_, BenchError>(QueueStore::new(pool))
    })?;
    let docket_dir = dir.join("docket");
    for index in 0..count {
        let dest_dir = docket_dir.join(index.to_string());
        std::fs::create_dir_all(&dest_dir).map_err(|e| BenchError::io(&dest_dir, e))?;
        bench.runtime.block_on(store.enqueue(&NewTransfer {
            remote: RANGED_REMOTE.to_owned(),
            document: document.clone(),
            version: None,
            dest_dir,
            priority: 0,
        }))?;
    }
    let docket_took = timed(lab.docket().args(["queue", "run"]))?.as_secs_f64();
    let transfers = bench.runtime.block_on(store.list())?;
    let completed = transfers
        .iter()
        .filter(|t| t.state == TransferState::Completed)
        .count();
    if completed != count {
        return Err(BenchError::unexpected(
            "docket queue run",
            format!("{completed} of {count} transfers completed"),
        ));
    }
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let speedup = curl_took / docket_took;
    let per_second = |took: f64| format!("{:.0} documents/s", count as f64 / took);
    report.add(Figure::judged(
        4,
        format!(
            "{count} documents of {} through the queue",
            size_label(doc_size)
        ),
        [
            format!("{} ({})", secs(docket_took), per_second(docket_took)),
            format!(
                "sequential curl loop: {} ({})",
                secs(curl_took),
                per_second(curl_took)
            ),
            format!("{} the loop", ratio(speedup)),
            ">= 8x".into(),
        ],
        speedup >= 8.0,
        || {
            let defaults = docket_transfer::EngineConfig::default();
            (
                format!(
                    "the queue works {} transfers at a time (`EngineConfig::max_transfers`) with {} requests per \
                     remote, so the most it can overlap is {}x; every Docket transfer also asks the API for a \
                     presigned URL first (the loop reuses one), writes a `.part` file, fsyncs, hashes and renames \
                     it, and records the transfer and the local copy in SQLite, each with its own transactions. \
                     On a loopback server that answers in well under a millisecond, that bookkeeping, not the \
                     network, is what a small document costs.",
                    defaults.max_transfers,
                    defaults.max_connections_per_remote,
                    defaults.max_transfers.min(defaults.max_connections_per_remote)
                ),
                "let the scheduler run more small transfers at once (scale `max_transfers` up when documents are \
                 small, up to the per-remote limit, and raise that), skip the fsync for files under one \
                 checkpoint, and batch the queue's SQLite commits"
                    .into(),
            )
        },
    ));
    report.method(
        4,
        format!(
            "the issue asks for documents of 10 KiB; the demo's sample library has a fixed set of documents, so \
             the sample document closest to that size (`{doc_name}`, {doc_size} bytes, Index Health) is \
             downloaded {count} times, each into its own folder. Docket: all {count} transfers enqueued in the \
             data dir's queue, then one timed `docket queue run`. Peer: one timed `sh` loop running `curl -sS \
             --fail -o` for each line of a file holding the presigned URL {count} times (the loop is spared the \
             API call Docket makes per document). Ratio = the loop's time / Docket's time."
        ),
    );
    Ok(())
}
