//! The raw view: the document's own markup re-indented, one element per line, entity references left as
//! written, bounded in lines and line length.

use std::io::BufReader;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::Serialize;

use super::outline::XmlSyntaxError;
use super::stream::{line_and_column, EventBudget, EventTooLarge, Utf8Transcoder};
use super::xml_encoding;
use crate::error::PreviewError;
use crate::limits::PreviewLimits;
use crate::source::OpenedSource;

const INDENT: &str = "  ";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrettyXml {
    pub lines: Vec<String>,
    /// The view stops before the document ends (line limit, event limit or the end of a prefix).
    pub truncated: bool,
    /// Lines cut at the line length limit.
    pub cut_lines: u64,
    pub error: Option<XmlSyntaxError>,
}

struct Printer<'l> {
    limits: &'l PreviewLimits,
    lines: Vec<String>,
    cut_lines: u64,
    /// A start tag whose children have not been seen yet: `<a>text</a>` stays on one line.
    open_line: Option<String>,
    depth: usize,
}

impl Printer<'_> {
    fn full(&self) -> bool {
        self.lines.len() >= self.limits.text_lines
    }

    fn emit(&mut self, depth: usize, text: &str) {
        for line in text.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() || self.full() {
                continue;
            }
            let mut shown = INDENT.repeat(depth.min(40));
            shown.push_str(line.trim_start());
            if let Some((byte, _)) = shown.char_indices().nth(self.limits.line_chars) {
                shown.truncate(byte);
                shown.push('…');
                self.cut_lines += 1;
            }
            self.lines.push(shown);
        }
    }

    fn flush_open(&mut self) {
        if let Some(line) = self.open_line.take() {
            self.emit(self.depth.saturating_sub(1), &line);
        }
    }

    fn inline(&mut self, text: &str) {
        match &mut self.open_line {
            // Text directly inside a just-opened element joins its line, if short.
            Some(line) if line.len() + text.len() <= self.limits.line_chars => {
                let just_opened = line.ends_with('>');
                line.push_str(if just_opened { text.trim_start() } else { text });
            }
            _ => {
                self.flush_open();
                self.emit(self.depth, text.trim());
            }
        }
    }
}

pub(crate) fn pretty_print(
    source: &mut OpenedSource,
    head: &[u8],
    limits: &PreviewLimits,
) -> Result<PrettyXml, PreviewError> {
    let encoding = xml_encoding(head);
    let partial = source.coverage().partial;
    let mut printer = Printer {
        limits,
        lines: Vec::new(),
        cut_lines: 0,
        open_line: None,
        depth: 0,
    };
    let mut truncated = false;
    let mut error_at = None;
    {
        let utf8 = Utf8Transcoder::new(source.reader()?, encoding);
        let budget = EventBudget::new(
            BufReader::with_capacity(64 * 1024, utf8),
            limits.xml_event_bytes,
        );
        let mut reader = Reader::from_reader(budget);
        let mut buf = Vec::new();
        loop {
            if printer.full() {
                truncated = true;
                break;
            }
            buf.clear();
            reader.get_mut().reset();
            let event = match reader.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(quick_xml::Error::Io(err))
                    if err.get_ref().is_some_and(|e| e.is::<EventTooLarge>()) =>
                {
                    truncated = true;
                    break;
                }
                Err(err) => {
                    error_at = Some((err.to_string(), reader.error_position()));
                    break;
                }
            };
            let raw = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
            match event {
                Event::Start(start) => {
                    printer.flush_open();
                    printer.open_line = Some(format!("<{}>", raw(&start)));
                    printer.depth += 1;
                }
                Event::End(end) => {
                    printer.depth = printer.depth.saturating_sub(1);
                    let close = format!("</{}>", raw(&end));
                    match printer.open_line.take() {
                        Some(mut line) => {
                            line.truncate(line.trim_end().len());
                            line.push_str(&close);
                            printer.emit(printer.depth, &line);
                        }
                        None => printer.emit(printer.depth, &close),
                    }
                }
                Event::Empty(empty) => {
                    printer.flush_open();
                    printer.emit(printer.depth, &format!("<{}/>", raw(&empty)));
                }
                Event::Text(text) => {
                    let text = raw(&text);
                    if !text.trim().is_empty() {
                        printer.inline(&text);
                    }
                }
                Event::GeneralRef(reference) => printer.inline(&format!("&{};", raw(&reference))),
                Event::CData(data) => {
                    printer.flush_open();
                    printer.emit(printer.depth, &format!("<![CDATA[{}]]>", raw(&data)));
                }
                Event::Comment(comment) => {
                    printer.flush_open();
                    printer.emit(printer.depth, &format!("<!--{}-->", raw(&comment)));
                }
                Event::PI(pi) => {
                    printer.flush_open();
                    printer.emit(printer.depth, &format!("<?{}?>", raw(&pi)));
                }
                Event::Decl(decl) => printer.emit(0, &format!("<?{}?>", raw(&decl))),
                Event::DocType(doctype) => {
                    printer.emit(0, &format!("<!DOCTYPE {}>", raw(&doctype)));
                }
                Event::Eof => {
                    truncated = partial;
                    break;
                }
            }
        }
        printer.flush_open();
    }
    let error = match error_at {
        Some((message, offset)) => {
            let (line, column) =
                line_and_column(Utf8Transcoder::new(source.reader()?, encoding), offset);
            Some(XmlSyntaxError {
                message,
                line,
                column,
                byte_offset: offset,
            })
        }
        None => None,
    };
    Ok(PrettyXml {
        lines: printer.lines,
        truncated,
        cut_lines: printer.cut_lines,
        error,
    })
}
