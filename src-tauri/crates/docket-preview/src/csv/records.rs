//! RFC 4180 records, read leniently: quoted fields may hold delimiters, doubled quotes and newlines; a stray
//! quote inside an unquoted field is kept as text; every field and record is bounded.

use super::cursor::UnitCursor;
use crate::error::PreviewError;

const QUOTE: u16 = b'"' as u16;
const LF: u16 = b'\n' as u16;
const CR: u16 = b'\r' as u16;

/// Bounds for one record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordBounds {
    pub field_bytes: usize,
    pub columns: usize,
    pub record_bytes: u64,
}

/// One field's raw bytes in the source encoding, cut at `field_bytes`.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawField {
    pub bytes: Vec<u8>,
    pub cut: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct RawRecord {
    pub fields: Vec<RawField>,
    /// All fields, including those past the column bound.
    pub field_count: u64,
    pub start: u64,
    pub end: u64,
    /// The record ran into the end of the data instead of a line break.
    pub at_end_of_data: bool,
    /// A quoted field was still open at the end of the data.
    pub unterminated_quote: bool,
}

#[derive(Debug)]
pub(crate) enum RecordRead {
    Record(RawRecord),
    End,
    TooLong,
}

#[derive(PartialEq)]
enum FieldState {
    Start,
    Unquoted,
    Quoted,
}

pub(crate) fn read_record(
    cursor: &mut UnitCursor<'_>,
    delimiter: u16,
    bounds: RecordBounds,
) -> Result<RecordRead, PreviewError> {
    // Blank lines separate nothing in a table: skip them.
    loop {
        match cursor.peek()? {
            None => return Ok(RecordRead::End),
            Some((LF | CR, _)) => {
                cursor.next()?;
            }
            Some(_) => break,
        }
    }
    let start = cursor.position();
    let mut record = RawRecord {
        fields: Vec::new(),
        field_count: 0,
        start,
        end: start,
        at_end_of_data: false,
        unterminated_quote: false,
    };
    let mut field = RawField::default();
    let mut state = FieldState::Start;
    let width = cursor.unit_width();
    loop {
        if cursor.position() - start > bounds.record_bytes {
            return Ok(RecordRead::TooLong);
        }
        let Some((unit, raw)) = cursor.next()? else {
            record.at_end_of_data = true;
            record.unterminated_quote = state == FieldState::Quoted;
            finish_field(&mut record, &mut field, bounds);
            break;
        };
        match state {
            FieldState::Quoted => {
                if unit == QUOTE {
                    if matches!(cursor.peek()?, Some((QUOTE, _))) {
                        cursor.next()?;
                        push_unit(&mut field, raw, width, bounds);
                    } else {
                        state = FieldState::Unquoted;
                    }
                } else {
                    push_unit(&mut field, raw, width, bounds);
                }
            }
            FieldState::Start | FieldState::Unquoted => {
                if unit == delimiter {
                    finish_field(&mut record, &mut field, bounds);
                    state = FieldState::Start;
                } else if unit == LF {
                    finish_field(&mut record, &mut field, bounds);
                    break;
                } else if unit == CR {
                    if matches!(cursor.peek()?, Some((LF, _))) {
                        cursor.next()?;
                    }
                    finish_field(&mut record, &mut field, bounds);
                    break;
                } else if unit == QUOTE && state == FieldState::Start {
                    state = FieldState::Quoted;
                } else {
                    push_unit(&mut field, raw, width, bounds);
                    state = FieldState::Unquoted;
                }
            }
        }
    }
    record.end = cursor.position();
    Ok(RecordRead::Record(record))
}

fn push_unit(field: &mut RawField, raw: [u8; 2], width: usize, bounds: RecordBounds) {
    if field.bytes.len() + width <= bounds.field_bytes {
        field.bytes.extend_from_slice(&raw[..width]);
    } else {
        field.cut = true;
    }
}

fn finish_field(record: &mut RawRecord, field: &mut RawField, bounds: RecordBounds) {
    record.field_count += 1;
    let done = std::mem::take(field);
    if record.fields.len() < bounds.columns {
        record.fields.push(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::TextEncoding;
    use crate::source::OpenedSource;

    const BOUNDS: RecordBounds = RecordBounds {
        field_bytes: 1024,
        columns: 16,
        record_bytes: 4096,
    };

    fn records(text: &str) -> Vec<Vec<String>> {
        let mut source = OpenedSource::Prefix {
            bytes: text.as_bytes().to_vec(),
            total_size: None,
        };
        let mut cursor = UnitCursor::new(&mut source, TextEncoding::Utf8, 0);
        let mut out = Vec::new();
        while let RecordRead::Record(record) =
            read_record(&mut cursor, b',' as u16, BOUNDS).unwrap()
        {
            out.push(
                record
                    .fields
                    .iter()
                    .map(|f| String::from_utf8(f.bytes.clone()).unwrap())
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn quoted_fields_keep_delimiters_doubled_quotes_and_newlines() {
        let parsed = records("a,\"b,c\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nx,y,z,w\n");
        assert_eq!(parsed[0], ["a", "b,c", "say \"hi\"", "two\r\nlines"]);
        assert_eq!(parsed[1], ["x", "y", "z", "w"]);
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn blank_lines_and_a_missing_final_newline_are_fine() {
        assert_eq!(records("a,b\n\n\nc,d"), [["a", "b"], ["c", "d"]]);
    }

    #[test]
    fn a_stray_quote_inside_a_field_is_kept_as_text() {
        assert_eq!(records("5\" pipe,x\n"), [["5\" pipe", "x"]]);
    }

    #[test]
    fn a_record_longer_than_its_bound_stops_the_reader() {
        let long = "x".repeat(5000);
        let mut source = OpenedSource::Prefix {
            bytes: long.into_bytes(),
            total_size: None,
        };
        let mut cursor = UnitCursor::new(&mut source, TextEncoding::Utf8, 0);
        let read = read_record(&mut cursor, b',' as u16, BOUNDS).unwrap();
        assert!(matches!(read, RecordRead::TooLong));
    }
}
