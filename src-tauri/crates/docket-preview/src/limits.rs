//! Every bound a previewer respects, so that no input can make it use unbounded time or memory.

/// How many bytes of a remote document are fetched for a preview when it is not downloaded.
pub const DEFAULT_PREFIX_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewLimits {
    /// Bytes looked at to decide the type, encoding and CSV dialect.
    pub sniff_bytes: usize,
    /// Rows in one page of a table.
    pub page_rows: usize,
    /// Characters kept of one CSV cell (the rest is cut, and the cell marked).
    pub cell_chars: usize,
    /// Columns kept of one CSV row (the rest are counted).
    pub columns: usize,
    /// Bytes one CSV record may span before the table stops there (a 200 MB line is not a row).
    pub record_bytes: u64,
    /// Bytes of cell text one page of a table holds (each cell is also held to `cell_chars`): once a page has
    /// this much, the cells after it are cut and marked, and the page says so. 200 rows of 1024 full cells would
    /// otherwise be hundreds of MB.
    pub page_text_bytes: usize,
    /// XML element nesting shown; deeper elements are counted but not listed.
    pub xml_depth: usize,
    /// XML outline nodes listed before the outline stops.
    pub xml_nodes: usize,
    /// Attributes listed per element.
    pub xml_attributes: usize,
    /// Bytes one XML event (tag, text run, comment, DOCTYPE) may span before parsing stops.
    pub xml_event_bytes: u64,
    /// Characters kept of one text node, attribute value or comment in the outline.
    pub xml_text_chars: usize,
    /// Lines shown of a text, JSON or pretty-printed XML view.
    pub text_lines: usize,
    /// Characters shown of one line; longer lines are cut and marked.
    pub line_chars: usize,
    /// Bytes read of a text or JSON document.
    pub text_bytes: u64,
}

impl Default for PreviewLimits {
    fn default() -> Self {
        PreviewLimits {
            sniff_bytes: 64 * 1024,
            page_rows: 200,
            cell_chars: 4096,
            columns: 1024,
            record_bytes: 16 * 1024 * 1024,
            page_text_bytes: 4 * 1024 * 1024,
            xml_depth: 64,
            xml_nodes: 20_000,
            xml_attributes: 64,
            xml_event_bytes: 4 * 1024 * 1024,
            xml_text_chars: 1024,
            text_lines: 10_000,
            line_chars: 2000,
            text_bytes: 4 * 1024 * 1024,
        }
    }
}
