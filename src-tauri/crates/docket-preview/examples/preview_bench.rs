//! Benchmark (not a test): the first page of a 2 GB CSV and the outline of a 200 MB XML, each timed and
//! with its peak memory (getrusage maxrss) measured in a child process of its own, so one run's peak does
//! not hide the other's.
//!
//! `cargo run --release -p docket-preview --example preview_bench [-- --dir /path/with/5GB/free]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use docket_preview::csv::RowCount;
use docket_preview::{open_preview, xml_outline, PreviewContent, PreviewLimits, PreviewSource};

const CSV_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const XML_BYTES: u64 = 200 * 1024 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1], Path::new(&args[2]));
    }
    let dir = match args.iter().position(|a| a == "--dir") {
        Some(i) => PathBuf::from(&args[i + 1]),
        None => std::env::temp_dir().join("docket-preview-bench"),
    };
    std::fs::create_dir_all(&dir).expect("create the bench dir");
    let csv = dir.join("big.csv");
    let xml = dir.join("big.xml");
    ensure(&csv, CSV_BYTES, write_csv);
    ensure(&xml, XML_BYTES, write_xml);
    let me = std::env::current_exe().expect("own path");
    for (what, path) in [("csv", &csv), ("xml", &xml), ("csv-far", &csv)] {
        let status = Command::new(&me)
            .args(["--child", what])
            .arg(path)
            .status()
            .expect("run the measurement");
        assert!(status.success(), "{what} measurement failed");
    }
    println!("(files kept in {} for the next run)", dir.display());
}

fn child(what: &str, path: &Path) {
    let limits = PreviewLimits::default();
    let before = max_rss_kib();
    let started = Instant::now();
    let summary = match what {
        "csv" => {
            let preview = open_preview(PreviewSource::File(path.into()), Some("big.csv"), &limits)
                .expect("preview");
            let PreviewContent::Table(mut table) = preview.content else {
                panic!("not a table")
            };
            let page = table.page(0, limits.page_rows).expect("first page");
            format!(
                "first page of a {} CSV: {} rows x {} columns, {:?} rows",
                human(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)),
                page.rows.len(),
                table.columns().len(),
                table.row_count()
            )
        }
        "csv-far" => {
            let preview = open_preview(PreviewSource::File(path.into()), Some("big.csv"), &limits)
                .expect("preview");
            let PreviewContent::Table(mut table) = preview.content else {
                panic!("not a table")
            };
            // Scan to the end once (what a jump to the last page costs), then jump back to the middle.
            let mut row = 0;
            while !table.page(row, 1).expect("page").end_of_table {
                row += 1_000_000;
                if let RowCount::Exact(n) = table.row_count() {
                    row = row.min(n.saturating_sub(1));
                }
            }
            let scanned = started.elapsed();
            let middle = Instant::now();
            let rows = match table.row_count() {
                RowCount::Exact(n) | RowCount::Estimated(n) => n,
            };
            table.page(rows / 2, limits.page_rows).expect("middle page");
            format!(
                "whole-CSV scan to the last row: {:.2} s for {rows} rows; then the middle page: {:.1} ms",
                scanned.as_secs_f64(),
                middle.elapsed().as_secs_f64() * 1000.0
            )
        }
        _ => {
            let outline = xml_outline(PreviewSource::File(path.into()), &limits).expect("outline");
            format!(
                "outline of a {} XML: {} nodes, truncated: {:?}",
                human(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)),
                outline.nodes.len(),
                outline.truncated
            )
        }
    };
    let took = started.elapsed();
    println!(
        "{summary}\n    time {:.1} ms, peak RSS {} (process baseline before the work {})",
        took.as_secs_f64() * 1000.0,
        human(max_rss_kib() * 1024),
        human(before * 1024)
    );
    if what == "xml" {
        // The outline stops at its node limit; also time a pass through the whole file, listing only the
        // root so the figure is the parser's throughput and memory, not the size of a 12-million-node list.
        let limits = PreviewLimits {
            xml_nodes: usize::MAX,
            xml_depth: 1,
            ..PreviewLimits::default()
        };
        let started = Instant::now();
        let outline = xml_outline(PreviewSource::File(path.into()), &limits).expect("outline");
        println!(
            "whole-XML pass (depth limit 1, no node limit): {} nodes listed, {} hidden, {:.2} s, peak RSS {}",
            outline.nodes.len(),
            outline.hidden_deep_elements,
            started.elapsed().as_secs_f64(),
            human(max_rss_kib() * 1024)
        );
    }
}

fn ensure(path: &Path, size: u64, write: fn(&mut dyn Write, u64)) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() >= size) {
        return;
    }
    eprintln!("writing {} ({})", path.display(), human(size));
    let mut file = std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path).expect("create bench file"),
    );
    write(&mut file, size);
    file.flush().expect("flush bench file");
}

fn write_csv(out: &mut dyn Write, size: u64) {
    let mut written = 0u64;
    let header = "id;customer;city;amount;note\n";
    out.write_all(header.as_bytes()).expect("write");
    written += header.len() as u64;
    let mut row = 0u64;
    while written < size {
        let line = format!(
            "{row};Customer {};\"Paris; 75{:03}\";{}.{:02};\"line one\nline two\"\n",
            row % 9973,
            row % 1000,
            row % 100_000,
            row % 100
        );
        out.write_all(line.as_bytes()).expect("write");
        written += line.len() as u64;
        row += 1;
    }
}

fn write_xml(out: &mut dyn Write, size: u64) {
    let mut written = 0u64;
    let head = "<?xml version=\"1.0\"?>\n<ledger xmlns=\"urn:example:ledger\">\n";
    out.write_all(head.as_bytes()).expect("write");
    written += head.len() as u64;
    let mut entry = 0u64;
    while written + 20 < size {
        let line = format!(
            "  <entry id=\"{entry}\" currency=\"EUR\"><account>{}</account><amount>{}.50</amount><!-- n --></entry>\n",
            entry % 811,
            entry % 100_000
        );
        out.write_all(line.as_bytes()).expect("write");
        written += line.len() as u64;
        entry += 1;
    }
    out.write_all(b"</ledger>\n").expect("write");
}

/// Peak resident set size of this process, in KiB (getrusage's ru_maxrss on Linux).
#[cfg(target_os = "linux")]
fn max_rss_kib() -> u64 {
    let mut usage = Rusage {
        _utime: [0; 2],
        _stime: [0; 2],
        ru_maxrss: 0,
        _rest: [0; 13],
    };
    // SAFETY: getrusage(RUSAGE_SELF) fills the struct we own, whose layout matches Linux's `struct rusage`.
    let status = unsafe { getrusage(0, &mut usage) };
    if status == 0 {
        u64::try_from(usage.ru_maxrss).unwrap_or(0)
    } else {
        0
    }
}

#[cfg(not(target_os = "linux"))]
fn max_rss_kib() -> u64 {
    0
}

fn human(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", units[unit])
}

/// Linux's `struct rusage` on 64-bit targets (getrusage without a libc dependency).
#[cfg(target_os = "linux")]
#[repr(C)]
struct Rusage {
    _utime: [i64; 2],
    _stime: [i64; 2],
    ru_maxrss: i64,
    _rest: [i64; 13],
}

#[cfg(target_os = "linux")]
extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
}
