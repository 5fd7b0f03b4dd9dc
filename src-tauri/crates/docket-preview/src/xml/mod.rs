//! XML: a bounded outline and a pretty-printed raw view, both streamed, neither processing the DTD.

mod doctype;
mod outline;
mod pretty;
mod stream;

pub use doctype::{DeclaredEntity, DoctypeReport};
pub use outline::{
    OutlineNode, OutlineTruncation, XmlAttribute, XmlNode, XmlOutline, XmlSyntaxError,
};
pub use pretty::PrettyXml;

pub(crate) use outline::outline;
pub(crate) use pretty::pretty_print;

use encoding_rs::Encoding;

use crate::encoding::guess_encoding;

/// The encoding from a BOM or NUL pattern, else from the XML declaration, else UTF-8.
pub(crate) fn xml_encoding(head: &[u8]) -> &'static Encoding {
    if let Some(guess) = guess_encoding(head) {
        if guess.bom_len > 0 || guess.encoding.unit_width() == 2 {
            return guess.encoding.encoding();
        }
    }
    declared_encoding(head).unwrap_or(encoding_rs::UTF_8)
}

fn declared_encoding(head: &[u8]) -> Option<&'static Encoding> {
    let start = head.get(..head.len().min(512))?;
    if !start.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(start, b"?>")?;
    let decl = &start[..end];
    let at = memchr::memmem::find(decl, b"encoding")?;
    let rest = &decl[at + b"encoding".len()..];
    let quote_at = rest.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = rest[quote_at];
    let value = &rest[quote_at + 1..];
    let label = &value[..value.iter().position(|&b| b == quote)?];
    let encoding = Encoding::for_label(label)?;
    // A declaration saying UTF-16 in bytes that read as ASCII is wrong about itself.
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return None;
    }
    Some(encoding)
}

/// At most `limit` characters of `text`, and whether it was cut.
pub(crate) fn cut_chars(text: &str, limit: usize) -> (String, bool) {
    match text.char_indices().nth(limit) {
        Some((byte, _)) => (text[..byte].to_owned(), true),
        None => (text.to_owned(), false),
    }
}

/// Resolves the five predefined entities and character references; any other `&name;` stays literal.
pub(crate) fn unescape_predefined(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 32);
        let replacement = end.and_then(|end| resolve_reference(&rest[1..end]));
        match (end, replacement) {
            (Some(end), Some(c)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn resolve_reference(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_and_character_references_resolve_and_others_stay_literal() {
        assert_eq!(
            unescape_predefined("a &lt; b &amp;&#65;&#x42; &lol9; & x"),
            "a < b &AB &lol9; & x"
        );
    }

    #[test]
    fn the_declaration_names_the_encoding() {
        let head = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>";
        assert_eq!(xml_encoding(head), encoding_rs::WINDOWS_1252);
        assert_eq!(xml_encoding(b"<a/>"), encoding_rs::UTF_8);
    }
}
