//! Item 6 of the issue: Resume: a `docket get` killed (SIGKILL) at half of a large file, then `docket queue run`; the bytes the
//! server sends again, counted by the server, against the file's size.

use std::path::Path;
use std::time::{Duration, Instant};

use docket_demo::library::sample;
use docket_store::queue::TransferState;
use docket_store::QueueStore;

use crate::error::BenchError;
use crate::lab::{Bench, Lab, CHUNKED_REMOTE, RANGED_REMOTE};
use crate::measure::check_output;
use crate::plan::{size_label, MIB};
use crate::report::{Figure, Report};

/// Per connection (chunked): slow enough that the kill lands near half, fast enough that half takes about a
/// second.
fn throttle(size: u64) -> u64 {
    (size / 8).max(MIB)
}

/// Per connection (ranged): a quarter of the file a second across all of Docket's segments, so half takes about
/// two seconds and the server sends no faster than Docket writes on a small machine. A server faster than its
/// client fills the loopback sockets' buffers (several MiB per connection), which a kill then throws away; on a
/// real network what is in flight is bounded by the bandwidth-delay product instead.
fn ranged_throttle(size: u64) -> u64 {
    let segments = docket_transfer::EngineConfig::default().segments_per_transfer as u64;
    (size / 4 / segments.max(1)).max(MIB)
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
    state.faults.set_throttle(
        docket_providers::index_health::KIND,
        Some(ranged_throttle(size)),
    );
    let killed_at = get_then_kill(&lab, &store, &dir.join("ranged"), RANGED_REMOTE, &document)?;
    let sent_before = state
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent;
    // What the killed run had recorded (written marks, read after the kill): what the restart may keep.
    let recorded = recorded_bytes(&lab, &store)?;
    state
        .faults
        .set_throttle(docket_providers::index_health::KIND, None);
    finish(&lab, &store)?;
    let sent = state
        .stats
        .get(docket_providers::index_health::KIND, "/s3")
        .bytes_sent;
    let ranged_again = sent.saturating_sub(size);
    let split = Split {
        unrecorded: sent_before.saturating_sub(recorded),
        restart_extra: (sent - sent_before).saturating_sub(size.saturating_sub(recorded)),
    };
    add(report, "ranged", size, killed_at, ranged_again, Some(split));

    // Chunked: chunk reads beyond the ones the file needs, at the remote's chunk size.
    state.stats.reset();
    state
        .faults
        .set_throttle(docket_providers::inforouter::KIND, Some(throttle(size)));
    let killed_at = get_then_kill(
        &lab,
        &store,
        &dir.join("chunked"),
        CHUNKED_REMOTE,
        sample::LARGE_FILE,
    )?;
    state
        .faults
        .set_throttle(docket_providers::inforouter::KIND, None);
    finish(&lab, &store)?;
    let reads = state
        .stats
        .get(
            docket_providers::inforouter::KIND,
            "/srv.asmx/DownloadFileChunk",
        )
        .requests;
    let chunked_again = reads.saturating_sub(size.div_ceil(RESUME_CHUNK)) * RESUME_CHUNK;
    add(report, "chunked", size, killed_at, chunked_again, None);

    lab.stop();
    let _ = std::fs::remove_dir_all(&dir);
    report.method(
        6,
        format!(
            "the server throttles each connection so the kill lands near half: ranged to {} MiB/s per \
             connection (a quarter of the file a second over Docket's {} segments, no faster than Docket writes \
             here, so the loopback sockets' buffers hold no backlog a kill would throw away), chunked to {} MiB/s \
             (an eighth of the file). The bench polls the queue's recorded bytes (written marks), kills `docket get` with SIGKILL once \
             half the file is recorded, lifts the throttle and runs `docket queue run` to the end. Ranged: bytes the server sent on the presigned \
             route beyond the file's size, split into what the server had sent before the kill beyond the bytes \
             the killed run had recorded (held in the sockets' kernel buffers, or read by Docket but not yet \
             recorded: the server cannot tell them apart) and what the restarted run fetched beyond the bytes it \
             was missing. Chunked ({} KiB chunks): chunk reads beyond the ones the file needs, \
             times the chunk size. Both counted by the demo server.",
            ranged_throttle(size) / MIB,
            docket_transfer::EngineConfig::default().segments_per_transfer,
            throttle(size) / MIB,
            RESUME_CHUNK / 1024
        ),
    );
    Ok(())
}

/// Where the ranged bytes sent again went (see the method).
struct Split {
    /// Sent before the kill beyond what the killed run had recorded.
    unrecorded: u64,
    /// Sent after the restart beyond what was missing.
    restart_extra: u64,
}

fn add(
    report: &mut Report,
    shape: &str,
    size: u64,
    killed_at: u64,
    again: u64,
    split: Option<Split>,
) {
    let share = again as f64 / size as f64 * 100.0;
    let mib = |bytes: u64| bytes as f64 / MIB as f64;
    let detail = split.map_or_else(String::new, |split| {
        format!(
            " ({:.2} MiB sent before the kill beyond what Docket had recorded, {:.2} MiB fetched by the restart \
             beyond what was missing)",
            mib(split.unrecorded),
            mib(split.restart_extra)
        )
    });
    report.add(Figure::judged(
        6,
        format!(
            "Resume after a kill at {:.0} %, {shape}, {}",
            killed_at as f64 / size as f64 * 100.0,
            size_label(size)
        ),
        [
            format!("{:.2} MiB transferred again{detail}", mib(again)),
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
                "the server counts what it wrote into the connections ({:.1} MiB sent again in all, split in \
                 the figure): what the killed run had read but not yet recorded as written (Docket records its \
                 written ranges every {} ms, and holds up to 256 KiB per connection before writing), what sat \
                 in the loopback sockets' kernel buffers, which the killed process never read, and what the \
                 restarted run fetched beyond the missing bytes.",
                again as f64 / MIB as f64,
                defaults.mark_every.as_millis()
            ),
            "record written ranges more often; what sits in the kernel's buffers is lost with any client, and on \
             a real network it is bounded by the bandwidth-delay product rather than by loopback's buffer sizes"
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

/// The bytes the queue's one transfer has recorded as written.
fn recorded_bytes(lab: &Lab, store: &QueueStore) -> Result<u64, BenchError> {
    let transfers = lab.bench.runtime.block_on(store.list())?;
    Ok(transfers
        .iter()
        .find(|t| !t.state.is_finished())
        .map_or(0, |t| t.bytes_done))
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
