//! Item 2 of the issue: A server that throttles every connection: Docket's parallel ranged segments against curl's one
//! connection, on the same presigned URL.

use std::process::Command;

use crate::error::BenchError;
use crate::lab::{saved_file, Bench, Lab, RANGED_REMOTE};
use crate::measure::{rate, timed};
use crate::plan::size_label;
use crate::report::{Figure, Report};
use crate::scenarios::{ratio, secs};

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

    let mut curl = Command::new("curl");
    curl.args(["-sS", "--fail", "-o"]).arg(dir.join("curl.bin"));
    for (name, value) in &url.headers {
        curl.arg("-H").arg(format!("{name}: {}", value.expose()));
    }
    curl.arg(&url.url);
    let curl_took = timed(&mut curl)?.as_secs_f64();
    let _ = std::fs::remove_file(dir.join("curl.bin"));

    state.stats.reset();
    let docket_dir = dir.join("docket");
    let docket_took = timed(lab.docket().args([
        "get",
        RANGED_REMOTE,
        &document,
        "--to",
        &docket_dir.to_string_lossy(),
        "--json",
    ]))?
    .as_secs_f64();
    let connections = state
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .max_in_flight;
    saved_file(&docket_dir)?;
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let speedup = curl_took / docket_took;
    let per_connection = format!("{:.0} MB/s", plan.throttle_bytes_per_sec as f64 / 1e6);
    report.add(Figure::judged(
        2,
        format!(
            "Throttled server ({per_connection} per connection), {}",
            size_label(size)
        ),
        [
            format!(
                "{} in {} ({connections} connections at most)",
                rate(size, docket_took),
                secs(docket_took)
            ),
            format!("curl: {} in {}", rate(size, curl_took), secs(curl_took)),
            format!("{} curl", ratio(speedup)),
            ">= 6x curl".into(),
        ],
        speedup >= 6.0,
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
             (`/_demo/faults` kind `throttle`). One timed run each: `curl -sS --fail -o` of the presigned URL, \
             then `docket get` (ranged segments through the queue). Connections counted by the server \
             (`max_in_flight` on `/s3`). Ratio = curl's time / Docket's time.",
            plan.throttle_bytes_per_sec
        ),
    );
    Ok(())
}
