//! Files too big to commit, generated into a temp dir: a 200 MB single line, and a table paged far and back.

use std::io::Write;

use docket_preview::csv::{RowCount, TableStop};
use docket_preview::{open_preview, PreviewContent, PreviewError, PreviewLimits, PreviewSource};

const SINGLE_LINE_BYTES: usize = 200 * 1024 * 1024;

fn write_single_line(path: &std::path::Path) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let chunk = "0123456789abcdef,".repeat(4096);
    let mut written = 0;
    while written < SINGLE_LINE_BYTES {
        file.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    file.flush().unwrap();
}

#[test]
fn a_200_mb_single_line_file_previews_as_a_bounded_text_line_and_a_table_that_stops_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.csv");
    write_single_line(&path);
    let limits = PreviewLimits::default();

    let text = open_preview(
        PreviewSource::File(path.clone()),
        Some("one-line.txt"),
        &limits,
    )
    .unwrap();
    let PreviewContent::Text(text) = text.content else {
        panic!("a single unterminated line is text");
    };
    assert_eq!(text.lines.len(), 1);
    assert_eq!(
        text.lines[0].chars().count(),
        limits.line_chars + 1,
        "cut, plus the … mark"
    );
    assert!(text.truncated);
    assert!(text.notes.iter().any(|n| n.contains("cut")));

    let table = open_preview(PreviewSource::File(path), Some("one-line.csv"), &limits).unwrap();
    let PreviewContent::Table(mut table) = table.content else {
        panic!("named .csv, and text: a table");
    };
    let page = table.page(0, 10).unwrap();
    assert!(page.rows.is_empty());
    assert_eq!(
        page.stop,
        Some(TableStop::RecordTooLong {
            row: 0,
            limit_bytes: limits.record_bytes
        })
    );
}

#[test]
fn pages_far_into_a_table_and_back_come_from_checkpoints_with_the_right_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "row,label,amount").unwrap();
    for row in 0..5000 {
        // Every 7th row has a quoted newline, so byte offsets and rows do not line up.
        if row % 7 == 0 {
            writeln!(file, "{row},\"label\n{row}\",{}.25", row * 3).unwrap();
        } else {
            writeln!(file, "{row},label {row},{}.25", row * 3).unwrap();
        }
    }
    drop(file);
    let limits = PreviewLimits::default();
    let preview = open_preview(PreviewSource::File(path), None, &limits).unwrap();
    let PreviewContent::Table(mut table) = preview.content else {
        panic!("not a table");
    };
    let estimate = table.row_count();
    assert!(
        matches!(estimate, RowCount::Estimated(n) if (4000..7500).contains(&n)),
        "{estimate:?}"
    );

    let far = table.page(4200, 3).unwrap();
    let numbers: Vec<&str> = far.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(numbers, ["4200", "4201", "4202"]);
    assert_eq!(far.rows[0].number, 4200);
    assert_eq!(far.rows[0].cells[1], "label\n4200");

    let back = table.page(1030, 2).unwrap();
    assert_eq!(back.rows[0].cells[0], "1030");
    assert_eq!(back.rows[1].cells[2], "3093.25");

    let last = table.page(4998, 10).unwrap();
    assert_eq!(last.rows.len(), 2);
    assert!(last.end_of_table);
    assert_eq!(last.stop, None);
    assert_eq!(table.row_count(), RowCount::Exact(5000));
    assert!(matches!(
        table.page(5001, 1),
        Err(PreviewError::RowOutOfRange {
            requested: 5001,
            rows: 5000
        })
    ));
}

#[test]
fn a_page_of_wide_rows_of_long_cells_holds_a_few_mib_of_text_and_says_where_it_was_cut() {
    let limits = PreviewLimits::default();
    let cell = "x".repeat(limits.cell_chars);
    let row = vec![cell.as_str(); 64].join(",");
    // 40 rows of 64 full cells: 10 MiB of cell text asked for in one page.
    let csv = format!("{}\n", vec![row.as_str(); 41].join("\n"));
    let mut table = docket_preview::csv::CsvTable::open(
        PreviewSource::Prefix {
            bytes: csv.into_bytes(),
            total_size: None,
        },
        &limits,
    )
    .unwrap();
    let page = table.page(0, 40).unwrap();
    assert_eq!(page.rows.len(), 40, "every row is there, cut or not");
    let text: usize = page
        .rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(String::len)
        .sum();
    assert!(
        text <= limits.page_text_bytes,
        "{text} bytes of text in one page"
    );
    let cut = page.text_cut.expect("the page says it was cut");
    assert_eq!(cut.limit_bytes, limits.page_text_bytes as u64);
    let last = page.rows.last().unwrap();
    assert!(
        last.cut_cells.len() == last.cells.len(),
        "the last row's cells are marked cut"
    );
    assert!(cut.from_row < 40);
    assert!(page.rows[..cut.from_row as usize]
        .iter()
        .all(|r| r.cut_cells.is_empty()));
}
