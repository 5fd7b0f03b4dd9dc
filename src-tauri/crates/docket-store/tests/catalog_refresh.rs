//! Browsing from the cache while refreshing behind it: diffs, failed refreshes, offline remotes.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{catalog_with_remote, document, integrity, ScriptedProvider};
use docket_core::{Entry, Location, ProviderError};
use docket_store::CatalogEvent;

fn names(entries: &[Entry]) -> Vec<String> {
    let mut names: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_refresh_with_added_changed_and_removed_entries_produces_that_diff_and_tells_subscribers()
{
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::at("/Finance");
    let provider = ScriptedProvider::new(
        vec![
            document("1", "Budget.xlsx", 10),
            document("2", "Plan.pdf", 20),
            document("3", "Old.txt", 30),
            Entry::folder("4", "Reports"),
        ],
        2,
    );
    let first = catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap();
    assert_eq!(first.added.len(), 4);
    assert!(first.changed.is_empty() && first.removed.is_empty());

    let mut events = catalog.subscribe();
    let mut plan = document("2", "Plan.pdf", 25);
    plan.version = Some("2".into());
    provider.set(vec![
        document("1", "Budget.xlsx", 10),
        plan,
        Entry::folder("4", "Reports"),
        document("5", "New.csv", 5),
    ]);
    let diff = catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap();
    assert_eq!(names(&diff.added), ["New.csv"]);
    assert_eq!(names(&diff.changed), ["Plan.pdf"]);
    assert_eq!(diff.changed[0].size, Some(25));
    assert_eq!(names(&diff.removed), ["Old.txt"]);

    match events.recv().await.unwrap() {
        CatalogEvent::ListingChanged {
            remote,
            location: at,
            diff: told,
        } => {
            assert_eq!(remote, "files");
            assert_eq!(at, location);
            assert_eq!(*told, diff);
        }
        other => panic!("expected the listing change, got {other:?}"),
    }
    let cached = catalog.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(
        names(&cached.entries),
        ["Budget.xlsx", "New.csv", "Plan.pdf", "Reports"]
    );

    let unchanged = catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap();
    assert!(unchanged.is_empty(), "{unchanged:?}");
    integrity(&catalog).await;
}

#[tokio::test]
async fn a_refresh_failing_half_way_leaves_the_cache_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::root();
    let before: Vec<Entry> = (0..10)
        .map(|i| document(&i.to_string(), &format!("doc-{i}.pdf"), i))
        .collect();
    let provider = ScriptedProvider::new(before.clone(), 3);
    catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap();
    let cached_before = catalog.cached("files", &location).await.unwrap().unwrap();

    provider.set(
        (5..20)
            .map(|i| document(&i.to_string(), &format!("other-{i}.pdf"), i))
            .collect(),
    );
    provider.fail_page(
        2,
        ProviderError::RateLimited {
            message: "slow down".into(),
            retry_after: None,
        },
    );
    let err = catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("slow down"), "{err}");
    assert_eq!(
        *provider.pages_served.lock().unwrap(),
        4 + 2,
        "two pages were fetched before the failure"
    );

    let cached_after = catalog.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(cached_after, cached_before);
    let status = catalog.remote_status("files").await.unwrap();
    assert_eq!(status.offline, None, "a refusal is not being offline");
    integrity(&catalog).await;
}

#[tokio::test]
async fn an_unreachable_server_marks_the_remote_offline_until_it_answers_again() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::root();
    let provider = ScriptedProvider::new(vec![document("1", "a.pdf", 1)], 10);
    catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap();
    let mut events = catalog.subscribe();

    provider.fail_page(
        0,
        ProviderError::transient("error sending request: Connection refused"),
    );
    let err = catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap_err();
    assert!(err.is_unreachable());
    let status = catalog.remote_status("files").await.unwrap();
    let offline = status.offline.expect("marked offline");
    assert!(
        offline.reason.contains("Connection refused"),
        "{}",
        offline.reason
    );
    assert!(matches!(
        events.recv().await.unwrap(),
        CatalogEvent::RemoteOffline { remote, .. } if remote == "files"
    ));
    // Browsing still answers from the cache.
    let cached = catalog.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(names(&cached.entries), ["a.pdf"]);

    catalog
        .refresh("files", &location, &provider)
        .await
        .unwrap();
    assert_eq!(catalog.remote_status("files").await.unwrap().offline, None);
    assert!(matches!(
        events.recv().await.unwrap(),
        CatalogEvent::RemoteOnline { remote } if remote == "files"
    ));
}

#[tokio::test]
async fn browse_answers_from_the_cache_at_once_and_refreshes_behind_it() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let location = Location::at("7");
    let provider = Arc::new(ScriptedProvider::new(vec![document("1", "a.pdf", 1)], 10));

    let first = catalog
        .browse("files", &location, provider.clone(), None)
        .await
        .unwrap();
    assert!(first.cached.is_none(), "never fetched");
    first
        .refresh
        .expect("a refresh runs")
        .await
        .unwrap()
        .unwrap();

    provider.set(vec![document("1", "a.pdf", 1), document("2", "b.pdf", 2)]);
    let mut events = catalog.subscribe();
    let second = catalog
        .browse("files", &location, provider.clone(), None)
        .await
        .unwrap();
    assert_eq!(
        names(&second.cached.unwrap().entries),
        ["a.pdf"],
        "the cache, not the server"
    );
    let told = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .expect("told within 5 s")
        .unwrap();
    assert!(
        matches!(told, CatalogEvent::ListingChanged { diff, .. } if names(&diff.added) == ["b.pdf"])
    );
    second.refresh.unwrap().await.unwrap().unwrap();
    let now = catalog.cached("files", &location).await.unwrap().unwrap();
    assert_eq!(names(&now.entries), ["a.pdf", "b.pdf"]);
}

#[tokio::test]
async fn an_entry_in_two_listings_stays_until_the_last_one_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    let shared = document("1", "shared.pdf", 1);
    let folder = ScriptedProvider::new(vec![shared.clone()], 10);
    let filter = ScriptedProvider::new(vec![shared.clone()], 10);
    catalog
        .refresh("files", &Location::at("folder"), &folder)
        .await
        .unwrap();
    catalog
        .refresh("files", &Location::at("filter"), &filter)
        .await
        .unwrap();

    folder.set(Vec::new());
    catalog
        .refresh("files", &Location::at("folder"), &folder)
        .await
        .unwrap();
    let hits = catalog
        .search(&docket_store::SearchQuery::text("shared"))
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].location, Location::at("filter"));

    filter.set(Vec::new());
    catalog
        .refresh("files", &Location::at("filter"), &filter)
        .await
        .unwrap();
    assert!(catalog
        .search(&docket_store::SearchQuery::text("shared"))
        .await
        .unwrap()
        .is_empty());
    integrity(&catalog).await;
}

#[tokio::test]
async fn a_remote_marked_online_again_is_no_longer_listed_offline_and_subscribers_hear_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = catalog_with_remote(dir.path(), "files").await;
    catalog
        .mark_offline("files", "Connection refused")
        .await
        .unwrap();
    let offline = catalog.offline_remotes().await.unwrap();
    assert_eq!(offline["files"].reason, "Connection refused");

    let mut events = catalog.subscribe();
    catalog.mark_online("files").await.unwrap();
    catalog.mark_online("files").await.unwrap();
    assert!(catalog.offline_remotes().await.unwrap().is_empty());
    let status = catalog.remote_status("files").await.unwrap();
    assert!(status.offline.is_none() && status.last_contact.is_some());
    assert_eq!(
        events.try_recv().unwrap(),
        CatalogEvent::RemoteOnline {
            remote: "files".into()
        }
    );
    assert!(events.try_recv().is_err(), "only the change is announced");
    assert!(matches!(
        catalog.mark_online("nobody").await,
        Err(docket_store::CatalogError::UnknownRemote(_))
    ));
}
