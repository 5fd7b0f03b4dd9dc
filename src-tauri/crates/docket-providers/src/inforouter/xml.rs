//! A small element tree read with quick-xml: infoRouter answers are short XML fragments whose meaning sits in
//! attributes and a few child elements, so a tree is simpler to query than a stream of events.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use docket_core::ProviderError;

/// One XML element: its local name, attributes (entities resolved), text content and child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The element's own character data (CDATA included), concatenated.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// Parses a whole document and returns its root element.
    pub fn parse(xml: &str) -> Result<Element, ProviderError> {
        let mut reader = Reader::from_str(xml);
        let mut open: Vec<Element> = Vec::new();
        let mut root: Option<Element> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|err| malformed(&reader, &err.to_string()))?;
            match event {
                Event::Start(start) => open.push(start_element(&reader, &start)?),
                Event::Empty(start) => {
                    let element = start_element(&reader, &start)?;
                    close(&mut open, &mut root, element);
                }
                Event::End(_) => {
                    let element = open
                        .pop()
                        .ok_or_else(|| malformed(&reader, "an end tag without a start tag"))?;
                    close(&mut open, &mut root, element);
                }
                Event::Text(text) => {
                    if let Some(current) = open.last_mut() {
                        let decoded = text
                            .decode()
                            .map_err(|err| malformed(&reader, &err.to_string()))?;
                        current.text.push_str(&decoded);
                    }
                }
                Event::CData(data) => {
                    if let Some(current) = open.last_mut() {
                        let decoded = data
                            .decode()
                            .map_err(|err| malformed(&reader, &err.to_string()))?;
                        current.text.push_str(&decoded);
                    }
                }
                Event::GeneralRef(reference) => {
                    if let Some(current) = open.last_mut() {
                        let resolved = resolve_reference(&reference)
                            .ok_or_else(|| malformed(&reader, "an unknown entity reference"))?;
                        current.text.push_str(&resolved);
                    }
                }
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if !open.is_empty() {
            return Err(ProviderError::protocol(
                "the server's XML answer ends before its elements are closed",
            ));
        }
        root.ok_or_else(|| ProviderError::protocol("the server's answer holds no XML element"))
    }

    /// The value of an attribute; names are matched ignoring ASCII case, as server versions differ in case.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The first of `names` that is present: servers of different versions name the same field differently.
    pub fn attr_any(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| self.attr(name))
    }

    /// The first child element called `name` (ASCII case ignored).
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|child| child.name.eq_ignore_ascii_case(name))
    }

    /// The trimmed text of the child element `name`, when present and not empty.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|child| child.text.trim())
            .filter(|text| !text.is_empty())
    }

    /// Whether this element is called `name` (ASCII case ignored).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

pub(super) fn start_element(
    reader: &Reader<&[u8]>,
    start: &BytesStart<'_>,
) -> Result<Element, ProviderError> {
    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|err| malformed(reader, &err.to_string()))?;
        let key = attribute.key;
        if key.as_ref() == b"xmlns" || key.prefix().is_some_and(|p| p.as_ref() == b"xmlns") {
            continue;
        }
        let value = attribute
            .decode_and_unescape_value(reader.decoder())
            .map_err(|err| malformed(reader, &err.to_string()))?;
        attributes.push((
            String::from_utf8_lossy(key.local_name().as_ref()).into_owned(),
            value.into_owned(),
        ));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

/// Attaches a finished element to its parent, or makes it the root.
fn close(open: &mut [Element], root: &mut Option<Element>, element: Element) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        // Only the first top-level element counts; well-formed answers have exactly one.
        None => {
            if root.is_none() {
                *root = Some(element);
            }
        }
    }
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Some(c.to_string());
    }
    let name = reference.decode().ok()?;
    quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
}

fn malformed(reader: &Reader<&[u8]>, detail: &str) -> ProviderError {
    ProviderError::protocol(format!(
        "the server's XML answer is malformed near byte {}: {detail}",
        reader.buffer_position()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_text_and_children_are_read_with_entities_resolved() {
        let root = Element::parse(
            r#"<?xml version="1.0" encoding="utf-8"?>
            <response success="true" error="" name="R&amp;D &#233;">
              <Versions><Version Number="1000000"><CheckSum>ab&lt;cd</CheckSum></Version></Versions>
            </response>"#,
        )
        .unwrap();
        assert!(root.is("response"));
        assert_eq!(root.attr("SUCCESS"), Some("true"));
        assert_eq!(root.attr("name"), Some("R&D é"));
        let version = root.child("Versions").unwrap().child("version").unwrap();
        assert_eq!(version.attr("Number"), Some("1000000"));
        assert_eq!(version.child_text("CheckSum"), Some("ab<cd"));
    }

    #[test]
    fn namespaces_are_dropped_from_names_and_xmlns_attributes_are_skipped() {
        let root = Element::parse(
            r#"<string xmlns="http://tempuri.org/" xmlns:a="x" a:id="7">text</string>"#,
        )
        .unwrap();
        assert_eq!(root.name, "string");
        assert_eq!(root.attributes, vec![("id".to_owned(), "7".to_owned())]);
        assert_eq!(root.text, "text");
    }

    #[test]
    fn truncated_or_empty_answers_are_protocol_errors() {
        assert!(matches!(
            Element::parse(r#"<response success="true"><d id="1">"#),
            Err(ProviderError::Protocol { .. })
        ));
        assert!(matches!(
            Element::parse("   "),
            Err(ProviderError::Protocol { .. })
        ));
        assert!(matches!(
            Element::parse("<a></b>"),
            Err(ProviderError::Protocol { .. })
        ));
    }
}
