//! A one-page PDF with a title and lines of text in Helvetica, with a correct cross-reference table.

/// `title` and `lines` should be ASCII: the built-in font's encoding covers little else.
pub fn document(title: &str, lines: &[&str]) -> Vec<u8> {
    let mut text = format!("BT /F1 18 Tf 72 720 Td ({}) Tj /F1 12 Tf", escape(title));
    for line in lines {
        text.push_str(&format!(" 0 -22 Td ({}) Tj", escape(line)));
    }
    text.push_str(" ET");

    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
         /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Title ({}) /Producer (Docket demo) >>", escape(title)),
    ];

    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", index + 1).as_bytes());
    }
    let xref_at = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn a_pdf_starts_with_its_header_and_ends_with_eof() {
        let pdf = document("Q1 Report", &["Revenue up"]);
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
    }

    #[test]
    fn every_xref_entry_points_at_its_object() {
        let pdf = document("Title", &["one", "two (2)"]);
        let text = String::from_utf8_lossy(&pdf);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[startxref..].starts_with(b"xref\n0 7\n"));
        let tail = std::str::from_utf8(&pdf[startxref..]).unwrap();
        let entries = tail.lines().skip(3).take(6);
        for (index, entry) in entries.enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj\n", index + 1);
            assert!(
                pdf[offset..].starts_with(header.as_bytes()),
                "object {}",
                index + 1
            );
        }
    }

    #[test]
    fn the_text_appears_with_parentheses_escaped() {
        let pdf = document("Title", &["two (2)"]);
        assert!(find(&pdf, br"(two \(2\)) Tj").is_some());
    }

    #[test]
    fn the_stream_length_matches_the_stream_bytes() {
        let pdf = document("T", &["a line"]);
        let text = String::from_utf8_lossy(&pdf);
        let length: usize = text
            .split("/Length ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let start = find(&pdf, b"stream\n").unwrap() + "stream\n".len();
        let end = find(&pdf, b"\nendstream").unwrap();
        assert_eq!(end - start, length);
    }
}
