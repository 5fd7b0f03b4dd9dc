//! Item 8 of the issue: Previews: the first page of a large CSV, and the outline of a large XML file, from disk.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use docket_preview::{open_preview, PreviewContent, PreviewLimits, PreviewSource};

use crate::error::BenchError;
use crate::lab::Bench;
use crate::pairs::repeat;
use crate::plan::size_label;
use crate::report::{Figure, Outcome, Report};
use crate::spread::Spread;

const CSV_TARGET: Duration = Duration::from_millis(50);
const REPEATS: usize = 21;

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let dir = bench.scratch("preview")?;
    let limits = PreviewLimits::default();

    let csv = dir.join("ledger.csv");
    write_csv(&csv, bench.plan.csv_bytes)?;
    let mut samples = Vec::with_capacity(REPEATS);
    let mut rows = 0;
    for _ in 0..REPEATS {
        let started = Instant::now();
        let preview = open_preview(
            PreviewSource::File(csv.clone()),
            Some("ledger.csv"),
            &limits,
        )?;
        let PreviewContent::Table(mut table) = preview.content else {
            return Err(BenchError::unexpected(
                "CSV preview",
                "not shown as a table",
            ));
        };
        rows = table.page(0, limits.page_rows)?.rows.len();
        samples.push(started.elapsed());
    }
    let spread = Spread::of_durations(&samples)
        .ok_or_else(|| BenchError::unexpected("CSV preview", "no runs"))?;
    let median = Duration::from_secs_f64(spread.median);
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    report.add(Figure::judged(
        8,
        format!(
            "CSV preview, first page ({rows} rows) of {}",
            size_label(bench.plan.csv_bytes)
        ),
        [
            spread.runs_cell(),
            "—".into(),
            ms(median),
            format!("< {}", ms(CSV_TARGET)),
        ],
        median < CSV_TARGET,
        || {
            (
                format!("opening the table took {} at the median.", ms(median)),
                "read only the head of the file for the first page and count rows in the background".into(),
            )
        },
    ));
    let _ = std::fs::remove_file(&csv);

    let xml = dir.join("catalog.xml");
    write_xml(&xml, bench.plan.xml_bytes)?;
    let mut outline = None;
    let times = repeat(
        bench.plan.runs,
        || Ok(()),
        || {
            let started = Instant::now();
            let preview = open_preview(
                PreviewSource::File(xml.clone()),
                Some("catalog.xml"),
                &limits,
            )?;
            let took = started.elapsed();
            let PreviewContent::Xml(view) = preview.content else {
                return Err(BenchError::unexpected("XML preview", "not shown as XML"));
            };
            outline = Some((view.outline.nodes.len(), view.outline.truncated.is_some()));
            Ok(took)
        },
    )?;
    let took = Spread::of_durations(&times)
        .ok_or_else(|| BenchError::unexpected("XML preview", "no runs"))?;
    let (nodes, truncated) = outline.unwrap_or_default();
    report.add(Figure {
        item: 8,
        title: format!("XML outline of {}", size_label(bench.plan.xml_bytes)),
        docket: format!(
            "{} ({nodes} outline nodes{})",
            took.runs_cell(),
            if truncated {
                ", outline cut at the node limit"
            } else {
                ""
            }
        ),
        peer: "—".into(),
        result: ms(Duration::from_secs_f64(took.median)),
        target: "—".into(),
        outcome: Outcome::Reported,
    });
    let _ = std::fs::remove_dir_all(&dir);
    report.method(
        8,
        format!(
            "files generated on the scratch disk (a ledger CSV, a sensor catalog XML), so they sit in the page \
             cache as a file just downloaded would. CSV: `open_preview` (sniffing, dialect, columns) plus \
             `page(0, {})`, {REPEATS} times. XML: `open_preview` (outline and pretty-printed head) with the \
             default limits, {} times. Each figure is the median of its runs, with min and max.",
            limits.page_rows, bench.plan.runs
        ),
    );
    Ok(())
}

fn write_csv(path: &Path, bytes: u64) -> Result<(), BenchError> {
    let file = std::fs::File::create(path).map_err(|e| BenchError::io(path, e))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut written = 0u64;
    let mut line = String::from("id,date,account,description,amount,currency\n");
    let mut row = 0u64;
    while written < bytes {
        out.write_all(line.as_bytes())
            .map_err(|e| BenchError::io(path, e))?;
        written += line.len() as u64;
        row += 1;
        line = format!(
            "{row},2024-{:02}-{:02},{},\"Payment {row}, quarter {}\",{}.{:02},EUR\n",
            1 + row % 12,
            1 + row % 28,
            4000 + row % 900,
            1 + row % 4,
            row * 37 % 100_000,
            row % 100
        );
    }
    out.flush().map_err(|e| BenchError::io(path, e))
}

fn write_xml(path: &Path, bytes: u64) -> Result<(), BenchError> {
    let file = std::fs::File::create(path).map_err(|e| BenchError::io(path, e))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<catalog>\n";
    out.write_all(head.as_bytes())
        .map_err(|e| BenchError::io(path, e))?;
    let mut written = head.len() as u64;
    let mut sensor = 0u64;
    while written < bytes {
        sensor += 1;
        let record = format!(
            "  <sensor id=\"s{sensor}\" site=\"site-{}\">\n    <name>Sensor {sensor}</name>\n    <reading unit=\"C\" \
             at=\"2024-06-{:02}T10:00:00Z\">{}.{}</reading>\n  </sensor>\n",
            sensor % 97,
            1 + sensor % 28,
            sensor % 40,
            sensor % 10
        );
        out.write_all(record.as_bytes())
            .map_err(|e| BenchError::io(path, e))?;
        written += record.len() as u64;
    }
    out.write_all(b"</catalog>\n")
        .map_err(|e| BenchError::io(path, e))?;
    out.flush().map_err(|e| BenchError::io(path, e))
}
