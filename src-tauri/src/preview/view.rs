//! What the preview panel receives over IPC: `docket-preview`'s results as plain, typed DTOs (the engine crate
//! stays free of specta).

use docket_preview::csv::{Alignment, CsvPage, PageTextCut, RowCount, TableStop};
pub use docket_preview::human_bytes;
use docket_preview::xml::{OutlineNode, PrettyXml, XmlNode, XmlOutline, XmlSyntaxError};
use docket_preview::{BinaryPreview, Coverage, TextPreview};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PreviewView {
    pub name: String,
    /// Previewed from the downloaded file, or from the document's first bytes fetched from the server.
    pub from_download: bool,
    pub available_bytes: u64,
    pub total_bytes: Option<u64>,
    /// Only the beginning of the document was available to the previewer.
    pub partial: bool,
    /// Plain-language notes (a binary file named `.csv`, lossy decoding, ...).
    pub notes: Vec<String>,
    pub body: PreviewBody,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PreviewBody {
    Table(TableView),
    Xml(XmlView),
    Json(TextView),
    Text(TextView),
    /// An image small enough to show whole, as a `data:` URL.
    Image {
        data_url: String,
    },
    /// Rendered in the window by pdf.js from the bytes `pdf_document` sends.
    Pdf(PdfView),
    Binary(BinaryView),
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PdfView {
    /// `pdf_document` can send the whole file: it is downloaded, or small enough to fetch.
    pub viewable: bool,
    /// A PDF not downloaded previews when it is at most this big.
    pub fetch_limit_bytes: u64,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TableView {
    /// Pass to `preview_rows` for further pages; `close_preview` frees it.
    pub preview_id: u32,
    pub delimiter: String,
    pub encoding: String,
    pub has_header: bool,
    pub columns: Vec<ColumnView>,
    pub rows: u64,
    /// `rows` is exact (the end was seen), else estimated from the bytes read so far.
    pub rows_exact: bool,
    pub first_page: RowsPage,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnView {
    pub name: String,
    /// Suggested width in characters.
    pub width: u32,
    /// Numeric columns align right.
    pub numeric: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RowsPage {
    pub first_row: u64,
    pub rows: Vec<Vec<String>>,
    /// Rows (by number) whose field count differs from the table's, with their count.
    pub ragged: Vec<RaggedView>,
    pub end_of_table: bool,
    /// Why the table ends before the document does, in words.
    pub stop: Option<String>,
    /// Why some cells of this page are shorter than in the document, in words.
    pub cut: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RaggedView {
    pub row: u64,
    pub fields: u64,
    pub expected: u64,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct XmlView {
    /// The outline in document order; `depth` places each node under the element before it.
    pub nodes: Vec<XmlNodeView>,
    /// Truncation, refused DTDs, unexpanded entities, the prefix end: each as a sentence.
    pub notes: Vec<String>,
    pub error: Option<SyntaxErrorView>,
    pub raw: Vec<String>,
    pub raw_truncated: bool,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct XmlNodeView {
    pub depth: u32,
    pub kind: XmlNodeKind,
    /// Element name or processing-instruction target.
    pub name: String,
    pub attributes: Vec<AttributeView>,
    pub more_attributes: u64,
    /// Text, CDATA, comment, PI content or doctype text.
    pub text: String,
    pub cut: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum XmlNodeKind {
    Element,
    Text,
    Cdata,
    Comment,
    Instruction,
    Doctype,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AttributeView {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyntaxErrorView {
    pub message: String,
    pub line: u64,
    pub column: u64,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TextView {
    pub lines: Vec<String>,
    pub encoding: String,
    pub truncated: bool,
    /// Where JSON stops parsing (the text is then shown as it is).
    pub error: Option<SyntaxErrorView>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BinaryView {
    /// What the magic bytes say it is (PDF, ZIP, PNG, ...).
    pub format: Option<String>,
    pub hex: Vec<HexLineView>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HexLineView {
    pub offset: u64,
    pub hex: String,
    pub ascii: String,
}

pub fn coverage_fields(coverage: &Coverage) -> (u64, Option<u64>, bool) {
    (
        coverage.available_bytes,
        coverage.total_bytes,
        coverage.partial,
    )
}

pub fn row_count(count: RowCount) -> (u64, bool) {
    match count {
        RowCount::Exact(n) => (n, true),
        RowCount::Estimated(n) => (n, false),
    }
}

pub fn rows_page(page: CsvPage) -> RowsPage {
    RowsPage {
        first_row: page.first_row,
        rows: page.rows.into_iter().map(|row| row.cells).collect(),
        ragged: page
            .ragged
            .into_iter()
            .map(|r| RaggedView {
                row: r.row,
                fields: r.fields,
                expected: r.expected,
            })
            .collect(),
        end_of_table: page.end_of_table,
        stop: page.stop.map(|stop| stop_note(&stop)),
        cut: page.text_cut.map(|cut| cut_note(&cut)),
    }
}

fn cut_note(cut: &PageTextCut) -> String {
    format!(
        "These rows hold more than {} of text: from row {} on, long cells are cut short here; download the document to read them whole.",
        human_bytes(cut.limit_bytes),
        cut.from_row + 1
    )
}

fn stop_note(stop: &TableStop) -> String {
    match stop {
        TableStop::PrefixEnd {
            available_bytes,
            total_bytes: Some(total),
        } => format!(
            "The table shows the first {} of {}; download the document to see every row.",
            human_bytes(*available_bytes),
            human_bytes(*total)
        ),
        TableStop::PrefixEnd {
            available_bytes, ..
        } => format!(
            "The table shows the first {}; download the document to see every row.",
            human_bytes(*available_bytes)
        ),
        TableStop::RecordTooLong { row, limit_bytes } => format!(
            "Row {} is longer than {}, so the table stops before it.",
            row + 1,
            human_bytes(*limit_bytes)
        ),
    }
}

pub fn column_view(column: &docket_preview::csv::ColumnInfo) -> ColumnView {
    ColumnView {
        name: column.name.clone(),
        width: u32::try_from(column.width).unwrap_or(u32::MAX),
        numeric: column.align == Alignment::Right,
    }
}

pub fn xml_view(outline: XmlOutline, raw: PrettyXml) -> XmlView {
    XmlView {
        nodes: outline.nodes.into_iter().map(node_view).collect(),
        notes: outline.notes,
        error: outline.error.or(raw.error).map(syntax_error),
        raw: raw.lines,
        raw_truncated: raw.truncated,
    }
}

fn syntax_error(err: XmlSyntaxError) -> SyntaxErrorView {
    SyntaxErrorView {
        message: err.message,
        line: err.line,
        column: err.column,
    }
}

fn node_view(node: OutlineNode) -> XmlNodeView {
    let leaf = |kind, text: String, cut| XmlNodeView {
        depth: node.depth,
        kind,
        name: String::new(),
        attributes: Vec::new(),
        more_attributes: 0,
        text,
        cut,
    };
    match node.node {
        XmlNode::Element {
            name,
            attributes,
            more_attributes,
            ..
        } => XmlNodeView {
            depth: node.depth,
            kind: XmlNodeKind::Element,
            name,
            cut: attributes.iter().any(|a| a.cut),
            attributes: attributes
                .into_iter()
                .map(|a| AttributeView {
                    name: a.name,
                    value: a.value,
                })
                .collect(),
            more_attributes,
            text: String::new(),
        },
        XmlNode::Text { text, cut } => leaf(XmlNodeKind::Text, text, cut),
        XmlNode::CData { text, cut } => leaf(XmlNodeKind::Cdata, text, cut),
        XmlNode::Comment { text, cut } => leaf(XmlNodeKind::Comment, text, cut),
        XmlNode::Doctype { text, cut } => leaf(XmlNodeKind::Doctype, text, cut),
        XmlNode::ProcessingInstruction { target, content } => XmlNodeView {
            name: target,
            ..leaf(XmlNodeKind::Instruction, content, false)
        },
    }
}

pub fn text_view(text: TextPreview) -> TextView {
    TextView {
        lines: text.lines,
        encoding: text.encoding,
        truncated: text.truncated,
        error: text.json_error.map(|err| SyntaxErrorView {
            message: err.message,
            line: err.line,
            column: err.column,
        }),
    }
}

pub fn binary_view(binary: &BinaryPreview) -> BinaryView {
    BinaryView {
        format: binary.format.clone(),
        hex: binary
            .hex
            .iter()
            .map(|line| HexLineView {
                offset: line.offset,
                hex: line.hex.clone(),
                ascii: line.ascii.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_cut_at(from_row: u64) -> CsvPage {
        CsvPage {
            first_row: 200,
            rows: Vec::new(),
            ragged: Vec::new(),
            end_of_table: false,
            stop: None,
            text_cut: Some(PageTextCut {
                limit_bytes: 4 << 20,
                from_row,
            }),
        }
    }

    #[test]
    fn a_page_whose_cells_were_cut_says_so_from_the_first_cut_row_counting_from_one() {
        let view = rows_page(page_cut_at(249));
        let cut = view.cut.unwrap_or_default();
        assert!(cut.contains("from row 250 on"), "{cut}");
        assert!(cut.contains("4.0 MiB"), "{cut}");
    }

    #[test]
    fn a_whole_page_carries_no_cut_note() {
        let mut page = page_cut_at(0);
        page.text_cut = None;
        assert!(rows_page(page).cut.is_none());
    }
}
