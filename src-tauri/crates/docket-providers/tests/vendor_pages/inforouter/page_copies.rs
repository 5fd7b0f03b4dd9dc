//! The served fixtures against the README's copies: the same element shapes, values in place of `..`.

use super::page;

/// Each element's name and attribute names, in document order.
fn shapes(xml: &str) -> Vec<(String, Vec<String>)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut shapes = Vec::new();
    while let Ok(event) = reader.read_event() {
        match event {
            quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag) => {
                let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
                let attributes = tag
                    .attributes()
                    .map(|a| String::from_utf8_lossy(a.unwrap().key.as_ref()).into_owned())
                    .collect();
                shapes.push((name, attributes));
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    shapes
}

/// The XML quoted between backticks in a copy of the README.
fn quoted_xml(copy: &str) -> Vec<String> {
    copy.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quote| quote.starts_with('<'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_served_fixtures_keep_the_pages_shapes() {
    // The error table's texts in the page's error element, nothing else changed.
    let error_element = page("get-download-handler-error-901.xml");
    let table = page("error-codes.page.txt");
    for (refusal, text) in [
        (
            "error-900-authentication-failed.xml",
            "[900] Authentication failed",
        ),
        ("error-document-not-found.xml", "Document not found"),
        ("error-offline-document.xml", "Offline document error"),
        ("error-system-error.xml", "SystemError:..."),
    ] {
        assert!(table.contains(text), "{text}");
        assert_eq!(
            page(refusal),
            error_element.replace("[901] Session expired or Invalid ticket", text)
        );
    }
    // The listing: the README's element shapes, nested and closed, with values in place of `..`.
    let readme: Vec<(String, Vec<String>)> = quoted_xml(&page("folder-listing.page.txt"))
        .iter()
        .flat_map(|quote| shapes(quote))
        .collect();
    let names: Vec<&str> = readme.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["response", "f", "d"]);
    let listing = shapes(&page("folder-listing.xml"));
    assert_eq!(listing.len(), 4);
    for element in listing {
        assert!(readme.contains(&element), "{element:?} is not the README's");
    }
    // The versions: the README's elements with values in place of `..`, a second version for `...`.
    let printed = shapes(&page("document-versions.xml"));
    assert_eq!(printed.len(), 4);
    let with_values = shapes(&page("document-versions-with-values.xml"));
    assert_eq!(with_values.len(), 7);
    for element in with_values {
        assert!(
            printed.contains(&element),
            "{element:?} is not the README's"
        );
    }
}
