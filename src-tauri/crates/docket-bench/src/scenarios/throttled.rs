//! Item 2 of the issue: A server that throttles every connection: Docket's parallel ranged segments against curl's one
//! connection, on the same presigned URL.

use std::cell::Cell;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, RANGED_REMOTE};
use crate::measure::rate;
use crate::pairs::alternate;
use crate::plan::size_label;
use crate::report::{Figure, Report};
use crate::scenarios::download_runs::{curl, docket_get, empty_folders};

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let plan = bench.plan;
    let size = plan.throttled;
    let lab = Lab::start(bench, "throttled", size, &[])?;
    let document = lab.large_document_id()?;
    let url = lab.presigned(&document)?;
    let dir = bench.scratch("throttled")?;
    let state = lab.state();
    state.faults.set_throttle(
        docket_providers::index_health::KIND,
        Some(plan.throttle_bytes_per_sec),
    );

    let (docket_dir, curl_file) = (dir.join("docket"), dir.join("curl.bin"));
    // The most connections the server saw at once in any of Docket's runs.
    let connections = Cell::new(0);
    let times = alternate(
        plan.pairs,
        |_| {
            let _ = std::fs::remove_file(&curl_file);
            state.stats.reset();
            empty_folders(&[&docket_dir])
        },
        || {
            let took = docket_get(&lab, RANGED_REMOTE, &document, &docket_dir, size)?;
            let seen = state
                .stats
                .get(docket_providers::index_health::KIND, "/s3")
                .max_in_flight;
            connections.set(connections.get().max(seen));
            Ok(took)
        },
        || curl(&url, &curl_file, size),
    )?;
    let connections = connections.get();
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let speedup = times.speedup();
    let (docket_took, curl_took) = (times.docket_time(), times.peer_time());
    let per_connection = format!("{:.0} MB/s", plan.throttle_bytes_per_sec as f64 / 1e6);
    report.add(Figure::judged(
        2,
        format!(
            "Throttled server ({per_connection} per connection), {}",
            size_label(size)
        ),
        [
            format!(
                "{}, {}; {connections} connections at most",
                rate(size, docket_took.median),
                docket_took.time_cell()
            ),
            format!(
                "curl: {}, {}",
                rate(size, curl_took.median),
                curl_took.time_cell()
            ),
            speedup.ratio_cell(),
            ">= 6x curl".into(),
        ],
        speedup.median >= 6.0,
        || {
            // `docket` runs the queue with the engine's defaults.
            let defaults = docket_transfer::EngineConfig::default();
            let (segments, per_remote) = (
                defaults.segments_per_transfer,
                defaults.max_connections_per_remote,
            );
            (
                format!(
                    "the queue's defaults allow {segments} ranged segments per transfer and {per_remote} \
                     requests per remote (`EngineConfig::segments_per_transfer`, `max_connections_per_remote`), \
                     and the run used {connections}; against a server that caps each connection, {segments} \
                     connections can be at most {segments}x one connection."
                ),
                "let the splitter add segments beyond the defaults while the throughput per connection stays \
                 flat (as aria2's `-x`/`-s` do), and let users set the limits in the app's settings and \
                 `docket`'s flags"
                    .into(),
            )
        },
    ));
    report.method(
        2,
        format!(
            "the demo server throttles every Index Health response body to {} bytes/s per connection \
             (`/_demo/faults` kind `throttle`). {} alternating pairs, folders emptied before every run: `docket \
             get` (ranged segments through the queue), then `curl -sS --fail -o` of the same presigned URL. \
             Connections counted by the server (`max_in_flight` on `/s3`, the most of any of Docket's runs). A \
             pair's ratio is curl's time over Docket's; met when the median ratio meets the target.",
            plan.throttle_bytes_per_sec, plan.pairs
        ),
    );
    Ok(())
}
