//! A small element tree read with quick-xml: infoRouter answers are short XML fragments whose meaning sits in
//! attributes and a few child elements, so a tree is simpler to query than a stream of events.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use docket_core::ProviderError;

/// The deepest element nesting an answer may have. infoRouter answers are a few levels deep (a SOAP envelope
/// around `<response><Versions><Version><CheckSum>` is six); a tree much deeper is hostile, and dropping or
/// cloning one recurses once per level, so a deep enough one would overflow the stack.
pub(super) const MAX_DEPTH: usize = 64;

/// The most elements and attributes one answer may hold. An answer is read whole (up to the API body limit),
/// and each `<a/>` of four bytes costs about a hundred once it is an element: a body of nothing but empty
/// elements or attributes would cost gigabytes. Real answers (a page of 20 items, a document's versions) hold
/// hundreds.
pub(super) const MAX_NODES: usize = 200_000;

/// The most attributes one element may have (infoRouter's carry about a dozen).
const MAX_ATTRIBUTES: usize = 1024;

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
        let mut nodes = 0usize;
        let mut count = |element: &Element| {
            nodes += 1 + element.attributes.len();
            if nodes > MAX_NODES {
                Err(ProviderError::protocol(format!(
                    "the server's XML answer holds more than {MAX_NODES} elements and attributes"
                )))
            } else {
                Ok(())
            }
        };
        loop {
            let event = reader
                .read_event()
                .map_err(|err| malformed(&reader, &err.to_string()))?;
            match event {
                Event::Start(start) => {
                    if open.len() >= MAX_DEPTH {
                        return Err(ProviderError::protocol(format!(
                            "the server's XML answer nests elements more than {MAX_DEPTH} deep"
                        )));
                    }
                    let element = start_element(&reader, &start)?;
                    count(&element)?;
                    open.push(element);
                }
                Event::Empty(start) => {
                    let element = start_element(&reader, &start)?;
                    count(&element)?;
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
        if attributes.len() >= MAX_ATTRIBUTES {
            return Err(malformed(
                reader,
                &format!("an element with more than {MAX_ATTRIBUTES} attributes"),
            ));
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
    fn an_answer_nested_100000_deep_is_refused_without_overflowing_the_stack() {
        let depth = 100_000;
        let xml = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        // A thread with a small stack, as tokio's workers have: the tree must never be built that deep.
        let outcome = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || Element::parse(&xml))
            .unwrap()
            .join()
            .expect("parsing did not overflow the stack");
        let err = outcome.unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
        assert!(err.message().contains("more than 64 deep"), "{err}");
    }

    #[test]
    fn an_answer_exactly_as_deep_as_allowed_is_read() {
        let xml = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(Element::parse(&xml).is_ok());
    }

    #[test]
    fn an_answer_of_a_million_empty_elements_is_refused_before_it_costs_gigabytes() {
        let xml = format!("<response>{}</response>", "<a/>".repeat(1_000_000));
        let err = Element::parse(&xml).unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
        assert!(err.message().contains("more than 200000 elements"), "{err}");
    }

    #[test]
    fn an_element_with_thousands_of_attributes_is_refused() {
        let attributes: String = (0..5000).map(|i| format!(" a{i}=\"\"")).collect();
        let err = Element::parse(&format!("<response{attributes}/>")).unwrap_err();
        assert!(err.message().contains("more than 1024 attributes"), "{err}");
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
