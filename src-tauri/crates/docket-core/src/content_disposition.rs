//! The file name in a `Content-Disposition` header (RFC 6266), preferring `filename*` (RFC 5987) over `filename`.

use percent_encoding::percent_decode_str;

/// The suggested file name, unsanitised; `None` when the header names none.
pub fn file_name(header: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (key, value) in parameters(header) {
        match key.to_ascii_lowercase().as_str() {
            "filename*" => extended = extended.or_else(|| decode_extended(&value)),
            "filename" => plain = plain.or(Some(value)),
            _ => {}
        }
    }
    extended.or(plain).filter(|name| !name.is_empty())
}

/// Splits `attachment; a=b; c="d; e"` into key/value pairs, unquoting quoted strings.
fn parameters(header: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = header;
    // Skip the disposition type.
    match rest.find(';') {
        Some(at) => rest = &rest[at + 1..],
        None => return pairs,
    }
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            break;
        }
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_owned();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut text = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((at, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            text.push(escaped);
                        }
                    }
                    '"' => {
                        end = at + 1;
                        break;
                    }
                    c => text.push(c),
                }
            }
            value = text;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        pairs.push((key, value));
    }
    pairs
}

/// `UTF-8''%E2%82%AC%20rates.pdf` → `€ rates.pdf`; ISO-8859-1 is decoded byte for byte.
fn decode_extended(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?.trim();
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_decode_str(encoded).collect();
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else if charset.eq_ignore_ascii_case("iso-8859-1") {
        Some(bytes.into_iter().map(char::from).collect())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_quoted_plain_filename() {
        assert_eq!(
            file_name("attachment; filename=\"document-name.pdf\"").as_deref(),
            Some("document-name.pdf")
        );
    }

    #[test]
    fn prefers_the_extended_utf8_form() {
        let header = "attachment; filename=\"rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf";
        assert_eq!(file_name(header).as_deref(), Some("€ rates.pdf"));
    }

    #[test]
    fn reads_the_extended_form_alone_as_the_study_creator_sends_it() {
        let header = "attachment; filename*=UTF-8''FV_TMMKQH14_Zo%C3%AB%20data.csv";
        assert_eq!(
            file_name(header).as_deref(),
            Some("FV_TMMKQH14_Zoë data.csv")
        );
    }

    #[test]
    fn unquotes_escaped_quotes_and_keeps_semicolons_inside_quotes() {
        assert_eq!(
            file_name(r#"attachment; filename="a \"b\"; c.txt""#).as_deref(),
            Some(r#"a "b"; c.txt"#)
        );
    }

    #[test]
    fn a_header_without_a_name_gives_none() {
        assert_eq!(file_name("inline"), None);
        assert_eq!(file_name("attachment; size=3"), None);
    }

    #[test]
    fn iso_8859_1_is_decoded_byte_for_byte() {
        assert_eq!(
            file_name("attachment; filename*=iso-8859-1'en'caf%E9.txt").as_deref(),
            Some("café.txt")
        );
    }
}
