//! A bounded outline of an XML document, streamed: depth, node and attribute limits, no DTD processing,
//! entity references kept literal, and the line and column of the first error.

use std::io::BufReader;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use serde::Serialize;

use super::doctype::{inspect_doctype, DoctypeReport};
use super::stream::{line_and_column, EventBudget, EventTooLarge, Utf8Transcoder};
use super::{cut_chars, unescape_predefined, xml_encoding};
use crate::error::PreviewError;
use crate::limits::PreviewLimits;
use crate::source::{Coverage, OpenedSource};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XmlAttribute {
    pub name: String,
    pub namespace: Option<String>,
    pub value: String,
    pub cut: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum XmlNode {
    Element {
        /// The qualified name as written (`prefix:local`).
        name: String,
        namespace: Option<String>,
        attributes: Vec<XmlAttribute>,
        /// Attributes past the attribute limit.
        more_attributes: u64,
        /// Written as `<x/>`.
        empty: bool,
    },
    Text {
        text: String,
        cut: bool,
    },
    CData {
        text: String,
        cut: bool,
    },
    Comment {
        text: String,
        cut: bool,
    },
    ProcessingInstruction {
        target: String,
        content: String,
    },
    Doctype {
        text: String,
        cut: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutlineNode {
    /// 0 for the root element and top-level nodes.
    pub depth: u32,
    pub node: XmlNode,
}

/// Why the outline stops before the document does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum OutlineTruncation {
    NodeLimit {
        nodes: usize,
        at_byte: u64,
    },
    TooDeep {
        depth: usize,
        at_byte: u64,
    },
    EventTooLarge {
        limit_bytes: u64,
        at_byte: u64,
    },
    PrefixEnd {
        available_bytes: u64,
        total_bytes: Option<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XmlSyntaxError {
    pub message: String,
    pub line: u64,
    pub column: u64,
    /// Offset in the UTF-8 text.
    pub byte_offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XmlOutline {
    pub nodes: Vec<OutlineNode>,
    pub encoding: String,
    pub declaration: Option<String>,
    pub doctype: Option<DoctypeReport>,
    pub truncated: Option<OutlineTruncation>,
    /// Elements deeper than the depth limit (counted, not listed).
    pub hidden_deep_elements: u64,
    /// Entity references that were not expanded (`&name;` shown literally).
    pub unexpanded_references: u64,
    pub error: Option<XmlSyntaxError>,
    pub coverage: Coverage,
    /// Plain-language notes for each of the above that applies.
    pub notes: Vec<String>,
}

pub(crate) fn outline(
    source: &mut OpenedSource,
    head: &[u8],
    limits: &PreviewLimits,
) -> Result<XmlOutline, PreviewError> {
    let coverage = source.coverage();
    let encoding = xml_encoding(head);
    let mut builder = OutlineBuilder {
        limits,
        outline: XmlOutline {
            nodes: Vec::new(),
            encoding: encoding.name().to_owned(),
            declaration: None,
            doctype: None,
            truncated: None,
            hidden_deep_elements: 0,
            unexpanded_references: 0,
            error: None,
            coverage,
            notes: Vec::new(),
        },
        open: Vec::new(),
        pending_text: None,
        position: 0,
    };
    let error_at = {
        let utf8 = Utf8Transcoder::new(source.reader()?, encoding);
        let budget = EventBudget::new(
            BufReader::with_capacity(64 * 1024, utf8),
            limits.xml_event_bytes,
        );
        let mut reader = NsReader::from_reader(budget);
        reader.config_mut().check_end_names = true;
        builder.run(&mut reader)
    };
    if let Some((message, offset)) = error_at {
        let utf8 = Utf8Transcoder::new(source.reader()?, encoding);
        let (line, column) = line_and_column(utf8, offset);
        builder.outline.error = Some(XmlSyntaxError {
            message,
            line,
            column,
            byte_offset: offset,
        });
    }
    let mut outline = builder.outline;
    outline.notes = describe(&outline, limits);
    Ok(outline)
}

struct OutlineBuilder<'l> {
    limits: &'l PreviewLimits,
    outline: XmlOutline,
    /// Names of the open elements, for "not closed" messages.
    open: Vec<String>,
    pending_text: Option<(String, bool, u32)>,
    /// Where the parser is, for truncation notes.
    position: u64,
}

impl OutlineBuilder<'_> {
    /// Reads events until the end, a limit or an error; returns the error's message and offset.
    fn run<R: std::io::BufRead>(
        &mut self,
        reader: &mut NsReader<EventBudget<R>>,
    ) -> Option<(String, u64)> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            reader.get_mut().reset();
            let before = reader.buffer_position();
            let event = match reader.read_resolved_event_into(&mut buf) {
                Ok((namespace, event)) => (namespace_text(&namespace), event),
                Err(quick_xml::Error::Io(err))
                    if err.get_ref().is_some_and(|e| e.is::<EventTooLarge>()) =>
                {
                    self.flush_text();
                    self.outline.truncated = Some(OutlineTruncation::EventTooLarge {
                        limit_bytes: self.limits.xml_event_bytes,
                        at_byte: before,
                    });
                    return None;
                }
                Err(err) => {
                    self.flush_text();
                    return Some((error_message(&err), reader.error_position()));
                }
            };
            self.position = reader.buffer_position();
            let depth = self.open.len() as u32;
            match event {
                (namespace, Event::Start(start)) => {
                    self.flush_text();
                    let element = self.element(reader, namespace, &start, false);
                    let element = match element {
                        Ok(element) => element,
                        Err(message) => return Some((message, before)),
                    };
                    self.push(depth, element);
                    self.open
                        .push(String::from_utf8_lossy(start.name().as_ref()).into_owned());
                    if self.open.len() > self.limits.xml_depth.saturating_mul(16).max(1) {
                        self.outline.truncated = Some(OutlineTruncation::TooDeep {
                            depth: self.open.len(),
                            at_byte: reader.buffer_position(),
                        });
                        return None;
                    }
                }
                (namespace, Event::Empty(start)) => {
                    self.flush_text();
                    match self.element(reader, namespace, &start, true) {
                        Ok(element) => self.push(depth, element),
                        Err(message) => return Some((message, before)),
                    }
                }
                (_, Event::End(_)) => {
                    self.flush_text();
                    self.open.pop();
                }
                (_, Event::Text(text)) => {
                    let text = String::from_utf8_lossy(text.as_ref());
                    self.append_text(depth, &unescape_predefined(&text));
                }
                (_, Event::GeneralRef(reference)) => {
                    let literal = self.reference(&reference);
                    self.append_text(depth, &literal);
                }
                (_, Event::CData(data)) => {
                    self.flush_text();
                    let (text, cut) =
                        cut_chars(&String::from_utf8_lossy(&data), self.limits.xml_text_chars);
                    self.push(depth, XmlNode::CData { text, cut });
                }
                (_, Event::Comment(comment)) => {
                    self.flush_text();
                    let raw = String::from_utf8_lossy(comment.as_ref());
                    let (text, cut) = cut_chars(raw.trim(), self.limits.xml_text_chars);
                    self.push(depth, XmlNode::Comment { text, cut });
                }
                (_, Event::PI(pi)) => {
                    self.flush_text();
                    let target = String::from_utf8_lossy(pi.target()).into_owned();
                    let (content, _) = cut_chars(
                        String::from_utf8_lossy(pi.content()).trim(),
                        self.limits.xml_text_chars,
                    );
                    self.push(depth, XmlNode::ProcessingInstruction { target, content });
                }
                (_, Event::Decl(decl)) => {
                    let raw = String::from_utf8_lossy(decl.as_ref());
                    self.outline.declaration = Some(cut_chars(raw.trim(), 200).0);
                }
                (_, Event::DocType(doctype)) => {
                    self.flush_text();
                    let raw = String::from_utf8_lossy(doctype.as_ref());
                    self.outline.doctype = Some(inspect_doctype(&raw));
                    let (text, cut) = cut_chars(raw.trim(), self.limits.xml_text_chars);
                    self.push(depth, XmlNode::Doctype { text, cut });
                }
                (_, Event::Eof) => {
                    self.flush_text();
                    return self.at_end(reader.buffer_position());
                }
            }
            if self.outline.truncated.is_some() {
                return None;
            }
        }
    }

    fn at_end(&mut self, position: u64) -> Option<(String, u64)> {
        let coverage = self.outline.coverage;
        if coverage.partial {
            self.outline.truncated = Some(OutlineTruncation::PrefixEnd {
                available_bytes: coverage.available_bytes,
                total_bytes: coverage.total_bytes,
            });
            return None;
        }
        if let Some(name) = self.open.last() {
            return Some((
                format!("the document ends before <{name}> is closed"),
                position,
            ));
        }
        if !self
            .outline
            .nodes
            .iter()
            .any(|n| matches!(n.node, XmlNode::Element { .. }))
        {
            return Some(("the document has no root element".to_owned(), position));
        }
        None
    }

    fn element<R>(
        &mut self,
        reader: &NsReader<R>,
        namespace: Option<String>,
        start: &BytesStart<'_>,
        empty: bool,
    ) -> Result<XmlNode, String> {
        let mut attributes = Vec::new();
        let mut more_attributes = 0;
        // Duplicate checks are quadratic in the attribute count; a tag is bounded by bytes, not attributes.
        for attribute in start.attributes().with_checks(false) {
            let attribute = attribute.map_err(|err| format!("malformed attribute: {err}"))?;
            if attributes.len() >= self.limits.xml_attributes {
                more_attributes += 1;
                continue;
            }
            let (resolved, _) = reader.resolve_attribute(attribute.key);
            let value = String::from_utf8_lossy(&attribute.value);
            let (value, cut) = cut_chars(&unescape_predefined(&value), self.limits.xml_text_chars);
            attributes.push(XmlAttribute {
                name: String::from_utf8_lossy(attribute.key.as_ref()).into_owned(),
                namespace: namespace_text(&resolved),
                value,
                cut,
            });
        }
        Ok(XmlNode::Element {
            name: String::from_utf8_lossy(start.name().as_ref()).into_owned(),
            namespace,
            attributes,
            more_attributes,
            empty,
        })
    }

    fn reference(&mut self, reference: &BytesRef<'_>) -> String {
        if let Ok(Some(c)) = reference.resolve_char_ref() {
            return c.to_string();
        }
        let name = String::from_utf8_lossy(reference.as_ref());
        match name.as_ref() {
            "lt" => "<".to_owned(),
            "gt" => ">".to_owned(),
            "amp" => "&".to_owned(),
            "quot" => "\"".to_owned(),
            "apos" => "'".to_owned(),
            _ => {
                self.outline.unexpanded_references += 1;
                format!("&{name};")
            }
        }
    }

    fn append_text(&mut self, depth: u32, piece: &str) {
        let limit = self.limits.xml_text_chars;
        let (text, cut, _) = self
            .pending_text
            .get_or_insert_with(|| (String::new(), false, depth));
        if *cut {
            return;
        }
        text.push_str(piece);
        if text.chars().nth(limit).is_some() {
            let (kept, _) = cut_chars(text, limit);
            *text = kept;
            *cut = true;
        }
    }

    fn flush_text(&mut self) {
        if let Some((text, cut, depth)) = self.pending_text.take() {
            let trimmed = text.trim();
            if !trimmed.is_empty() {
                let text = trimmed.to_owned();
                self.push(depth, XmlNode::Text { text, cut });
            }
        }
    }

    fn push(&mut self, depth: u32, node: XmlNode) {
        if self.outline.truncated.is_some() {
            return;
        }
        if depth as usize >= self.limits.xml_depth {
            if matches!(node, XmlNode::Element { .. }) {
                self.outline.hidden_deep_elements += 1;
            }
            return;
        }
        if self.outline.nodes.len() >= self.limits.xml_nodes {
            self.outline.truncated = Some(OutlineTruncation::NodeLimit {
                nodes: self.outline.nodes.len(),
                at_byte: self.position,
            });
            return;
        }
        self.outline.nodes.push(OutlineNode { depth, node });
    }
}

fn namespace_text(resolved: &ResolveResult<'_>) -> Option<String> {
    match resolved {
        ResolveResult::Bound(namespace) => {
            Some(String::from_utf8_lossy(namespace.as_ref()).into_owned())
        }
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

fn error_message(err: &quick_xml::Error) -> String {
    match err {
        quick_xml::Error::IllFormed(ill) => ill.to_string(),
        quick_xml::Error::Syntax(syntax) => syntax.to_string(),
        other => other.to_string(),
    }
}

fn describe(outline: &XmlOutline, limits: &PreviewLimits) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(refusal) = outline.doctype.as_ref().and_then(|d| d.refusal.clone()) {
        notes.push(refusal);
    }
    if outline.unexpanded_references > 0 && outline.doctype.is_none() {
        notes.push(format!(
            "{} reference(s) to undeclared entities are shown as literal text",
            outline.unexpanded_references
        ));
    }
    if outline.hidden_deep_elements > 0 {
        notes.push(format!(
            "truncated: {} element(s) nested deeper than {} levels are not shown",
            outline.hidden_deep_elements, limits.xml_depth
        ));
    }
    match &outline.truncated {
        Some(OutlineTruncation::NodeLimit { nodes, .. }) => notes.push(format!(
            "truncated: the outline stops after {nodes} nodes; open the raw view or download the file to see the rest"
        )),
        Some(OutlineTruncation::TooDeep { depth, .. }) => notes.push(format!(
            "truncated: elements are nested {depth} levels deep; the outline stops there"
        )),
        Some(OutlineTruncation::EventTooLarge { limit_bytes, .. }) => notes.push(format!(
            "truncated: a single tag, text or comment is longer than {}; the outline stops there",
            crate::human_bytes(*limit_bytes)
        )),
        Some(OutlineTruncation::PrefixEnd { .. }) => {
            notes.push(crate::csv::partial_note(&outline.coverage))
        }
        None => {}
    }
    if let Some(error) = &outline.error {
        notes.push(format!(
            "not well-formed at line {}, column {}: {}; the outline shows what parsed before it",
            error.line, error.column, error.message
        ));
    }
    notes
}
