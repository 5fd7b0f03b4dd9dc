use std::io::Write;

use docket_core::{EntryKind, Kind, Location, Provider};
use docket_demo::{demo_remotes, DemoConfig, DemoServer};

use super::*;

const LARGE: u64 = 24 * 1024 * 1024;
const MIB: u64 = 1024 * 1024;

fn file_with(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PreviewSource) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    (dir, PreviewSource::File(path))
}

#[test]
fn a_downloaded_csv_becomes_a_table_with_its_header_and_first_page() {
    let mut text = String::from("id;name;amount\n");
    for i in 0..500 {
        text.push_str(&format!("{i};\"Müller; Zoë {i}\";{}.50\n", i * 3));
    }
    let (_dir, source) = file_with("ledger.csv", text.as_bytes());
    let built = build(source, "ledger.csv", true).unwrap();
    let table = built.table.expect("the table stays open for paging");
    let PreviewBody::Table(view) = built.view.body else {
        panic!("a CSV previews as a table");
    };
    assert_eq!(view.delimiter, ";");
    assert!(view.has_header);
    let names: Vec<&str> = view.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "name", "amount"]);
    assert!(view.columns[2].numeric);
    assert_eq!(view.first_page.rows[1], ["1", "Müller; Zoë 1", "3.50"]);
    assert_eq!(
        view.first_page.rows.len(),
        PreviewLimits::default().page_rows
    );
    assert!(built.view.from_download);
    assert!(!built.view.partial);
    drop(table);
}

#[tokio::test]
async fn later_pages_come_from_the_open_table() {
    let text: String = std::iter::once("n,square\n".to_owned())
        .chain((0..5000).map(|i| format!("{i},{}\n", i * i)))
        .collect();
    let (_dir, source) = file_with("squares.csv", text.as_bytes());
    let built = build(source, "squares.csv", true).unwrap();
    let tables = OpenTables::default();
    let id = tables.insert(built.table.unwrap());

    let page = rows(&tables, id, 4990, 50).await.unwrap();
    assert_eq!(page.first_row, 4990);
    assert_eq!(page.rows.len(), 10);
    assert_eq!(page.rows[0], ["4990", "24900100"]);
    assert!(page.end_of_table);

    let past = rows(&tables, id, 9000, 50).await.unwrap();
    assert!(past.rows.is_empty() && past.end_of_table);

    tables.close(id);
    let closed = rows(&tables, id, 0, 10).await.unwrap_err();
    assert_eq!(closed.code, ErrorCode::NotFound);
}

#[test]
fn xml_becomes_an_outline_with_a_raw_view_and_a_billion_laughs_expands_nothing() {
    let xml = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<c:catalog xmlns:c="urn:catalog"><item id="1">&lol2;</item><!-- note --><item id="2"><![CDATA[a < b]]></item></c:catalog>"#;
    let (_dir, source) = file_with("catalog.xml", xml);
    let PreviewBody::Xml(view) = build(source, "catalog.xml", true).unwrap().view.body else {
        panic!("XML previews as an outline");
    };
    let root = view
        .nodes
        .iter()
        .find(|n| n.kind == XmlNodeKind::Element)
        .unwrap();
    assert_eq!(root.name, "c:catalog");
    assert!(view
        .nodes
        .iter()
        .any(|n| n.kind == XmlNodeKind::Cdata && n.text == "a < b"));
    assert!(!view.notes.is_empty(), "the refused DTD is noted");
    assert!(view.raw.iter().any(|line| line.contains("<item")));
    let all_text: String = view.nodes.iter().map(|n| n.text.as_str()).collect();
    assert!(!all_text.contains("lollol"), "entities are never expanded");
}

#[test]
fn a_binary_file_named_csv_previews_as_binary_with_a_note() {
    let (_dir, source) = file_with(
        "export.csv",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00rest of a zip",
    );
    let built = build(source, "export.csv", true).unwrap();
    assert!(built.table.is_none());
    let PreviewBody::Binary(view) = &built.view.body else {
        panic!("binary content is never a table");
    };
    assert!(
        view.format.as_deref().is_some_and(|f| f.contains("ZIP")),
        "{:?}",
        view.format
    );
    assert!(!built.view.notes.is_empty());
}

/// The content decides, not the name: a PDF named `.csv` renders as a PDF, and the name's mismatch is noted.
#[test]
fn a_pdf_previews_in_pdfjs_whatever_its_name_says() {
    let pdf = docket_demo::samples::pdf::pages("Two pages", &[&["one"], &["two"]]);
    let (_dir, source) = file_with("export.csv", &pdf);
    let built = build(source, "export.csv", true).unwrap();
    assert!(built.table.is_none());
    let PreviewBody::Pdf(view) = &built.view.body else {
        panic!("a PDF previews as a PDF: {:?}", built.view.body);
    };
    assert!(view.viewable, "a downloaded PDF can always be shown");
    assert!(
        built.view.notes.iter().any(|n| n.contains("PDF")),
        "{:?}",
        built.view.notes
    );
}

#[test]
fn a_large_pdf_not_downloaded_asks_to_be_downloaded_and_a_small_one_does_not() {
    let mut big = docket_demo::samples::pdf::document("Big", &["x"]);
    big.resize(MIB as usize, b' ');
    let source = |total| PreviewSource::Prefix {
        bytes: big.clone(),
        total_size: Some(total),
    };
    let large = build(source(PDF_FETCH_BYTES + 1), "big.pdf", false).unwrap();
    let PreviewBody::Pdf(view) = &large.view.body else {
        panic!("{:?}", large.view.body);
    };
    assert!(!view.viewable);
    assert_eq!(view.fetch_limit_bytes, PDF_FETCH_BYTES);
    let small = build(source(PDF_FETCH_BYTES), "small.pdf", false).unwrap();
    let PreviewBody::Pdf(view) = &small.view.body else {
        panic!("{:?}", small.view.body);
    };
    assert!(view.viewable);
}

async fn find_document(provider: &dyn Provider, name: &str) -> docket_core::Entry {
    let mut folders = vec![Location::root()];
    while let Some(location) = folders.pop() {
        for entry in provider.list_all(&location).await.unwrap() {
            match entry.kind {
                EntryKind::Folder => folders.push(Location(Some(entry.id.clone()))),
                EntryKind::Document if entry.name == name => return entry,
                EntryKind::Document => {}
            }
        }
    }
    panic!("{name} is not in the demo library");
}

/// Every protocol, URL-based or chunked, previews a 24 MiB file from its first MiB: servers that honour Range
/// send about that much; a server without ranges is cut off once the MiB arrived (what it sent by then sits in
/// socket buffers), far before the end.
#[tokio::test]
async fn a_document_not_downloaded_previews_from_its_first_mib_only() {
    let server = DemoServer::start(DemoConfig {
        port_base: 0,
        large_file_size: LARGE,
        bulk_study_files: 0,
    })
    .await
    .unwrap();
    let http = docket_core::http::client().unwrap();
    for (config, credentials) in demo_remotes(&server) {
        let kind: Kind = config.kind;
        let provider = docket_providers::connect(config, credentials, http.clone()).unwrap();
        let large = find_document(provider.as_ref(), "telemetry-archive.bin").await;
        server.state().stats.reset();

        let prefix = fetch_prefix(provider.as_ref(), &http, &DocRef::new(&large.id), MIB)
            .await
            .unwrap();

        assert_eq!(prefix.bytes.len() as u64, MIB, "{kind:?}");
        assert_eq!(prefix.total_size, Some(LARGE), "{kind:?}");
        let sent = server.state().stats.api(kind).bytes_sent;
        let allowed = if provider.capabilities().ranges {
            2 * MIB
        } else {
            LARGE / 2
        };
        assert!(
            sent < allowed,
            "{kind:?} sent {sent} bytes for a 1 MiB preview"
        );
    }
    server.shutdown().await;
}

/// pdf.js gets the whole of a small PDF that is not downloaded, from every protocol, byte for byte; a document
/// over the limit is refused with the advice to download it, after reading no more than the limit.
#[tokio::test]
async fn a_small_pdf_not_downloaded_is_fetched_whole_and_a_large_document_is_refused() {
    let server = DemoServer::start(DemoConfig {
        port_base: 0,
        large_file_size: LARGE,
        bulk_study_files: 0,
    })
    .await
    .unwrap();
    let http = docket_core::http::client().unwrap();
    let expected = {
        let state = server.state();
        let content = &state
            .library
            .document_by_path(docket_demo::library::sample::REPORT_PDF)
            .unwrap()
            .latest()
            .content;
        content.read(0..content.len()).to_vec()
    };
    for (config, credentials) in demo_remotes(&server) {
        let kind: Kind = config.kind;
        let provider = docket_providers::connect(config, credentials, http.clone()).unwrap();
        let report = find_document(provider.as_ref(), "Q1-Report.pdf").await;
        let pdf = pdf::fetch_whole(provider.as_ref(), &http, "demo", &DocRef::new(&report.id))
            .await
            .unwrap_or_else(|err| panic!("{kind:?}: {err}"));
        assert_eq!(pdf.bytes(), expected.as_slice(), "{kind:?}");

        let large = find_document(provider.as_ref(), "telemetry-archive.bin").await;
        let err = pdf::fetch_whole(provider.as_ref(), &http, "demo", &DocRef::new(&large.id))
            .await
            .err()
            .unwrap_or_else(|| panic!("{kind:?}: a 24 MiB document was fetched whole"));
        assert!(
            err.message.contains("download it to preview it"),
            "{kind:?}: {}",
            err.message
        );
    }
    server.shutdown().await;
}
