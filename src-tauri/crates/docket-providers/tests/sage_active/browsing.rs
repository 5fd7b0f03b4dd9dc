//! Browsing: the entity types at the root, entities and their files across small pages, and a listed file
//! against its stat.

use std::collections::BTreeSet;

use docket_core::{http, DocRef, Entry, EntryKind, Location, Provider};
use docket_demo::library::sample;
use docket_demo::sage_active::catalog;
use docket_demo::{DemoServer, Document};
use docket_providers::sage_active::SageActive;

use crate::helpers::{document, ids, provider_for, remote};
use crate::support::demo;

/// The provider asking for `size` files per page, so the small sample library spans several pages.
fn paging_provider(server: &DemoServer, size: u32) -> SageActive {
    let (config, credentials) = remote(server);
    SageActive::new(&config, &credentials, http::client().unwrap())
        .unwrap()
        .with_page_size(size)
}

fn entity_location(doc: &Document) -> Location {
    let (entity_type, entity_id) = catalog::entity_of(doc);
    Location::at(format!("{entity_type}/{entity_id}"))
}

/// Every page of a listing, checking that it took more than one.
async fn all_pages(provider: &dyn Provider, location: &Location) -> (Vec<Entry>, usize) {
    let mut entries = Vec::new();
    let mut next = None;
    let mut pages = 0;
    loop {
        let page = provider.list(location, next.as_ref()).await.unwrap();
        pages += 1;
        entries.extend(page.items);
        match page.next {
            Some(token) => next = Some(token),
            None => return (entries, pages),
        }
    }
}

#[tokio::test]
async fn the_root_lists_the_three_entity_types_that_have_files() {
    let server = demo().await;
    let root = provider_for(&server)
        .list_all(&Location::root())
        .await
        .unwrap();
    assert_eq!(ids(&root), ["AccountingEntry", "Customer", "Supplier"]);
    assert!(root.iter().all(|e| e.kind == EntryKind::Folder));
}

#[tokio::test]
async fn an_entity_type_lists_each_of_its_entities_once_across_small_pages() {
    let server = demo().await;
    let state = server.state();
    let expected: BTreeSet<String> = state
        .library
        .documents()
        .iter()
        .map(catalog::entity_of)
        .filter(|(entity_type, _)| *entity_type == catalog::SUPPLIER)
        .map(|(entity_type, entity_id)| format!("{entity_type}/{entity_id}"))
        .collect();
    assert!(expected.len() >= 3, "the sample needs several suppliers");

    let provider = paging_provider(&server, 2);
    let (entities, pages) = all_pages(&provider, &Location::at("Supplier")).await;
    assert!(pages >= 3, "only {pages} pages");
    let listed = ids(&entities);
    assert_eq!(
        listed.len(),
        expected.len(),
        "an entity was listed twice: {listed:?}"
    );
    assert_eq!(listed.into_iter().collect::<BTreeSet<_>>(), expected);
    assert!(entities
        .iter()
        .all(|e| e.kind == EntryKind::Folder && e.parent.as_deref() == Some("Supplier")));

    let in_one_page = provider_for(&server)
        .list(&Location::at("Supplier"), None)
        .await
        .unwrap();
    assert_eq!(in_one_page.next, None);
    assert_eq!(
        ids(&in_one_page.items).into_iter().collect::<BTreeSet<_>>(),
        expected
    );
}

#[tokio::test]
async fn an_entity_lists_its_files_by_name_one_page_at_a_time_to_the_end() {
    let server = demo().await;
    let state = server.state();
    let catalog_xml = document(&state, sample::CATALOG_XML);
    let large = document(&state, sample::LARGE_FILE);
    assert_eq!(catalog::entity_of(catalog_xml), catalog::entity_of(large));

    let provider = paging_provider(&server, 1);
    let (files, pages) = all_pages(&provider, &entity_location(catalog_xml)).await;
    assert_eq!(pages, 2);
    let names: Vec<&str> = files.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["catalog.xml", "telemetry-archive.bin"]);
    assert_eq!(
        ids(&files),
        [catalog::file_id(catalog_xml), catalog::file_id(large)]
    );
    assert!(files.iter().all(|e| e.kind == EntryKind::Document));
}

#[tokio::test]
async fn a_listed_file_and_its_stat_give_name_size_type_and_entity() {
    let server = demo().await;
    let state = server.state();
    let notes = document(&state, sample::NOTES_TXT);
    let provider = provider_for(&server);
    let listed = provider.list_all(&entity_location(notes)).await.unwrap();
    let stat = provider
        .stat(&DocRef::new(catalog::file_id(notes)))
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&stat));
    assert_eq!(stat.name, "Notizen von Zoë.txt");
    assert_eq!(stat.size, Some(notes.size()));
    assert_eq!(stat.mime.as_deref(), Some("text/plain"));
    assert_eq!(stat.modified, Some(notes.modified().rfc3339()));
    let (entity_type, entity_id) = catalog::entity_of(notes);
    assert_eq!(stat.parent, Some(format!("{entity_type}/{entity_id}")));
    assert_eq!(stat.extra["businessDate"], notes.created().date());
}
