//! Item 10: a folder tree taken home with `docket sync` (the whole Index Health remote: one collection per folder)
//! against a sequential curl loop over the same documents; its peak memory; a second sync with nothing changed; and
//! one with 1 % of the documents changed on the server.

use std::cell::{Cell, RefCell};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use docket_demo::{Content, GeneratedDocuments};
use serde_json::Value;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, RANGED_REMOTE};
use crate::measure::GNU_TIME;
use crate::pairs::{alternate, Side};
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};
use crate::scenarios::many_small::index_health_loop;
use crate::scenarios::secs;
use crate::spread::Spread;

const SMALLEST: u64 = 10 * 1024;
const LARGEST: u64 = MIB;
const RSS_LIMIT: u64 = 64 * MIB;

/// The folders of the tree, their documents sized evenly from [`SMALLEST`] to [`LARGEST`] by folder.
fn tree(documents: usize, folders: usize) -> Vec<GeneratedDocuments> {
    let folders = folders.max(2);
    let per_folder = (documents / folders).max(1);
    (0..folders)
        .map(|i| GeneratedDocuments {
            folder: format!("/tree-{:03}", i + 1),
            count: per_folder,
            size: SMALLEST + (LARGEST - SMALLEST) * i as u64 / (folders as u64 - 1),
        })
        .collect()
}

/// One `docket sync` of the whole remote into `to`: its wall time, peak RSS and report. Exit 1 is expected: the
/// demo's URL-only sample document cannot be downloaded, and that is the one failure allowed.
fn sync(lab: &Lab, data_dir: &Path, to: &Path) -> Result<(Duration, u64, Value), BenchError> {
    let rss_file = to.with_extension("rss");
    let mut command = Command::new(GNU_TIME);
    command
        .args(["-f", "%M", "-o"])
        .arg(&rss_file)
        .arg(&lab.bench.docket)
        .args(["sync", RANGED_REMOTE, "--json", "--to"])
        .arg(to)
        .env("DOCKET_DATA_DIR", data_dir)
        .env_remove("DOCKET_LOG");
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| BenchError::io(Path::new(GNU_TIME), e))?;
    let took = started.elapsed();
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|err| {
        BenchError::unexpected(
            "docket sync",
            format!("{err}: {}", String::from_utf8_lossy(&output.stderr)),
        )
    })?;
    let failed = report["failed"].as_array().map_or(0, Vec::len);
    if failed > 1 {
        return Err(BenchError::unexpected("docket sync", report.to_string()));
    }
    let text = std::fs::read_to_string(&rss_file).map_err(|e| BenchError::io(&rss_file, e))?;
    let _ = std::fs::remove_file(&rss_file);
    let kib: u64 = text
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .ok_or_else(|| BenchError::unexpected("GNU time's report", text.clone()))?;
    Ok((took, kib * 1024, report))
}

/// Every generated document saved at its place in the tree with its size.
fn check_tree(folders: &[GeneratedDocuments], to: &Path, report: &Value) -> Result<(), BenchError> {
    for folder in folders {
        for index in 0..folder.count {
            let saved = to
                .join(folder.folder.trim_start_matches('/'))
                .join(folder.name(index));
            let size = std::fs::metadata(&saved).map(|m| m.len()).unwrap_or(0);
            if size != folder.size {
                return Err(BenchError::unexpected(
                    "the first sync",
                    format!(
                        "{} has {size} bytes, not {}: {report}",
                        saved.display(),
                        folder.size
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn count(report: &Value, field: &str) -> usize {
    match &report[field] {
        Value::Array(items) => items.len(),
        Value::Number(n) => n.as_u64().unwrap_or(0) as usize,
        _ => 0,
    }
}

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let folders = tree(bench.plan.sync_documents, bench.plan.sync_folders);
    let documents: usize = folders.iter().map(|f| f.count).sum();
    let bytes: u64 = folders.iter().map(|f| f.count as u64 * f.size).sum();
    let lab = Lab::start_with(bench, "folder-sync", MIB, &[], &folders)?;
    let state = lab.state();
    let mut ids = Vec::with_capacity(documents);
    for folder in &folders {
        for index in 0..folder.count {
            let doc = state
                .library
                .document_by_path(&folder.path(index))
                .ok_or_else(|| {
                    BenchError::unexpected("demo library", "a generated document is missing")
                })?;
            ids.push(doc.id);
        }
    }
    let dir = bench.scratch("folder-sync")?;

    // Pairs of a first sync (a fresh data dir and an empty folder each time) and the loop a user writes from the
    // vendor page, one document after the other.
    let doc_ids: Vec<String> = ids.iter().map(|id| format!("doc-{id}")).collect();
    let to = dir.join("docket");
    let data_dir = RefCell::new(lab.data_dir.clone());
    let peak = Cell::new(0);
    let times = alternate(
        bench.plan.pairs,
        |side| {
            let _ = std::fs::remove_dir_all(dir.join("curl"));
            if side == Side::Docket {
                let _ = std::fs::remove_dir_all(&to);
                let old = data_dir.replace(lab.fresh_data_dir()?);
                if old != lab.data_dir {
                    let _ = std::fs::remove_dir_all(old);
                }
            }
            Ok(())
        },
        || {
            let (took, rss, report) = sync(&lab, &data_dir.borrow(), &to)?;
            check_tree(&folders, &to, &report)?;
            peak.set(peak.get().max(rss));
            Ok(took)
        },
        || {
            let (took, _) = index_health_loop(&lab, &dir, &doc_ids)?;
            Ok(Duration::from_secs_f64(took))
        },
    )?;
    let _ = std::fs::remove_dir_all(dir.join("curl"));
    let peak = peak.get();
    let data_dir = data_dir.into_inner();

    // The last first sync's folder and data dir go on: synced again with nothing changed, several times.
    let (mut again, mut again_downloads) = (Value::Null, 0);
    let mut again_times = Vec::with_capacity(bench.plan.runs);
    for _ in 0..bench.plan.runs {
        let (took, _, report) = sync(&lab, &data_dir, &to)?;
        again_times.push(took);
        again_downloads += count(&report, "added") + count(&report, "updated");
        again = report;
    }
    let again_took = Spread::of_durations(&again_times)
        .ok_or_else(|| BenchError::unexpected("the second sync", "no runs"))?;
    let changed = (documents / 100).max(1);
    for (n, id) in ids
        .iter()
        .step_by(ids.len() / changed)
        .take(changed)
        .enumerate()
    {
        let size = state
            .library
            .documents()
            .iter()
            .find(|d| d.id == *id)
            .map_or(SMALLEST, |d| d.latest().content.len());
        state
            .library
            .add_version(*id, Content::generated(size, 0xC0FFEE + n as u64))
            .map_err(|e| BenchError::unexpected("the demo library", e.to_string()))?;
    }
    let (changed_took, _, after_change) = sync(&lab, &data_dir, &to)?;
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let speedup = times.speedup();
    let (first_took, curl_took) = (times.docket_time(), times.peer_time());
    let tree_label = format!(
        "{documents} documents ({} to {}, {}) in {} folders",
        size_label(SMALLEST),
        size_label(LARGEST),
        size_label(bytes),
        folders.len()
    );
    let per_second = |took: Spread| {
        format!(
            "{:.0} documents/s, {}",
            documents as f64 / took.median,
            took.time_cell()
        )
    };
    report.add(Figure::judged(
        10,
        format!("first sync of {tree_label}"),
        [
            per_second(first_took),
            format!("sequential curl loop: {}", per_second(curl_took)),
            speedup.ratio_cell(),
            ">= 10x the loop".into(),
        ],
        speedup.median >= 10.0,
        || {
            (
                "each document costs Docket a details call, a presigned URL, an fsync before its rename and its \
                 records in the queue and the catalog; the loop writes without any of that"
                    .into(),
                "batch the small documents' bookkeeping (one transaction per batch) and take names from the \
                 listing the walk already has"
                    .into(),
            )
        },
    ));
    report.add(Figure::judged(
        10,
        "peak memory of that first sync (the highest of its runs)".to_owned(),
        [
            format!("{:.1} MiB", peak as f64 / MIB as f64),
            "—".into(),
            format!("{:.1} MiB", peak as f64 / MIB as f64),
            format!("< {} MiB", RSS_LIMIT / MIB),
        ],
        peak < RSS_LIMIT,
        || {
            (
                "the walk and the plan hold every document of the tree in memory at once".into(),
                "plan and queue folder by folder".into(),
            )
        },
    ));
    report.add(Figure::judged(
        10,
        "second sync, nothing changed".to_owned(),
        [
            format!("{} and {again_downloads} downloads", again_took.runs_cell()),
            "—".into(),
            format!("{} unchanged", count(&again, "unchanged")),
            "< 2 s, 0 downloads".into(),
        ],
        again_took.median < 2.0 && again_downloads == 0,
        || {
            (
                "the sync lists every folder on the server again and stats every local copy".into(),
                "list folders several at once and skip unchanged folders by their listing's own dates".into(),
            )
        },
    ));
    let fetched = count(&after_change, "updated") + count(&after_change, "added");
    report.add(Figure::judged(
        10,
        format!("sync with 1 % changed ({changed} documents)"),
        [
            format!("{}: {fetched} downloaded", secs(changed_took.as_secs_f64())),
            "—".into(),
            format!(
                "{} updated, {} added",
                count(&after_change, "updated"),
                count(&after_change, "added")
            ),
            format!("only the {changed} changed"),
        ],
        count(&after_change, "updated") == changed && count(&after_change, "added") == 0,
        || {
            (
                "the sync fetched documents that did not change".into(),
                "compare the server's version, size and date with the copy's recorded ones".into(),
            )
        },
    ));
    report.method(
        10,
        format!(
            "The demo server's library holds {documents} generated documents in {} top-level folders (each an \
             Index Health collection; sizes from {} to {} by folder) besides the samples. First sync: {pairs} \
             alternating pairs. Docket: `docket sync demo-index-health --to DIR --json` into an empty folder \
             with a fresh data dir (remotes registered, untimed), timed, under GNU time for its peak RSS (the \
             figure is the highest of the runs); every generated file is checked for its size after the clock \
             stopped. Peer: one timed `sh` loop written from the vendor page (an access token issued once, \
             untimed, then per document `POST /download` for its presigned URL and `curl -o` of it, one after \
             the other). A pair's ratio is the loop's time over Docket's; met when the median ratio meets the \
             target. Then the same sync again with nothing changed on the server, {runs} times (median, min and \
             max; the downloads counted over all of them), and once more after \
             the demo's library gained a new version of {changed} of the documents (1 %). The demo's URL-only \
             sample document cannot be downloaded and is the one failure each sync reports.",
            folders.len(),
            size_label(SMALLEST),
            size_label(LARGEST),
            pairs = bench.plan.pairs,
            runs = bench.plan.runs
        ),
    );
    Ok(())
}
