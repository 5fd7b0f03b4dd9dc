//! Folder listings: `GetFoldersAndDocumentsByPage` answers turned into entries, and when to ask for the next page.

use docket_core::{Entry, Page, PageToken, ProviderError};
use serde_json::{json, Map, Value};

use super::paths::join;
use super::xml::Element;

/// Items per page when the server does not say (the reference's default).
pub(super) const PAGE_SIZE: usize = 20;

/// The most pages one folder is read to: 2,000,000 items at the default page size. A server whose `itemcount`
/// or full pages promise more without end would otherwise be listed forever.
pub(super) const MAX_PAGES: u32 = 100_000;

/// The page number a continuation token stands for; no token is page 1.
pub(super) fn page_number(token: Option<&PageToken>) -> Result<u32, ProviderError> {
    match token {
        None => Ok(1),
        Some(PageToken(text)) => text.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ProviderError::InvalidRequest {
                message: format!("`{text}` is not an infoRouter page number"),
            }
        }),
    }
}

/// The entries of one page at `folder`. Current servers answer `<f id n/>` and `<d id n .../>`; the newer
/// reference shows `<folder id name/>` and `<document id name versionid/>`; both are read.
pub(super) fn page(
    folder: &str,
    page: u32,
    answer: &Element,
) -> Result<Page<Entry>, ProviderError> {
    let mut items = Vec::new();
    for child in &answer.children {
        if child.is("f") || child.is("folder") {
            items.push(folder_entry(folder, child)?);
        } else if child.is("d") || child.is("document") {
            items.push(document_entry(folder, child)?);
        }
    }
    // The page size is a server setting, sent as `pageSize`; `itemcount` is the folder's total. Without them,
    // a full page of the documented 20 may be followed by more.
    let page_size: u64 = answer
        .attr("pageSize")
        .and_then(|n| n.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(PAGE_SIZE as u64);
    let total: Option<u64> = answer.attr("itemcount").and_then(|n| n.trim().parse().ok());
    let more = !items.is_empty()
        && match total {
            Some(total) => u64::from(page).saturating_mul(page_size) < total,
            None => items.len() as u64 >= page_size,
        };
    if more && page >= MAX_PAGES {
        return Err(ProviderError::protocol(format!(
            "GetFoldersAndDocumentsByPage still promised more items after {MAX_PAGES} pages of `{folder}` \
             (itemcount=\"{}\"); Docket stops listing there",
            total.map_or_else(|| "?".to_owned(), |t| t.to_string())
        )));
    }
    Ok(Page {
        items,
        next: more.then(|| PageToken((page + 1).to_string())),
    })
}

fn name_of(element: &Element) -> Result<&str, ProviderError> {
    element
        .attr_any(&["n", "name"])
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ProviderError::protocol(format!("a listed <{}> has no name", element.name)))
}

fn folder_entry(folder: &str, element: &Element) -> Result<Entry, ProviderError> {
    let name = name_of(element)?;
    let mut entry = Entry::folder(join(folder, name), name);
    entry.parent = Some(folder.to_owned());
    if let Some(id) = element.attr("id") {
        entry.extra = json!({ "folder_id": id });
    }
    Ok(entry)
}

fn document_entry(folder: &str, element: &Element) -> Result<Entry, ProviderError> {
    let name = name_of(element)?;
    let mut entry = Entry::document(join(folder, name), name);
    entry.parent = Some(folder.to_owned());
    entry.size = element.attr("size").and_then(|s| s.trim().parse().ok());
    entry.modified = element.attr("mdate").map(str::to_owned);
    entry.version = element
        .attr_any(&["version", "versionid"])
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    let mut extra = Map::new();
    if let Some(id) = element.attr("id").filter(|id| !id.is_empty()) {
        extra.insert("short_id".into(), Value::String(format!("~D{id}")));
    }
    for (attribute, key) in [
        ("cdate", "created"),
        ("dformat", "format"),
        ("publishedversion", "published_version"),
        ("dtype", "document_type"),
    ] {
        if let Some(value) = element.attr(attribute).filter(|v| !v.is_empty()) {
            extra.insert(key.into(), Value::String(value.to_owned()));
        }
    }
    if !extra.is_empty() {
        entry.extra = Value::Object(extra);
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docket_core::EntryKind;

    #[test]
    fn folders_and_documents_become_entries_identified_by_path() {
        let answer = Element::parse(
            r#"<response success="true" itemcount="2">
                 <f id="12" n="2024"/>
                 <d id="1001" n="Q1-Report.pdf" mdate="2024-06-15 09:30:00" cdate="2024-01-02 08:00:00"
                    size="2048" dformat="PDF" version="2000000" publishedversion="2000000" dtype="0"/>
               </response>"#,
        )
        .unwrap();
        let page = page("/Finance", 1, &answer).unwrap();
        assert_eq!(page.next, None);
        let folder = &page.items[0];
        assert_eq!(
            (folder.kind, folder.id.as_str()),
            (EntryKind::Folder, "/Finance/2024")
        );
        let doc = &page.items[1];
        assert_eq!(doc.kind, EntryKind::Document);
        assert_eq!(doc.id, "/Finance/Q1-Report.pdf");
        assert_eq!(doc.size, Some(2048));
        assert_eq!(doc.version.as_deref(), Some("2000000"));
        assert_eq!(doc.extra["short_id"], "~D1001");
    }

    #[test]
    fn the_newer_element_names_are_read_too() {
        let answer = Element::parse(
            r#"<response success="true"><folder id="456" name="2024"/><document id="1001" name="Q1.pdf" versionid="1000045"/></response>"#,
        )
        .unwrap();
        let page = page("/", 1, &answer).unwrap();
        let ids: Vec<&str> = page.items.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["/2024", "/Q1.pdf"]);
    }

    #[test]
    fn a_full_page_continues_unless_the_item_count_says_it_was_the_last() {
        let full: String = (0..PAGE_SIZE)
            .map(|i| format!(r#"<d id="{i}" n="doc{i}.txt"/>"#))
            .collect();
        let open =
            Element::parse(&format!(r#"<response success="true">{full}</response>"#)).unwrap();
        assert_eq!(
            page("/", 1, &open).unwrap().next,
            Some(PageToken("2".into()))
        );
        let counted = Element::parse(&format!(
            r#"<response success="true" itemcount="40">{full}</response>"#
        ))
        .unwrap();
        assert_eq!(page("/", 2, &counted).unwrap().next, None);
        assert_eq!(
            page("/", 1, &counted).unwrap().next,
            Some(PageToken("2".into()))
        );
    }

    #[test]
    fn the_servers_own_page_size_decides_when_it_sends_one() {
        let three = r#"<f id="1" n="a"/><f id="2" n="b"/><f id="3" n="c"/>"#;
        let answer = Element::parse(&format!(
            r#"<response success="true" page="1" pageSize="3" itemcount="7">{three}</response>"#
        ))
        .unwrap();
        assert_eq!(
            page("/", 1, &answer).unwrap().next,
            Some(PageToken("2".into()))
        );
        assert_eq!(page("/", 3, &answer).unwrap().next, None);
    }

    #[test]
    fn a_huge_page_size_and_item_count_do_not_overflow() {
        let answer = Element::parse(
            r#"<response success="true" pageSize="18446744073709551615" itemcount="18446744073709551615"><f id="1" n="a"/></response>"#,
        )
        .unwrap();
        assert_eq!(page("/", 2, &answer).unwrap().next, None);
    }

    #[test]
    fn a_folder_promising_pages_without_end_stops_at_the_page_limit() {
        let answer = Element::parse(
            r#"<response success="true" itemcount="18446744073709551615"><f id="1" n="a"/></response>"#,
        )
        .unwrap();
        assert!(page("/", MAX_PAGES - 1, &answer).unwrap().next.is_some());
        let err = page("/", MAX_PAGES, &answer).unwrap_err();
        assert!(matches!(err, ProviderError::Protocol { .. }), "{err:?}");
        assert!(err.message().contains("itemcount="), "{err}");
    }

    #[test]
    fn page_tokens_are_positive_numbers() {
        assert_eq!(page_number(None).unwrap(), 1);
        assert_eq!(page_number(Some(&PageToken("3".into()))).unwrap(), 3);
        assert!(page_number(Some(&PageToken("0".into()))).is_err());
    }
}
