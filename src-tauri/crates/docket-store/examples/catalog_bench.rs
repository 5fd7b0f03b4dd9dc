//! The catalog at 100,000 entries: ingest time, `ls` of a 100k folder from the cache, and search p50/p99.
//! Run with `cargo run --release -p docket-store --example catalog_bench`.

use std::time::{Duration, Instant};

use docket_core::{Entry, Kind, Location, RemoteConfig};
use docket_store::{Catalog, RemoteBook, SearchQuery};

const ENTRIES: usize = 100_000;
const SEARCHES: usize = 1_000;

const TOPICS: [&str; 16] = [
    "Contract",
    "Invoice",
    "Report",
    "Minutes",
    "Budget",
    "Forecast",
    "Agreement",
    "Schedule",
    "Appendix",
    "Memo",
    "Deck",
    "Audit",
    "Tax return",
    "Lease",
    "NDA",
    "Due diligence",
];
const PARTIES: [&str; 12] = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
];
const TYPES: [(&str, &str); 5] = [
    ("pdf", "application/pdf"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("csv", "text/csv"),
    ("txt", "text/plain"),
];

/// A small deterministic generator, so every run measures the same data.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn entries(rng: &mut Lcg) -> Vec<Entry> {
    (0..ENTRIES)
        .map(|i| {
            let (extension, mime) = rng.pick(&TYPES);
            let name = format!(
                "{} {} {} Q{} #{:05}.{extension}",
                rng.pick(&TOPICS),
                rng.pick(&PARTIES),
                2015 + rng.next() % 10,
                1 + rng.next() % 4,
                i
            );
            let mut entry = Entry::document(format!("doc-{i}"), name);
            entry.size = Some(rng.next() % 50_000_000);
            entry.mime = Some(mime.into());
            entry.modified = Some(format!(
                "{}-{:02}-{:02}T10:00:00Z",
                2015 + rng.next() % 10,
                1 + rng.next() % 12,
                1 + rng.next() % 28
            ));
            entry.version = Some((1 + rng.next() % 5).to_string());
            entry
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary data dir");
    let pool = docket_store::database::open(dir.path())
        .await
        .expect("database");
    RemoteBook::open(pool.clone(), dir.path())
        .await
        .expect("remotes")
        .add(
            RemoteConfig {
                name: "room".into(),
                kind: Kind::new("inforouter"),
                url: "http://127.0.0.1:9".into(),
                settings: Default::default(),
            },
            false,
        )
        .await
        .expect("remote");
    let catalog = Catalog::new(pool);
    let mut rng = Lcg(42);
    let listing = entries(&mut rng);
    let names: Vec<String> = listing.iter().map(|e| e.name.clone()).collect();
    let folder = Location::at("/Data room");

    let started = Instant::now();
    let diff = catalog
        .ingest("room", &folder, listing.clone())
        .await
        .expect("ingest");
    let ingest = started.elapsed();
    assert_eq!(diff.added.len(), ENTRIES);

    let started = Instant::now();
    let unchanged = catalog
        .ingest("room", &folder, listing)
        .await
        .expect("refresh");
    let refresh = started.elapsed();
    assert!(unchanged.is_empty());

    let mut ls = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let cached = catalog
            .cached("room", &folder)
            .await
            .expect("ls")
            .expect("cached");
        ls.push(started.elapsed());
        assert_eq!(cached.entries.len(), ENTRIES);
    }
    ls.sort();

    // What people type: a piece of a name (3 to 6 characters from a random name), a word start, a number.
    let mut queries: Vec<SearchQuery> = Vec::with_capacity(SEARCHES);
    for _ in 0..SEARCHES {
        let name: Vec<char> = names[(rng.next() % ENTRIES as u64) as usize]
            .chars()
            .collect();
        let len = 3 + (rng.next() % 4) as usize;
        let start = (rng.next() % (name.len() - len) as u64) as usize;
        let text: String = name[start..start + len].iter().collect();
        queries.push(SearchQuery::text(text.trim().to_owned()));
    }
    let mut searches = Vec::with_capacity(SEARCHES);
    let mut found = 0;
    for query in queries.iter().filter(|q| !q.text.is_empty()) {
        let started = Instant::now();
        found += catalog.search(query).await.expect("search").len();
        searches.push(started.elapsed());
    }
    searches.sort();

    let mut broad = Vec::new();
    for text in ["Contract", "pdf", "Acme 2019", "#0424", "Q3", "wonka"] {
        let started = Instant::now();
        let hits = catalog
            .search(&SearchQuery::text(text))
            .await
            .expect("search")
            .len();
        broad.push((text, started.elapsed(), hits));
    }
    let filtered = SearchQuery {
        file_type: Some("pdf".into()),
        min_size: Some(1_000_000),
        modified_from: Some("2020-01-01".into()),
        ..SearchQuery::text("Report")
    };
    let started = Instant::now();
    let filtered_hits = catalog.search(&filtered).await.expect("search").len();
    let filtered_time = started.elapsed();

    println!("catalog benchmark, {ENTRIES} entries in one folder (release build)");
    println!("  ingest (all new, one transaction): {}", ms(ingest));
    println!("  refresh with nothing changed:      {}", ms(refresh));
    println!(
        "  ls of the 100k folder from cache:  p50 {}  max {}",
        ms(percentile(&ls, 0.5)),
        ms(ls[ls.len() - 1])
    );
    println!(
        "  search, {} random name pieces:    p50 {}  p99 {}  max {}  ({found} hits, limit 50)",
        searches.len(),
        ms(percentile(&searches, 0.5)),
        ms(percentile(&searches, 0.99)),
        ms(searches[searches.len() - 1])
    );
    for (text, time, hits) in broad {
        println!("  search {text:>12}: {}  ({hits} hits)", ms(time));
    }
    println!(
        "  search Report + pdf + >1MB + since 2020: {}  ({filtered_hits} hits)",
        ms(filtered_time)
    );
    let size = std::fs::metadata(dir.path().join("docket.db"))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(dir.path().join("docket.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!("  database size: {:.1} MiB", size as f64 / 1024.0 / 1024.0);
}
