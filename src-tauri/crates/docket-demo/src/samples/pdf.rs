//! PDFs of one or more pages, each with a title and lines of text in Helvetica, with a correct cross-reference
//! table.

/// One page. `title` and `lines` should be ASCII: the built-in font's encoding covers little else.
pub fn document(title: &str, lines: &[&str]) -> Vec<u8> {
    pages(title, &[lines])
}

/// One page per item of `pages`, each headed by `title` and its page number when there are several.
pub fn pages(title: &str, pages: &[&[&str]]) -> Vec<u8> {
    const FIRST_PAGE_OBJECT: usize = 5;
    let page_refs: Vec<String> = (0..pages.len())
        .map(|n| format!("{} 0 R", FIRST_PAGE_OBJECT + 2 * n))
        .collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            page_refs.join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Title ({}) /Producer (Docket demo) >>", escape(title)),
    ];
    for (n, lines) in pages.iter().enumerate() {
        let heading = if pages.len() > 1 {
            format!("{title} - page {} of {}", n + 1, pages.len())
        } else {
            title.to_owned()
        };
        let mut text = format!("BT /F1 18 Tf 72 720 Td ({}) Tj /F1 12 Tf", escape(&heading));
        for line in lines.iter() {
            text.push_str(&format!(" 0 -22 Td ({}) Tj", escape(line)));
        }
        text.push_str(" ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
             /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            FIRST_PAGE_OBJECT + 2 * n + 1
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{text}\nendstream",
            text.len()
        ));
    }

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
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
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

    fn startxref(pdf: &[u8]) -> usize {
        String::from_utf8_lossy(pdf)
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    #[test]
    fn every_xref_entry_points_at_its_object() {
        let pdf = pages("Title", &[&["one", "two (2)"], &["three"]]);
        let startxref = startxref(&pdf);
        assert!(pdf[startxref..].starts_with(b"xref\n0 9\n"));
        let tail = std::str::from_utf8(&pdf[startxref..]).unwrap();
        let entries = tail.lines().skip(3).take(8);
        let mut checked = 0;
        for (index, entry) in entries.enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj\n", index + 1);
            assert!(
                pdf[offset..].starts_with(header.as_bytes()),
                "object {}",
                index + 1
            );
            checked += 1;
        }
        assert_eq!(checked, 8);
    }

    #[test]
    fn a_report_of_three_pages_lists_three_page_objects_each_with_its_own_text() {
        let pdf = pages("Report", &[&["first"], &["second"], &["third"]]);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Kids [5 0 R 7 0 R 9 0 R] /Count 3"));
        assert_eq!(text.matches("/Type /Page ").count(), 3);
        assert!(find(&pdf, b"(Report - page 2 of 3) Tj").is_some());
        assert!(pdf[startxref(&pdf)..].starts_with(b"xref\n0 11\n"));
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
