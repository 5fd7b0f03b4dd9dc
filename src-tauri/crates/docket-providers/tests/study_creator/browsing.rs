//! Browsing over GraphQL: studies at the root, paging, the server's page size limit, listed documents,
//! versions, and the capabilities.

use docket_core::{EntryKind, Location, Provider};
use docket_demo::library::sample;
use docket_demo::study_creator as demo;

use crate::helpers::{by_route, by_signed_url, doc, paged, provider_latest, study_of};
use crate::support::demo;

#[tokio::test]
async fn the_root_lists_one_study_per_top_level_folder() {
    let server = demo().await;
    let studies = by_route(&server).list_all(&Location::root()).await.unwrap();
    let state = server.state();
    let mut expected: Vec<String> = state
        .library
        .subfolders(state.library.root().id)
        .map(|f| f.name.clone())
        .collect();
    let mut names: Vec<String> = studies.iter().map(|s| s.name.clone()).collect();
    expected.sort();
    names.sort();
    assert_eq!(names, expected);
    assert!(studies
        .iter()
        .all(|s| s.kind == EntryKind::Folder && s.id.starts_with("SD_") && s.id.len() == 11));
}

#[tokio::test]
async fn paging_through_studies_and_files_one_at_a_time_reaches_every_item() {
    let server = demo().await;
    let provider = paged(&server, 1);
    let first = provider.list(&Location::root(), None).await.unwrap();
    assert_eq!(first.items.len(), 1);
    assert!(first.next.is_some(), "one study per page leaves more pages");
    let studies = provider.list_all(&Location::root()).await.unwrap();
    assert_eq!(
        studies.len(),
        by_route(&server)
            .list_all(&Location::root())
            .await
            .unwrap()
            .len()
    );

    let engineering = study_of(&doc(&server, sample::README_TXT));
    let files = provider
        .list_all(&Location::at(&engineering))
        .await
        .unwrap();
    let mut names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["README.txt", "catalog.xml", "telemetry-archive.bin"]
    );
    assert!(files.iter().all(
        |f| f.kind == EntryKind::Document && f.parent.as_deref() == Some(engineering.as_str())
    ));
}

#[tokio::test]
async fn a_page_size_above_the_servers_limit_is_brought_down_to_250() {
    let server = demo().await;
    let page = paged(&server, 10_000)
        .list(&Location::root(), None)
        .await
        .unwrap();
    assert!(!page.items.is_empty());
    assert_eq!(page.next, None);
}

#[tokio::test]
async fn a_listed_document_carries_the_id_stat_and_download_take_back() {
    let server = demo().await;
    let provider = by_route(&server);
    let report = doc(&server, sample::REPORT_PDF);
    let files = provider
        .list_all(&Location::at(study_of(&report)))
        .await
        .unwrap();
    let listed = files.iter().find(|f| f.name == "Q1-Report.pdf").unwrap();
    assert_eq!(listed.id, report.id());
    let stat = provider.stat(&report).await.unwrap();
    let state = server.state();
    let document = state.library.document_by_path(sample::REPORT_PDF).unwrap();
    assert_eq!(stat.size, Some(document.size()));
    assert_eq!(
        stat.modified.as_deref(),
        Some(document.modified().rfc3339().as_str())
    );
    assert!(stat.version.as_deref().unwrap().starts_with("FV_"));
    assert_eq!(&stat, listed);
}

#[tokio::test]
async fn the_contract_lists_three_versions_newest_first_across_pages() {
    let server = demo().await;
    let contract = doc(&server, sample::CONTRACT_DOCX);
    let versions = paged(&server, 1).versions(&contract).await.unwrap();
    let state = server.state();
    let document = state
        .library
        .document_by_path(sample::CONTRACT_DOCX)
        .unwrap();
    assert_eq!(versions.len(), 3);
    let dates: Vec<String> = document
        .versions
        .iter()
        .rev()
        .map(|v| v.modified.rfc3339())
        .collect();
    assert_eq!(
        versions
            .iter()
            .map(|v| v.modified.clone().unwrap())
            .collect::<Vec<_>>(),
        dates
    );
    assert!(versions.iter().all(|v| v.id.starts_with("FV_")));
    // The database's size is what the API reports, wrong row included.
    assert_eq!(versions[0].size, Some(document.versions[2].size()));
    assert_eq!(
        versions[2].size,
        Some(document.versions[0].size() + demo::WRONG_SIZE_EXCESS)
    );
    assert_eq!(
        provider_latest(&by_route(&server), &contract).await,
        versions[0].id
    );
}

#[tokio::test]
async fn capabilities_say_versions_and_folders_and_single_use_links_only_when_signed() {
    let server = demo().await;
    let route = by_route(&server).capabilities();
    let signed = by_signed_url(&server).capabilities();
    assert!(route.versions && route.folders && !route.ranges && !route.single_use_links);
    assert!(signed.single_use_links && !signed.ranges);
}
