//! Item 4 of the issue: Many small documents through the queue (`docket queue run`) against a sequential curl loop over the
//! same URLs.

use std::path::{Path, PathBuf};
use std::process::Command;

use docket_demo::GeneratedDocuments;
use docket_store::queue::{NewTransfer, TransferState};
use docket_store::QueueStore;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, RANGED_REMOTE};
use crate::measure::{sh_quote, timed};
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};
use crate::scenarios::{ratio, secs};

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
    let (curl_took, curl_dir) = index_health_loop(&lab, &dir, &ids)?;
    let fetched = std::fs::read_dir(&curl_dir)
        .map_err(|e| BenchError::io(&curl_dir, e))?
        .filter_map(Result::ok)
        .filter(|entry| entry.metadata().is_ok_and(|m| m.len() == DOCUMENT_SIZE))
        .count();
    if fetched != count {
        return Err(BenchError::unexpected(
            "the curl loop",
            format!("{fetched} of {count} documents arrived whole"),
        ));
    }

    // The same documents queued, each into a folder of its own, then worked by `docket queue run`.
    let store = bench.runtime.block_on(async {
        let pool = docket_store::database::open(&lab.data_dir).await?;
        Ok::<_, BenchError>(QueueStore::new(pool))
    })?;
    let docket_dir = dir.join("docket");
    for (index, (document, _)) in documents.iter().enumerate() {
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
    // Completed with the library's bytes: each transfer's recorded content hash is the document's.
    let completed = transfers
        .iter()
        .filter(|t| t.state == TransferState::Completed)
        .filter(|t| {
            documents.iter().any(|(id, hash)| {
                *id == t.document && t.content_hash.as_deref() == Some(hash.as_str())
            })
        })
        .count();
    if completed != count {
        return Err(BenchError::unexpected(
            "docket queue run",
            format!("{completed} of {count} transfers completed with the document's content hash"),
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
            size_label(DOCUMENT_SIZE)
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
             `{folder}` (`GeneratedDocuments`), Index Health. Docket: all {count} transfers enqueued in the data \
             dir's queue, each into its own folder, then one timed `docket queue run` (which asks the API for \
             each document's presigned URL, as it must). Peer: one timed `sh` loop written from the vendor page: \
             an access token from `generate-client-auth-token` issued once before the loop (not timed), then per \
             document `curl -X POST /download` for its presigned URL and `curl -sS --fail -o` of that URL, one \
             after the other. A user's loop has to ask the API per document too: the presigned URLs are minted \
             per document and expire in an hour, so a list of them cannot be prepared ahead. Every file of \
             both is checked (the loop's by size, Docket's by the content hash it recorded). Ratio = the loop's time / \
             Docket's time.",
            folder = generated.folder
        ),
    );
    Ok(())
}
