//! Any bytes, previewed as a CSV (whole and as a cut remote prefix) and paged: no panic, and every bound holds.
#![no_main]

use docket_preview::csv::CsvTable;
use docket_preview::{open_preview, PreviewLimits, PreviewSource};
use libfuzzer_sys::fuzz_target;

fn limits() -> PreviewLimits {
    PreviewLimits {
        sniff_bytes: 4096,
        page_rows: 16,
        cell_chars: 64,
        columns: 32,
        record_bytes: 8192,
        page_text_bytes: 2048,
        ..PreviewLimits::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = limits();
    let sources = [
        PreviewSource::Prefix {
            bytes: data.to_vec(),
            total_size: Some(data.len() as u64),
        },
        PreviewSource::Prefix {
            bytes: data.to_vec(),
            total_size: Some(data.len() as u64 + 100),
        },
    ];
    for source in sources {
        let Ok(mut table) = CsvTable::open(source, &limits) else {
            continue;
        };
        assert!(table.columns().len() <= limits.columns);
        for start in [0, 3, 1, 40] {
            if let Ok(page) = table.page(start, limits.page_rows) {
                assert!(page.rows.len() <= limits.page_rows);
                let text: usize = page
                    .rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .map(String::len)
                    .sum();
                assert!(text <= limits.page_text_bytes, "{text} bytes in one page");
                for (offset, row) in page.rows.iter().enumerate() {
                    assert_eq!(row.number, start + offset as u64);
                    assert!(row.cells.len() <= limits.columns);
                    assert!(row
                        .cells
                        .iter()
                        .all(|c| c.chars().count() <= limits.cell_chars));
                }
            }
        }
    }
    // The sniffing entry point too: whatever it decides, it must not panic.
    let _ = open_preview(
        PreviewSource::Prefix {
            bytes: data.to_vec(),
            total_size: None,
        },
        Some("fuzz.csv"),
        &limits,
    );
});
