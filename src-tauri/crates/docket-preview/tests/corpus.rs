//! The previewers over the committed corpus of tricky files (tests/preview-corpus at the repository root).

use std::path::PathBuf;

use docket_preview::csv::{Alignment, CsvTable, RowCount, TableStop};
use docket_preview::xml::{OutlineTruncation, XmlNode, XmlOutline};
use docket_preview::{
    open_preview, ContentKind, Preview, PreviewContent, PreviewLimits, PreviewSource, TextEncoding,
    TextPreview,
};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/preview-corpus")
        .join(name)
}

fn preview(name: &str) -> Preview {
    open_preview(
        PreviewSource::File(corpus(name)),
        Some(name),
        &PreviewLimits::default(),
    )
    .unwrap()
}

fn table(name: &str) -> CsvTable {
    match preview(name).content {
        PreviewContent::Table(table) => table,
        other => panic!("{name} was not previewed as a table: {other:?}"),
    }
}

fn xml(name: &str) -> XmlOutline {
    match preview(name).content {
        PreviewContent::Xml(xml) => xml.outline,
        other => panic!("{name} was not previewed as XML: {other:?}"),
    }
}

fn text(name: &str) -> TextPreview {
    match preview(name).content {
        PreviewContent::Text(text) | PreviewContent::Json(text) => text,
        other => panic!("{name} was not previewed as text: {other:?}"),
    }
}

fn cells(table: &mut CsvTable) -> Vec<Vec<String>> {
    table
        .page(0, 100)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.cells)
        .collect()
}

#[test]
fn quoted_newlines_and_doubled_quotes_stay_inside_their_cells() {
    let mut table = table("quoted-newlines.csv");
    assert!(table.dialect().has_header);
    let names: Vec<_> = table.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "comment", "amount"]);
    let rows = cells(&mut table);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1], "first line\r\nsecond line");
    assert_eq!(rows[1][1], "she said \"hi\", then left");
    assert_eq!(table.row_count(), RowCount::Exact(3));
}

#[test]
fn numeric_columns_are_right_aligned_and_widths_fit_the_widest_cell() {
    let table = table("quoted-newlines.csv");
    let columns = table.columns();
    assert_eq!(columns[0].align, Alignment::Right);
    assert_eq!(columns[1].align, Alignment::Left);
    assert_eq!(columns[2].align, Alignment::Right);
    assert_eq!(columns[1].width, "she said \"hi\", then left".len());
}

#[test]
fn semicolons_are_sniffed_despite_commas_and_pipes_in_the_data() {
    let mut table = table("mixed-delimiters.csv");
    assert_eq!(table.dialect().delimiter, ';');
    let rows = cells(&mut table);
    assert_eq!(rows[0], ["Écrou", "1,50", "taille 8, acier"]);
    assert_eq!(rows[1][2], "lot | 100");
    assert_eq!(table.columns()[1].align, Alignment::Right);
}

#[test]
fn utf16_with_a_bom_is_decoded_and_tab_separated() {
    let mut table = table("utf16le-bom.csv");
    assert_eq!(table.dialect().encoding, TextEncoding::Utf16Le);
    assert_eq!(table.dialect().delimiter, '\t');
    assert_eq!(table.columns()[0].name, "Name");
    assert_eq!(
        cells(&mut table),
        [["Zoë", "München", "12,5"], ["Łukasz", "Kraków", "7"]]
    );
}

#[test]
fn utf16_without_a_bom_is_recognised() {
    let mut table = table("utf16be-no-bom.csv");
    assert_eq!(table.dialect().encoding, TextEncoding::Utf16Be);
    assert_eq!(cells(&mut table), [["widget", "3"], ["gizmo", "5"]]);
}

#[test]
fn windows_1252_accents_and_the_euro_sign_decode() {
    let mut table = table("windows-1252.csv");
    assert_eq!(table.dialect().encoding, TextEncoding::Windows1252);
    let rows = cells(&mut table);
    assert_eq!(rows[0][0], "Café Crème");
    assert_eq!(rows[1][2], "€ 8,50");
}

#[test]
fn ragged_rows_are_reported_with_their_field_counts() {
    let mut table = table("ragged.csv");
    let page = table.page(0, 10).unwrap();
    let ragged: Vec<(u64, u64)> = page.ragged.iter().map(|r| (r.row, r.fields)).collect();
    assert_eq!(ragged, [(1, 2), (2, 4)]);
    assert!(page.ragged.iter().all(|r| r.expected == 3));
}

#[test]
fn invalid_utf8_shows_replacement_characters_and_says_so() {
    let preview = text("invalid-utf8.txt");
    assert_eq!(preview.encoding, "UTF-8");
    assert_eq!(preview.lines[0], "Résumé of the café’s accounts");
    assert!(preview.lines[1].contains('\u{FFFD}'));
    assert_eq!(preview.lines[2], "last line ✓");
    assert!(preview.notes.iter().any(|n| n.contains("not valid UTF-8")));
}

#[test]
fn a_pdf_named_csv_is_previewed_as_binary_with_a_note() {
    let preview = preview("binary-as-csv.csv");
    assert_eq!(preview.detection.kind, ContentKind::Binary);
    let PreviewContent::Binary(binary) = preview.content else {
        panic!("not binary");
    };
    assert_eq!(binary.format.as_deref(), Some("PDF document"));
    assert!(binary.notes[0].contains("binary-as-csv.csv"));
    assert_eq!(
        binary.hex[0].hex,
        "25 50 44 46 2d 31 2e 34 0a 25 e2 e3 cf d3 0a 31"
    );
}

#[test]
fn unknown_binary_named_csv_is_binary_too() {
    let preview = preview("noise-as-csv.csv");
    assert_eq!(preview.detection.kind, ContentKind::Binary);
    assert_eq!(preview.detection.format, None);
    assert!(preview.detection.note.unwrap().contains("binary data"));
}

#[test]
fn billion_laughs_is_refused_and_its_reference_stays_literal() {
    let outline = xml("billion-laughs.xml");
    let doctype = outline.doctype.as_ref().unwrap();
    assert_eq!(doctype.entities.len(), 10);
    assert!(outline.notes[0].contains("never expands"));
    let texts: Vec<&str> = outline
        .nodes
        .iter()
        .filter_map(|n| match &n.node {
            XmlNode::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["&lol9;"]);
    assert_eq!(outline.unexpanded_references, 1);
    assert_eq!(outline.error, None);
}

#[test]
fn xxe_is_refused_naming_the_address_it_would_have_read() {
    let outline = xml("xxe.xml");
    let refusal = outline.doctype.as_ref().unwrap().refusal.clone().unwrap();
    assert!(refusal.contains("file:///etc/passwd"), "{refusal}");
    assert!(refusal.contains("never fetches"));
    let shown = format!("{:?}", outline.nodes);
    assert!(shown.contains("&xxe;"));
    assert!(
        !shown.contains("root:"),
        "the entity must never be resolved"
    );
}

#[test]
fn deep_nesting_is_cut_at_the_depth_limit_with_a_visible_note() {
    let outline = xml("deeply-nested.xml");
    let deepest = outline.nodes.iter().map(|n| n.depth).max().unwrap();
    assert_eq!(deepest as usize, PreviewLimits::default().xml_depth - 1);
    assert!(outline.hidden_deep_elements > 0);
    assert!(outline.notes.iter().any(|n| n.starts_with("truncated")));
    assert!(matches!(
        outline.truncated,
        Some(OutlineTruncation::TooDeep { .. })
    ));
}

#[test]
fn malformed_xml_shows_what_parsed_and_where_it_broke() {
    let outline = xml("malformed.xml");
    let error = outline.error.as_ref().unwrap();
    assert_eq!((error.line, error.column), (4, 20));
    assert!(error.message.contains("entyr"), "{}", error.message);
    let elements = outline
        .nodes
        .iter()
        .filter(|n| matches!(n.node, XmlNode::Element { .. }))
        .count();
    assert_eq!(elements, 3, "ledger and the two entries before the error");
    assert!(outline
        .notes
        .iter()
        .any(|n| n.contains("line 4, column 20")));
}

#[test]
fn namespaces_attributes_cdata_comments_and_instructions_are_all_outlined() {
    let outline = xml("namespaces.xml");
    assert!(outline.declaration.as_deref().unwrap().contains("version"));
    let nodes: Vec<&XmlNode> = outline.nodes.iter().map(|n| &n.node).collect();
    assert!(
        matches!(nodes[0], XmlNode::ProcessingInstruction { target, .. } if target == "xml-stylesheet")
    );
    assert!(matches!(nodes[1], XmlNode::Comment { text, .. } if text == "exported by Ledger 4.2"));
    let XmlNode::Element {
        name,
        namespace,
        attributes,
        ..
    } = nodes[2]
    else {
        panic!("root element expected, got {:?}", nodes[2]);
    };
    assert_eq!(name, "inv:invoice");
    assert_eq!(namespace.as_deref(), Some("urn:example:invoice"));
    let number = attributes.iter().find(|a| a.name == "inv:number").unwrap();
    assert_eq!(number.namespace.as_deref(), Some("urn:example:invoice"));
    assert_eq!(number.value, "A-17");
    assert!(nodes
        .iter()
        .any(|n| matches!(n, XmlNode::Text { text, .. } if text == "Bolts & nuts ©")));
    assert!(nodes.iter().any(
        |n| matches!(n, XmlNode::CData { text, .. } if text == "<b>not markup</b> & not an entity")
    ));
    assert!(nodes
        .iter()
        .any(|n| matches!(n, XmlNode::Element { name, namespace, .. }
        if name == "line" && namespace.as_deref() == Some("urn:example:default"))));
}

#[test]
fn the_raw_view_is_reindented_and_keeps_entities_as_written() {
    let PreviewContent::Xml(xml) = preview("namespaces.xml").content else {
        panic!("not xml");
    };
    assert!(xml
        .raw
        .lines
        .contains(&"  <line sku=\"X1\" qty=\"2\">Bolts &amp; nuts &#169;</line>".to_owned()));
    assert!(xml
        .raw
        .lines
        .contains(&"  <inv:total>12.50</inv:total>".to_owned()));
    assert_eq!(xml.raw.lines.last().unwrap(), "</inv:invoice>");
    assert_eq!(xml.raw.error, None);
}

#[test]
fn utf16_and_latin1_xml_are_decoded() {
    let texts = |outline: XmlOutline| -> Vec<String> {
        outline
            .nodes
            .into_iter()
            .filter_map(|n| match n.node {
                XmlNode::Text { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    };
    assert_eq!(texts(xml("utf16.xml")), ["Zoë"]);
    assert_eq!(texts(xml("latin1-declared.xml")), ["Besançon"]);
}

#[test]
fn json_is_pretty_printed() {
    let preview = text("sample.json");
    assert_eq!(preview.lines[0], "{");
    assert_eq!(preview.lines[1], "  \"invoices\": [");
    assert!(preview.lines.contains(&"      \"lines\": [],".to_owned()));
    assert!(preview
        .lines
        .contains(&"      \"note\": \"a, b: {c}\"".to_owned()));
    assert_eq!(preview.json_error, None);
}

#[test]
fn broken_json_reports_where_it_breaks() {
    let preview = text("broken.json");
    let error = preview.json_error.unwrap();
    assert_eq!((error.line, error.column), (2, 13));
}

#[test]
fn server_html_is_shown_as_source_never_rendered() {
    let preview = preview("server-preview.html");
    assert_eq!(preview.detection.kind, ContentKind::Html);
    let PreviewContent::Text(text) = preview.content else {
        panic!("html must be text");
    };
    assert!(text.lines[0].contains("<script>"));
}

#[test]
fn a_prefix_of_a_remote_csv_drops_its_cut_last_row_and_says_how_much_is_shown() {
    let bytes = std::fs::read(corpus("quoted-newlines.csv")).unwrap();
    let cut = bytes[..bytes.len() - 4].to_vec();
    let preview = open_preview(
        PreviewSource::Prefix {
            bytes: cut,
            total_size: Some(bytes.len() as u64),
        },
        Some("quoted-newlines.csv"),
        &PreviewLimits::default(),
    )
    .unwrap();
    let PreviewContent::Table(mut table) = preview.content else {
        panic!("not a table");
    };
    let page = table.page(0, 10).unwrap();
    assert_eq!(page.rows.len(), 2, "the cut third row is not shown");
    assert!(matches!(page.stop, Some(TableStop::PrefixEnd { .. })));
    assert!(table
        .summary()
        .notes
        .iter()
        .any(|n| n.contains("showing the first")));
}

#[test]
fn a_table_wider_than_the_column_limit_lays_out_only_that_many_columns() {
    let limits = PreviewLimits {
        columns: 4,
        ..PreviewLimits::default()
    };
    let row = (0..10).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let mut table = CsvTable::open(
        PreviewSource::Prefix {
            bytes: format!("{row}\n{row}\n").into_bytes(),
            total_size: None,
        },
        &limits,
    )
    .unwrap();
    assert_eq!(table.columns().len(), 4);
    let page = table.page(0, 10).unwrap();
    assert_eq!(page.rows[0].cells.len(), 4);
    assert_eq!(page.rows[0].field_count, 10);
}
