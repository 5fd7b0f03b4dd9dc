//! Printing for people (aligned columns, human sizes) and for scripts (JSON). Whatever a server (or a file name
//! in a download folder) controls goes through [`terminal_safe`] before it reaches the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

use docket_core::filename::is_bidi_control;
use docket_core::{Entry, EntryKind};
use serde::Serialize;

/// Sizes read the same in every command and in the previews.
pub use docket_core::units::human_size;

/// Text made harmless for a terminal: every control character (C0 including newline and tab, DEL, C1) and every
/// bidi control (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) is written as a Rust-style escape, `\u{1b}`, so
/// a server's name or message cannot retitle the window, recolour it, move the cursor, split a line or reorder
/// the text around it. Everything else, backslashes included, is printed as sent.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_in_terminal) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe_in_terminal(c) {
            let _ = write!(safe, "\\u{{{:x}}}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

fn is_unsafe_in_terminal(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// One line on stderr, terminal safe.
pub fn stderr_line(line: &str) {
    eprintln!("{}", terminal_safe(line));
}

/// JSON for scripts: the same values a parser reads, with the characters serde_json leaves raw in strings (DEL, C1,
/// bidi controls) written as `\u` escapes too, so printing it to a terminal is as harmless as the tables.
pub fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{}", json_terminal_safe(&text)),
        Err(err) => eprintln!("docket: could not print JSON: {err}"),
    }
}

/// serde_json escapes C0 in strings already, so a raw newline in its output is layout and stays.
fn json_terminal_safe(json: &str) -> Cow<'_, str> {
    let raw = |c: char| u32::from(c) >= 0x7f && is_unsafe_in_terminal(c);
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut safe = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            let _ = write!(safe, "\\u{:04x}", u32::from(c));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
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
            let name = terminal_safe(&e.name);
            let name = match e.kind {
                EntryKind::Folder => format!("{name}/"),
                EntryKind::Document => name.into_owned(),
            };
            [
                name,
                e.size.map(human_size).unwrap_or_default(),
                terminal_safe(e.modified.as_deref().unwrap_or_default()).into_owned(),
                terminal_safe(&e.id).into_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_in_server_text_are_shown_not_obeyed() {
        assert_eq!(
            terminal_safe("\u{1b}]0;PWNED\u{7}\u{1b}[31mreport.pdf"),
            "\\u{1b}]0;PWNED\\u{7}\\u{1b}[31mreport.pdf"
        );
        assert_eq!(
            terminal_safe("line one\nline two\ttab\r"),
            "line one\\u{a}line two\\u{9}tab\\u{d}"
        );
        // DEL and C1: some terminals take U+009B as the start of a control sequence.
        assert_eq!(terminal_safe("a\u{7f}b\u{9b}31mc"), "a\\u{7f}b\\u{9b}31mc");
    }

    #[test]
    fn bidi_controls_are_escaped_so_a_name_cannot_reorder_itself() {
        assert_eq!(
            terminal_safe("invoice\u{202E}fdp.exe"),
            "invoice\\u{202e}fdp.exe"
        );
        for c in [
            '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{2066}', '\u{2069}',
        ] {
            assert!(
                !terminal_safe(&format!("x{c}y")).contains(c),
                "{:x}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn ordinary_text_passes_unchanged_and_unallocated() {
        for text in [
            "Q1-Report.pdf",
            "C:\\Users\\ada",
            "Jahresbericht – Übersicht.pdf",
            "报告.pdf",
            "تقرير.pdf",
        ] {
            assert!(matches!(terminal_safe(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn json_keeps_its_values_and_escapes_what_serde_leaves_raw() {
        let value = serde_json::json!({ "name": "\u{1b}[31mred\u{9b}\u{202e}exe.pdf\u{7f}" });
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_terminal_safe(&text);
        assert!(
            !safe.chars().any(|c| c != '\n' && is_unsafe_in_terminal(c)),
            "{safe}"
        );
        let read: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(read, value);
    }

    #[test]
    fn a_table_escapes_names_ids_and_dates_and_stays_aligned() {
        let mut doc = Entry::document("id\u{1b}[2J", "\u{1b}]0;PWNED\u{7}evil.pdf");
        doc.modified = Some("2024\u{1b}[31m".into());
        let table = entries_table(&[doc, Entry::folder("f\n1", "two\nlines")]);
        assert!(
            !table.contains('\u{1b}') && !table.contains('\u{7}'),
            "{table}"
        );
        assert_eq!(table.lines().count(), 3, "{table}");
        assert!(table.contains("two\\u{a}lines/"), "{table}");
        assert!(table.contains("\\u{1b}]0;PWNED\\u{7}evil.pdf"), "{table}");
        assert!(table.contains("id\\u{1b}[2J"), "{table}");
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
