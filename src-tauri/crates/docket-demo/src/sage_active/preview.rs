//! The HTML pages `previewPath` shows for CSV, XML and text files: a table when the CSV is tabular, an escaped
//! element tree when the XML is well formed, the text in `<pre>` otherwise.

use quick_xml::events::Event;
use quick_xml::Reader;

/// The HTML preview of a file with this extension, or `None` when the file is streamed as it is.
pub fn render(extension: &str, file_name: &str, bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let body = match extension.to_ascii_lowercase().as_str() {
        "csv" => csv_table(&text).unwrap_or_else(|| pre(&text)),
        "xml" => xml_tree(&text).unwrap_or_else(|| pre(&text)),
        "txt" => pre(&text),
        _ => return None,
    };
    Some(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{body}\n</body></html>\n",
        escape(file_name)
    ))
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pre(text: &str) -> String {
    format!("<pre>{}</pre>", escape(text))
}

/// A table with the first record as its header, when every record has the same number (at least two) of fields.
fn csv_table(text: &str) -> Option<String> {
    let records = csv_records(text)?;
    let width = records.first()?.len();
    if width < 2 || records.iter().any(|r| r.len() != width) {
        return None;
    }
    let row = |cells: &[String], tag: &str| -> String {
        let cells: String = cells
            .iter()
            .map(|c| format!("<{tag}>{}</{tag}>", escape(c)))
            .collect();
        format!("<tr>{cells}</tr>\n")
    };
    let head = row(&records[0], "th");
    let body: String = records[1..].iter().map(|r| row(r, "td")).collect();
    Some(format!(
        "<table>\n<thead>{head}</thead>\n<tbody>\n{body}</tbody>\n</table>"
    ))
}

/// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. `None` for an unterminated
/// quote. A final line break does not start an empty record.
fn csv_records(text: &str) -> Option<Vec<Vec<String>>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            c => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Some(records)
}

/// Nested lists of `<element attr="value">` lines and text, everything escaped; `None` for XML that is not
/// well formed.
fn xml_tree(text: &str) -> Option<String> {
    let mut reader = Reader::from_str(text);
    let mut out = String::from("<ul class=\"xml\">\n");
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut seen_root = false;
    // Text arrives in pieces split at entity references; it is shown once the next markup starts.
    let mut pending = String::new();
    loop {
        let event = reader.read_event().ok()?;
        match &event {
            Event::Text(_) | Event::GeneralRef(_) => {}
            _ => flush_text(&mut pending, &mut out),
        }
        match event {
            Event::Start(start) => {
                out.push_str(&format!("<li>{}<ul>\n", escape(&tag_text(&start)?)));
                open.push(start.name().as_ref().to_vec());
                seen_root = true;
            }
            Event::Empty(start) => {
                out.push_str(&format!("<li>{}</li>\n", escape(&tag_text(&start)?)));
                seen_root = true;
            }
            Event::End(end) => {
                if open.pop().as_deref() != Some(end.name().as_ref()) {
                    return None;
                }
                let close = format!("</{}>", String::from_utf8_lossy(end.name().as_ref()));
                out.push_str(&format!("</ul>{}</li>\n", escape(&close)));
            }
            Event::Text(piece) => pending.push_str(&piece.decode().ok()?),
            Event::GeneralRef(reference) => {
                if let Some(c) = reference.resolve_char_ref().ok()? {
                    pending.push(c);
                } else {
                    let name = reference.decode().ok()?;
                    pending.push_str(quick_xml::escape::resolve_predefined_entity(&name)?);
                }
            }
            Event::CData(data) => {
                let text = String::from_utf8_lossy(&data).into_owned();
                out.push_str(&format!("<li><code>{}</code></li>\n", escape(&text)));
            }
            Event::Comment(comment) => {
                let text = format!("<!-- {} -->", String::from_utf8_lossy(&comment).trim());
                out.push_str(&format!("<li>{}</li>\n", escape(&text)));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() || !seen_root {
        return None;
    }
    out.push_str("</ul>");
    Some(out)
}

fn flush_text(pending: &mut String, out: &mut String) {
    let text = std::mem::take(pending);
    if !text.trim().is_empty() {
        out.push_str(&format!("<li>{}</li>\n", escape(text.trim())));
    }
}

/// `<name a="1" b="2">` as text, attribute values unescaped.
fn tag_text(start: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    let mut text = format!("<{}", String::from_utf8_lossy(start.name().as_ref()));
    for attribute in start.attributes() {
        let attribute = attribute.ok()?;
        let value = attribute.unescape_value().ok()?;
        text.push_str(&format!(
            " {}=\"{}\"",
            String::from_utf8_lossy(attribute.key.as_ref()),
            value
        ));
    }
    text.push('>');
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_with_quoted_commas_quotes_and_line_breaks_becomes_a_table() {
        let csv = "name,note\r\n\"Zoë, M.\",\"said \"\"hi\"\"\nthen left\"\r\nJürgen,<b>\r\n";
        let page = render("csv", "people.csv", csv.as_bytes()).unwrap();
        assert!(
            page.contains("<thead><tr><th>name</th><th>note</th></tr>"),
            "{page}"
        );
        assert!(
            page.contains("<td>Zoë, M.</td><td>said &quot;hi&quot;\nthen left</td>"),
            "{page}"
        );
        assert!(page.contains("<td>&lt;b&gt;</td>"), "{page}");
    }

    #[test]
    fn a_ragged_csv_is_shown_as_text() {
        let page = render("csv", "x.csv", b"a,b\n1\n").unwrap();
        assert!(page.contains("<pre>a,b\n1\n</pre>"), "{page}");
        assert!(!page.contains("<table>"));
    }

    #[test]
    fn well_formed_xml_becomes_an_escaped_tree() {
        let xml = r#"<?xml version="1.0"?><catalog xmlns:s="urn:s"><!-- c --><s:item id="1&amp;2">A &lt;b&gt;</s:item><e/><![CDATA[<raw>]]></catalog>"#;
        let page = render("xml", "c.xml", xml.as_bytes()).unwrap();
        assert!(
            page.contains("<li>&lt;catalog xmlns:s=&quot;urn:s&quot;&gt;<ul>"),
            "{page}"
        );
        assert!(
            page.contains("&lt;s:item id=&quot;1&amp;2&quot;&gt;"),
            "{page}"
        );
        assert!(page.contains("<li>A &lt;b&gt;</li>"), "{page}");
        assert!(page.contains("<code>&lt;raw&gt;</code>"), "{page}");
        assert!(page.contains("&lt;/catalog&gt;"), "{page}");
        assert!(!page.contains("<s:item"), "{page}");
    }

    #[test]
    fn broken_xml_is_shown_as_text() {
        let page = render("xml", "b.xml", b"<a><b></a>").unwrap();
        assert!(
            page.contains("<pre>&lt;a&gt;&lt;b&gt;&lt;/a&gt;</pre>"),
            "{page}"
        );
    }

    #[test]
    fn text_is_escaped_inside_pre_and_other_types_have_no_preview() {
        let page = render("txt", "n.txt", "1 < 2 & ü".as_bytes()).unwrap();
        assert!(page.contains("<pre>1 &lt; 2 &amp; ü</pre>"), "{page}");
        assert!(render("pdf", "a.pdf", b"%PDF").is_none());
    }
}
