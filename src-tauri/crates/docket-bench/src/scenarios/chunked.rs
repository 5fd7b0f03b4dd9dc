//! Item 3 of the issue: infoRouter's staged, chunked download with latency added to every request: Docket's chunk reads in
//! flight against a reference client that follows the API page's sequential loop literally (curl in a script).

use std::cell::Cell;
use std::process::Command;
use std::time::Duration;

use docket_demo::library::sample;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, CHUNKED_REMOTE};
use crate::measure::{check_output, rate, timed};
use crate::pairs::alternate;
use crate::plan::size_label;
use crate::report::{Figure, Report};
use crate::scenarios::download_runs::{docket_get, empty_folders};

/// The reference client, written out next to the downloads at run time.
pub const REFERENCE_LOOP: &str = include_str!("inforouter-loop.sh");

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let plan = bench.plan;
    let size = plan.chunked;
    let chunk = plan.chunk_size;
    let lab = Lab::start(bench, "chunked", size, &[format!("chunk_size={chunk}")])?;
    let dir = bench.scratch("chunked")?;
    let script = dir.join("inforouter-loop.sh");
    std::fs::write(&script, REFERENCE_LOOP).map_err(|e| BenchError::io(&script, e))?;
    let state = lab.state();
    let (user, password) = lab.inforouter_login()?;
    let base = lab.base_url(docket_providers::inforouter::KIND);

    // The first staging of a file computes its CRC32 on the server; neither side should pay for it.
    warm_crc32(&base, &user, &password)?;
    state.faults.set_latency(
        docket_providers::inforouter::KIND,
        Duration::from_millis(plan.chunk_latency_ms),
    );

    let out = dir.join("reference.bin");
    let docket_dir = dir.join("docket");
    // The most chunk reads the server saw at once in any of Docket's runs.
    let in_flight = Cell::new(0);
    let times = alternate(
        plan.pairs,
        |_| {
            let _ = std::fs::remove_file(&out);
            state.stats.reset();
            empty_folders(&[&docket_dir])
        },
        || {
            let took = docket_get(&lab, CHUNKED_REMOTE, sample::LARGE_FILE, &docket_dir, size)?;
            let seen = state
                .stats
                .get(
                    docket_providers::inforouter::KIND,
                    "/srv.asmx/DownloadFileChunk",
                )
                .max_in_flight;
            in_flight.set(in_flight.get().max(seen));
            Ok(took)
        },
        || {
            let took = timed(&mut reference(
                &script, &base, &user, &password, chunk, &out,
            ))?;
            let got = std::fs::metadata(&out)
                .map_err(|e| BenchError::io(&out, e))?
                .len();
            if got != size {
                return Err(BenchError::unexpected(
                    "the reference loop",
                    format!("wrote {got} bytes of {size}"),
                ));
            }
            Ok(took)
        },
    )?;
    let in_flight = in_flight.get();
    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let speedup = times.speedup();
    let (docket_took, reference_took) = (times.docket_time(), times.peer_time());
    report.add(Figure::judged(
        3,
        format!(
            "infoRouter chunked, {}, {} chunks, +{} ms per request",
            size_label(size),
            size_label(chunk),
            plan.chunk_latency_ms
        ),
        [
            format!(
                "{}, {}; {in_flight} chunk reads in flight at most",
                rate(size, docket_took.median),
                docket_took.time_cell()
            ),
            format!(
                "sequential loop: {}, {}",
                rate(size, reference_took.median),
                reference_took.time_cell()
            ),
            speedup.ratio_cell(),
            ">= 4x the loop".into(),
        ],
        speedup.median >= 4.0,
        || {
            let defaults = docket_transfer::EngineConfig::default();
            (
                format!(
                    "Docket keeps up to {} MiB of chunks in flight (`EngineConfig::chunk_bytes_in_flight`), \
                     at most {} reads for {} chunks (the per-remote limit; the run saw {in_flight}); it decodes \
                     each answer's base64 as it arrives, and its readers share one fdatasync per round. What is \
                     left is the CPU of {} cores shared by the demo server (which base64-encodes and XML-wraps \
                     every chunk), Docket (which decodes it and checks its CRC32) and the disk flushes.",
                    defaults.chunk_bytes_in_flight / (1024 * 1024),
                    defaults.chunk_reads(chunk),
                    size_label(chunk),
                    std::thread::available_parallelism().map_or(1, |n| n.get())
                ),
                "more reads in flight for small chunks (a higher per-remote limit for chunked remotes), and a \
                 measurement with the server on cores of its own: much of each round trip here is the demo \
                 server's encoding, on the same two cores as Docket"
                    .into(),
            )
        },
    ));
    report.method(
        3,
        format!(
            "the demo server adds {} ms before every infoRouter request (`/_demo/faults` kind `latency`); the \
             remote asks for {}-byte chunks. {} alternating pairs, outputs removed before every run: \
             `docket get demo-inforouter <large file>`, then the reference client \
             (src-tauri/crates/docket-bench/src/scenarios/inforouter-loop.sh: AuthenticateUser, \
             GetDownloadHandler, DownloadFileChunk in a loop, one request at a time, base64-decoded with \
             `base64 -d`, DeleteDownloadHandler). The server's CRC32 of the file is computed once before \
             anything is timed. A pair's ratio is the loop's time over Docket's; met when the median ratio meets \
             the target.",
            plan.chunk_latency_ms, chunk, plan.pairs
        ),
    );
    Ok(())
}

/// `GetDownloadInfo` makes the server compute (and keep) the file's CRC32.
fn warm_crc32(base: &str, user: &str, password: &str) -> Result<(), BenchError> {
    let api = format!("{base}/srv.asmx");
    let login = check_output(
        Command::new("curl")
            .args(["-sS", "--fail", &format!("{api}/AuthenticateUser")])
            .args(["--data-urlencode", &format!("UID={user}")])
            .args(["--data-urlencode", &format!("PWD={password}")]),
    )?;
    let answer = String::from_utf8_lossy(&login.stdout);
    let ticket = answer
        .split_once(" ticket=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(ticket, _)| ticket.to_owned())
        .ok_or_else(|| BenchError::unexpected("AuthenticateUser", answer.to_string()))?;
    check_output(
        Command::new("curl")
            .args(["-sS", "--fail", &format!("{api}/GetDownloadInfo")])
            .args([
                "--data-urlencode",
                &format!("AuthenticationTicket={ticket}"),
            ])
            .args(["--data-urlencode", &format!("Path={}", sample::LARGE_FILE)]),
    )?;
    Ok(())
}

fn reference(
    script: &std::path::Path,
    base: &str,
    user: &str,
    password: &str,
    chunk: u64,
    out: &std::path::Path,
) -> Command {
    let mut command = Command::new("bash");
    command
        .arg(script)
        .args([base, user, password, sample::LARGE_FILE, &chunk.to_string()])
        .arg(out);
    command
}
