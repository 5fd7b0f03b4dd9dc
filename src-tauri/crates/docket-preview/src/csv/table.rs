//! A CSV served in pages: rows are found by scanning forward from sparse checkpoints, so the first page of a
//! 2 GB file costs one small read and memory grows by one offset per thousand rows seen.

use serde::Serialize;

use super::columns::{describe_columns, ColumnInfo};
use super::cursor::UnitCursor;
use super::dialect::{looks_like_header, mode, sniff_delimiter, CsvDialect};
use super::records::{read_record, RawRecord, RecordBounds, RecordRead};
use crate::encoding::{guess_encoding, EncodingGuess, TextEncoding};
use crate::error::PreviewError;
use crate::human_bytes;
use crate::limits::PreviewLimits;
use crate::source::{Coverage, OpenedSource, PreviewSource};

/// One checkpoint every this many rows.
const CHECKPOINT_STRIDE: u64 = 1024;

/// Why the table ends before the document does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TableStop {
    /// Only a prefix of the document is available.
    PrefixEnd {
        available_bytes: u64,
        total_bytes: Option<u64>,
    },
    /// A record spans more bytes than a row can (a huge single line): the table stops before it.
    RecordTooLong { row: u64, limit_bytes: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvRow {
    /// 0-based, counting data rows only (the header is not a row).
    pub number: u64,
    pub cells: Vec<String>,
    /// Indexes of cells cut at the cell limit.
    pub cut_cells: Vec<usize>,
    /// Fields the row really has (cells past the column limit are counted, not kept).
    pub field_count: u64,
    /// A quoted field was never closed: the row ran to the end of the data.
    pub unterminated_quote: bool,
}

/// A row whose field count differs from the table's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RaggedRow {
    pub row: u64,
    pub fields: u64,
    pub expected: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvPage {
    pub first_row: u64,
    pub rows: Vec<CsvRow>,
    pub ragged: Vec<RaggedRow>,
    /// No rows follow this page.
    pub end_of_table: bool,
    /// Set when the table ends early, and why.
    pub stop: Option<TableStop>,
    /// Set when the page's text reached its limit and later cells were cut (each listed in its row's
    /// `cut_cells`).
    pub text_cut: Option<PageTextCut>,
}

/// A page whose cells hold more text than a page may: from `from_row` on, cells are cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageTextCut {
    pub limit_bytes: u64,
    /// The first row with a cell cut to keep the page within the limit.
    pub from_row: u64,
}

/// Bytes of cell text left to the page (or header) being decoded.
struct TextBudget {
    left: usize,
    /// Whether a cell was cut for want of it.
    spent: bool,
}

impl TextBudget {
    fn new(bytes: usize) -> Self {
        TextBudget {
            left: bytes,
            spent: false,
        }
    }

    /// Cuts `text` to what is left (at a character boundary) and takes it; true when it was cut.
    fn take(&mut self, text: &mut String) -> bool {
        if text.len() <= self.left {
            self.left -= text.len();
            return false;
        }
        let mut end = self.left;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        self.left -= end;
        self.spent = true;
        true
    }
}

/// What a virtualized table needs to lay itself out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableSummary {
    pub dialect: CsvDialect,
    pub columns: Vec<ColumnInfo>,
    /// Exact once the end was reached, else estimated from the bytes per row seen so far.
    pub rows: RowCount,
    pub coverage: Coverage,
    /// Plain-language notes to show above the table (lossy decoding, prefix only...).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum RowCount {
    Exact(u64),
    Estimated(u64),
}

#[derive(Debug)]
pub struct CsvTable {
    source: OpenedSource,
    dialect: CsvDialect,
    columns: Vec<ColumnInfo>,
    limits: PreviewLimits,
    coverage: Coverage,
    notes: Vec<String>,
    data_start: u64,
    /// Offsets of rows 0, STRIDE, 2*STRIDE, ...
    checkpoints: Vec<u64>,
    /// Rows whose start offsets are known, and where the next one starts.
    known_rows: u64,
    frontier: u64,
    total_rows: Option<u64>,
    stop: Option<TableStop>,
}

impl CsvTable {
    /// Opens a CSV whatever its content sniffing says (for callers that already know it is a table).
    pub fn open(source: PreviewSource, limits: &PreviewLimits) -> Result<CsvTable, PreviewError> {
        let mut opened = OpenedSource::open(source)?;
        let head = opened.head(limits.sniff_bytes)?;
        let guess = guess_encoding(&head).unwrap_or(EncodingGuess {
            encoding: TextEncoding::Utf8,
            bom_len: 0,
            lossy: true,
        });
        CsvTable::from_opened(opened, &head, guess, limits, Vec::new())
    }

    pub(crate) fn from_opened(
        source: OpenedSource,
        head: &[u8],
        guess: EncodingGuess,
        limits: &PreviewLimits,
        mut notes: Vec<String>,
    ) -> Result<CsvTable, PreviewError> {
        let coverage = source.coverage();
        let body = &head[guess.bom_len.min(head.len())..];
        let sample_is_cut = (head.len() as u64) < source.len();
        let fit = sniff_delimiter(body, guess.encoding, sample_is_cut)?;
        let has_header = looks_like_header(&fit.records);
        if guess.lossy {
            notes.push(format!(
                "some bytes are not valid {}; they show as \u{FFFD}",
                guess.encoding.label()
            ));
        }
        if coverage.partial {
            notes.push(partial_note(&coverage));
        }
        let dialect = CsvDialect {
            delimiter: fit.delimiter,
            encoding: guess.encoding,
            has_header,
        };
        let mut table = CsvTable {
            source,
            dialect,
            columns: Vec::new(),
            limits: limits.clone(),
            coverage,
            notes,
            data_start: guess.bom_len as u64,
            checkpoints: Vec::new(),
            known_rows: 0,
            frontier: guess.bom_len as u64,
            total_rows: None,
            stop: None,
        };
        let header = if has_header {
            table.read_header()?
        } else {
            None
        };
        table.checkpoints.push(table.data_start);
        table.frontier = table.data_start;
        let first = table.page(0, limits.page_rows)?;
        let cells: Vec<Vec<String>> = first.rows.iter().map(|r| r.cells.clone()).collect();
        let width = match &header {
            Some(names) => names.len(),
            None => {
                let counts: Vec<u64> = first.rows.iter().map(|r| r.cells.len() as u64).collect();
                mode(&counts).unwrap_or(fit.columns) as usize
            }
        };
        // Columns past the limit are counted in each row's field_count, never laid out.
        table.columns = describe_columns(header.as_deref(), &cells, width.min(limits.columns));
        Ok(table)
    }

    fn read_header(&mut self) -> Result<Option<Vec<String>>, PreviewError> {
        let bounds = self.bounds();
        let delimiter = self.delimiter_unit();
        let encoding = self.dialect.encoding;
        let mut cursor = UnitCursor::new(&mut self.source, encoding, self.data_start);
        match read_record(&mut cursor, delimiter, bounds)? {
            RecordRead::Record(record) => {
                self.data_start = record.end;
                Ok(Some(self.decode(&record).cells))
            }
            RecordRead::End | RecordRead::TooLong => {
                self.dialect.has_header = false;
                Ok(None)
            }
        }
    }

    pub fn dialect(&self) -> &CsvDialect {
        &self.dialect
    }

    pub fn columns(&self) -> &[ColumnInfo] {
        &self.columns
    }

    pub fn summary(&self) -> TableSummary {
        TableSummary {
            dialect: self.dialect.clone(),
            columns: self.columns.clone(),
            rows: self.row_count(),
            coverage: self.coverage,
            notes: self.notes.clone(),
        }
    }

    /// Exact once the end has been seen; else the rows seen scaled to the bytes not yet read.
    pub fn row_count(&self) -> RowCount {
        if let Some(total) = self.total_rows {
            return RowCount::Exact(total);
        }
        let seen_bytes = self.frontier.saturating_sub(self.data_start).max(1);
        let all_bytes = self
            .coverage
            .total_bytes
            .unwrap_or(self.coverage.available_bytes)
            .saturating_sub(self.data_start);
        let estimate = (self.known_rows as f64 * all_bytes as f64 / seen_bytes as f64).round();
        RowCount::Estimated((estimate as u64).max(self.known_rows))
    }

    /// Up to `count` rows from `first_row` (0-based data rows). Rows before the furthest row seen are found
    /// from the nearest checkpoint; rows past it are scanned to, adding checkpoints on the way.
    pub fn page(&mut self, first_row: u64, count: usize) -> Result<CsvPage, PreviewError> {
        if let Some(total) = self.total_rows {
            if first_row > total || (first_row == total && first_row > 0) {
                return Err(PreviewError::RowOutOfRange {
                    requested: first_row,
                    rows: total,
                });
            }
        }
        let (mut row, offset) = if first_row < self.known_rows {
            let checkpoint = (first_row / CHECKPOINT_STRIDE) as usize;
            let offset = self.checkpoints[checkpoint.min(self.checkpoints.len() - 1)];
            (checkpoint as u64 * CHECKPOINT_STRIDE, offset)
        } else {
            (self.known_rows, self.frontier)
        };
        let bounds = self.bounds();
        let delimiter = self.delimiter_unit();
        let encoding = self.dialect.encoding;
        let partial = self.coverage.partial;
        let mut rows = Vec::new();
        let mut end_of_table = false;
        let mut budget = TextBudget::new(self.limits.page_text_bytes);
        let mut text_cut = None;
        {
            let mut cursor = UnitCursor::new(&mut self.source, encoding, offset);
            while rows.len() < count {
                let read = read_record(&mut cursor, delimiter, bounds)?;
                let record = match read {
                    RecordRead::Record(record) if !(partial && record.at_end_of_data) => record,
                    RecordRead::Record(_) | RecordRead::End => {
                        end_of_table = true;
                        if self.total_rows.is_none() {
                            self.total_rows = Some(row);
                            if partial {
                                self.stop = Some(TableStop::PrefixEnd {
                                    available_bytes: self.coverage.available_bytes,
                                    total_bytes: self.coverage.total_bytes,
                                });
                            }
                        }
                        break;
                    }
                    RecordRead::TooLong => {
                        end_of_table = true;
                        if self.total_rows.is_none() {
                            self.total_rows = Some(row);
                            self.stop = Some(TableStop::RecordTooLong {
                                row,
                                limit_bytes: bounds.record_bytes,
                            });
                        }
                        break;
                    }
                };
                if row == self.known_rows {
                    if row % CHECKPOINT_STRIDE == 0
                        && self.checkpoints.len() as u64 == row / CHECKPOINT_STRIDE
                    {
                        self.checkpoints.push(record.start);
                    }
                    self.known_rows = row + 1;
                    self.frontier = record.end;
                }
                if row >= first_row {
                    let was_spent = budget.spent;
                    let mut decoded =
                        decode_record(encoding, &record, self.limits.cell_chars, &mut budget);
                    decoded.number = row;
                    if budget.spent && !was_spent {
                        text_cut = Some(PageTextCut {
                            limit_bytes: self.limits.page_text_bytes as u64,
                            from_row: row,
                        });
                    }
                    rows.push(decoded);
                }
                row += 1;
            }
        }
        if !end_of_table {
            end_of_table = self.total_rows == Some(first_row + rows.len() as u64);
        }
        let expected = self.expected_fields(&rows);
        let ragged = rows
            .iter()
            .filter(|r| r.field_count != expected)
            .map(|r| RaggedRow {
                row: r.number,
                fields: r.field_count,
                expected,
            })
            .collect();
        Ok(CsvPage {
            first_row,
            rows,
            ragged,
            end_of_table,
            stop: if end_of_table {
                self.stop.clone()
            } else {
                None
            },
            text_cut,
        })
    }

    fn expected_fields(&self, rows: &[CsvRow]) -> u64 {
        if !self.columns.is_empty() {
            return self.columns.len() as u64;
        }
        let counts: Vec<u64> = rows.iter().map(|r| r.field_count).collect();
        mode(&counts).unwrap_or(0)
    }

    fn bounds(&self) -> RecordBounds {
        RecordBounds {
            // Room for the longest encoding of `cell_chars` characters.
            field_bytes: self.limits.cell_chars.saturating_mul(4),
            columns: self.limits.columns,
            record_bytes: self.limits.record_bytes,
        }
    }

    fn delimiter_unit(&self) -> u16 {
        self.dialect.delimiter as u16
    }

    fn decode(&self, record: &RawRecord) -> CsvRow {
        let mut budget = TextBudget::new(self.limits.page_text_bytes);
        decode_record(
            self.dialect.encoding,
            record,
            self.limits.cell_chars,
            &mut budget,
        )
    }
}

fn decode_record(
    encoding: TextEncoding,
    record: &RawRecord,
    cell_chars: usize,
    budget: &mut TextBudget,
) -> CsvRow {
    let mut cut_cells = Vec::new();
    let cells = record
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let mut text = encoding.decode(&field.bytes);
            let mut cut = field.cut;
            if let Some((byte, _)) = text.char_indices().nth(cell_chars) {
                text.truncate(byte);
                cut = true;
            }
            cut |= budget.take(&mut text);
            if cut {
                cut_cells.push(index);
            }
            text
        })
        .collect();
    CsvRow {
        number: 0,
        cells,
        cut_cells,
        field_count: record.field_count,
        unterminated_quote: record.unterminated_quote,
    }
}

pub(crate) fn partial_note(coverage: &Coverage) -> String {
    match coverage.total_bytes {
        Some(total) => format!(
            "showing the first {} of {}; download the document to see all of it",
            human_bytes(coverage.available_bytes),
            human_bytes(total)
        ),
        None => format!(
            "showing the first {}; download the document to see all of it",
            human_bytes(coverage.available_bytes)
        ),
    }
}
