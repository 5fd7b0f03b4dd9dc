//! A minimal Word document: the three parts Word needs ([Content_Types].xml, the package relationships and
//! word/document.xml), in a stored zip.

use super::xml_escape;
use super::zip::StoredZip;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// One paragraph per entry of `paragraphs`.
pub fn document(paragraphs: &[&str]) -> Vec<u8> {
    let mut body = String::new();
    for paragraph in paragraphs {
        body.push_str(&format!(
            r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            xml_escape(paragraph)
        ));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut zip = StoredZip::default();
    zip.add("[Content_Types].xml", CONTENT_TYPES.as_bytes());
    zip.add("_rels/.rels", RELATIONSHIPS.as_bytes());
    zip.add("word/document.xml", document.as_bytes());
    zip.finish()
}

#[cfg(test)]
mod tests {
    use super::super::zip::read_stored;
    use super::*;

    #[test]
    fn a_docx_is_a_zip_with_the_parts_word_needs() {
        let names: Vec<String> = read_stored(&document(&["Hello"]))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(
            names,
            ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
        );
    }

    #[test]
    fn each_paragraph_lands_escaped_in_the_document_part() {
        let entries = read_stored(&document(&["Terms & conditions", "Zoë <signed>"]));
        let body = String::from_utf8(entries[2].1.clone()).unwrap();
        assert!(body.contains(">Terms &amp; conditions</w:t>"), "{body}");
        assert!(body.contains(">Zoë &lt;signed&gt;</w:t>"), "{body}");
    }
}
