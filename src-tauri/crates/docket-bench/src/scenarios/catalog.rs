//! Item 7 of the issue: The catalog: ingest of one folder of many entries, `docket ls` of it from the cache, and search latency.

use std::time::{Duration, Instant};

use docket_core::{Entry, EntryKind, Location};
use docket_store::{Catalog, SearchQuery};

use crate::error::BenchError;
use crate::lab::{Bench, Lab, RANGED_REMOTE};
use crate::measure::{quantile, timed};
use crate::pairs::repeat;
use crate::plan::MIB;
use crate::report::{Figure, Outcome, Report};
use crate::scenarios::secs;
use crate::spread::Spread;

const FOLDER: &str = "bench/many-entries";
const WORDS: [&str; 16] = [
    "alpha",
    "budget",
    "contract",
    "delta",
    "estimate",
    "forecast",
    "ledger",
    "minutes",
    "invoice",
    "protocol",
    "quarterly",
    "report",
    "summary",
    "tender",
    "variance",
    "warranty",
];
const EXTENSIONS: [(&str, &str); 4] = [
    ("pdf", "application/pdf"),
    ("csv", "text/csv"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
];
const SEARCH_P99_TARGET: Duration = Duration::from_millis(20);

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let count = bench.plan.catalog_entries;
    let lab = Lab::start(bench, "catalog", MIB, &[])?;
    let open = |data_dir: &std::path::Path| {
        bench.runtime.block_on(async {
            let pool = docket_store::database::open(data_dir).await?;
            Ok::<_, BenchError>(Catalog::new(pool))
        })
    };
    let catalog = open(&lab.data_dir)?;

    // The lab's catalog takes the last ingest (`docket ls` and search read it); the runs before it go into
    // fresh data dirs of their own, so every run ingests into an empty catalog.
    let runs = bench.plan.runs;
    let mut ingests = Vec::with_capacity(runs);
    for run in 1..=runs {
        let (target, scratch) = if run == runs {
            (catalog.clone(), None)
        } else {
            // A catalog keeps entries of registered remotes only: a fresh data dir has them registered.
            let data_dir = lab.fresh_data_dir()?;
            (open(&data_dir)?, Some(data_dir))
        };
        let entries: Vec<Entry> = (0..count).map(entry).collect();
        let started = Instant::now();
        bench
            .runtime
            .block_on(target.ingest(RANGED_REMOTE, &Location::at(FOLDER), entries))?;
        ingests.push(started.elapsed());
        drop(target);
        if let Some(data_dir) = scratch {
            let _ = std::fs::remove_dir_all(data_dir);
        }
    }
    let ingest = Spread::of_durations(&ingests)
        .ok_or_else(|| BenchError::unexpected("catalog ingest", "no runs"))?;
    report.add(Figure {
        item: 7,
        title: format!("Catalog ingest of {count} entries in one folder"),
        docket: format!(
            "{} ({:.0} entries/s at the median)",
            ingest.runs_cell(),
            count as f64 / ingest.median
        ),
        peer: "—".into(),
        result: secs(ingest.median),
        target: "—".into(),
        outcome: Outcome::Reported,
    });

    let ls_times = repeat(
        runs,
        || Ok(()),
        || {
            timed(
                lab.docket()
                    .args(["ls", RANGED_REMOTE, FOLDER, "--offline"]),
            )
        },
    )?;
    let ls_took = Spread::of_durations(&ls_times)
        .ok_or_else(|| BenchError::unexpected("docket ls", "no runs"))?;
    report.add(Figure {
        item: 7,
        title: format!("`docket ls --offline` of the {count}-entry folder from cache"),
        docket: ls_took.runs_cell(),
        peer: "—".into(),
        result: secs(ls_took.median),
        target: "—".into(),
        outcome: Outcome::Reported,
    });

    let mut samples = Vec::with_capacity(bench.plan.search_queries);
    for index in 0..bench.plan.search_queries {
        let query = SearchQuery::text(query_text(index, count));
        let started = Instant::now();
        bench.runtime.block_on(catalog.search(&query))?;
        samples.push(started.elapsed());
    }
    let p50 = quantile(&mut samples, 0.5);
    let p99 = quantile(&mut samples, 0.99);
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    report.add(Figure::judged(
        7,
        format!(
            "Search over {count} entries, {} queries",
            bench.plan.search_queries
        ),
        [
            format!("p50 {}, p99 {}", ms(p50), ms(p99)),
            "—".into(),
            format!("p99 {}", ms(p99)),
            format!("p99 < {}", ms(SEARCH_P99_TARGET)),
        ],
        p99 < SEARCH_P99_TARGET,
        || {
            (
                format!(
                    "the slowest queries are the ones matching many entries: every hit is ranked and joined \
                     with its listing and local copy before the limit of 50 applies (p99 {}).",
                    ms(p99)
                ),
                "apply the limit inside the FTS5 query (ORDER BY rank LIMIT) before joining".into(),
            )
        },
    ));
    lab.stop();
    report.method(
        7,
        format!(
            "{count} document entries (names from 16 words, a number and 4 extensions) ingested in one call of \
             `Catalog::ingest` into a fresh data dir, timed in process, {runs} times (median, min and max). `docket ls demo-index-health {FOLDER} \
             --offline` run {runs} times, output discarded: median, min and max. Search: {} `Catalog::search` calls in \
             process (one word, two words, a number, a word and a number prefix, in turn), each timed; p50 and p99 \
             by nearest rank.",
            bench.plan.search_queries
        ),
    );
    Ok(())
}

fn entry(index: usize) -> Entry {
    let (extension, mime) = EXTENSIONS[index % EXTENSIONS.len()];
    let word = WORDS[index % WORDS.len()];
    let other = WORDS[(index / WORDS.len()) % WORDS.len()];
    Entry {
        id: format!("bench-{index}"),
        name: format!("{word} {other} {index:06}.{extension}"),
        kind: EntryKind::Document,
        size: Some(1024 + (index as u64 * 7919) % 10_000_000),
        mime: Some(mime.to_owned()),
        modified: Some(format!(
            "20{:02}-{:02}-{:02}T10:00:00Z",
            15 + index % 10,
            1 + index % 12,
            1 + index % 28
        )),
        version: Some("1".to_owned()),
        parent: None,
        extra: serde_json::Value::Null,
    }
}

/// Queries of several shapes, from very common to unique.
fn query_text(index: usize, count: usize) -> String {
    let word = WORDS[(index * 7) % WORDS.len()];
    let other = WORDS[(index * 3 + 1) % WORDS.len()];
    let number = (index * 7919) % count.max(1);
    match index % 4 {
        0 => word.to_owned(),
        1 => format!("{word} {other}"),
        2 => format!("{number:06}"),
        _ => format!("{other} {:04}", number / 100),
    }
}
