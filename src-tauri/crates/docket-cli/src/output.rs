//! Printing for people (aligned columns, human sizes) and for scripts (JSON).

use docket_core::{Entry, EntryKind};
use serde::Serialize;

pub fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(err) => eprintln!("docket: could not print JSON: {err}"),
    }
}

/// Folders first, then documents, each sorted by name, in aligned columns.
pub fn entries_table(entries: &[Entry]) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| {
        (a.kind != EntryKind::Folder, a.name.to_lowercase())
            .cmp(&(b.kind != EntryKind::Folder, b.name.to_lowercase()))
    });
    let rows: Vec<[String; 4]> = sorted
        .iter()
        .map(|e| {
            let name = match e.kind {
                EntryKind::Folder => format!("{}/", e.name),
                EntryKind::Document => e.name.clone(),
            };
            [
                name,
                e.size.map(human_size).unwrap_or_default(),
                e.modified.clone().unwrap_or_default(),
                e.id.clone(),
            ]
        })
        .collect();
    let header = [
        "NAME".to_owned(),
        "SIZE".into(),
        "MODIFIED".into(),
        "ID".into(),
    ];
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        let line = format!(
            "{:<w0$}  {:>w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// 1536 → "1.5 KiB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(256 * 1024 * 1024), "256.0 MiB");
    }

    #[test]
    fn folders_come_first_and_names_are_aligned() {
        let mut doc = Entry::document("d1", "b.pdf");
        doc.size = Some(2048);
        let table = entries_table(&[doc, Entry::folder("f1", "Zeta")]);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("NAME"));
        assert!(lines[1].starts_with("Zeta/"));
        assert!(lines[2].starts_with("b.pdf"));
        assert!(lines[2].contains("2.0 KiB"));
    }
}
