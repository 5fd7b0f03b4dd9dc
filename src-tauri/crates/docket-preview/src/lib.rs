//! Docket's previewers: pure (no network, no UI), bounded in time and memory whatever the input, and
//! fuzzable. `open_preview` sniffs a document and returns the view for its kind; the CSV table then serves
//! further pages on demand.

mod binary;
pub mod csv;
mod detect;
mod encoding;
mod error;
mod html;
mod limits;
mod source;
mod text;
pub mod xml;

pub use binary::{magic_format, BinaryPreview, HexLine};
pub use detect::{detect, ContentKind, Detection};
/// Written once in the core, for the `docket` command too.
pub use docket_core::units::human_bytes;
pub use encoding::TextEncoding;
pub use error::PreviewError;
pub use html::{sandboxed_frame, SandboxedFrame, SERVER_PREVIEW_CSP};
pub use limits::{PreviewLimits, DEFAULT_PREFIX_BYTES};
pub use source::{Coverage, PreviewSource};
pub use text::{JsonError, TextPreview};

use crate::csv::CsvTable;
use crate::encoding::{EncodingGuess, TextEncoding as Enc};
use crate::source::OpenedSource;
use crate::xml::{PrettyXml, XmlOutline};

/// A document's preview: what it was detected as, and the view for that kind.
#[derive(Debug)]
pub struct Preview {
    pub detection: Detection,
    pub content: PreviewContent,
}

#[derive(Debug)]
pub enum PreviewContent {
    /// A paged table; call `page` for more rows.
    Table(CsvTable),
    Xml(XmlPreview),
    Json(TextPreview),
    /// Plain text, and HTML source (never rendered).
    Text(TextPreview),
    Binary(BinaryPreview),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct XmlPreview {
    pub outline: XmlOutline,
    pub raw: PrettyXml,
}

/// Opens `source` and builds the preview for what its content is. `name` (the document's file name) only
/// breaks ties between text kinds.
pub fn open_preview(
    source: PreviewSource,
    name: Option<&str>,
    limits: &PreviewLimits,
) -> Result<Preview, PreviewError> {
    let mut opened = OpenedSource::open(source)?;
    let head = opened.head(limits.sniff_bytes)?;
    let head_is_cut = (head.len() as u64) < opened.len();
    let detection = detect(&head, name, head_is_cut);
    let guess = detection.guess.unwrap_or(EncodingGuess {
        encoding: Enc::Utf8,
        bom_len: 0,
        lossy: true,
    });
    let content = match detection.kind {
        ContentKind::Csv => PreviewContent::Table(CsvTable::from_opened(
            opened,
            &head,
            guess,
            limits,
            Vec::new(),
        )?),
        ContentKind::Xml => PreviewContent::Xml(XmlPreview {
            outline: xml::outline(&mut opened, &head, limits)?,
            raw: xml::pretty_print(&mut opened, &head, limits)?,
        }),
        ContentKind::Json => PreviewContent::Json(text::json_preview(&mut opened, guess, limits)?),
        ContentKind::Html | ContentKind::Text => {
            PreviewContent::Text(text::text_preview(&mut opened, guess, limits)?)
        }
        ContentKind::Binary => {
            let notes = detection.note.iter().cloned().collect();
            PreviewContent::Binary(binary::binary_preview(
                &head,
                detection.format.as_deref(),
                opened.coverage(),
                notes,
            ))
        }
    };
    Ok(Preview { detection, content })
}

/// The bounded XML outline of `source`, whatever its content sniffing says.
pub fn xml_outline(
    source: PreviewSource,
    limits: &PreviewLimits,
) -> Result<XmlOutline, PreviewError> {
    let mut opened = OpenedSource::open(source)?;
    let head = opened.head(limits.sniff_bytes)?;
    xml::outline(&mut opened, &head, limits)
}

/// The pretty-printed raw view of an XML `source`.
pub fn xml_raw_view(
    source: PreviewSource,
    limits: &PreviewLimits,
) -> Result<PrettyXml, PreviewError> {
    let mut opened = OpenedSource::open(source)?;
    let head = opened.head(limits.sniff_bytes)?;
    xml::pretty_print(&mut opened, &head, limits)
}
