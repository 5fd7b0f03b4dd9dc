//! Item 6 of the issue: Resume: a `docket get` killed (SIGKILL) at half of a large file, then `docket queue run`; the bytes the
//! server sends again, counted by the server, against the file's size.

use std::path::Path;
use std::time::{Duration, Instant};

use docket_core::Kind;
use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_store::QueueStore;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, CHUNKED_REMOTE, RANGED_REMOTE};
use crate::measure::check_output;
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};

/// Per connection: slow enough that the kill lands near half, fast enough that half takes about a second.
fn throttle(size: u64) -> u64 {
    (size / 8).max(MIB)
}
const RESUME_CHUNK: u64 = MIB;

pub fn run(bench: &Bench, report: &mut Report) -> Result<(), BenchError> {
    let size = bench.plan.resume;
    let lab = Lab::start(
        bench,
        "resume",
        size,
        &[format!("chunk_size={RESUME_CHUNK}")],
    )?;
    let dir = bench.scratch("resume")?;
    let state = lab.state();
    let store = bench.runtime.block_on(async {
        let pool = docket_store::database::open(&lab.data_dir).await?;
        Ok::<_, BenchError>(QueueStore::new(pool))
    })?;

    // Ranged: bytes the presigned route sent beyond the file's size.
    let document = lab.large_document_id()?;
    state.stats.reset();
    state
        .faults
        .set_throttle(Kind::IndexHealth, Some(throttle(size)));
    let killed_at = get_then_kill(&lab, &store, &dir.join("ranged"), RANGED_REMOTE, &document)?;
    state.faults.set_throttle(Kind::IndexHealth, None);
    finish(&lab, &store)?;
    let sent = state.stats.get(Kind::IndexHealth, "/s3").bytes_sent;
    let ranged_again = sent.saturating_sub(size);
    add(report, "ranged", size, killed_at, ranged_again);

    // Chunked: chunk reads beyond the ones the file needs, at the remote's chunk size.
    state.stats.reset();
    state
        .faults
        .set_throttle(Kind::Inforouter, Some(throttle(size)));
    let killed_at = get_then_kill(
        &lab,
        &store,
        &dir.join("chunked"),
        CHUNKED_REMOTE,
        sample::LARGE_FILE,
    )?;
    state.faults.set_throttle(Kind::Inforouter, None);
    finish(&lab, &store)?;
    let reads = state
        .stats
        .get(Kind::Inforouter, "/srv.asmx/DownloadFileChunk")
        .requests;
    let chunked_again = reads.saturating_sub(size.div_ceil(RESUME_CHUNK)) * RESUME_CHUNK;
    add(report, "chunked", size, killed_at, chunked_again);

    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);
    report.method(
        6,
        format!(
            "the server throttles each connection to {} MiB/s (an eighth of the file) so the kill lands near half; the bench polls the \
             queue's committed bytes, kills `docket get` with SIGKILL once half the file is committed, lifts the \
             throttle and runs `docket queue run` to the end. Ranged: bytes the server sent on the presigned \
             route beyond the file's size. Chunked ({} KiB chunks): chunk reads beyond the ones the file needs, \
             times the chunk size. Both counted by the demo server.",
            throttle(size) / MIB,
            RESUME_CHUNK / 1024
        ),
    );
    Ok(())
}

fn add(report: &mut Report, shape: &str, size: u64, killed_at: u64, again: u64) {
    let share = again as f64 / size as f64 * 100.0;
    report.add(Figure::judged(
        6,
        format!(
            "Resume after a kill at {:.0} %, {shape}, {}",
            killed_at as f64 / size as f64 * 100.0,
            size_label(size)
        ),
        [
            format!("{:.2} MiB transferred again", again as f64 / MIB as f64),
            "—".into(),
            format!("{share:.2} % of the file"),
            "< 1 %".into(),
        ],
        share < 1.0,
        || missed_reason(shape, again),
    ));
}

/// Why more than the target was sent again, from what each shape can lose at a kill.
fn missed_reason(shape: &str, again: u64) -> (String, String) {
    let defaults = docket_transfer::EngineConfig::default();
    if shape == "ranged" {
        (
            format!(
                "the server counts what it wrote into the connections ({:.1} MiB sent again in all): besides up \
                 to `checkpoint_bytes` ({} MiB) per connection that Docket had received but not yet committed, \
                 the loopback sockets' kernel buffers (autotuned to several MiB per connection) held bytes the \
                 killed process never read, and those are sent again too.",
                again as f64 / MIB as f64,
                defaults.checkpoint_bytes / MIB
            ),
            "Docket's own share is the uncommitted tail of each segment: keep and verify it on restart instead \
             of fetching it again. What sits in the kernel's buffers is lost with any client; on a real network \
             it is bounded by the bandwidth-delay product, not by loopback's buffer sizes, so measure this with \
             the server's socket send buffer capped as well"
                .into(),
        )
    } else {
        (
            format!(
                "{:.1} MiB were read again: a whole chunk for every read in flight at the kill (up to {} for \
                 1 MiB chunks).",
                again as f64 / MIB as f64,
                defaults.chunk_reads(MIB)
            ),
            "smaller chunks on large files bound what a kill costs".into(),
        )
    }
}

/// Starts `docket get`, kills it once the queue shows half the file committed, and answers the bytes
/// committed at the kill.
fn get_then_kill(
    lab: &Lab,
    store: &QueueStore,
    dest: &Path,
    remote: &str,
    document: &str,
) -> Result<u64, BenchError> {
    let size = lab.bench.plan.resume;
    let mut child = lab
        .docket()
        .args(["get", remote, document, "--json", "--to"])
        .arg(dest)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| BenchError::Setup(format!("could not start docket: {e}")))?;
    let started = Instant::now();
    let committed = loop {
        let done = lab
            .bench
            .runtime
            .block_on(store.list())?
            .iter()
            .find(|t| t.state == TransferState::Downloading)
            .map_or(0, |t| t.bytes_done);
        if done >= size / 2 {
            break done;
        }
        let ended = child
            .try_wait()
            .map_err(|e| BenchError::unexpected("docket get", e.to_string()))?;
        if ended.is_some() || started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            return Err(BenchError::unexpected(
                "docket get",
                "ended or stalled before half the file was committed (the throttle is too loose for this size)",
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Child::kill is SIGKILL on Unix: no chance to commit anything more.
    let _ = child.kill();
    let _ = child.wait();
    Ok(committed)
}

fn finish(lab: &Lab, store: &QueueStore) -> Result<(), BenchError> {
    check_output(lab.docket().args(["queue", "run"]))?;
    let transfers = lab.bench.runtime.block_on(store.list())?;
    match transfers
        .iter()
        .find(|t| t.state != TransferState::Completed)
    {
        Some(left) => Err(BenchError::unexpected(
            "docket queue run",
            format!("transfer {} ended {}", left.id, left.state),
        )),
        None => Ok(()),
    }
}
