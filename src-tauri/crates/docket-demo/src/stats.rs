//! Request counters per API and per path prefix: how many requests, how many response-body bytes were actually
//! handed to the connection, and how many requests are in flight now and at most. A request counts for every
//! segment prefix of its path (`/`, `/srv.asmx`, `/srv.asmx/DownloadFileChunk`), so any such prefix can be asked
//! about afterwards, concurrency included. A request is in flight until its response body ends or is dropped.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use docket_core::Kind;
use serde::Serialize;

/// A reading of the counters of one API and path prefix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub requests: u64,
    pub bytes_sent: u64,
    pub in_flight: u64,
    pub max_in_flight: u64,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    bytes_sent: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

impl Counters {
    fn read(&self) -> Counts {
        Counts {
            requests: self.requests.load(Ordering::SeqCst),
            bytes_sent: self.bytes_sent.load(Ordering::SeqCst),
            in_flight: self.in_flight.load(Ordering::SeqCst),
            max_in_flight: self.max_in_flight.load(Ordering::SeqCst),
        }
    }
}

#[derive(Debug, Default)]
pub struct Stats {
    counters: Mutex<HashMap<(Kind, String), Arc<Counters>>>,
}

impl Stats {
    /// Counts a request as started; it stays in flight until the returned meter is dropped.
    pub fn begin(&self, api: Kind, path: &str) -> RequestMeter {
        let mut map = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let counters: Vec<Arc<Counters>> = prefixes(path)
            .map(|prefix| Arc::clone(map.entry((api, prefix)).or_default()))
            .collect();
        drop(map);
        for c in &counters {
            c.requests.fetch_add(1, Ordering::SeqCst);
            let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            c.max_in_flight.fetch_max(now, Ordering::SeqCst);
        }
        RequestMeter { counters }
    }

    /// The counters of requests whose path starts with the segments of `prefix`; zero when none came.
    pub fn get(&self, api: Kind, prefix: &str) -> Counts {
        let key = (
            api,
            prefixes(prefix).last().unwrap_or_else(|| "/".to_owned()),
        );
        let map = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&key).map(|c| c.read()).unwrap_or_default()
    }

    /// The counters of every request to `api`.
    pub fn api(&self, api: Kind) -> Counts {
        self.get(api, "/")
    }

    /// Zeroes requests and bytes; the maximum restarts from the requests still in flight.
    pub fn reset(&self) {
        let map = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        for c in map.values() {
            c.requests.store(0, Ordering::SeqCst);
            c.bytes_sent.store(0, Ordering::SeqCst);
            c.max_in_flight
                .store(c.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        }
    }

    /// API id -> path prefix -> counts, sorted, for `GET /_demo/stats`.
    pub fn snapshot(&self) -> BTreeMap<String, BTreeMap<String, Counts>> {
        let map = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: BTreeMap<String, BTreeMap<String, Counts>> = BTreeMap::new();
        for ((api, prefix), c) in map.iter() {
            out.entry(api.to_string())
                .or_default()
                .insert(prefix.clone(), c.read());
        }
        out
    }
}

/// One request's share of the counters.
#[derive(Debug)]
pub struct RequestMeter {
    counters: Vec<Arc<Counters>>,
}

impl RequestMeter {
    pub fn add_bytes(&self, bytes: u64) {
        for c in &self.counters {
            c.bytes_sent.fetch_add(bytes, Ordering::SeqCst);
        }
    }
}

impl Drop for RequestMeter {
    fn drop(&mut self) {
        for c in &self.counters {
            c.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// `/a/b/c` -> `/`, `/a`, `/a/b`, `/a/b/c` (empty segments ignored).
fn prefixes(path: &str) -> impl Iterator<Item = String> + '_ {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    (0..=segments.len()).map(move |n| format!("/{}", segments[..n].join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: Kind = docket_providers::inforouter::KIND;
    const CHUNK: &str = "/srv.asmx/DownloadFileChunk";

    #[test]
    fn a_request_counts_for_every_prefix_of_its_path() {
        let stats = Stats::default();
        drop(stats.begin(API, CHUNK));
        for prefix in ["/", "/srv.asmx", CHUNK, "/srv.asmx/DownloadFileChunk/"] {
            assert_eq!(stats.get(API, prefix).requests, 1, "{prefix}");
        }
        assert_eq!(stats.get(API, "/srv.asmx/GetDownloadHandler").requests, 0);
        assert_eq!(stats.api(docket_providers::ansarada::KIND).requests, 0);
    }

    #[test]
    fn bytes_sent_add_up_per_prefix() {
        let stats = Stats::default();
        let meter = stats.begin(API, CHUNK);
        meter.add_bytes(100);
        meter.add_bytes(20);
        stats.begin(API, "/other").add_bytes(5);
        assert_eq!(stats.get(API, CHUNK).bytes_sent, 120);
        assert_eq!(stats.api(API).bytes_sent, 125);
    }

    #[test]
    fn in_flight_counts_live_meters_and_remembers_the_maximum() {
        let stats = Stats::default();
        let first = stats.begin(API, CHUNK);
        let second = stats.begin(API, CHUNK);
        drop(first);
        let third = stats.begin(API, CHUNK);
        assert_eq!(stats.get(API, CHUNK).in_flight, 2);
        drop((second, third));
        let counts = stats.get(API, CHUNK);
        assert_eq!((counts.in_flight, counts.max_in_flight), (0, 2));
    }

    #[test]
    fn reset_zeroes_totals_but_keeps_requests_still_in_flight() {
        let stats = Stats::default();
        let live = stats.begin(API, CHUNK);
        drop(stats.begin(API, CHUNK));
        live.add_bytes(10);
        stats.reset();
        let counts = stats.get(API, CHUNK);
        assert_eq!(
            counts,
            Counts {
                requests: 0,
                bytes_sent: 0,
                in_flight: 1,
                max_in_flight: 1
            }
        );
        drop(live);
        assert_eq!(stats.get(API, CHUNK).in_flight, 0);
    }

    #[test]
    fn the_snapshot_groups_prefixes_by_api_id() {
        let stats = Stats::default();
        drop(stats.begin(docket_providers::study_creator::KIND, "/download/study"));
        let snapshot = stats.snapshot();
        let prefixes: Vec<&String> = snapshot["study-creator"].keys().collect();
        assert_eq!(prefixes, ["/", "/download", "/download/study"]);
    }
}
