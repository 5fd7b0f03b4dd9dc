//! Plain text and JSON: decoded, bounded in bytes read, lines shown and line length; JSON re-indented.

use serde::Serialize;

use crate::csv::partial_note;
use crate::encoding::EncodingGuess;
use crate::error::PreviewError;
use crate::human_bytes;
use crate::limits::PreviewLimits;
use crate::source::{Coverage, OpenedSource};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextPreview {
    pub lines: Vec<String>,
    pub encoding: String,
    /// Lines cut at the line length limit (marked with `…`).
    pub cut_lines: u64,
    /// More of the document exists than is shown.
    pub truncated: bool,
    /// For JSON: where the text stops being valid JSON.
    pub json_error: Option<JsonError>,
    pub coverage: Coverage,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonError {
    pub message: String,
    pub line: u64,
    pub column: u64,
}

/// Decoded text of at most `limits.text_bytes`, and whether the source has more.
fn read_text(
    source: &mut OpenedSource,
    guess: EncodingGuess,
    limits: &PreviewLimits,
) -> Result<(String, bool), PreviewError> {
    let budget = limits.text_bytes.saturating_add(guess.bom_len as u64);
    let wanted = usize::try_from(source.len().min(budget)).unwrap_or(usize::MAX);
    let bytes = source.head(wanted)?;
    let more = source.len() > bytes.len() as u64;
    let body = &bytes[guess.bom_len.min(bytes.len())..];
    let mut decoder = guess.encoding.encoding().new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length(body.len())
            .unwrap_or(body.len()),
    );
    // Not the last chunk when more follows, so a character cut by the budget is dropped rather than garbled.
    let _ = decoder.decode_to_string(body, &mut text, !more);
    Ok((text, more))
}

struct LineSink<'l> {
    limits: &'l PreviewLimits,
    lines: Vec<String>,
    cut_lines: u64,
    full: bool,
}

impl LineSink<'_> {
    fn push(&mut self, mut line: String) {
        if self.lines.len() >= self.limits.text_lines {
            self.full = true;
            return;
        }
        if let Some((byte, _)) = line.char_indices().nth(self.limits.line_chars) {
            line.truncate(byte);
            line.push('…');
            self.cut_lines += 1;
        }
        self.lines.push(line);
    }
}

pub(crate) fn text_preview(
    source: &mut OpenedSource,
    guess: EncodingGuess,
    limits: &PreviewLimits,
) -> Result<TextPreview, PreviewError> {
    let (text, more) = read_text(source, guess, limits)?;
    let mut sink = LineSink {
        limits,
        lines: Vec::new(),
        cut_lines: 0,
        full: false,
    };
    for line in text.split('\n') {
        if sink.full {
            break;
        }
        sink.push(line.strip_suffix('\r').unwrap_or(line).to_owned());
    }
    // A final newline does not start another line.
    if !sink.full && text.ends_with('\n') {
        sink.lines.pop();
    }
    Ok(finish(source, guess, limits, sink, more, None))
}

fn finish(
    source: &OpenedSource,
    guess: EncodingGuess,
    limits: &PreviewLimits,
    sink: LineSink<'_>,
    more_bytes: bool,
    json_error: Option<JsonError>,
) -> TextPreview {
    let coverage = source.coverage();
    let mut notes = Vec::new();
    if guess.lossy {
        notes.push(format!(
            "some bytes are not valid {}; they show as \u{FFFD}",
            guess.encoding.label()
        ));
    }
    if sink.cut_lines > 0 {
        notes.push(format!(
            "{} line(s) longer than {} characters are cut (…)",
            sink.cut_lines, limits.line_chars
        ));
    }
    if sink.full {
        notes.push(format!("showing the first {} lines", limits.text_lines));
    } else if more_bytes {
        notes.push(format!(
            "showing the first {} of the text",
            human_bytes(limits.text_bytes)
        ));
    }
    if coverage.partial {
        notes.push(partial_note(&coverage));
    }
    if let Some(error) = &json_error {
        notes.push(format!(
            "not valid JSON at line {}, column {}: {}",
            error.line, error.column, error.message
        ));
    }
    TextPreview {
        lines: sink.lines,
        encoding: guess.encoding.label().to_owned(),
        cut_lines: sink.cut_lines,
        truncated: sink.full || more_bytes || coverage.partial,
        json_error,
        coverage,
        notes,
    }
}

pub(crate) fn json_preview(
    source: &mut OpenedSource,
    guess: EncodingGuess,
    limits: &PreviewLimits,
) -> Result<TextPreview, PreviewError> {
    let (text, more) = read_text(source, guess, limits)?;
    let complete = !more && !source.coverage().partial;
    let mut sink = LineSink {
        limits,
        lines: Vec::new(),
        cut_lines: 0,
        full: false,
    };
    let error = reindent_json(&text, complete, &mut sink);
    Ok(finish(source, guess, limits, sink, more, error))
}

/// Re-indents JSON token by token (no tree is built, so a cut prefix still shows), and reports the first
/// structural error: a mismatched bracket, an unclosed string or bracket in a complete document.
fn reindent_json(text: &str, complete: bool, sink: &mut LineSink<'_>) -> Option<JsonError> {
    let mut line = String::new();
    let mut stack: Vec<char> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut pending_open = false;
    let (mut at_line, mut at_column) = (1u64, 0u64);
    let indent = |depth: usize| "  ".repeat(depth.min(40));
    for c in text.chars() {
        if sink.full {
            return None;
        }
        if c == '\n' {
            at_line += 1;
            at_column = 0;
        } else {
            at_column += 1;
        }
        if in_string {
            line.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if pending_open {
            pending_open = false;
            let closes = matches!((stack.last(), c), (Some('{'), '}') | (Some('['), ']'));
            if closes {
                line.push(c);
                stack.pop();
                continue;
            }
            sink.push(std::mem::take(&mut line));
            line = indent(stack.len());
        }
        match c {
            '{' | '[' => {
                if line.trim().is_empty() && stack.is_empty() && !sink.lines.is_empty() {
                    line.clear();
                }
                line.push(c);
                stack.push(c);
                pending_open = true;
            }
            '}' | ']' => {
                let expected = if c == '}' { '{' } else { '[' };
                if stack.pop() != Some(expected) {
                    sink.push(line);
                    return Some(JsonError {
                        message: format!("unexpected `{c}`"),
                        line: at_line,
                        column: at_column,
                    });
                }
                sink.push(std::mem::take(&mut line));
                line = indent(stack.len());
                line.push(c);
            }
            ',' => {
                line.push(',');
                sink.push(std::mem::take(&mut line));
                line = indent(stack.len());
            }
            ':' => line.push_str(": "),
            '"' => {
                line.push('"');
                in_string = true;
            }
            other => line.push(other),
        }
        if stack.is_empty() && matches!(c, '}' | ']') {
            // A top-level value ended (JSON Lines put several one after another).
            sink.push(std::mem::take(&mut line));
        }
    }
    if !line.trim().is_empty() {
        sink.push(line);
    }
    if complete && (in_string || !stack.is_empty()) {
        let message = if in_string {
            "the text ends inside a string".to_owned()
        } else {
            format!(
                "the text ends before `{}` is closed",
                stack.last().copied().unwrap_or('{')
            )
        };
        return Some(JsonError {
            message,
            line: at_line,
            column: at_column,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reindent(text: &str) -> (Vec<String>, Option<JsonError>) {
        let limits = PreviewLimits::default();
        let mut sink = LineSink {
            limits: &limits,
            lines: Vec::new(),
            cut_lines: 0,
            full: false,
        };
        let error = reindent_json(text, true, &mut sink);
        (sink.lines, error)
    }

    #[test]
    fn json_is_indented_and_empty_containers_stay_compact() {
        let (lines, error) = reindent(r#"{"a":[1,2],"b":{},"c":"x, {y}"}"#);
        assert_eq!(error, None);
        assert_eq!(
            lines,
            [
                "{",
                "  \"a\": [",
                "    1,",
                "    2",
                "  ],",
                "  \"b\": {},",
                "  \"c\": \"x, {y}\"",
                "}"
            ]
        );
    }

    #[test]
    fn a_mismatched_bracket_is_reported_with_its_position() {
        let (_, error) = reindent("{\n \"a\": [1}\n");
        let error = error.unwrap();
        assert_eq!((error.line, error.column), (2, 9));
    }

    #[test]
    fn an_unclosed_document_is_reported() {
        let (_, error) = reindent(r#"{"a": "b"#);
        assert!(error.unwrap().message.contains("inside a string"));
    }
}
