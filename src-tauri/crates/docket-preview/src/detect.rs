//! Deciding what a document is from its content: magic bytes, BOM, then text sniffing. The file name only
//! breaks ties between text kinds; it never makes binary content a table.

use serde::Serialize;

use crate::binary::magic_format;
use crate::csv::sniff_delimiter;
use crate::encoding::{guess_encoding, EncodingGuess, TextEncoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContentKind {
    Csv,
    Xml,
    Json,
    /// HTML source: shown as text, never rendered.
    Html,
    Text,
    Binary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    pub kind: ContentKind,
    /// For text kinds.
    pub encoding: Option<TextEncoding>,
    /// For binary: the format the magic bytes name.
    pub format: Option<String>,
    /// Set when the content contradicts the name (e.g. a PDF named `.csv`).
    pub note: Option<String>,
    #[serde(skip)]
    pub(crate) guess: Option<EncodingGuess>,
}

/// Detects the kind of a document from its first bytes (`head_is_cut`: more bytes follow) and, for ties,
/// its name.
pub fn detect(head: &[u8], name: Option<&str>, head_is_cut: bool) -> Detection {
    let extension = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let named = |kind: &str| {
        extension.as_deref().is_some_and(|ext| match kind {
            "csv" => matches!(ext, "csv" | "tsv" | "tab" | "psv"),
            "xml" => matches!(ext, "xml" | "xsd" | "xsl" | "xslt" | "svg" | "rss" | "atom"),
            "json" => matches!(ext, "json" | "jsonl" | "ndjson" | "geojson"),
            _ => false,
        })
    };
    let binary = |format: Option<&str>| {
        let format_name = format.unwrap_or("binary data");
        let note = match (name, &extension) {
            (Some(name), Some(ext)) if is_text_extension(ext) => Some(format!(
                "`{name}` is named like a .{ext} file, but its content is {}: previewed as binary",
                with_article(format_name)
            )),
            _ => None,
        };
        Detection {
            kind: ContentKind::Binary,
            encoding: None,
            format: format.map(str::to_owned),
            note,
            guess: None,
        }
    };
    // A BOM wins over magic numbers: "\xFF\xFE" starts both UTF-16 text and nothing else we know.
    let has_bom = head.starts_with(&[0xEF, 0xBB, 0xBF])
        || head.starts_with(&[0xFF, 0xFE])
        || head.starts_with(&[0xFE, 0xFF]);
    if !has_bom {
        if let Some(format) = magic_format(head) {
            return binary(Some(format));
        }
    }
    let Some(guess) = guess_encoding(head) else {
        return binary(None);
    };
    let text = guess
        .encoding
        .decode(&head[guess.bom_len.min(head.len())..]);
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let lower: String = start
        .chars()
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    let kind = if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        ContentKind::Html
    } else if looks_like_xml(start) {
        ContentKind::Xml
    } else if looks_like_json(start) {
        ContentKind::Json
    } else if named("csv") || is_table(head, guess, head_is_cut) {
        ContentKind::Csv
    } else if named("json") && (start.starts_with('{') || start.starts_with('[')) {
        ContentKind::Json
    } else {
        ContentKind::Text
    };
    Detection {
        kind,
        encoding: Some(guess.encoding),
        format: None,
        note: None,
        guess: Some(guess),
    }
}

fn is_text_extension(ext: &str) -> bool {
    matches!(
        ext,
        "csv"
            | "tsv"
            | "tab"
            | "psv"
            | "txt"
            | "xml"
            | "json"
            | "jsonl"
            | "log"
            | "md"
            | "html"
            | "htm"
    )
}

fn with_article(name: &str) -> String {
    if name == "binary data" {
        return name.to_owned();
    }
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {name}", if vowel { "an" } else { "a" })
}

fn looks_like_xml(start: &str) -> bool {
    let Some(rest) = start.strip_prefix('<') else {
        return false;
    };
    rest.starts_with("?xml")
        || rest.starts_with("!--")
        || rest.starts_with("!DOCTYPE")
        || rest.starts_with("![CDATA[")
        || rest
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
}

fn looks_like_json(start: &str) -> bool {
    let mut chars = start.chars();
    let first = chars.next();
    let next = chars.find(|c| !c.is_whitespace());
    match (first, next) {
        (Some('{'), Some('"' | '}')) => true,
        (Some('['), Some(c)) => {
            matches!(c, '{' | '[' | ']' | '"' | '-' | 't' | 'f' | 'n') || c.is_ascii_digit()
        }
        _ => false,
    }
}

/// Two or more rows that split into the same number (at least 2) of fields.
fn is_table(head: &[u8], guess: EncodingGuess, head_is_cut: bool) -> bool {
    let body = &head[guess.bom_len.min(head.len())..];
    match sniff_delimiter(body, guess.encoding, head_is_cut) {
        Ok(fit) => fit.columns >= 2 && fit.records.len() >= 2 && fit.consistency >= 0.8,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_named_csv_is_binary_with_a_note() {
        let detection = detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", Some("ledger.csv"), false);
        assert_eq!(detection.kind, ContentKind::Binary);
        assert_eq!(detection.format.as_deref(), Some("PDF document"));
        assert!(detection.note.unwrap().contains("previewed as binary"));
    }

    #[test]
    fn content_decides_between_xml_json_csv_and_text() {
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><a/>", None, false).kind,
            ContentKind::Xml
        );
        assert_eq!(
            detect(b"  {\"a\": 1}", Some("x.txt"), false).kind,
            ContentKind::Json
        );
        assert_eq!(
            detect(b"a;b\n1;2\n3;4\n", None, false).kind,
            ContentKind::Csv
        );
        assert_eq!(
            detect(b"Dear reader,\nhello.\n", None, false).kind,
            ContentKind::Text
        );
        assert_eq!(
            detect(b"<!DOCTYPE html><p>", None, false).kind,
            ContentKind::Html
        );
    }

    #[test]
    fn a_single_column_file_named_csv_is_a_table() {
        assert_eq!(
            detect(b"name\nx\ny\n", Some("names.CSV"), false).kind,
            ContentKind::Csv
        );
    }
}
