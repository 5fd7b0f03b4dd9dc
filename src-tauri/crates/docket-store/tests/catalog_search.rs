//! Search by name across remotes, with filters; and 100,000 entries ingested and searched.

mod common;

use common::{catalog_with_remote, document, integrity, remote_config};
use docket_core::{Entry, EntryKind, Location};
use docket_store::{Catalog, RemoteBook, SearchQuery};

async fn two_remotes() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "finance").await;
    RemoteBook::open(catalog.pool().clone(), dir.path())
        .await
        .unwrap()
        .add(remote_config("legal"), false)
        .await
        .unwrap();
    let mut csv = document("c1", "Q1-Report.csv", 2_000);
    csv.mime = Some("text/csv".into());
    csv.modified = Some("2023-12-31T23:00:00Z".into());
    let mut big = document("p2", "Annual Report 2024.pdf", 9_000_000);
    big.modified = Some("2024-06-15T09:30:00Z".into());
    catalog
        .ingest(
            "finance",
            &Location::at("/Finance/Reports"),
            vec![
                document("p1", "Q1-Report.pdf", 1_000),
                csv,
                big,
                Entry::folder("f1", "Reports archive"),
                document("e1", "Résumé équipe.docx", 500),
            ],
        )
        .await
        .unwrap();
    catalog
        .ingest(
            "legal",
            &Location::root(),
            vec![
                document("l1", "NDA report.pdf", 300),
                document("l2", "ab.txt", 3),
            ],
        )
        .await
        .unwrap();
    (dir, catalog)
}

async fn found(catalog: &Catalog, query: SearchQuery) -> Vec<String> {
    let mut names: Vec<String> = catalog
        .search(&query)
        .await
        .unwrap()
        .into_iter()
        .map(|hit| format!("{}:{}", hit.remote, hit.entry.name))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn part_of_a_name_finds_it_across_remotes_whatever_the_case() {
    let (_dir, catalog) = two_remotes().await;
    assert_eq!(
        found(&catalog, SearchQuery::text("REPORT")).await,
        [
            "finance:Annual Report 2024.pdf",
            "finance:Q1-Report.csv",
            "finance:Q1-Report.pdf",
            "finance:Reports archive",
            "legal:NDA report.pdf"
        ]
    );
    // The middle of a word, a prefix with a star, and several words in any order.
    assert_eq!(
        found(&catalog, SearchQuery::text("nnua")).await,
        ["finance:Annual Report 2024.pdf"]
    );
    assert_eq!(
        found(&catalog, SearchQuery::text("Annu*")).await,
        ["finance:Annual Report 2024.pdf"]
    );
    assert_eq!(
        found(&catalog, SearchQuery::text("2024 annual")).await,
        ["finance:Annual Report 2024.pdf"]
    );
}

#[tokio::test]
async fn accents_short_terms_and_quotes_are_matched_without_errors() {
    let (_dir, catalog) = two_remotes().await;
    assert_eq!(
        found(&catalog, SearchQuery::text("resume")).await,
        ["finance:Résumé équipe.docx"]
    );
    assert_eq!(
        found(&catalog, SearchQuery::text("ab")).await,
        ["legal:ab.txt"]
    );
    assert_eq!(
        found(&catalog, SearchQuery::text("Q1")).await,
        ["finance:Q1-Report.csv", "finance:Q1-Report.pdf"]
    );
    assert!(found(&catalog, SearchQuery::text("\"re\"port OR"))
        .await
        .is_empty());
    assert!(catalog.search(&SearchQuery::text("   ")).await.is_err());
}

#[tokio::test]
async fn filters_narrow_by_remote_kind_type_size_and_date() {
    let (_dir, catalog) = two_remotes().await;
    let report = || SearchQuery::text("report");
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                remote: Some("legal".into()),
                ..report()
            }
        )
        .await,
        ["legal:NDA report.pdf"]
    );
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                kind: Some(EntryKind::Folder),
                ..report()
            }
        )
        .await,
        ["finance:Reports archive"]
    );
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                file_type: Some("csv".into()),
                ..report()
            }
        )
        .await,
        ["finance:Q1-Report.csv"]
    );
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                file_type: Some(".pdf".into()),
                min_size: Some(1_000),
                ..report()
            }
        )
        .await,
        ["finance:Annual Report 2024.pdf", "finance:Q1-Report.pdf"]
    );
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                max_size: Some(999),
                ..report()
            }
        )
        .await,
        ["legal:NDA report.pdf"]
    );
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                modified_from: Some("2024-06-01".into()),
                modified_before: Some("2024-07-01".into()),
                ..report()
            }
        )
        .await,
        ["finance:Annual Report 2024.pdf"]
    );
    assert_eq!(
        found(
            &catalog,
            SearchQuery {
                modified_before: Some("2024-01-01".into()),
                ..report()
            }
        )
        .await,
        ["finance:Q1-Report.csv"]
    );
    let err = catalog
        .search(&SearchQuery {
            modified_from: Some("June".into()),
            ..report()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
}

#[tokio::test]
async fn hits_say_where_they_are_listed_and_where_they_were_downloaded() {
    let (dir, catalog) = two_remotes().await;
    let file = dir.path().join("Q1-Report.pdf");
    std::fs::write(&file, b"pdf").unwrap();
    catalog
        .record_download(&docket_store::catalog::SavedDownload {
            remote: "finance",
            doc_id: "p1",
            version: Some("1"),
            path: &file,
            content_hash: "abc",
            bytes: 3,
            source_signature: None,
        })
        .await
        .unwrap();
    let hits = catalog
        .search(&SearchQuery::text("Q1-Report.pdf"))
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].location, Location::at("/Finance/Reports"));
    let local = hits[0].local.as_ref().expect("downloaded");
    assert_eq!(local.path, file);
    assert_eq!(
        catalog.local_copies("finance").await.unwrap()["p1"].bytes,
        3
    );
}

#[tokio::test]
async fn removing_a_remote_removes_its_catalog_and_keeps_the_index_consistent() {
    let (dir, catalog) = two_remotes().await;
    RemoteBook::open(catalog.pool().clone(), dir.path())
        .await
        .unwrap()
        .remove("finance")
        .await
        .unwrap();
    assert_eq!(
        found(&catalog, SearchQuery::text("report")).await,
        ["legal:NDA report.pdf"]
    );
    integrity(&catalog).await;
}

#[tokio::test]
async fn a_hundred_thousand_entries_are_ingested_listed_and_searched() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "room").await;
    let folder = Location::at("/All");
    let entries: Vec<Entry> = (0..100_000)
        .map(|i| {
            document(
                &format!("d{i}"),
                &format!("Contract {i:06} - vendor {}.pdf", i % 997),
                i,
            )
        })
        .collect();
    let diff = catalog.ingest("room", &folder, entries).await.unwrap();
    assert_eq!(diff.added.len(), 100_000);

    let cached = catalog.cached("room", &folder).await.unwrap().unwrap();
    assert_eq!(cached.entries.len(), 100_000);
    let hits = catalog.search(&SearchQuery::text("042317")).await.unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].entry.id, "d42317");
    let vendor = catalog
        .search(&SearchQuery {
            limit: 1000,
            ..SearchQuery::text("vendor 996.pdf")
        })
        .await
        .unwrap();
    assert_eq!(vendor.len(), 100, "every 997th of 100,000 has vendor 996");
    integrity(&catalog).await;
}
